"""MNIST (and USPS) on disk: where they live, and loading them whole into memory."""

import os
from pathlib import Path

import numpy as np
import torch
from torchvision.datasets import MNIST, USPS

from mnist_cnn.config import DATA_DIR_ENV, DEFAULT_DATA_DIR, HOLDOUT_SEED
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
    images: torch.Tensor, labels: torch.Tensor, count: int, seed: int = HOLDOUT_SEED
) -> tuple[tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
    """Set aside `count` random training images (the same ones for the same seed) that training never sees:
    ((train images, train labels), (held-out images, held-out labels))."""
    order = torch.randperm(len(images), generator=torch.Generator().manual_seed(seed))
    keep, held = order[: len(images) - count].sort().values, order[len(images) - count :].sort().values
    return (images[keep], labels[keep]), (images[held], labels[held])


USPS_FILE = Path("real-handwriting") / "usps.npz"
"""USPS in an offline data folder (../shared/data here): 7,291 training and 2,007 test digits, 16x16, ink high."""


def load_usps(data_dir: str | os.PathLike | None = None, train: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """USPS's scanned digits, by other writers than MNIST's: (images uint8 N x 16 x 16, ink high; labels int64).
    From USPS_FILE in the data folder, else torchvision's copy (downloaded when missing and online)."""
    root = resolve_data_dir(data_dir)
    if (root / USPS_FILE).exists():
        data = np.load(root / USPS_FILE)
        part = "train" if train else "test"
        return data[f"x_{part}"], data[f"y_{part}"].astype(np.int64)
    try:
        dataset = USPS(root=str(root), train=train, download=True)
    except Exception as exc:  # as for MNIST: RuntimeError, URLError or OSError depending on what failed
        raise DataUnavailable(
            f"USPS is not in {root / USPS_FILE} nor in {root}, and could not be downloaded ({type(exc).__name__}); "
            f"pass --data-dir or set {DATA_DIR_ENV} to a folder holding it, connect to the internet, or train "
            "with --no-usps."
        ) from None
    return np.asarray(dataset.data, dtype=np.uint8), np.asarray(dataset.targets, dtype=np.int64)
