"""A reader of digits that touch: how many digits a piece of ink holds, and where each one stands.

`segment` cuts a number into digits along the gaps between its strokes; digits written fast touch and overlap,
and then no gap is there to cut along. This network reads the piece as a whole, left to right, the way line-text
readers do: a few convolutions turn the piece (scaled to HEIGHT pixels) into a row of frames, one every STRIDE
pixels, and each frame says which digit stands there, or none (CTC's blank). Trained with the CTC loss on numbers
composed from MNIST's training digits and generated ones, touching, overlapping, with gaps and in one stroke
(`compose_strip`), it needs no cuts to learn from: only the digits of each number.

The page still reads each digit with the digit network (its answers and calibration stay as they are): this one
only says how many digits there are and where, so that `segment` cuts in the right places.
"""

import os
from dataclasses import dataclass

import cv2
import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file
from torch import nn

from mnist_cnn.checkpoint import decoded_metadata
from mnist_cnn.errors import CheckpointError
from mnist_cnn.model import conv_bn
from mnist_cnn.render import side_by_side

HEIGHT = 32
"""Pieces are read scaled to this many pixels tall."""
STRIDE = 4
"""One frame every this many pixels of the scaled piece."""
BLANK = 10
"""The CTC class for "no digit here"."""
NARROWEST = 4 * STRIDE
"""A scaled piece is at least this wide (a narrow 1 is padded)."""
FORMAT = "mnist-cnn-sequence/1"
"""What a reader's checkpoint says it is."""


class SequenceNet(nn.Module):
    """Convolutions over the scaled piece (HEIGHT x W) to a row of W / STRIDE frames, a little context along the
    row, and a class per frame: a digit, or BLANK."""

    def __init__(self, widths: tuple[int, int, int] = (16, 32, 64), hidden: int = 96) -> None:
        super().__init__()
        w1, w2, w3 = widths
        self.features = nn.Sequential(
            conv_bn(1, w1), nn.MaxPool2d(2),  # 32 -> 16
            conv_bn(w1, w2), nn.MaxPool2d(2),  # 16 -> 8, frames every 4 pixels from here
            conv_bn(w2, w3), conv_bn(w3, w3), nn.MaxPool2d((2, 1)),  # 8 -> 4 rows
        )
        self.collapse = nn.Sequential(nn.Conv2d(w3, hidden, kernel_size=(HEIGHT // 8, 1)), nn.ReLU(inplace=True))
        self.context = nn.Sequential(
            nn.Conv1d(hidden, hidden, 5, padding=2), nn.ReLU(inplace=True),
            nn.Conv1d(hidden, hidden, 5, padding=2), nn.ReLU(inplace=True),
        )
        self.classes = nn.Conv1d(hidden, BLANK + 1, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(batch, 1, HEIGHT, W) -> log-probabilities (W / STRIDE frames, batch, 11), as nn.CTCLoss takes them."""
        row = self.collapse(self.features(x)).squeeze(2)
        return self.classes(self.context(row)).permute(2, 0, 1).log_softmax(-1)


def read_metadata(path: str | os.PathLike) -> dict:
    """The reader's checkpoint metadata (format, recipe, figures); a CheckpointError naming the file if it is
    missing, damaged or not a number reader's."""
    meta = decoded_metadata(path, "python -m mnist_cnn.train --preset sequence")
    if meta.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a number reader's checkpoint.")
    return meta


def load(path: str | os.PathLike) -> SequenceNet:
    """The reader saved by `mnist_cnn.sequence_training`; a CheckpointError naming the file if it is not one."""
    read_metadata(path)
    try:
        tensors = load_file(str(path))
    except (SafetensorError, OSError) as exc:
        raise CheckpointError(f"Number reader {path} is damaged ({exc}).") from None
    model = SequenceNet()
    try:
        model.load_state_dict(tensors)
    except RuntimeError:
        raise CheckpointError(f"{path} does not hold a number reader's weights.") from None
    return model.eval()


def strip(ink: np.ndarray) -> np.ndarray:
    """A piece's ink (float 0..1, ink high) cropped to its strokes, scaled to HEIGHT pixels tall (a 2-pixel rim
    above and below) and padded to a whole number of frames: what the network reads."""
    rows = np.flatnonzero(ink.max(axis=1) > 0.1)
    cols = np.flatnonzero(ink.max(axis=0) > 0.1)
    if len(rows) == 0:
        return np.zeros((HEIGHT, NARROWEST), np.float32)
    ink = ink[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1].astype(np.float32)
    inner = HEIGHT - 4
    scale = inner / ink.shape[0]
    width = max(1, round(ink.shape[1] * scale))
    interpolation = cv2.INTER_AREA if scale < 1 else cv2.INTER_LINEAR
    scaled = cv2.resize(ink, (width, inner), interpolation=interpolation)
    total = max(NARROWEST, -(-(width + 4) // STRIDE) * STRIDE)
    out = np.zeros((HEIGHT, total), np.float32)
    left = (total - width) // 2
    out[2 : 2 + inner, left : left + width] = np.clip(scaled, 0, 1)
    return out


@dataclass(frozen=True)
class Read:
    """What the network read in a piece: its digits, how sure the network is of the least sure of them, and each
    one's ten probabilities (at its surest frame)."""

    digits: list[int]
    sure: float
    probabilities: list[np.ndarray]


def decode(log_probs: torch.Tensor) -> Read:
    """Best-path decoding of one piece's frames (T, 11): each run of one digit's frames is a digit, with the ten
    probabilities of the most probable of its frames."""
    probs = log_probs.exp()
    best = probs.argmax(-1).tolist()
    digits, chances, run = [], [], None
    for t, c in enumerate(best + [BLANK]):
        if run is not None and c != run[0]:
            peak = max(range(run[1], t), key=lambda f: float(probs[f, run[0]]))
            digits.append(run[0])
            chances.append((probs[peak, :BLANK] / probs[peak, :BLANK].sum()).numpy())
            run = None
        if c != BLANK and run is None:
            run = (c, t)
    sure = min((float(chance.max()) for chance in chances), default=0.0)
    return Read(digits, sure, chances)


def read_pieces(model: nn.Module, pieces: list[np.ndarray]) -> list[Read]:
    """What `model` reads in each piece of ink, all in one batch."""
    strips = [strip(ink) for ink in pieces]
    widest = max(s.shape[1] for s in strips)
    batch = np.zeros((len(strips), 1, HEIGHT, widest), np.float32)
    for i, s in enumerate(strips):
        batch[i, 0, :, : s.shape[1]] = s
    with torch.inference_mode():
        log_probs = model(torch.from_numpy(batch))
    return [decode(log_probs[: s.shape[1] // STRIDE, i]) for i, s in enumerate(strips)]


def compose_ink(digits: list[np.ndarray], rng: np.random.Generator, gaps: tuple[float, float],
                joined: bool = False, heights: tuple[int, int] = (24, 100)) -> np.ndarray:
    """Digits (uint8, ink high, as MNIST keeps them) written side by side as one piece of ink (0..1), as
    `render.compose_number` writes them (`joined`: in one stroke), at a random height in `heights`, the pen made
    thicker or thinner at times."""
    height = int(rng.integers(*heights))
    ink = side_by_side(digits, rng, gaps, height, joined)
    pen = rng.choice(["as is", "thicker", "thinner"], p=[0.5, 0.35, 0.15])
    if pen != "as is":
        k = max(2, round(height * rng.uniform(0.03, 0.08)))
        kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))
        ink = cv2.dilate(ink, kernel) if pen == "thicker" else cv2.erode(ink, kernel)
    return np.clip(ink, 0, 1)


def compose_strip(digits: list[np.ndarray], rng: np.random.Generator, gaps: tuple[float, float],
                  joined: bool = False) -> np.ndarray:
    """`compose_ink`'s number scaled as `strip` scales a piece: a training example."""
    return strip(compose_ink(digits, rng, gaps, joined))
