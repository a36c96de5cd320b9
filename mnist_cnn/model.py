"""The networks: the reference article's CNN (`seed`), the default, more accurate one (`mnist_cnn`), and a
narrower one of the same layout for the quick recipe (`mnist_cnn_small`, `--fast`)."""

import torch
from torch import nn

from mnist_cnn.config import IMAGE_SIZE

NORMS = ("none", "lrn", "batch")
POOLS = ("max", "avg")
KERNELS = (3, 5)


class SeedNet(nn.Module):
    """The tutorial's network: two 5x5 conv + pool stages, then two fully connected layers.

    Its variants (the Train tab's choices) change one concept at a time: the kernel size (3 or 5), a
    normalization after each convolution (none, as the article's network; local response normalization after the
    ReLU, as the article describes it and AlexNet used it; or batch normalization before the ReLU), max or average
    pooling, and the width: `width` feature maps in the first convolution, twice as many in the second.
    """

    def __init__(self, kernel: int = 5, norm: str = "none", pool: str = "max", width: int = 16) -> None:
        super().__init__()
        if kernel not in KERNELS or norm not in NORMS or pool not in POOLS or not 1 <= width <= 256:
            raise ValueError(f"No such article network: kernel {kernel}, norm {norm}, pool {pool}, width {width}.")
        self.features = nn.Sequential(*stage(1, width, kernel, norm, pool),
                                      *stage(width, 2 * width, kernel, norm, pool))
        self.classifier = nn.Sequential(
            nn.Flatten(),
            nn.Linear(2 * width * (IMAGE_SIZE // 4) ** 2, 256),
            nn.ReLU(),
            nn.Linear(256, 10),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x))


def stage(c_in: int, c_out: int, kernel: int, norm: str, pool: str) -> list[nn.Module]:
    """One convolution stage of the article's network: convolution, ReLU (with the chosen normalization), pooling;
    without a normalization, exactly the article's layers (so its checkpoints keep their weights' names)."""
    layers: list[nn.Module] = [nn.Conv2d(c_in, c_out, kernel_size=kernel, stride=1, padding=kernel // 2)]
    if norm == "batch":
        layers.append(nn.BatchNorm2d(c_out))
    layers.append(nn.ReLU())
    if norm == "lrn":
        layers.append(nn.LocalResponseNorm(size=5))
    layers.append(nn.MaxPool2d(2) if pool == "max" else nn.AvgPool2d(2))
    return layers


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


def build_model(arch: str = DEFAULT_ARCH, options: dict | None = None) -> nn.Module:
    """Return a freshly initialised network of the named architecture; `options` choose a variant of the article's
    network (`seed`): kernel, norm, pool and width, as SeedNet takes them."""
    if arch not in ARCHS:
        raise ValueError(f"Unknown arch {arch!r}; choose one of {', '.join(ARCHS)}.")
    if options and arch != "seed":
        raise ValueError(f"Only the article's network (seed) has variants, not {arch!r}.")
    return ARCHS[arch](**(options or {}))
