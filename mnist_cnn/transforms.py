"""Normalization: the one place that turns 0..1 pixels into what the network was trained on.

Training, evaluation and inference all go through `Normalization`, and every checkpoint records
the mean and std it was trained with, so inference always uses the checkpoint's own values.
"""

from dataclasses import dataclass

import numpy as np
import torch

from mnist_cnn.config import IMAGE_SIZE, MNIST_MEAN, MNIST_STD


@dataclass(frozen=True)
class Normalization:
    """Per-pixel standardization `(x - mean) / std` for single-channel images in 0..1."""

    mean: float = MNIST_MEAN
    std: float = MNIST_STD

    def __call__(self, images: torch.Tensor) -> torch.Tensor:
        """Normalize a float tensor of shape (..., 1, H, W) with values in 0..1."""
        # the arithmetic of torchvision's Normalize, without importing torchvision (165 MB) into the app
        return (images - self.mean) / self.std

    def to_model_input(self, image: np.ndarray) -> torch.Tensor:
        """Turn one 28x28 float image in 0..1 (white ink on black, as MNIST) into a 1x1x28x28 batch."""
        if image.shape != (IMAGE_SIZE, IMAGE_SIZE):
            raise ValueError(f"expected a {IMAGE_SIZE}x{IMAGE_SIZE} image, got shape {image.shape}")
        return self(torch.from_numpy(np.ascontiguousarray(image, dtype=np.float32))[None, None])

    def to_float(self, images_uint8: torch.Tensor) -> torch.Tensor:
        """Scale uint8 images (N, H, W) to float (N, 1, H, W) in 0..1, as `ToTensor` does."""
        return images_uint8.unsqueeze(1).float().div_(255.0)
