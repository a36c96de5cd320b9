"""The networks: the reference article's CNN (`seed`) and the default, more accurate one (`mnist_cnn`)."""

import torch
from torch import nn

from mnist_cnn.config import IMAGE_SIZE


class SeedNet(nn.Module):
    """The tutorial's network: two 5x5 conv + pool stages, then two fully connected layers."""

    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 16, kernel_size=5, stride=1, padding=2),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 32, kernel_size=5, stride=1, padding=2),
            nn.ReLU(),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(32 * (IMAGE_SIZE // 4) ** 2, 256),
            nn.ReLU(),
            nn.Linear(256, 10),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def conv_bn(c_in: int, c_out: int) -> nn.Sequential:
    """A 3x3 convolution, batch norm and ReLU: the building block of the default network."""
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, kernel_size=3, padding=1, bias=False),
        nn.BatchNorm2d(c_out),
        nn.ReLU(inplace=True),
    )


class MnistNet(nn.Module):
    """The default network: the same conv -> pool -> fully connected story, with batch norm and dropout.

    Three stages of 3x3 convolutions (28 -> 14 -> 7 -> 3 pixels) extract strokes, then parts, then
    digit shapes; the fully connected head maps those features to the ten classes.
    """

    def __init__(self, widths: tuple[int, int, int] = (32, 64, 128), hidden: int = 128) -> None:
        super().__init__()
        w1, w2, w3 = widths
        self.features = nn.Sequential(
            conv_bn(1, w1),
            conv_bn(w1, w1),
            nn.MaxPool2d(2),
            conv_bn(w1, w2),
            conv_bn(w2, w2),
            nn.MaxPool2d(2),
            conv_bn(w2, w3),
            nn.MaxPool2d(2),
        )
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Dropout(0.15),
            nn.Linear(w3 * 3 * 3, hidden),
            nn.ReLU(inplace=True),
            nn.Dropout(0.15),
            nn.Linear(hidden, 10),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


ARCHS = {
    "seed": SeedNet,
    "mnist_cnn": MnistNet,
    "mnist_cnn_small": lambda: MnistNet(widths=(16, 32, 64)),
}
DEFAULT_ARCH = "mnist_cnn"


def build_model(arch: str = DEFAULT_ARCH) -> nn.Module:
    """Return a freshly initialised network of the named architecture."""
    if arch not in ARCHS:
        raise ValueError(f"Unknown arch {arch!r}; choose one of {', '.join(ARCHS)}.")
    return ARCHS[arch]()
