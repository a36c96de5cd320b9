"""Digits in the styles MNIST's writers rarely used, drawn by code: for training and for the style suite.

MNIST's digits come from American census staff and students, scanned and anti-aliased at 20x20.
People elsewhere write and capture digits differently, and the network never saw those ways:

- allographs: the continental 7 with a crossbar, the 1 with a long up-stroke flag and a base, the
  open 4, the 9 with a straight stem, the flat-topped 3 (`ALLOGRAPHS`, every digit's written forms
  as pen strokes in a unit square, in the order a pen draws them);
- pens: a tablet's trace kept at a few points and drawn as one polyline, the pen's moves between
  strokes drawn as lines too (`pen_trace`);
- capture: a scan reduced to 8-16 pixels, in grey or in black and white, and enlarged again (blocky
  or blurred), a digit stretched to fill a square box, a binarized scan, a thick marker (`CAPTURES`,
  applied to MNIST digits and to the written forms: `captured`).

`style_inputs` draws a labelled training pool of all of these through `preprocess`, so the network
sees them exactly as the page shows them to it; `benchmarks/styles.py` draws the same kinds from
other seeds (and from held-out images) to measure how well that generalizes.
"""

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import numpy as np
from PIL import Image, ImageDraw
from scipy import ndimage

from mnist_cnn.preprocess import disk, preprocess
from mnist_cnn.render import to_gray_image

Stroke = list[tuple[float, float]]

# Each digit's written forms: strokes through points in a unit square (x right, y down), in pen order.
ALLOGRAPHS: dict[int, dict[str, list[Stroke]]] = {
    0: {
        "oval": [[(0.5, 0.05), (0.22, 0.18), (0.1, 0.5), (0.22, 0.85), (0.5, 0.95), (0.78, 0.82), (0.9, 0.5),
                  (0.78, 0.15), (0.5, 0.05)]],
        "overshoot": [[(0.6, 0.08), (0.3, 0.08), (0.12, 0.45), (0.25, 0.88), (0.55, 0.95), (0.85, 0.75),
                       (0.85, 0.3), (0.6, 0.05), (0.35, 0.15)]],
    },
    1: {
        "stick": [[(0.5, 0.05), (0.5, 0.95)]],
        "flag": [[(0.25, 0.3), (0.55, 0.05), (0.55, 0.95)]],
        "long flag": [[(0.1, 0.5), (0.55, 0.05), (0.55, 0.95)]],
        "flag and base": [[(0.2, 0.35), (0.55, 0.05), (0.55, 0.95)], [(0.2, 0.95), (0.85, 0.95)]],
    },
    2: {
        "curved": [[(0.15, 0.25), (0.35, 0.07), (0.65, 0.07), (0.82, 0.28), (0.7, 0.5), (0.15, 0.93),
                    (0.88, 0.93)]],
        "looped": [[(0.15, 0.25), (0.4, 0.05), (0.75, 0.12), (0.75, 0.4), (0.2, 0.9), (0.25, 0.75), (0.45, 0.85),
                    (0.9, 0.93)]],
        "z-like": [[(0.15, 0.15), (0.5, 0.05), (0.8, 0.2), (0.15, 0.93), (0.88, 0.93)]],
    },
    3: {
        "round": [[(0.15, 0.12), (0.6, 0.05), (0.82, 0.25), (0.45, 0.47), (0.85, 0.68), (0.65, 0.93),
                   (0.15, 0.88)]],
        "flat top": [[(0.15, 0.07), (0.85, 0.07), (0.45, 0.42), (0.8, 0.58), (0.8, 0.85), (0.5, 0.95),
                      (0.15, 0.85)]],
    },
    4: {
        "closed": [[(0.6, 0.05), (0.12, 0.65), (0.88, 0.65)], [(0.65, 0.05), (0.65, 0.95)]],
        "open": [[(0.2, 0.05), (0.15, 0.6), (0.85, 0.6)], [(0.68, 0.1), (0.68, 0.95)]],
        "open, one stroke": [[(0.2, 0.05), (0.15, 0.6), (0.85, 0.6)], [(0.85, 0.6), (0.68, 0.1), (0.68, 0.95)]],
    },
    5: {
        "flag last": [[(0.28, 0.07), (0.22, 0.45), (0.6, 0.38), (0.85, 0.62), (0.65, 0.92), (0.15, 0.88)],
                      [(0.28, 0.07), (0.82, 0.07)]],
        "flag first": [[(0.82, 0.07), (0.25, 0.07), (0.2, 0.45), (0.6, 0.4), (0.85, 0.65), (0.65, 0.92),
                        (0.15, 0.88)]],
    },
    6: {
        "round": [[(0.7, 0.05), (0.3, 0.35), (0.18, 0.7), (0.4, 0.95), (0.75, 0.85), (0.78, 0.6), (0.45, 0.5),
                   (0.2, 0.68)]],
        "straight back": [[(0.6, 0.05), (0.25, 0.5), (0.22, 0.85), (0.5, 0.95), (0.78, 0.78), (0.65, 0.52),
                           (0.3, 0.6)]],
    },
    7: {
        "plain": [[(0.12, 0.08), (0.88, 0.08), (0.4, 0.95)]],
        "hooked": [[(0.12, 0.22), (0.12, 0.08), (0.88, 0.08), (0.45, 0.95)]],
        "crossbar": [[(0.12, 0.08), (0.88, 0.08), (0.4, 0.95)], [(0.3, 0.52), (0.82, 0.52)]],
        "curved stem, crossbar": [[(0.1, 0.1), (0.9, 0.06), (0.62, 0.45), (0.5, 0.95)], [(0.35, 0.5), (0.85, 0.47)]],
    },
    8: {
        "one loop": [[(0.5, 0.5), (0.2, 0.3), (0.5, 0.05), (0.8, 0.3), (0.5, 0.5), (0.15, 0.75), (0.5, 0.95),
                      (0.85, 0.75), (0.5, 0.5)]],
        "s and back": [[(0.8, 0.15), (0.5, 0.05), (0.2, 0.2), (0.3, 0.4), (0.75, 0.62), (0.75, 0.9), (0.45, 0.95),
                        (0.2, 0.8), (0.35, 0.55), (0.7, 0.35), (0.8, 0.15)]],
        "two rings": [[(0.5, 0.48), (0.25, 0.3), (0.5, 0.05), (0.75, 0.3), (0.5, 0.48)],
                      [(0.5, 0.48), (0.18, 0.72), (0.5, 0.95), (0.82, 0.72), (0.5, 0.48)]],
    },
    9: {
        "curved stem": [[(0.8, 0.3), (0.5, 0.05), (0.2, 0.25), (0.45, 0.5), (0.8, 0.3), (0.75, 0.95)]],
        "straight stem": [[(0.8, 0.25), (0.5, 0.05), (0.2, 0.22), (0.4, 0.48), (0.8, 0.35)],
                          [(0.8, 0.05), (0.8, 0.95)]],
        "straight stem, one stroke": [[(0.8, 0.2), (0.5, 0.05), (0.2, 0.22), (0.42, 0.48), (0.8, 0.38),
                                       (0.8, 0.05), (0.8, 0.95)]],
        "open loop": [[(0.75, 0.12), (0.45, 0.05), (0.2, 0.22), (0.35, 0.45), (0.75, 0.38), (0.78, 0.95)]],
    },
}


def resample(points: np.ndarray, count: int, upto: float = 1.0) -> np.ndarray:
    """`count` points evenly spaced along a polyline (count x 2), or along its first `upto` share."""
    length = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(points, axis=0).T))])
    at = np.linspace(0.0, upto * length[-1], count)
    return np.stack([np.interp(at, length, points[:, 0]), np.interp(at, length, points[:, 1])], axis=1)


def smooth(points: np.ndarray, rounds: int = 2) -> np.ndarray:
    """Round a polyline's corners the way a moving pen does (Chaikin's corner cutting), ends kept."""
    for _ in range(rounds):
        a, b = points[:-1], points[1:]
        cut = np.stack([0.75 * a + 0.25 * b, 0.25 * a + 0.75 * b], axis=1).reshape(-1, 2)
        points = np.concatenate([points[:1], cut, points[-1:]])
    return points


def pen_trace(strokes: list[Stroke], rng: np.random.Generator, points: int | None = None) -> list[np.ndarray]:
    """The strokes as a hand would draw them: points jittered, the whole slanted, turned and squeezed.

    Without `points`, corners are rounded and strokes kept apart. With it, the whole trace becomes one
    polyline through that many points, the pen's moves between strokes drawn too, as a tablet that
    records one trajectory does (6-12 points: the coarse traces of a low sampling rate)."""
    slant, turn = rng.uniform(-0.3, 0.3), np.deg2rad(rng.uniform(-12, 12))
    aspect = rng.uniform(0.55, 1.0)
    rotation = np.array([[np.cos(turn), -np.sin(turn)], [np.sin(turn), np.cos(turn)]])
    traces = []
    for stroke in strokes:
        xy = np.array(stroke, dtype=np.float64) + rng.normal(0, 0.03, (len(stroke), 2))
        xy[:, 0] = 0.5 + (xy[:, 0] - 0.5) * aspect + slant * (0.5 - xy[:, 1])
        traces.append((xy - 0.5) @ rotation.T + 0.5)
    if points:
        return [resample(np.concatenate(traces), points)]
    return [smooth(t) if len(t) > 2 else t for t in traces]


def draw_trace(traces: list[np.ndarray], rng: np.random.Generator, canvas: int, width: float) -> Image.Image:
    """Draw traces (unit square) with a round pen `width` times the digit's height, black on white, at a
    random size and place on a canvas x canvas picture."""
    image = Image.new("L", (canvas, canvas), 255)
    draw = ImageDraw.Draw(image)
    points = np.concatenate(traces)
    low, high = points.min(axis=0), points.max(axis=0)
    height = rng.uniform(0.3, 0.7) * canvas
    scale = height / max(high[1] - low[1], 0.3)
    size = (high - low) * scale
    offset = rng.uniform(0.05 * canvas, np.maximum(0.05 * canvas, 0.95 * canvas - size)) - low * scale
    pen = max(2, int(round(width * height)))
    for trace in traces:
        xy = [tuple(p) for p in trace * scale + offset]
        draw.line(xy, fill=0, width=pen, joint="curve")
        for x, y in (xy[0], xy[-1]):
            draw.ellipse([x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2], fill=0)
    return image


COARSE = (6, 12)
"""Coarse pen traces keep this many points (fewest, most)."""


def written(digit: int, form: str, rng: np.random.Generator, canvas: int = 800, points: int | None = None,
            width: tuple[float, float] = (0.04, 0.12)) -> Image.Image:
    """One digit in one of its written forms, drawn by a pen of random width (`points`: see `pen_trace`)."""
    traces = pen_trace(ALLOGRAPHS[digit][form], rng, points)
    return draw_trace(traces, rng, canvas, rng.uniform(*width))


def any_form(digit: int, rng: np.random.Generator, canvas: int = 800, points: int | None = None,
             forms: list[str] | None = None) -> Image.Image:
    """One digit in a random one of its written forms (or of `forms`), drawn as `written` draws it."""
    forms = list(ALLOGRAPHS[digit]) if forms is None else forms
    return written(digit, forms[int(rng.integers(len(forms)))], rng, canvas, points)


def ink_box(digit: np.ndarray) -> np.ndarray:
    """An MNIST digit (28x28 uint8) cropped to its ink, as float 0..1."""
    rows, cols = np.nonzero(digit > 30)
    return digit[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1].astype(np.float32) / 255.0


def on_canvas(ink: np.ndarray, rng: np.random.Generator, canvas: int, resample: Image.Resampling) -> Image.Image:
    """Enlarge an ink map (ink high) to a random height on a white canvas x canvas picture, black ink."""
    height = int(rng.uniform(0.3, 0.7) * canvas)
    width = max(1, min(canvas - 2, round(ink.shape[1] * height / ink.shape[0])))
    big = np.asarray(Image.fromarray(ink, mode="F").resize((width, height), resample), dtype=np.float32)
    out = np.zeros((canvas, canvas), dtype=np.float32)
    top, left = rng.integers(0, canvas - height + 1), rng.integers(0, canvas - width + 1)
    out[top : top + height, left : left + width] = np.clip(big, 0, 1)
    return to_gray_image(out)


def squared(ink: np.ndarray) -> np.ndarray:
    """Stretch the ink to fill a square box, aspect not kept, as some scanners' forms normalize digits."""
    side = max(ink.shape)
    return np.asarray(Image.fromarray(ink, mode="F").resize((side, side), Image.Resampling.BILINEAR))


def shrunk(ink: np.ndarray, side: int) -> np.ndarray:
    """An ink map kept at `side` pixels on its longer side (each pixel the mean of the ink it covers), its
    strongest ink 1."""
    scale = side / max(ink.shape)
    small = Image.fromarray(ink, mode="F").resize(
        (max(1, round(ink.shape[1] * scale)), max(1, round(ink.shape[0] * scale))), Image.Resampling.BOX)
    small = np.asarray(small, dtype=np.float32)
    return small / max(float(small.max()), 1e-6)


def kept_small(digit: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A digit's ink kept at 8-16 pixels (sometimes stretched to a square first, as forms' scanners normalize
    digits), its strongest ink 1."""
    ink = ink_box(digit)
    if rng.random() < 0.5:
        ink = squared(ink)
    return shrunk(ink, int(rng.integers(8, 17)))


def enlarged_scan(small: np.ndarray, rng: np.random.Generator, canvas: int) -> Image.Image:
    """A small scan as a person uploads it: enlarged blocky or blurred."""
    enlarge = Image.Resampling.NEAREST if rng.random() < 0.5 else Image.Resampling.BICUBIC
    return on_canvas(small, rng, canvas, enlarge)


def low_resolution(digit: np.ndarray, rng: np.random.Generator, canvas: int = 800) -> Image.Image:
    """A scan kept at 8-16 pixels in shades of grey, enlarged blocky or blurred."""
    return enlarged_scan(kept_small(digit, rng), rng, canvas)


def low_resolution_binarized(digit: np.ndarray, rng: np.random.Generator, canvas: int = 800) -> Image.Image:
    """A scan kept at 8-16 pixels in black and white only, as fax-era forms and many digit collections keep
    them: each pixel ink or paper, strokes one or two pixels wide with stairs for edges."""
    small = kept_small(digit, rng)
    return enlarged_scan((small > rng.uniform(0.3, 0.6)).astype(np.float32), rng, canvas)


def stretched(digit: np.ndarray, rng: np.random.Generator, canvas: int = 800) -> Image.Image:
    """A digit stretched to fill a square box, aspect not kept."""
    return on_canvas(squared(ink_box(digit)), rng, canvas, Image.Resampling.BICUBIC)


def binarized(digit: np.ndarray, rng: np.random.Generator, canvas: int = 800) -> Image.Image:
    """A scan thresholded to pure black and white, with hard, jagged edges."""
    ink = (ink_box(digit) > rng.uniform(0.3, 0.6)).astype(np.float32)
    return on_canvas(ink, rng, canvas, Image.Resampling.NEAREST)


def thick_marker(digit: np.ndarray, rng: np.random.Generator, canvas: int = 800) -> Image.Image:
    """A felt marker: strokes a fifth to a quarter of the digit's width, holes nearly closed."""
    ink = ink_box(digit)
    big = np.asarray(Image.fromarray(ink, mode="F").resize((ink.shape[1] * 4, ink.shape[0] * 4),
                                                          Image.Resampling.BICUBIC)) > 0.5
    radius = max(1, int(rng.uniform(0.05, 0.09) * big.shape[0]))
    marked = ndimage.binary_dilation(big, structure=disk(radius)).astype(np.float32)
    return on_canvas(marked, rng, canvas, Image.Resampling.BILINEAR)


Capture = Callable[[np.ndarray, np.random.Generator, int], Image.Image]

CAPTURES: dict[str, Capture] = {
    "low-resolution scan": low_resolution,
    "low-resolution, binarized": low_resolution_binarized,
    "stretched to a square": stretched,
    "binarized": binarized,
    "thick marker": thick_marker,
}
"""Ways a picture of an MNIST digit (28x28 uint8) is captured differently, each to a picture on a canvas."""


def scan_upload(digit: np.ndarray, rng: np.random.Generator) -> Image.Image:
    """A small scanned digit (uint8, ink bright, such as USPS's 16x16) as a person uploads a cropped scan: dark ink
    on white, a margin around it, enlarged 4-12 times, blocky or smooth."""
    margin = int(rng.integers(2, 7))
    paper = 255 - np.pad(digit, margin)
    scale = int(rng.integers(4, 13))
    resample = Image.Resampling.NEAREST if rng.random() < 0.5 else Image.Resampling.BICUBIC
    return Image.fromarray(paper).resize((paper.shape[1] * scale, paper.shape[0] * scale), resample)


def kept_at(scan: np.ndarray, side: int, threshold: float | None = None) -> np.ndarray:
    """A scanned digit (uint8, ink bright) kept at `side` pixels on its longer side, in black and white when a
    `threshold` (a share of its strongest ink) is given: uint8, ink bright, the strongest 255."""
    small = shrunk(scan.astype(np.float32), side)
    if threshold is not None:
        small = (small > threshold).astype(np.float32)
    return (small * 255).astype(np.uint8)


def out_of_focus(scan: np.ndarray, sigma: float) -> np.ndarray:
    """A scanned digit (uint8, ink bright) scanned out of focus: blurred by a Gaussian of `sigma` of its own
    pixels, its strongest ink 255. Loops fill in (an 8 turns into a blob) as on a blurred fax or photocopy."""
    blurred = ndimage.gaussian_filter(scan.astype(np.float32), sigma)
    return (blurred / max(float(blurred.max()), 1e-6) * 255).astype(np.uint8)


def scan_inputs(images: np.ndarray, labels: np.ndarray, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Each scanned digit (uint8 N x H x W, ink bright) uploaded once (`scan_upload`) and preprocessed as the page
    does: (N', 28, 28) float32 inputs and their labels (a scan with no digit left is skipped)."""
    rng = np.random.default_rng(seed)
    pairs = [(preprocess(scan_upload(image, rng)), label) for image, label in zip(images, labels)]
    kept = [(x, y) for x, y in pairs if x is not None]
    return np.stack([x for x, _ in kept]), np.array([y for _, y in kept], dtype=np.int64)


WRITTEN_CAPTURED = 0.5
"""The share of written digits that are also captured (scanned small, binarized, marked thick): the same shapes
at a scanner's resolution, which a network that saw them only as drawn strokes misreads."""


def captured(picture: Image.Image, rng: np.random.Generator, canvas: int,
             capture: Capture | None = None) -> Image.Image | None:
    """A written digit captured one of CAPTURES' ways (`capture`, or one at random): as the page would see it,
    then captured like an MNIST digit; None if it held no digit."""
    model_input = preprocess(picture)
    if model_input is None:
        return None
    if capture is None:
        captures = list(CAPTURES.values())
        capture = captures[int(rng.integers(len(captures)))]
    return capture((model_input * 255).astype(np.uint8), rng, canvas)


def style_inputs(images: np.ndarray, labels: np.ndarray, count: int, seed: int | tuple[int, int],
                 canvas: int = 280) -> tuple[np.ndarray, np.ndarray]:
    """`count` preprocessed digits (N, 28, 28) float32 and their labels (N,) int64, half written by code in
    every form and pen (smooth and coarse; WRITTEN_CAPTURED of them captured as well), half MNIST digits from
    `images` captured in every way."""
    rng = np.random.default_rng(seed)
    captures = list(CAPTURES.values())
    inputs, targets = [], []
    while len(inputs) < count:
        if len(inputs) % 2 == 0:
            digit = int(rng.integers(10))
            points = int(rng.integers(COARSE[0], COARSE[1] + 1)) if rng.random() < 0.5 else None
            picture = any_form(digit, rng, canvas, points)
            if rng.random() < WRITTEN_CAPTURED:
                picture = captured(picture, rng, canvas)
                if picture is None:
                    continue
        else:
            index = int(rng.integers(len(images)))
            digit = int(labels[index])
            picture = captures[int(rng.integers(len(captures)))](images[index], rng, canvas)
        model_input = preprocess(picture)
        if model_input is not None:
            inputs.append(model_input)
            targets.append(digit)
    return np.stack(inputs), np.array(targets, dtype=np.int64)


POOL_PARTS = 2
"""The training pool is drawn in this many parts, each from its own seed ((seed, part)), whatever the machine."""


def style_pool(images: np.ndarray, labels: np.ndarray, count: int, seed: int,
               processes: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """`count` digits for training (`style_inputs`), drawn in POOL_PARTS parts, up to `processes` of them at once:
    on a 2-core machine the pool takes half the minutes it takes in one process, and is the same pool."""
    shares = [count // POOL_PARTS + (part < count % POOL_PARTS) for part in range(POOL_PARTS)]
    args = ([images] * POOL_PARTS, [labels] * POOL_PARTS, shares, [(seed, part) for part in range(POOL_PARTS)])
    if processes <= 1:
        parts = list(map(style_inputs, *args))
    else:
        with ProcessPoolExecutor(min(processes, POOL_PARTS), mp_context=multiprocessing.get_context("spawn")) as pool:
            parts = list(pool.map(style_inputs, *args))
    return np.concatenate([x for x, _ in parts]), np.concatenate([y for _, y in parts])
