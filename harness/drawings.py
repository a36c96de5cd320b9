"""Drawings that are not digits, to test how well "not one digit" generalizes: scribbles from seeds
training never used, and letters (none of training's letters), faces, hearts (drawn from another curve than
training's) and noise.

Every drawing is made on a canvas like the sketchpad's, as a PIL image.
"""

import numpy as np
from PIL import Image

from mnist_cnn.outliers import CANVAS, SCRIBBLES, Drawing, ring
from mnist_cnn.render import draw_strokes

# Capital letters as strokes in a unit square (x right, y down), like the digits in render.STROKES.
# Letters that share a digit's shape (O, I, S, Z, B, G) are left out: no one can tell those apart.
LETTERS: dict[str, list[list[tuple[float, float]]]] = {
    "A": [[(0.1, 0.95), (0.5, 0.05), (0.9, 0.95)], [(0.28, 0.6), (0.72, 0.6)]],
    "E": [[(0.85, 0.05), (0.15, 0.05), (0.15, 0.95), (0.85, 0.95)], [(0.15, 0.5), (0.7, 0.5)]],
    "F": [[(0.85, 0.05), (0.15, 0.05), (0.15, 0.95)], [(0.15, 0.5), (0.7, 0.5)]],
    "H": [[(0.15, 0.05), (0.15, 0.95)], [(0.85, 0.05), (0.85, 0.95)], [(0.15, 0.5), (0.85, 0.5)]],
    "K": [[(0.15, 0.05), (0.15, 0.95)], [(0.85, 0.05), (0.15, 0.55)], [(0.35, 0.4), (0.85, 0.95)]],
    "M": [[(0.1, 0.95), (0.15, 0.05), (0.5, 0.6), (0.85, 0.05), (0.9, 0.95)]],
    "N": [[(0.15, 0.95), (0.15, 0.05), (0.85, 0.95), (0.85, 0.05)]],
    "R": [[(0.15, 0.95), (0.15, 0.05), (0.65, 0.05), (0.85, 0.25), (0.65, 0.48), (0.15, 0.48)],
          [(0.45, 0.48), (0.85, 0.95)]],
    "W": [[(0.05, 0.05), (0.25, 0.95), (0.5, 0.35), (0.75, 0.95), (0.95, 0.05)]],
    "X": [[(0.1, 0.05), (0.9, 0.95)], [(0.9, 0.05), (0.1, 0.95)]],
    "Y": [[(0.1, 0.05), (0.5, 0.5), (0.9, 0.05)], [(0.5, 0.5), (0.5, 0.95)]],
    "k": [[(0.2, 0.05), (0.2, 0.95)], [(0.75, 0.4), (0.2, 0.7)], [(0.4, 0.6), (0.8, 0.95)]],
}


def face_strokes(rng: np.random.Generator) -> list[list[tuple[float, float]]]:
    """A round face with two eyes, a smile or frown, sometimes a nose."""
    eye_y, eye_dx = rng.uniform(0.3, 0.42), rng.uniform(0.14, 0.22)
    mouth = rng.uniform(0.12, 0.25)
    smile = (0.15 * np.pi, 0.85 * np.pi) if rng.random() < 0.7 else (1.15 * np.pi, 1.85 * np.pi)
    mouth_y = 0.62 if smile[0] < np.pi else 0.8
    strokes = [
        ring(0.5, 0.5, 0.45, 0.45),
        [(0.5 - eye_dx, eye_y), (0.5 - eye_dx, eye_y + 0.04)],
        [(0.5 + eye_dx, eye_y), (0.5 + eye_dx, eye_y + 0.04)],
        ring(0.5, mouth_y, mouth, mouth * 0.8, *smile, n=12),
    ]
    if rng.random() < 0.5:
        strokes.append([(0.5, 0.45), (0.47, 0.57), (0.52, 0.57)])
    return strokes


def letter(name: str) -> Drawing:
    return lambda rng: draw_strokes(LETTERS[name], rng, canvas=280, width=14, aspect=(0.7, 1.0))


def face(rng: np.random.Generator) -> Image.Image:
    return draw_strokes(face_strokes(rng), rng, canvas=280, width=int(rng.integers(6, 15)), aspect=(0.85, 1.1))


def heart(rng: np.random.Generator) -> Image.Image:
    """A heart outline as people draw one, from the classic heart curve (not training's hand-placed points): lobes
    of random roundness, a dent and a point, drawn from the dent in one stroke or in two halves."""
    t = np.linspace(0, np.pi, 16)
    lobes = rng.uniform(0.8, 1.25)
    x = 16 * np.sin(t) ** 3 * lobes
    y = -(13 * np.cos(t) - 5 * np.cos(2 * t) - 2 * np.cos(3 * t) - np.cos(4 * t))
    x, y = (x + 17 * lobes) / (34 * lobes), (y - y.min()) / np.ptp(y)
    right = list(zip(x, y))
    left = [(1 - a, b) for a, b in right]
    strokes = [right, left] if rng.random() < 0.5 else [left[::-1] + right[1:]]
    return draw_strokes(strokes, rng, canvas=280, width=int(rng.integers(6, 15)), aspect=(0.8, 1.15))


def noise(rng: np.random.Generator) -> Image.Image:
    """Random gray pixels: a picture of nothing."""
    return Image.fromarray(rng.integers(0, 256, (CANVAS, CANVAS), dtype=np.uint8))


TEST_SETS: dict[str, Drawing] = {
    **{f"scribble: {name}": draw for name, draw in SCRIBBLES.items()},
    "letters (12 shapes)": lambda rng: letter(list(LETTERS)[int(rng.integers(len(LETTERS)))])(rng),
    "faces": face,
    "hearts": heart,
    "random noise": noise,
}
"""What the uncertainty benchmark shows the network: scribbles from seeds training never used, and
letters, faces and noise, which training never showed at all (its letters are other shapes)."""
