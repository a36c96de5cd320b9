"""Digits and numbers the way people hand them to the app, for the tests, the benchmarks and the examples.

Each variant takes an MNIST digit (28x28 uint8, white on black) and a random generator and returns
what a person might draw, upload or photograph: a PIL image. `stroke_digit` draws a digit from a
few points, as a mouse on the sketchpad does; `draw_number` writes a number that way.

    python -m harness.people --examples examples/   # writes the app's example images
"""

import argparse
import io
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter
from scipy import ndimage

from mnist_cnn.render import draw_strokes, to_gray_image

Variant = Callable[[np.ndarray, np.random.Generator], Image.Image]


def enlarge(digit: np.ndarray, height: int) -> np.ndarray:
    """Scale an MNIST digit (28x28) so its 28-pixel frame is `height` pixels tall; float 0..1, ink high."""
    image = Image.fromarray(digit).resize((height, height), Image.Resampling.BICUBIC)
    return np.asarray(image, dtype=np.float32) / 255.0


def place(ink: np.ndarray, canvas: int, rng: np.random.Generator) -> np.ndarray:
    """Put an ink map at a random place on a canvas x canvas black square."""
    out = np.zeros((canvas, canvas), dtype=np.float32)
    h, w = ink.shape
    top, left = rng.integers(0, canvas - h + 1), rng.integers(0, canvas - w + 1)
    out[top : top + h, left : left + w] = ink
    return out


def large_canvas(digit: np.ndarray, rng: np.random.Generator) -> Image.Image:
    """Black on white on an 800x800 canvas, at a random size and place."""
    return to_gray_image(place(enlarge(digit, int(rng.integers(150, 700))), 800, rng)).convert("RGB")


def thick_brush(digit: np.ndarray, rng: np.random.Generator) -> Image.Image:
    """Thick round-brush strokes, as a sketchpad makes: a uniform stroke many pixels wide."""
    size = int(rng.integers(300, 600))
    ink = enlarge(digit, size) > 0.5
    thinned = ndimage.binary_erosion(ink, iterations=max(1, size // 60))
    radius = int(size * rng.uniform(0.035, 0.06))
    y, x = np.ogrid[-radius : radius + 1, -radius : radius + 1]
    brush = ndimage.binary_dilation(thinned if thinned.any() else ink, structure=x * x + y * y <= radius * radius)
    smooth = ndimage.gaussian_filter(brush.astype(np.float32), 1.0)
    return to_gray_image(place(smooth, 800, rng)).convert("RGBA")


def transparent(digit: np.ndarray, rng: np.random.Generator) -> Image.Image:
    """Black ink on a fully transparent background (RGBA), as drawing apps export."""
    ink = place(enlarge(digit, int(rng.integers(200, 500))), 600, rng)
    rgba = np.zeros((600, 600, 4), dtype=np.uint8)
    rgba[:, :, 3] = np.clip(ink * 255, 0, 255).astype(np.uint8)
    return Image.fromarray(rgba, mode="RGBA")


def inverted(digit: np.ndarray, rng: np.random.Generator) -> Image.Image:
    """White on black, like MNIST, but at a random size and place on a larger image."""
    return to_gray_image(place(enlarge(digit, int(rng.integers(100, 400))), 500, rng), paper=0.0, pen=1.0)


def photo(digit: np.ndarray, rng: np.random.Generator) -> Image.Image:
    """A phone photo of paper: texture, uneven light, blur, slight rotation and JPEG artefacts."""
    size = 640
    ink = place(enlarge(digit, int(rng.integers(250, 500))), size, rng)
    ink = ndimage.rotate(ink, rng.uniform(-8, 8), reshape=False, order=1)
    yy, xx = np.mgrid[0:size, 0:size] / size
    angle = rng.uniform(0, 2 * np.pi)
    light = 0.55 + 0.35 * (np.cos(angle) * xx + np.sin(angle) * yy)
    texture = ndimage.gaussian_filter(rng.normal(0, 0.04, (size, size)), 1.5)
    pen = rng.uniform(0.05, 0.3)
    gray = (light + texture) * (1 - ink * (1 - pen))
    tint = np.array([1.0, rng.uniform(0.93, 1.0), rng.uniform(0.85, 0.98)])
    rgb = np.clip(gray[:, :, None] * tint * 255, 0, 255).astype(np.uint8)
    image = Image.fromarray(rgb).filter(ImageFilter.GaussianBlur(rng.uniform(0.8, 2.0)))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=int(rng.integers(30, 70)))
    return Image.open(io.BytesIO(buffer.getvalue()))


def notebook_photo(digit: np.ndarray, rng: np.random.Generator, grid: bool = False) -> Image.Image:
    """A 1200x900 phone photo of a notebook page, ruled (or squared, `grid`) in thin blue lines every 30-40
    pixels (pale to nearly as dark as the pen), with a digit about 150 pixels tall written across the lines in
    dark pen; the page slightly turned, unevenly lit and JPEG-compressed."""
    height, width = 900, 1200
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    spacing, thickness = rng.uniform(30, 40), rng.uniform(2.0, 4.0)
    offset = rng.uniform(0, spacing)
    lines = np.abs((yy + offset) % spacing - spacing / 2) > spacing / 2 - thickness / 2
    if grid:
        lines |= np.abs((xx + offset) % spacing - spacing / 2) > spacing / 2 - thickness / 2
    size = int(rng.uniform(140, 170) / 0.72)  # MNIST's 20-pixel digit in its 28-pixel frame: ~150 pixels of ink
    ink = np.zeros((height, width), dtype=np.float32)
    top, left = int(rng.integers(100, height - size - 100)), int(rng.integers(100, width - size - 100))
    ink[top : top + size, left : left + size] = enlarge(digit, size)
    angle = rng.uniform(-3, 3)
    ink = ndimage.rotate(ink, angle, reshape=False, order=1)
    lines = ndimage.rotate(lines.astype(np.float32), angle, reshape=False, order=1, cval=0.0)
    light = 0.7 + 0.25 * (np.cos(rng.uniform(0, 2 * np.pi)) * xx / width + 0.5 * yy / height)
    paper = np.stack([light] * 3, axis=-1) * np.array([1.0, 0.98, 0.93])
    line_colour = np.array([0.3, 0.4, 0.75]) * rng.uniform(0.6, 1.2)  # pale to nearly as dark as the pen
    pen = np.array([0.1, 0.1, 0.2]) * rng.uniform(0.5, 1.5)
    page = paper * (1 - lines[..., None] * 0.8) + lines[..., None] * 0.8 * line_colour * light[..., None]
    page = page * (1 - ink[..., None]) + ink[..., None] * pen
    image = Image.fromarray(np.clip(page * 255, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.8))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=int(rng.integers(50, 85)))
    return Image.open(io.BytesIO(buffer.getvalue()))


def tiny(digit: np.ndarray, rng: np.random.Generator) -> Image.Image:
    """A digit about 12 pixels tall on a small black-on-white image."""
    return to_gray_image(place(enlarge(digit, 17), 40, rng))


def huge(digit: np.ndarray, rng: np.random.Generator) -> Image.Image:
    """A digit about 1500 pixels tall on a 2000x2000 scan."""
    return to_gray_image(place(enlarge(digit, 2000 - int(rng.integers(0, 300))), 2000, rng))


VARIANTS: dict[str, Variant] = {
    "large canvas": large_canvas,
    "thick brush": thick_brush,
    "transparent RGBA": transparent,
    "inverted": inverted,
    "photo": photo,
    "tiny": tiny,
    "huge": huge,
}

PAGES: dict[str, Variant] = {
    "notebook page, ruled (1200x900 photo)": notebook_photo,
    "notebook page, squared (1200x900 photo)": lambda digit, rng: notebook_photo(digit, rng, grid=True),
}
"""Photos of a small digit on a notebook page: like VARIANTS, but a few hundred milliseconds each to read."""

# Each digit as strokes through points in a unit square (x right, y down), the way a mouse draws it.
STROKES: dict[int, list[list[tuple[float, float]]]] = {
    0: [[(0.5, 0.05), (0.2, 0.2), (0.12, 0.5), (0.2, 0.8), (0.5, 0.95), (0.8, 0.8), (0.88, 0.5), (0.8, 0.2),
         (0.5, 0.05)]],
    1: [[(0.35, 0.2), (0.55, 0.05), (0.55, 0.95)]],
    2: [[(0.15, 0.25), (0.35, 0.07), (0.65, 0.07), (0.82, 0.28), (0.7, 0.5), (0.15, 0.93), (0.88, 0.93)]],
    3: [[(0.15, 0.12), (0.6, 0.05), (0.82, 0.25), (0.45, 0.47), (0.85, 0.68), (0.65, 0.93), (0.15, 0.88)]],
    4: [[(0.6, 0.05), (0.12, 0.65), (0.88, 0.65)], [(0.65, 0.35), (0.65, 0.95)]],
    5: [[(0.82, 0.07), (0.25, 0.07), (0.2, 0.45), (0.6, 0.4), (0.85, 0.65), (0.65, 0.92), (0.15, 0.88)]],
    6: [[(0.7, 0.05), (0.3, 0.35), (0.18, 0.7), (0.4, 0.95), (0.75, 0.85), (0.78, 0.6), (0.45, 0.5),
         (0.2, 0.68)]],
    7: [[(0.12, 0.08), (0.88, 0.08), (0.4, 0.95)]],
    8: [[(0.5, 0.5), (0.2, 0.3), (0.5, 0.05), (0.8, 0.3), (0.5, 0.5), (0.15, 0.75), (0.5, 0.95), (0.85, 0.75),
         (0.5, 0.5)]],
    9: [[(0.8, 0.3), (0.5, 0.05), (0.2, 0.25), (0.45, 0.5), (0.8, 0.3), (0.75, 0.95)]],
}


def stroke_digit(digit: int, rng: np.random.Generator, canvas: int = 800, width: int | None = None) -> Image.Image:
    """Draw `digit` as jittered polylines with a round brush, black on white, like a mouse on the sketchpad."""
    return draw_strokes(STROKES[digit], rng, canvas, width)


def draw_number(text: str, height: int = 120, gap: float = 0.35, width: int = 12) -> Image.Image:
    """Black-on-white digits drawn with a round brush side by side, like a mouse writing a number."""
    digit_width = int(0.6 * height)
    canvas = Image.new("L", (int(len(text) * (digit_width + gap * height) + height), 2 * height), 255)
    draw = ImageDraw.Draw(canvas)
    for place_, char in enumerate(text):
        left, top = height // 2 + place_ * (digit_width + gap * height), height // 2
        for stroke in STROKES[int(char)]:
            draw.line([(left + x * digit_width, top + y * height) for x, y in stroke], fill=0, width=width,
                      joint="curve")
    return canvas


def write_examples(folder: Path, mnist_images: np.ndarray, mnist_labels: np.ndarray) -> list[Path]:
    """Write the app's example images: stroke-drawn digits and photo-like ones made from MNIST test digits."""
    rng = np.random.default_rng(2024)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for digit in (3, 7, 2):
        path = folder / f"drawn_{digit}.png"
        stroke_digit(digit, rng, canvas=280, width=14).convert("RGB").save(path)
        paths.append(path)
    for digit in (5, 9, 4):
        index = int(np.flatnonzero(mnist_labels == digit)[0])
        path = folder / f"photo_{digit}.jpg"
        image = photo(mnist_images[index], rng).resize((160, 160), Image.Resampling.LANCZOS)
        image.save(path, quality=85)
        paths.append(path)
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write the app's example images.")
    parser.add_argument("--examples", type=Path, required=True, help="folder to write them to")
    parser.add_argument("--data-dir", help="MNIST folder (default: $MNIST_DATA_DIR or ./data)")
    args = parser.parse_args(argv)
    from mnist_cnn.data import load_mnist

    images, labels = load_mnist(args.data_dir, train=False)
    for path in write_examples(args.examples, images.numpy(), labels.numpy()):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
