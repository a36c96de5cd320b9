"""Look inside the network: what each layer makes of one drawing, drawn as pictures with numpy.

    inside = look_inside(classifier.model, classifier.normalization, model_input)
    inside.kernels, inside.first_maps, inside.second_maps, inside.pooled, inside.saliency  # uint8 images
    inside.units                                                                          # strongest FC units

Works for both networks (the article's `seed` and the default `mnist_cnn`): the first and second
convolution layers are the first two ReLU outputs of `model.features`, the pooled maps the first
max-pooling output, the fully connected units the ReLU output inside `model.classifier`.
"""

from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from mnist_cnn.transforms import Normalization

LESSONS = {
    "input": "The network sees only this: 28x28 gray values, the digit white on black, centred as in MNIST.",
    "kernels": "Each kernel of the first convolution layer is a small grid of weights (white positive, black "
    "negative) slid over the image: it lights up where the image holds its pattern, such as an edge or a stroke "
    "in one direction.",
    "first_maps": "First convolution layer: one feature map per kernel. Bright where that kernel's local "
    "feature occurs, so each map shows where one kind of edge or stroke is.",
    "second_maps": "Second convolution layer: kernels over the first layer's maps combine edges into larger "
    "parts: corners, curves, line ends.",
    "pooled": "Max pooling keeps the strongest response in each 2x2 block: the maps shrink to 14x14, and a "
    "stroke moved by a pixel still gives the same answer (tolerance to small shifts).",
    "units": "The fully connected layers map all those features to the ten classes: each unit in the table is a "
    "weighted sum of every pooled feature, and the last layer weighs the units into one score per digit.",
    "saliency": "Saliency: how much each input pixel changes the winning digit's score (the gradient of that "
    "score with respect to the input). Red pixels decided the answer.",
}
"""One sentence per view, tying it to the concept it shows: shown on the page beside each picture."""

COLUMNS = 8
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
    )
