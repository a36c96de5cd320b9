"""Pictures that training draws: strokes as a mouse draws them, and numbers written from MNIST digits.

`draw_strokes` draws strokes given in a unit square the way a mouse draws them on the sketchpad
(the outliers' symbols, the tests' letters and faces); `compose_number` writes MNIST digits side by
side (the outliers' touching pairs, the number benchmark).
"""

import numpy as np
from PIL import Image, ImageDraw


def to_gray_image(ink: np.ndarray, paper: float = 1.0, pen: float = 0.0) -> Image.Image:
    """Ink map (1 = ink) to an 8-bit grayscale image with the given paper and pen brightness."""
    gray = paper + (pen - paper) * np.clip(ink, 0, 1)
    return Image.fromarray(np.clip(gray * 255, 0, 255).astype(np.uint8))


def compose_number(
    digits: list[np.ndarray], rng: np.random.Generator, gaps: tuple[float, float] = (0.0, 0.5), joined: bool = False
) -> Image.Image:
    """Write MNIST digits side by side as one number, black on white: each at a random size (0.8-1.2 times
    a random height) and height offset, with a random gap between the ink of neighbours, a share of the
    height drawn from `gaps` (negative: their boxes overlap). `joined`: written in one stroke, the pen never
    lifted between digits (a line from each digit's right end to the next one's left end)."""
    height = int(rng.integers(60, 140))
    return to_gray_image(side_by_side(digits, rng, gaps, height, joined))


def side_by_side(digits: list[np.ndarray], rng: np.random.Generator, gaps: tuple[float, float], height: int,
                 joined: bool = False) -> np.ndarray:
    """The ink (0..1) of `compose_number`'s number of this height, on a canvas three heights tall with a margin
    of half a height left and right."""
    inks, lefts, tops = [], [], []
    x = height // 2
    for digit in digits:
        rows, cols = np.nonzero(digit > 40)
        cropped = digit[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
        scale = height * rng.uniform(0.8, 1.2) / cropped.shape[0]
        size = (max(1, round(cropped.shape[1] * scale)), max(1, round(cropped.shape[0] * scale)))
        inks.append(np.asarray(Image.fromarray(cropped).resize(size, Image.Resampling.BICUBIC), np.float32) / 255)
        lefts.append(x)
        tops.append(int(height * (0.5 + rng.uniform(-0.1, 0.1))))
        x += size[0] + int(rng.uniform(*gaps) * height)
    width = max(left + ink.shape[1] for left, ink in zip(lefts, inks)) + height // 2
    canvas = np.zeros((3 * height, width), dtype=np.float32)
    for ink, left, top in zip(inks, lefts, tops):
        h, w = ink.shape
        canvas[top : top + h, left : left + w] = np.maximum(canvas[top : top + h, left : left + w], ink)
    if joined:
        picture = Image.fromarray((canvas * 255).astype(np.uint8))
        pen = max(2, round(0.07 * height))
        ends = [(end(ink, left, top, 0), end(ink, left, top, -1)) for ink, left, top in zip(inks, lefts, tops)]
        for (_, right), (left_end, _) in zip(ends, ends[1:]):
            ImageDraw.Draw(picture).line([right, left_end], fill=255, width=pen)
        canvas = np.asarray(picture, np.float32) / 255
    return canvas


def end(ink: np.ndarray, left: int, top: int, side: int) -> tuple[int, int]:
    """Where a digit's lower half ends on one side (0: its leftmost column, -1: its rightmost), in canvas pixels:
    where a pen that joins digits leaves one and enters the next."""
    lower = ink.shape[0] // 2
    ink = np.where(np.arange(ink.shape[0])[:, None] >= lower, ink, 0)
    cols = np.flatnonzero((ink > 0.5).any(axis=0))
    col = cols[side]
    rows = np.flatnonzero(ink[:, col] > 0.5)
    return left + int(col), top + int(rows.mean())


def draw_strokes(
    strokes: list[list[tuple[float, float]]],
    rng: np.random.Generator,
    canvas: int = 800,
    width: int | None = None,
    aspect: tuple[float, float] = (0.55, 0.8),
) -> Image.Image:
    """Draw strokes given in a unit square as jittered, slanted polylines with a round brush, black on white,
    at a random size and place: a mouse on the sketchpad. `aspect` is the range of width / height."""
    image = Image.new("RGBA", (canvas, canvas), "white")
    draw = ImageDraw.Draw(image)
    height = rng.uniform(0.35, 0.75) * canvas
    aspect = rng.uniform(*aspect)
    left = rng.uniform(0.05 * canvas, max(0.05 * canvas, canvas - height * aspect - 0.05 * canvas))
    top = rng.uniform(0.05 * canvas, canvas - height - 0.05 * canvas)
    slant = rng.uniform(-0.15, 0.15)
    width = width or int(rng.uniform(0.04, 0.09) * height)
    for stroke in strokes:
        points = [
            (left + (x + slant * (0.5 - y) + rng.normal(0, 0.025)) * height * aspect,
             top + (y + rng.normal(0, 0.02)) * height)
            for x, y in stroke
        ]
        draw.line(points, fill="black", width=width, joint="curve")
        for x, y in (points[0], points[-1]):
            draw.ellipse([x - width / 2, y - width / 2, x + width / 2, y + width / 2], fill="black")
    return image
