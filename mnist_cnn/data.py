"""MNIST on disk: where it lives, and loading it whole into memory as tensors."""

import os
from pathlib import Path

import torch
from torchvision.datasets import MNIST

from mnist_cnn.config import DATA_DIR_ENV, DEFAULT_DATA_DIR
from mnist_cnn.errors import DataUnavailable


def resolve_data_dir(data_dir: str | os.PathLike | None = None) -> Path:
    """The data directory: the explicit option, else $MNIST_DATA_DIR, else ./data."""
    return Path(data_dir or os.environ.get(DATA_DIR_ENV) or DEFAULT_DATA_DIR)


def load_mnist(data_dir: str | os.PathLike | None = None, train: bool = True) -> tuple[torch.Tensor, torch.Tensor]:
    """Return (images uint8 N x 28 x 28, labels int64 N), downloading MNIST if it is missing and we are online."""
    root = resolve_data_dir(data_dir)
    try:
        dataset = MNIST(root=str(root), train=train, download=True)
    except Exception as exc:  # torchvision raises RuntimeError, URLError or OSError depending on what failed
        raise DataUnavailable(
            f"MNIST is not in {root}/MNIST/raw and could not be downloaded ({type(exc).__name__}); "
            f"pass --data-dir or set {DATA_DIR_ENV} to a folder holding MNIST/raw, or connect to the internet."
        ) from None
    return dataset.data, dataset.targets.long()


def split_holdout(
    images: torch.Tensor, labels: torch.Tensor, count: int, seed: int = 0
) -> tuple[tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
    """Set aside `count` random training images (the same ones for the same seed) that training never sees:
    ((train images, train labels), (held-out images, held-out labels))."""
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(seed))
    keep, held = order[: len(images) - count].sort().values, order[len(images) - count :].sort().values
    return (images[keep], labels[keep]), (images[held], labels[held])
