"""Look inside the network: what each layer makes of one drawing, drawn as pictures with numpy.

    inside = look_inside(classifier.model, classifier.normalization, model_input)
    inside.kernels, inside.first_maps, inside.second_maps, inside.pooled, inside.saliency  # uint8 images
    inside.units                                                                          # strongest FC units
    inside.moved, inside.moved_answers         # the input moved by a few pixels, and what the network answers

The page's words for each view (its lessons) are in webpage/text.py.

Works for both networks (the article's `seed` and the default `mnist_cnn`): the first and second
convolution layers are the first two ReLU outputs of `model.features`, the pooled maps the first
max-pooling output, the fully connected units the ReLU output inside `model.classifier`.
"""

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from mnist_cnn.transforms import Normalization

COLUMNS = 8
MOVE = 3
"""Pixels the translation view moves the input by."""
DIRECTIONS = ((0, -MOVE), (0, MOVE), (-MOVE, 0), (MOVE, 0))
"""(rows, columns) of each move: left, right, up, down."""
GAP = 2
GAP_SHADE = 60


@dataclass(frozen=True)
class Unit:
    """One unit of the fully connected hidden layer: its activation and the digit it votes for most."""

    index: int
    activation: float
    votes_for: int


@dataclass(frozen=True)
class Inside:
    """Pictures of one forward pass (uint8 arrays, gray or RGB) and the strongest hidden units."""

    digit: int
    input: np.ndarray
    kernels: np.ndarray
    first_maps: np.ndarray
    second_maps: np.ndarray
    pooled: np.ndarray
    saliency: np.ndarray
    units: list[Unit]
    gradient: np.ndarray
    """The raw saliency: d(winning score) / d(input pixel), 28x28."""
    moved: np.ndarray
    """Top row: the input moved MOVE pixels left, right, up and down; bottom row: one first-layer map of each."""
    moved_answers: tuple[int, ...]
    """The network's answer for each moved input, in the same order."""


def enlarge(image: np.ndarray, scale: int) -> np.ndarray:
    """Blow an image up by an integer factor, each pixel a square."""
    return np.repeat(np.repeat(image, scale, axis=0), scale, axis=1)


def grid(maps: np.ndarray, scale: int, columns: int = COLUMNS) -> np.ndarray:
    """Tile maps (N, H, W) with values in 0..1 into one uint8 picture, rows of `columns`, thin gaps between."""
    n, h, w = maps.shape
    rows = -(-n // columns)
    cell_h, cell_w = h * scale + GAP, w * scale + GAP
    out = np.full((rows * cell_h + GAP, columns * cell_w + GAP), GAP_SHADE, dtype=np.uint8)
    tiles = (np.clip(maps, 0, 1) * 255).astype(np.uint8)
    for i, tile in enumerate(tiles):
        top, left = GAP + (i // columns) * cell_h, GAP + (i % columns) * cell_w
        out[top : top + h * scale, left : left + w * scale] = enlarge(tile, scale)
    return out


def scaled(maps: torch.Tensor) -> np.ndarray:
    """Feature maps (after ReLU) as 0..1, all divided by the layer's strongest response so they compare;
    the square root lifts weak responses enough to be seen."""
    maps = maps.detach()[0].numpy()
    return np.sqrt(maps / max(float(maps.max()), 1e-6))


def kernel_weights(model: nn.Module) -> np.ndarray:
    """The first convolution layer's kernels (N, k, k) as 0..1, 0.5 for a zero weight."""
    first = next(m for m in model.modules() if isinstance(m, nn.Conv2d))
    weights = first.weight.detach()[:, 0].numpy()
    return 0.5 + weights / (2 * max(float(np.abs(weights).max()), 1e-6))


def is_relu_output(layer: nn.Module) -> bool:
    """ReLU itself (the article's network) or a conv block ending in one (the default network)."""
    return isinstance(layer, nn.ReLU) or (isinstance(layer, nn.Sequential) and isinstance(layer[-1], nn.ReLU))


def shift(image: np.ndarray, rows: int, columns: int) -> np.ndarray:
    """The image shifted by whole pixels (positive: down, right), black coming in at the edges."""
    h, w = image.shape
    padded = np.pad(image, ((abs(rows), abs(rows)), (abs(columns), abs(columns))))
    top, left = abs(rows) - rows, abs(columns) - columns
    return padded[top : top + h, left : left + w]


def first_maps(model: nn.Module, x: torch.Tensor) -> torch.Tensor:
    """The first convolution layer's feature maps (after its ReLU) for a batch of inputs."""
    for layer in model.features:
        x = layer(x)
        if is_relu_output(layer):
            return x
    raise ValueError("the network has no convolution layer with a ReLU")


@torch.no_grad()
def translation_view(model: nn.Module, normalization: Normalization, model_input: np.ndarray, strongest: int):
    """The input moved in each of DIRECTIONS (top row) over the first-layer feature map `strongest` (the one that
    responds most to the unmoved input; bottom row), as one picture, and the network's answer for each moved input."""
    inputs = np.stack([shift(model_input, r, c) for r, c in DIRECTIONS])
    x = torch.cat([normalization.to_model_input(i) for i in inputs])
    answers = tuple(int(d) for d in model(x).argmax(dim=1))
    chosen = first_maps(model, x)[:, strongest]
    chosen = (chosen / max(float(chosen.max()), 1e-6)).numpy()
    picture = grid(np.concatenate([inputs, chosen]), scale=4, columns=len(DIRECTIONS))
    return picture, answers


def saliency_overlay(model_input: np.ndarray, gradient: np.ndarray, scale: int) -> np.ndarray:
    """The input in gray with the gradient's magnitude in red on top, as an RGB picture."""
    heat = np.abs(gradient)
    heat = heat / max(float(heat.max()), 1e-12)
    gray = 0.5 * model_input
    rgb = np.stack([np.maximum(gray, heat), gray * (1 - heat), gray * (1 - heat)], axis=-1)
    return enlarge((rgb * 255).astype(np.uint8), scale)


def look_inside(model: nn.Module, normalization: Normalization, model_input: np.ndarray, top_units: int = 8) -> Inside:
    """Run one preprocessed 28x28 image through the network, keeping every layer's output, and draw them."""
    model.eval()
    x = normalization.to_model_input(model_input).requires_grad_(True)
    activations, pooled = [], []
    h = x
    for layer in model.features:
        h = layer(h)
        if is_relu_output(layer):
            activations.append(h)
        elif isinstance(layer, nn.MaxPool2d):
            pooled.append(h)
    hidden = None
    for layer in model.classifier:
        h = layer(h)
        if isinstance(layer, nn.ReLU):
            hidden = h
    logits = h[0]
    digit = int(logits.argmax())
    # the gradient of the winning score with respect to the input only: the model's weights get no .grad
    (gradient,) = torch.autograd.grad(logits[digit], x)
    last = [m for m in model.classifier if isinstance(m, nn.Linear)][-1]
    strength = hidden.detach()[0]
    order = strength.argsort(descending=True)[:top_units]
    units = [Unit(int(i), float(strength[i]), int(last.weight[:, i].argmax())) for i in order]
    strongest = int(activations[0].detach()[0].amax(dim=(1, 2)).argmax())
    picture, answers = translation_view(model, normalization, model_input, strongest)
    return Inside(
        digit=digit,
        input=enlarge((model_input * 255).astype(np.uint8), 8),
        kernels=grid(kernel_weights(model), scale=12),
        first_maps=grid(scaled(activations[0]), scale=2),
        second_maps=grid(scaled(activations[1]), scale=2),
        pooled=grid(scaled(pooled[0]), scale=4),
        saliency=saliency_overlay(model_input, gradient[0, 0].numpy(), scale=8),
        units=units,
        gradient=gradient[0, 0].numpy(),
        moved=picture,
        moved_answers=answers,
    )
