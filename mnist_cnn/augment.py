"""Batched data augmentation on tensors: the ways real handwriting differs from MNIST's.

Everything works on a whole batch (N, 1, 28, 28) in 0..1 at once, which on a CPU is far faster
than transforming images one by one in a DataLoader.
"""

import math
from dataclasses import dataclass

import torch
import torch.nn.functional as F


@dataclass(frozen=True)
class Augment:
    """Random rotation, scale, shear, translation, elastic distortion and stroke thickness."""

    degrees: float = 12.0
    scale: tuple[float, float] = (0.85, 1.15)
    shear_degrees: float = 10.0
    translate_px: float = 2.0
    elastic_px: float = 0.75
    thickness_prob: float = 0.5

    def __call__(self, x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """Return an augmented copy of the batch x (N, 1, H, W), values in 0..1."""
        x = change_thickness(x, self.thickness_prob, generator)
        grid = self.affine_grid(x, generator) + self.elastic_field(x, generator)
        return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=False)

    def affine_grid(self, x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """Sampling grid for a random rotation, scale, shear and translation of each image."""
        n, _, h, w = x.shape

        def uniform(low: float, high: float) -> torch.Tensor:
            return torch.empty(n).uniform_(low, high, generator=generator)

        angle = uniform(-self.degrees, self.degrees) * math.pi / 180
        shear = uniform(-self.shear_degrees, self.shear_degrees) * math.pi / 180
        scale = uniform(*self.scale)
        # grid_sample maps output to input coordinates, so the matrix is the inverse transform
        cos, sin = torch.cos(angle) / scale, torch.sin(angle) / scale
        tan = torch.tan(shear)
        theta = torch.zeros(n, 2, 3)
        theta[:, 0, 0] = cos
        theta[:, 0, 1] = -sin + cos * tan
        theta[:, 1, 0] = sin
        theta[:, 1, 1] = cos + sin * tan
        theta[:, 0, 2] = uniform(-1, 1) * self.translate_px * 2 / w
        theta[:, 1, 2] = uniform(-1, 1) * self.translate_px * 2 / h
        return F.affine_grid(theta, list(x.shape), align_corners=False)

    def elastic_field(self, x: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        """A smooth random displacement field (N, H, W, 2): coarse noise upsampled bilinearly."""
        n, _, h, w = x.shape
        coarse = torch.randn(n, 2, 3, 3, generator=generator) * (self.elastic_px * 2 / h)
        return F.interpolate(coarse, size=(h, w), mode="bicubic", align_corners=False).permute(0, 2, 3, 1)


def change_thickness(x: torch.Tensor, prob: float, generator: torch.Generator) -> torch.Tensor:
    """Thicken or thin the strokes of a random share `prob` of the images, by a random fraction of a pixel."""
    n = x.shape[0]
    dilated = F.max_pool2d(x, 3, stride=1, padding=1)
    eroded = -F.max_pool2d(-x, 3, stride=1, padding=1)
    amount = torch.rand(n, 1, 1, 1, generator=generator)
    choice = torch.rand(n, 1, 1, 1, generator=generator)
    thick = x + (dilated - x) * amount * 0.7
    thin = x + (eroded - x) * amount * 0.6
    changed = torch.where(choice < 0.5, thick, thin)
    return torch.where(choice < prob, changed, x)
