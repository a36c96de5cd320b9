"""Phone photos of a notebook page on a desk, with a small digit or number written anywhere on the page.

Harder than `harness.people.notebook_photo` (a page that fills the frame, turned up to 3 degrees) in each way a
camera and a hand vary. The page lies on a desk of some colour and grain (sometimes at a table's edge): either
whole in the photo or larger than it, so that the desk shows at the sides or only as wedges in the corners. It is
turned and seen in perspective; ruled or squared at several spacings, widths and colours, often with a red margin
line; written on with a ballpoint, a pencil or a marker whose line is much thinner than MNIST's pen; lit from one
side or shadowed by a hand. The photo is blurred, noisy and JPEG-compressed as a phone's is. Two kinds go further:
a digit written in a hurry (slanted, the pen pressing unevenly and skipping: `hurry`), and a photo taken in dim
light by a cheap camera that shook (dark and grainy, blurred along one direction, JPEG quality 25-50: `shaken`).

`KINDS` names each kind of photo: one of those ways made hard, the others drawn at random around it. `photo`
draws one photo of a kind from MNIST digits (the benchmark and the tests take held-out training images).

    python -m harness.photos --out DIR [--kind KIND ...] [--n N]   # writes photos to look at
"""

import argparse
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageFilter
from scipy import ndimage

RGB = tuple[float, float, float]

PAPERS: tuple[RGB, ...] = ((0.97, 0.97, 0.95), (0.96, 0.94, 0.86), (0.93, 0.93, 0.93), (0.99, 0.98, 0.97))
RULINGS: tuple[RGB, ...] = ((0.55, 0.7, 0.95), (0.35, 0.5, 0.85), (0.7, 0.7, 0.72), (0.62, 0.55, 0.85),
                            (0.55, 0.8, 0.6), (0.5, 0.6, 0.7))
MARGINS: tuple[RGB, ...] = ((0.9, 0.35, 0.4), (0.95, 0.55, 0.6), (0.8, 0.3, 0.3))
DESKS: tuple[RGB, ...] = ((0.55, 0.38, 0.22), (0.75, 0.6, 0.42), (0.5, 0.5, 0.52), (0.16, 0.16, 0.18),
                          (0.8, 0.8, 0.78), (0.22, 0.4, 0.3), (0.3, 0.38, 0.55), (0.62, 0.3, 0.22))
PENS: dict[str, tuple[RGB, ...]] = {
    "ballpoint": ((0.1, 0.13, 0.45), (0.08, 0.08, 0.1), (0.15, 0.2, 0.6)),
    "pencil": ((0.42, 0.42, 0.44), (0.5, 0.5, 0.52), (0.35, 0.35, 0.37)),
    "marker": ((0.05, 0.05, 0.06), (0.1, 0.15, 0.5), (0.1, 0.35, 0.15)),
}
SIZES = ((1200, 900), (1600, 1200), (900, 1200), (1200, 1600), (1280, 960))


@dataclass(frozen=True)
class Hard:
    """What a kind of photo makes hard; everything left False is drawn at random, mostly easy."""

    whole_page: bool = False  # the whole page on the desk, not a page larger than the photo
    perspective: bool = False  # the phone held at an angle: the page a trapezium
    pencil: bool = False
    marker: bool = False
    squared: bool = False
    side_light: bool = False  # light from one side and a hand's shadow over the page
    table_edge: bool = False  # the desk ends in the photo: two backgrounds
    small: bool = False  # a digit 45-90 pixels tall
    number: bool = False  # a number of 2-4 digits
    blank: bool = False  # no digit at all
    hurried: bool = False  # written fast: slanted, the pen's pressure and width uneven, the ink skipping
    poor_camera: bool = False  # dim light and a cheap camera: grainy, shaken (motion blur), hard JPEG
    askew: bool = False  # the notebook lies askew, or the phone is held so: the page turned 14-40 degrees


KINDS: dict[str, Hard] = {
    "page larger than the photo, desk in the corners": Hard(),
    "whole page on a desk": Hard(whole_page=True),
    "seen in perspective": Hard(whole_page=True, perspective=True),
    "pencil": Hard(pencil=True),
    "marker": Hard(marker=True),
    "squared paper": Hard(squared=True),
    "light from one side, a hand's shadow": Hard(side_light=True),
    "at a table's edge": Hard(whole_page=True, table_edge=True),
    "small digit": Hard(small=True),
    "small number, 2-4 digits": Hard(number=True),
    "written in a hurry": Hard(hurried=True),
    "dim light, a shaken cheap camera": Hard(poor_camera=True),
    "page turned 14-40 degrees": Hard(askew=True),
}
BLANK = Hard(blank=True)
"""A page with no digit on it: the page should say it found none."""


def pen_line(digit: np.ndarray, height: int, width: float) -> np.ndarray:
    """An MNIST digit (28x28 uint8) redrawn `height` pixels tall with a pen `width` pixels wide: its strokes thinned
    to their middle line (the ridge of their distance to the paper) and drawn again with a round pen. Float 0..1."""
    rows, cols = np.nonzero(digit > 40)
    crop = digit[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    scale = height / crop.shape[0]
    size = (max(1, round(crop.shape[1] * scale)), height)
    big = np.asarray(Image.fromarray(crop).resize(size, Image.Resampling.BICUBIC), np.float32) / 255 > 0.45
    big = np.pad(big, int(width) + 3)
    distance = ndimage.distance_transform_edt(big)
    ridge = big & (distance >= ndimage.maximum_filter(distance, size=3) - 0.5)
    ridge &= distance >= 0.35 * distance.max()
    radius = max(width / 2, 0.6)
    pen = ndimage.distance_transform_edt(~ridge) <= radius
    return ndimage.gaussian_filter(pen.astype(np.float32), 0.6)


def hurry(ink: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A digit's pen line (float 0..1) as a hand in a hurry writes it: slanted forward or back, the pen pressing
    harder and softer along the line (darker and lighter, wider and thinner), and skipping here and there."""
    height, width = ink.shape
    slant = rng.uniform(-0.35, 0.35)  # columns moved per row, from the baseline up
    pad = int(abs(slant) * height) + 2
    wide = np.pad(ink, ((0, 0), (pad, pad)))
    rows = np.arange(height, dtype=np.float32)[:, None] - height
    cols = np.arange(wide.shape[1], dtype=np.float32)[None, :] + slant * rows
    slanted = ndimage.map_coordinates(wide, [np.broadcast_to(rows + height, wide.shape), cols], order=1)
    pressure = ndimage.gaussian_filter(rng.normal(0, 1, slanted.shape), height / 12)
    pressure = 1 + 0.5 * pressure / max(float(np.abs(pressure).max()), 1e-6)  # 0.5 to 1.5 along the line
    line = slanted > 0.3
    wider = ndimage.grey_dilation(slanted, size=3) * (pressure > 1.25)
    thinner = ndimage.grey_erosion(slanted, size=2) * (pressure < 0.75) + slanted * (pressure >= 0.75)
    drawn = np.maximum(thinner, wider) * np.clip(pressure, 0.5, 1)
    skips = ndimage.gaussian_filter(rng.normal(0, 1, slanted.shape), 2.5)
    skips = skips < np.quantile(skips[line], rng.uniform(0.03, 0.12)) if line.any() else np.zeros_like(line)
    drawn[skips] *= 0.15
    cols_used = np.flatnonzero(drawn.max(axis=0) > 0.05)
    return drawn[:, cols_used[0] : cols_used[-1] + 1] if len(cols_used) else ink


def perspective_coefficients(photo: np.ndarray, page: np.ndarray) -> tuple[float, ...]:
    """PIL's PERSPECTIVE coefficients that map the four `photo` points (4x2) to the four `page` points."""
    rows = []
    for (x, y), (u, v) in zip(photo, page):
        rows.append([x, y, 1, 0, 0, 0, -u * x, -u * y])
        rows.append([0, 0, 0, x, y, 1, -v * x, -v * y])
    return tuple(np.linalg.solve(np.array(rows, float), page.reshape(-1).astype(float)))


def choice(rng: np.random.Generator, options: tuple) -> object:
    return options[int(rng.integers(len(options)))]


def written_page(digits: list[np.ndarray], hard: Hard, rng: np.random.Generator, width: int, height: int,
                 seen: tuple[int, int, int, int]) -> np.ndarray:
    """The page as RGB floats (height x width x 3): paper, its ruling or squares, a margin line, and the digits
    written inside `seen` (left, top, right, bottom: the part of the page the photo shows)."""
    paper = np.array(choice(rng, PAPERS), np.float32)
    page = np.ones((height, width, 3), np.float32) * paper
    page *= 1 + ndimage.gaussian_filter(rng.normal(0, 0.015, (height, width)), 1.0)[..., None]  # fibres
    pen_kind = "pencil" if hard.pencil else "marker" if hard.marker else choice(rng, ("ballpoint",) * 4 + ("marker",))
    digit_height = int(rng.uniform(45, 90) if hard.small or hard.number else rng.uniform(80, 220))
    spacing = float(np.clip(digit_height / rng.uniform(0.9, 2.6), 18, 80))
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    line_width = rng.uniform(1.0, 3.5)
    offset = rng.uniform(0, spacing)
    lines = np.clip(line_width / 2 + 0.5 - np.abs((yy + offset) % spacing - spacing / 2), 0, 1)
    if hard.squared or rng.random() < 0.15:
        spacing = float(np.clip(spacing * rng.uniform(0.35, 0.7), 12, 45))
        lines = np.maximum(
            np.clip(line_width / 2 + 0.5 - np.abs((yy + offset) % spacing - spacing / 2), 0, 1),
            np.clip(line_width / 2 + 0.5 - np.abs((xx + offset) % spacing - spacing / 2), 0, 1))
    strength = rng.uniform(0.5, 0.9)
    ruling = np.array(choice(rng, RULINGS), np.float32)
    page *= 1 - (strength * lines)[..., None] * (1 - ruling)
    left = int(width * rng.uniform(0.08, 0.16))
    if rng.random() < 0.7:  # the red margin line
        margin = np.clip(rng.uniform(1, 3) / 2 + 0.5 - np.abs(xx - left), 0, 1) * rng.uniform(0.6, 0.95)
        page *= 1 - margin[..., None] * (1 - np.array(choice(rng, MARGINS), np.float32))
    if hard.blank:
        return page
    pen_width = {"ballpoint": rng.uniform(2, 6), "pencil": rng.uniform(1.5, 4), "marker": rng.uniform(6, 12)}[pen_kind]
    inks = [pen_line(d, int(digit_height * rng.uniform(0.9, 1.1)), pen_width) for d in digits]
    if hard.hurried:
        inks = [hurry(ink, rng) for ink in inks]
    gaps = [int(rng.uniform(0.1, 0.45) * digit_height) for _ in inks[1:]]
    total = sum(ink.shape[1] for ink in inks) + sum(gaps)
    tallest = max(ink.shape[0] for ink in inks)
    x0, y0, x1, y1 = seen
    x0 = max(x0, left + 10) if x1 - left - 10 > total + 40 else x0
    x = int(rng.uniform(x0, max(x0 + 1, x1 - total)))
    top = int(rng.uniform(y0, max(y0 + 1, y1 - tallest)))
    ink = np.zeros((height, width), np.float32)
    for piece, gap in zip(inks, [0, *gaps]):
        x += gap
        y = top + int(rng.uniform(-0.05, 0.05) * digit_height) + (tallest - piece.shape[0])
        y = int(np.clip(y, 0, height - piece.shape[0]))
        h, w = piece.shape[0], min(piece.shape[1], width - x)
        if w > 0:
            ink[y : y + h, x : x + w] = np.maximum(ink[y : y + h, x : x + w], piece[:, :w])
        x += piece.shape[1]
    if pen_kind == "pencil":  # graphite: lighter, and grainy along the line
        ink *= rng.uniform(0.45, 0.75) * np.clip(1 + rng.normal(0, 0.25, ink.shape), 0.3, 1.3)
    else:
        ink *= rng.uniform(0.85, 0.98)
    pen = np.array(choice(rng, PENS[pen_kind]), np.float32)
    return page * (1 - ink[..., None]) + ink[..., None] * pen


def desk(rng: np.random.Generator, width: int, height: int, edge: bool) -> np.ndarray:
    """A desk's surface as RGB floats: a colour, wood grain or speckle, and beyond a table's edge another."""
    colour = np.array(choice(rng, DESKS), np.float32)
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, np.pi)
    along = np.cos(angle) * xx + np.sin(angle) * yy
    wobble = ndimage.gaussian_filter(rng.normal(0, 1, (height // 8 + 1, width // 8 + 1)), 3)
    wobble = np.asarray(Image.fromarray(wobble.astype(np.float32)).resize((width, height)), np.float32) * 60
    grain = 0.06 * np.sin((along + wobble) * 2 * np.pi / rng.uniform(8, 30)) if rng.random() < 0.6 else 0
    surface = colour * (1 + grain + rng.normal(0, 0.02, (height, width)))[..., None]
    if edge:
        side = np.cos(angle + np.pi / 2) * (xx - width * rng.uniform(0.2, 0.8)) + np.sin(angle + np.pi / 2) * (
            yy - height * rng.uniform(0.2, 0.8))
        floor = np.array(choice(rng, DESKS), np.float32) * rng.uniform(0.5, 0.9)
        surface = np.where((side > 0)[..., None], floor, surface)
    return surface


def photo(digits: list[np.ndarray], hard: Hard, rng: np.random.Generator) -> Image.Image:
    """A phone photo (JPEG, decoded) of `digits` written side by side on a notebook page on a desk."""
    width, height = choice(rng, SIZES)
    portrait = rng.random() < 0.7  # a notebook page stands upright
    aspect = 1 / 1.41 if portrait else 1.41
    share = rng.uniform(0.55, 0.85) if hard.whole_page else rng.uniform(1.05, 1.3)
    page_h = share * (min(height, width / aspect) if hard.whole_page else max(height, width / aspect))
    page_w = page_h * aspect
    pw, ph = int(page_w), int(page_h)
    corners = np.array([[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]]) * [pw, ph]
    if hard.perspective:  # the far edge foreshortened, and the page seen a little from one side
        edge = int(rng.integers(4))
        squeeze = rng.uniform(0.7, 0.88)
        near = [edge, (edge + 1) % 4]
        centre = corners[near].mean(axis=0)
        corners[near] = centre + (corners[near] - centre) * squeeze
        corners += rng.normal(0, 0.02, corners.shape) * [pw, ph]
    turn = np.radians(rng.uniform(-10, 10) if hard.whole_page else rng.uniform(-6, 6))
    if hard.askew:
        turn = np.radians(rng.uniform(14, 40) * rng.choice((-1, 1)))
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    shift = np.array([width, height]) / 2 + rng.uniform(-0.06, 0.06, 2) * [width, height]
    in_photo = corners @ rotation.T + shift
    on_page = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], float)
    to_page = perspective_coefficients(in_photo, on_page)
    inner = np.array([[0.1, 0.1], [0.9, 0.1], [0.9, 0.9], [0.1, 0.9]]) * [width, height]
    a, b, c, d, e, f, g, h = to_page
    mapped = [((a * x + b * y + c) / (g * x + h * y + 1), (d * x + e * y + f) / (g * x + h * y + 1)) for x, y in inner]
    xs, ys = sorted(p[0] for p in mapped), sorted(p[1] for p in mapped)
    seen = (max(int(xs[1]), int(0.05 * pw)), max(int(ys[1]), int(0.05 * ph)),  # inside both the photo and the page
            min(int(xs[2]), int(0.95 * pw)), min(int(ys[2]), int(0.95 * ph)))
    page = written_page(digits, hard, rng, pw, ph, seen)
    layer = Image.fromarray(np.clip(page * 255, 0, 255).astype(np.uint8)).convert("RGBA")
    warped = layer.transform((width, height), Image.Transform.PERSPECTIVE, to_page, Image.Resampling.BICUBIC,
                             fillcolor=(0, 0, 0, 0))
    warped = np.asarray(warped, np.float32) / 255
    scene = desk(rng, width, height, hard.table_edge)
    scene = scene * (1 - warped[..., 3:]) + warped[..., :3] * warped[..., 3:]
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    angle = rng.uniform(0, 2 * np.pi)
    ramp = (np.cos(angle) * (xx / width - 0.5) + np.sin(angle) * (yy / height - 0.5)) + 0.5
    light = (0.3 + 0.75 * ramp) if hard.side_light else (0.78 + rng.uniform(0.05, 0.3) * (ramp - 0.5))
    if hard.side_light or rng.random() < 0.1:  # a hand's shadow from one edge
        cx, cy = choice(rng, ((0, rng.uniform(0, height)), (width, rng.uniform(0, height)),
                              (rng.uniform(0, width), height)))
        radius = rng.uniform(0.2, 0.4) * max(width, height)
        dist = np.hypot((xx - cx) / 1.6, yy - cy) / radius
        light = light * (1 - rng.uniform(0.3, 0.55) * np.clip(1.5 - dist, 0, 1))
    vignette = 1 - 0.25 * (((xx / width - 0.5) ** 2 + (yy / height - 0.5) ** 2) * 2)
    scene = scene * (light * vignette)[..., None]
    warmth = np.array([1.0, rng.uniform(0.94, 1.0), rng.uniform(0.82, 0.98)], np.float32)  # the light's colour
    scene = scene * warmth + rng.normal(0, rng.uniform(0.008, 0.03), scene.shape)
    if hard.poor_camera:  # dim light: darker, and the sensor's grain in blotches as well as in pixels
        scene = scene * rng.uniform(0.45, 0.7) + rng.normal(0, rng.uniform(0.03, 0.06), scene.shape)
        scene += ndimage.gaussian_filter(rng.normal(0, 0.04, scene.shape[:2]), 1.5)[..., None]
    image = Image.fromarray(np.clip(scene * 255, 0, 255).astype(np.uint8))
    image = image.filter(ImageFilter.GaussianBlur(rng.uniform(0.4, 1.4)))
    if hard.poor_camera:  # the hand shook: a blur along one direction
        image = shaken(image, rng)
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=int(rng.integers(25, 50) if hard.poor_camera else rng.integers(55, 86)))
    return Image.open(io.BytesIO(buffer.getvalue()))


def shaken(image: Image.Image, rng: np.random.Generator) -> Image.Image:
    """`image` blurred along one direction, as by a hand that moved while the shutter was open: 4-12 pixels."""
    length = int(rng.integers(4, 13))
    angle = rng.uniform(0, np.pi)
    kernel = np.zeros((length | 1, length | 1), np.float32)
    centre = kernel.shape[0] // 2
    for t in np.linspace(-length / 2, length / 2, 4 * length):
        kernel[int(round(centre + t * np.sin(angle))), int(round(centre + t * np.cos(angle)))] = 1
    kernel /= kernel.sum()
    pixels = np.asarray(image, np.float32)
    blurred = np.stack([ndimage.convolve(pixels[..., c], kernel, mode="nearest") for c in range(3)], axis=-1)
    return Image.fromarray(np.clip(blurred, 0, 255).astype(np.uint8))


def draw(kind: Hard, images: np.ndarray, labels: np.ndarray, rng: np.random.Generator) -> tuple[Image.Image, str]:
    """One photo of a kind, its digits drawn at random from `images` (N x 28 x 28 uint8), and the truth written."""
    count = int(rng.integers(2, 5)) if kind.number else 0 if kind.blank else 1
    picks = rng.integers(0, len(images), count)
    truth = "".join(str(int(labels[i])) for i in picks)
    return photo([images[i] for i in picks] or [images[0]], kind, rng), truth


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write phone photos of notebook pages on a desk, to look at.")
    parser.add_argument("--out", type=Path, required=True, help="folder to write them to")
    parser.add_argument("--kind", nargs="+", choices=[*KINDS, "blank"], help="kinds to draw (default: all)")
    parser.add_argument("--n", type=int, default=2, help="photos of each kind [%(default)s]")
    parser.add_argument("--seed", type=int, default=0, help="random seed [%(default)s]")
    parser.add_argument("--data-dir", help="MNIST folder (default: $MNIST_DATA_DIR or ./data)")
    args = parser.parse_args(argv)
    from mnist_cnn.data import load_mnist

    images, labels = load_mnist(args.data_dir, train=False)
    rng = np.random.default_rng(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.kind or [*KINDS, "blank"]:
        hard = BLANK if name == "blank" else KINDS[name]
        for index in range(args.n):
            image, truth = draw(hard, images.numpy(), labels.numpy(), rng)
            stem = name.split(",")[0].replace(" ", "-").replace("'", "")
            path = args.out / f"{stem}-{index}-{truth or 'none'}.jpg"
            image.save(path, quality=95)
            print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
