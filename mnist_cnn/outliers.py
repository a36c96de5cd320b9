"""Drawings that are not one digit: scribbles, symbols, letters, hearts, pieces of scribbles and touching pairs
of digits that teach the network to be unsure (`harness.drawings` holds the letters and faces that test it).

A network trained only on digits gives every drawing a confident digit. The default recipe also
shows it scribbles (tangles, zigzags, hatching, spirals, blobs, scattered shapes, and doodles:
outlines with marks inside), symbols (SYMBOLS), letters that share no digit's shape (LETTERS), hearts
(CLOSED_SHAPES), pieces of scribbles cut as `segment` cuts touching digits, and pairs of touching training
digits, and trains it to answer them with equal probabilities for all ten classes ("outlier exposure").
Knowing a pair is not one digit also tells `segment` where digits touch. The test's letters and faces are
never shown in training: they measure how well that generalizes (faces are kin to the doodles, the test's
letters to the other letters training shows).

Every drawing is made on a canvas like the sketchpad's and goes through `preprocess`, so the network
sees outliers exactly as it would see them on the page.
"""

from collections.abc import Callable

import numpy as np
from PIL import Image, ImageDraw

from mnist_cnn.preprocess import digit_from_ink, ink_of, preprocess
from mnist_cnn.render import compose_number, draw_strokes

CANVAS = 112
"""Scribbles are drawn this big before preprocessing: large enough for the stroke-width step to matter."""

Drawing = Callable[[np.random.Generator], Image.Image]


def new_canvas() -> tuple[Image.Image, ImageDraw.ImageDraw]:
    image = Image.new("L", (CANVAS, CANVAS), 255)
    return image, ImageDraw.Draw(image)


def pen(rng: np.random.Generator) -> int:
    return int(rng.integers(3, 11))


def tangle(rng: np.random.Generator) -> Image.Image:
    """A long random walk through many points, crossing itself."""
    image, draw = new_canvas()
    points = [tuple(p) for p in rng.uniform(10, CANVAS - 10, size=(int(rng.integers(7, 15)), 2))]
    draw.line(points, fill=0, width=pen(rng), joint="curve")
    return image


def zigzag(rng: np.random.Generator) -> Image.Image:
    """Many sharp teeth in a row, horizontal or vertical."""
    image, draw = new_canvas()
    teeth = int(rng.integers(4, 10))
    along = np.linspace(10, CANVAS - 10, 2 * teeth + 1)
    low, high = sorted(rng.uniform(10, CANVAS - 10, 2))
    high = max(high, low + 25)
    across = np.where(np.arange(len(along)) % 2 == 0, low, high) + rng.normal(0, 3, len(along))
    points = list(zip(along, across)) if rng.random() < 0.5 else list(zip(across, along))
    draw.line(points, fill=0, width=pen(rng), joint="curve")
    return image


def hatching(rng: np.random.Generator) -> Image.Image:
    """Several parallel lines, sometimes crossed by a second set: shading or a grid."""
    image, draw = new_canvas()
    width = pen(rng)
    for _ in range(1 if rng.random() < 0.5 else 2):
        angle = rng.uniform(0, np.pi)
        direction, normal = np.array([np.cos(angle), np.sin(angle)]), np.array([-np.sin(angle), np.cos(angle)])
        for offset in np.linspace(-35, 35, int(rng.integers(3, 8))):
            center = CANVAS / 2 + normal * offset
            a, b = center - direction * 45, center + direction * 45
            draw.line([tuple(a), tuple(b)], fill=0, width=width)
    return image


def spiral(rng: np.random.Generator) -> Image.Image:
    """A spiral of two to four turns."""
    image, draw = new_canvas()
    turns = rng.uniform(2, 4)
    t = np.linspace(0, 2 * np.pi * turns, 120)
    radius = 6 + 44 * t / t[-1]
    sign = 1 if rng.random() < 0.5 else -1
    points = list(zip(CANVAS / 2 + radius * np.cos(sign * t), CANVAS / 2 + radius * np.sin(sign * t)))
    draw.line(points, fill=0, width=max(3, pen(rng) // 2), joint="curve")
    return image


def blob(rng: np.random.Generator) -> Image.Image:
    """A filled irregular shape: a smudge or a coloured-in area."""
    image, draw = new_canvas()
    angles = np.sort(rng.uniform(0, 2 * np.pi, int(rng.integers(5, 10))))
    radii = rng.uniform(15, 48, len(angles))
    center = rng.uniform(45, CANVAS - 45, 2)
    draw.polygon([tuple(center + r * np.array([np.cos(a), np.sin(a)])) for a, r in zip(angles, radii)], fill=0)
    return image


def scattered(rng: np.random.Generator) -> Image.Image:
    """Three to six small shapes (rings, boxes, crosses, dots) scattered over the canvas."""
    image, draw = new_canvas()
    width = max(2, pen(rng) // 2)
    for _ in range(int(rng.integers(3, 7))):
        x, y = rng.uniform(15, CANVAS - 15, 2)
        r = rng.uniform(5, 14)
        kind = rng.integers(4)
        if kind == 0:
            draw.ellipse([x - r, y - r, x + r, y + r], outline=0, width=width)
        elif kind == 1:
            draw.rectangle([x - r, y - r, x + r, y + r], outline=0, width=width)
        elif kind == 2:
            draw.line([(x - r, y - r), (x + r, y + r)], fill=0, width=width)
            draw.line([(x - r, y + r), (x + r, y - r)], fill=0, width=width)
        else:
            draw.ellipse([x - r / 2, y - r / 2, x + r / 2, y + r / 2], fill=0)
    return image


def doodle(rng: np.random.Generator) -> Image.Image:
    """A closed outline (ellipse, box or polygon) with two to five small marks inside: a doodle, not a 0."""
    image, draw = new_canvas()
    width = max(3, pen(rng) // 2)
    low, high = rng.uniform(8, 25, 2), rng.uniform(CANVAS - 25, CANVAS - 8, 2)
    box = [low[0], low[1], high[0], high[1]]
    kind = rng.integers(3)
    if kind == 0:
        draw.ellipse(box, outline=0, width=width)
    elif kind == 1:
        draw.rectangle(box, outline=0, width=width)
    else:
        angles = np.sort(rng.uniform(0, 2 * np.pi, int(rng.integers(5, 8))))
        center, radius = np.array([CANVAS / 2, CANVAS / 2]), rng.uniform(35, 48)
        corners = [tuple(center + radius * np.array([np.cos(a), np.sin(a)])) for a in angles]
        draw.polygon(corners, outline=0, width=width)
    for _ in range(int(rng.integers(2, 6))):
        x, y = rng.uniform(38, CANVAS - 38, 2)
        r = rng.uniform(2, 9)
        if rng.random() < 0.5:
            draw.ellipse([x - r, y - r, x + r, y + r], fill=0)
        else:
            angle = rng.uniform(0, np.pi)
            dx, dy = 2 * r * np.cos(angle), 2 * r * np.sin(angle)
            draw.line([(x - dx, y - dy), (x + dx, y + dy)], fill=0, width=width)
    return image


SCRIBBLES: dict[str, Drawing] = {
    "tangle": tangle,
    "zigzag": zigzag,
    "hatching": hatching,
    "spiral": spiral,
    "blob": blob,
    "scattered shapes": scattered,
    "doodle": doodle,
}

def ring(cx: float, cy: float, rx: float, ry: float, start: float = 0, stop: float = 2 * np.pi, n: int = 24):
    t = np.linspace(start, stop, n)
    return list(zip(cx + rx * np.cos(t), cy + ry * np.sin(t)))


# Symbols as strokes, shown in training as "not one digit" so that the network learns more of what is not a
# digit than scribbles; none shares a shape with a digit or with a test letter.
SYMBOLS: dict[str, list[list[tuple[float, float]]]] = {
    "=": [[(0.1, 0.35), (0.9, 0.35)], [(0.1, 0.65), (0.9, 0.65)]],
    "#": [[(0.35, 0.05), (0.3, 0.95)], [(0.7, 0.05), (0.65, 0.95)], [(0.05, 0.35), (0.95, 0.35)],
          [(0.05, 0.65), (0.95, 0.65)]],
    "*": [[(0.5, 0.05), (0.5, 0.95)], [(0.1, 0.3), (0.9, 0.7)], [(0.1, 0.7), (0.9, 0.3)]],
    "%": [[(0.85, 0.05), (0.15, 0.95)], ring(0.25, 0.2, 0.13, 0.13), ring(0.75, 0.8, 0.13, 0.13)],
    "&": [[(0.9, 0.95), (0.3, 0.4), (0.3, 0.15), (0.5, 0.05), (0.65, 0.2), (0.2, 0.65), (0.3, 0.92), (0.6, 0.9),
           (0.85, 0.6)]],
    "@": [ring(0.5, 0.5, 0.17, 0.2) + ring(0.5, 0.5, 0.45, 0.45, 0, 1.7 * np.pi)],
}


# Letters as strokes, shown in training as "not one digit" too. None is one of the test's letters
# (harness.drawings.LETTERS), so those still measure how far this generalizes to letters never seen, and
# none shares a digit's shape (no O, I, S, Z, B, G, q, b, g).
LETTERS: dict[str, list[list[tuple[float, float]]]] = {
    "C": [ring(0.55, 0.5, 0.4, 0.45, 0.25 * np.pi, 1.75 * np.pi)[::-1]],
    "D": [[(0.2, 0.05), (0.2, 0.95)], [(0.2, 0.05), (0.55, 0.08), (0.8, 0.3), (0.85, 0.5), (0.8, 0.7), (0.55, 0.92),
                                       (0.2, 0.95)]],
    "J": [[(0.2, 0.05), (0.85, 0.05)], [(0.6, 0.05), (0.6, 0.8), (0.45, 0.95), (0.25, 0.9), (0.15, 0.75)]],
    "L": [[(0.2, 0.05), (0.2, 0.95), (0.85, 0.95)]],
    "P": [[(0.2, 0.95), (0.2, 0.05), (0.65, 0.05), (0.85, 0.2), (0.85, 0.35), (0.65, 0.5), (0.2, 0.5)]],
    "T": [[(0.1, 0.05), (0.9, 0.05)], [(0.5, 0.05), (0.5, 0.95)]],
    "U": [[(0.15, 0.05), (0.15, 0.7), (0.3, 0.92), (0.5, 0.97), (0.7, 0.92), (0.85, 0.7), (0.85, 0.05)]],
    "V": [[(0.1, 0.05), (0.5, 0.95), (0.9, 0.05)]],
    "e": [[(0.15, 0.55), (0.85, 0.55), (0.8, 0.3), (0.5, 0.15), (0.2, 0.3), (0.15, 0.6), (0.3, 0.85), (0.55, 0.95),
           (0.85, 0.85)]],
    "h": [[(0.2, 0.05), (0.2, 0.95)], [(0.2, 0.6), (0.4, 0.4), (0.65, 0.4), (0.8, 0.55), (0.8, 0.95)]],
    "m": [[(0.1, 0.95), (0.1, 0.35)], [(0.1, 0.5), (0.25, 0.35), (0.45, 0.4), (0.5, 0.95)],
          [(0.5, 0.5), (0.65, 0.35), (0.85, 0.4), (0.9, 0.95)]],
    "n": [[(0.2, 0.95), (0.2, 0.35)], [(0.2, 0.5), (0.4, 0.35), (0.7, 0.38), (0.8, 0.55), (0.8, 0.95)]],
    "r": [[(0.3, 0.95), (0.3, 0.35)], [(0.3, 0.6), (0.45, 0.4), (0.65, 0.33), (0.85, 0.38)]],
}


# Closed shapes no digit makes, shown in training as "not one digit": without them a heart outline reads as a 0.
# A heart's top is a dent between two lobes and its bottom a point, where a 0 is round at both ends; drops and
# leaves (a slashed leaf is a slashed zero) are left out for being too like real 0s.
HEART_LEFT = [(0.5, 0.3), (0.42, 0.14), (0.27, 0.06), (0.1, 0.14), (0.05, 0.33), (0.14, 0.55), (0.32, 0.75),
              (0.5, 0.95)]
HEART_RIGHT = [(x if x == 0.5 else 1 - x, y) for x, y in HEART_LEFT]
CLOSED_SHAPES: dict[str, list[list[tuple[float, float]]]] = {
    "heart from the dent": [HEART_LEFT + HEART_RIGHT[::-1][1:]],
    "heart from the point": [HEART_LEFT[::-1] + HEART_RIGHT[1:]],
    "heart in two halves": [HEART_LEFT, HEART_RIGHT],
    "round heart": [[(0.5, 0.25), (0.38, 0.08), (0.15, 0.08), (0.05, 0.3), (0.15, 0.6), (0.5, 0.92), (0.85, 0.6),
                     (0.95, 0.3), (0.85, 0.08), (0.62, 0.08), (0.5, 0.25)]],
}


def one_of(shapes: dict[str, list[list[tuple[float, float]]]]) -> Drawing:
    """A drawing of one of these shapes, picked at random, drawn like a mouse on the sketchpad."""

    def draw(rng: np.random.Generator) -> Image.Image:
        strokes = list(shapes.values())[int(rng.integers(len(shapes)))]
        return draw_strokes(strokes, rng, canvas=280, width=int(rng.integers(6, 15)), aspect=(0.7, 1.0))

    return draw


letter = one_of(LETTERS)
symbol = one_of(SYMBOLS)
closed_shape = one_of(CLOSED_SHAPES)


def scribble_inputs(count: int, seed: int) -> np.ndarray:
    """`count` preprocessed scribbles (N, 28, 28) float32, drawn evenly from every kind in SCRIBBLES, symbols,
    letters and closed shapes."""
    rng = np.random.default_rng(seed)
    kinds = [*SCRIBBLES.values(), symbol, letter, closed_shape]
    inputs = []
    while len(inputs) < count:
        model_input = preprocess(kinds[len(inputs) % len(kinds)](rng))
        if model_input is not None:
            inputs.append(model_input)
    return np.stack(inputs)


def narrow(model_input: np.ndarray) -> bool:
    """Whether a 28x28 input's ink is less than half as wide as it is tall: a bar or an arc, which a 1 can be."""
    rows, cols = np.nonzero(model_input > 0.5)
    return len(rows) == 0 or np.ptp(cols) + 1 < 0.5 * (np.ptp(rows) + 1)


def piece_inputs(count: int, seed: int) -> np.ndarray:
    """`count` preprocessed pieces (N, 28, 28) of scribbles cut at a random column, left or right part: what
    `segment` would get if it cut a scribble where touching digits are cut. Knowing these are not digits keeps
    it from reading a tangle or a doodle as a two-digit number."""
    rng = np.random.default_rng(seed)
    # hatching cuts into straight lines (1s), scattered shapes into single rings (0s): not those
    kinds = [draw for name, draw in SCRIBBLES.items() if name not in ("hatching", "scattered shapes")]
    inputs = []
    while len(inputs) < count:
        ink = ink_of(kinds[len(inputs) % len(kinds)](rng))
        columns = np.flatnonzero(ink.max(axis=0) > 0.5) if ink is not None else []
        if len(columns) < 8:
            continue
        cut = int(columns[0] + rng.uniform(0.3, 0.7) * (columns[-1] - columns[0]))
        model_input = digit_from_ink(ink[:, :cut] if rng.random() < 0.5 else ink[:, cut:])
        if model_input is not None and not narrow(model_input):
            inputs.append(model_input)
    return np.stack(inputs)


def pair_inputs(images: np.ndarray, count: int, seed: int) -> np.ndarray:
    """`count` preprocessed pictures (N, 28, 28) of two of these MNIST digits (uint8 N x 28 x 28) touching."""
    rng = np.random.default_rng(seed)
    inputs = []
    while len(inputs) < count:
        pair = [images[i] for i in rng.integers(0, len(images), 2)]
        model_input = preprocess(compose_number(pair, rng, gaps=(-0.15, 0.05)))
        if model_input is not None:
            inputs.append(model_input)
    return np.stack(inputs)
