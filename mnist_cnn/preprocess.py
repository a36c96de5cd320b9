"""Turn any drawing, upload or photo into a 28x28 image made the way MNIST's digits were made.

MNIST digits are white on black, anti-aliased, fitted into 20x20 keeping their aspect ratio and
placed in 28x28 with their centre of mass at the centre. People draw thick black strokes anywhere
on a big white canvas, or photograph paper. `preprocess` bridges the two with a chain of small,
named steps, each usable and testable on its own:

    ink_of:          load -> upright -> gray_and_alpha (shrink) -> composite_alpha -> ink_map -> stretch_contrast
                     -> without_ruling
    digit_from_ink:  crop_to_ink -> normalize_stroke -> fit_into_box -> center_by_mass

`preprocess` runs the two halves one after the other; `read_number` cuts the ink into digits between them.
"""

import io
import os
import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError
from scipy import ndimage

from mnist_cnn import photo
from mnist_cnn.config import DIGIT_BOX, IMAGE_SIZE
from mnist_cnn.errors import InputError

MAX_FILE_BYTES = 20 * 1024 * 1024
"""Uploads larger than this are refused before decoding."""

MAX_REQUEST_BYTES = MAX_FILE_BYTES * 4 // 3 + 2**20
"""The largest request body a server of these models needs to read: a MAX_FILE_BYTES image sent as base64
text, with room for the JSON around it. Anything larger is refused before it is read."""

UNNAMED = "The image"
"""What a sentence about an image calls one that came as bytes, with no file name."""

MAX_PIXELS = 50_000_000
"""Images with more pixels than this (about 7000x7000) are refused before decoding."""

DECODE_PIXELS = 16_000_000
"""The most pixels a picture is decoded at, known from its header before any pixel is: 64 MB as Pillow keeps them (4
bytes a pixel). A JPEG is decoded reduced (1/2 to 1/8 of its size, in the decoder itself) and counts at that size,
so a 50-megapixel phone photo is read; another format over this is refused at once (a 12-megapixel PNG is read)."""

DRAWING_PIXELS = 1_000_000
"""The most pixels a drawing sent by the page may have (the page sends its 560x280 canvas at half size): the
drawing's route asks `load` for no more, so a picture far larger than a canvas is refused before it is decoded."""

LARGE_PIXELS = 2_000_000
"""A picture decoded at more pixels than this is large: it waits for one of LARGE_DECODES slots (at most
LARGE_WAIT_S, else one sentence: the server is busy) and is reduced to working size before the slot is given back,
so large pictures hold at most LARGE_DECODES x 128 MB at once, however many are sent (one at a time: two at once
raised a server's peak memory by 190-240 MB with a dozen 16-megapixel PNGs sent at once, one by about 125)."""
LARGE_DECODES = 1
LARGE_WAIT_S = 0.25
_large_decodes = threading.BoundedSemaphore(LARGE_DECODES)

WORK_SIZE = 256
"""Large images are shrunk so their longer side is about this before the pixel-level steps."""

PHOTO_DETAIL = 1024
"""Large pictures (a JPEG in its decoder, others after decoding) are reduced no further than this many pixels on
their shorter side: a small digit on a photographed page keeps the width of its pen for `photo.writing`."""

MIN_CONTRAST = 0.08
"""Below this difference between ink and paper (in 0..1) the image is treated as blank."""

PAPER_BELOW = 0.25
"""Ink weaker than this share of the strongest is paper (texture, haze, the halo between touching digits) and
becomes 0. Lower keeps more of a blurred scan's thin strokes and lets in more of a photo's paper: docs/ROBUSTNESS.md
has what 0.12 did to each."""

SOLID_ABOVE = 0.85
"""Ink at least this share of the strongest is solid and becomes 1; between the two, the anti-aliased edge."""

SPECK_AREA = 0.08
"""Strokes with less ink than this share of the biggest stroke are specks, not parts of a digit."""

RIM = 2
"""Pixels of anti-aliased edge kept around the thresholded strokes when cropping."""

FAINT = 0.25
"""Ink this faint belongs to a stroke when it touches solid ink (above one half): faint digits stay whole."""

STROKE_RATIO = 0.12
"""MNIST's typical stroke width as a share of the digit's height (about 2.4 px of 20)."""

ImageSource = str | os.PathLike | bytes | Image.Image | np.ndarray


def load(source: ImageSource, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Open a file path, bytes, PIL image or numpy array as a PIL image, refusing what is too big (over `max_pixels`,
    from the header, before decoding) or not an image."""
    if isinstance(source, Image.Image):
        image = source
    elif isinstance(source, np.ndarray):
        return Image.fromarray(array_to_uint8(source))
    elif isinstance(source, (bytes, bytearray)):
        image = open_bytes(bytes(source), UNNAMED, max_pixels)
    elif isinstance(source, (str, os.PathLike)):
        path = Path(source)
        if not path.is_file():
            raise InputError(f"{path} is not a file.", "not_a_file", name=str(path))
        if path.stat().st_size > MAX_FILE_BYTES:
            raise too_large(path.name)
        image = open_bytes(path.read_bytes(), path.name, max_pixels)
    else:
        raise InputError(f"Cannot read an image from a {type(source).__name__}.")
    check_pixel_count(*image.size, max_pixels)
    return image


def open_bytes(data: bytes, name: str, max_pixels: int = MAX_PIXELS) -> Image.Image:
    """Decode image bytes with PIL; one clear sentence when they are empty, truncated or not an image."""
    if not data:
        raise InputError(f"{name} is empty (0 bytes).", "empty", name=name)
    if len(data) > MAX_FILE_BYTES:
        raise too_large(name)
    try:
        with warnings.catch_warnings():  # sizes are checked just below, with a clearer message
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        check_pixel_count(*image.size, max_pixels)
        image = decoded(image, name)
    except InputError:
        raise
    except Image.DecompressionBombError:
        megapixels = MAX_PIXELS // 1_000_000
        raise InputError(f"{name} claims more pixels than the {megapixels}-megapixel limit.", "claims_too_many",
                         name=name, megapixels=megapixels) from None
    except UnidentifiedImageError:
        raise InputError(f"{name} is not an image format we can read (PNG, JPEG, WebP, BMP or GIF).", "not_an_image",
                         name=name) from None
    except (OSError, ValueError, SyntaxError, EOFError):
        raise InputError(f"{name} is damaged or truncated and cannot be decoded.", "damaged", name=name) from None
    return image


def decoded(image: Image.Image, name: str) -> Image.Image:
    """Decode an opened image within DECODE_PIXELS: a JPEG reduced in its decoder to no less than PHOTO_DETAIL; a
    large picture (LARGE_PIXELS) in one of LARGE_DECODES slots and brought to 8 bits and near PHOTO_DETAIL before
    the slot is given back (its EXIF orientation kept for `upright`)."""
    if image.format == "JPEG":
        image.draft(image.mode, (PHOTO_DETAIL, PHOTO_DETAIL))
    if image.width * image.height > DECODE_PIXELS:
        megapixels = DECODE_PIXELS // 1_000_000
        raise InputError(f"{name} is {image.width}x{image.height} pixels; pictures other than JPEG are read up to "
                         f"{megapixels} megapixels.", "decode_too_many", name=name, width=image.width,
                         height=image.height, megapixels=megapixels)
    if image.width * image.height <= LARGE_PIXELS:
        image.load()
        return image
    if not _large_decodes.acquire(timeout=LARGE_WAIT_S):
        raise InputError("The server is reading other large pictures just now; please send yours again in a "
                         "moment.", "busy_decoding")
    try:
        image.load()
        small = shrink(standard_mode(image), PHOTO_DETAIL)
        if "exif" in image.info:
            small.info["exif"] = image.info["exif"]
        if small is not image:
            image.close()  # its pixels go now, before the slot does, not when the caller lets go of it
    finally:
        _large_decodes.release()
    return small


def too_large(name: str) -> InputError:
    megabytes = MAX_FILE_BYTES // 2**20
    return InputError(f"{name} is larger than {megabytes} MB; please send a smaller image.", "too_large", name=name,
                      megabytes=megabytes)


def check_pixel_count(width: int, height: int, max_pixels: int = MAX_PIXELS) -> None:
    if width < 1 or height < 1:
        raise InputError("The image has no pixels.", "no_pixels")
    if width * height > max_pixels:
        megapixels = max_pixels // 1_000_000
        raise InputError(f"The image is {width}x{height} pixels; the limit is {megapixels} megapixels.",
                         "too_many_pixels", width=width, height=height, megapixels=megapixels)


def array_to_uint8(array: np.ndarray) -> np.ndarray:
    """Validate an H x W (x 1, 3 or 4) array of any numeric dtype and return it as uint8."""
    if array.dtype == bool:
        array = array.astype(np.uint8) * 255
    if not (np.issubdtype(array.dtype, np.integer) or np.issubdtype(array.dtype, np.floating)):
        raise InputError(f"Image arrays must hold numbers, not {array.dtype}.")
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (3, 4)):
        raise InputError(f"Image arrays must be H x W, H x W x 3 or H x W x 4; got shape {array.shape}.")
    check_pixel_count(array.shape[1], array.shape[0])
    if np.issubdtype(array.dtype, np.floating):
        if not np.isfinite(array).all():
            raise InputError("The image array contains NaN or infinite values.")
        low, high = float(array.min()), float(array.max())
        if low < 0 or high > 255:
            raise InputError(f"Float pixels must lie in 0..1 or 0..255; these span {low:g}..{high:g}.")
        scale = 255.0 if high <= 1.0 else 1.0
        return np.clip(np.rint(array * scale), 0, 255).astype(np.uint8)
    if array.dtype == np.uint8:
        return array
    info = np.iinfo(array.dtype)
    low, high = int(array.min()), int(array.max())
    if low < 0:
        raise InputError(f"Integer pixels must not be negative; these span {low}..{high}.")
    if high <= 255 and info.max > 65535:
        return array.astype(np.uint8)
    return (array.astype(np.float64) * 255.0 / info.max).round().astype(np.uint8)


def upright(image: Image.Image) -> Image.Image:
    """Apply the EXIF orientation a camera recorded, so the digit stands as it was photographed."""
    if "exif" not in image.info:
        return image
    try:
        return ImageOps.exif_transpose(image)
    except (OSError, ValueError, SyntaxError):
        return image


def shrink(image: Image.Image, size: int = WORK_SIZE) -> Image.Image:
    """Reduce large images by an integer factor (area-averaged) so the longer side is near `size`."""
    factor = max(image.size) // size
    return image.reduce(factor) if factor >= 2 else image


def standard_mode(image: Image.Image) -> Image.Image:
    """Convert any PIL mode (palette, CMYK, 16-bit, 1-bit ...) to L, LA, RGB or RGBA."""
    if image.mode in ("L", "LA", "RGB", "RGBA"):
        return image
    if image.mode.startswith("I;16"):  # 16 bits to 8, a band of rows at a time: no wide copy of a large picture
        bands = [(np.asarray(image.crop((0, top, image.width, min(image.height, top + 256))), np.uint16) // 257)
                 .astype(np.uint8) for top in range(0, image.height, 256)]
        return Image.fromarray(np.vstack(bands))
    if image.mode in ("I", "F"):
        pixels = np.asarray(image, dtype=np.float32)
        peak = 65535.0 if pixels.max() > 255 else 255.0
        return Image.fromarray(np.clip(pixels / peak * 255.0, 0, 255).astype(np.uint8))
    has_alpha = image.mode in ("PA", "La") or "transparency" in image.info or image.mode.endswith("A")
    return image.convert("RGBA" if has_alpha else "RGB")


def gray_and_alpha(image: Image.Image) -> tuple[np.ndarray, np.ndarray | None]:
    """Luminance and (if any pixel is see-through) opacity, shrunk, as float32 arrays in 0..1."""
    image = standard_mode(image)
    gray = np.asarray(shrink(image.convert("L")), dtype=np.float32) / 255.0
    if image.mode not in ("LA", "RGBA"):
        return gray, None
    alpha = image.getchannel("A")
    if alpha.getextrema()[0] == 255:
        return gray, None
    return gray, np.asarray(shrink(alpha), dtype=np.float32) / 255.0


def composite_alpha(gray: np.ndarray, alpha: np.ndarray | None) -> np.ndarray:
    """Flatten transparency over the background that contrasts with the visible ink.

    Dark strokes on a transparent layer go over white; light strokes over black. A fully
    transparent image becomes uniform (blank).
    """
    if alpha is None or alpha.min() >= 0.99:
        return gray
    if alpha.max() < 0.05:
        return np.zeros_like(gray)
    ink_brightness = float((gray * alpha).sum() / alpha.sum())
    background = 1.0 if ink_brightness < 0.5 else 0.0
    return gray * alpha + background * (1.0 - alpha)


def ink_map(gray: np.ndarray) -> np.ndarray:
    """Ink strength in 0..1 (ink high), whichever side is ink and however uneven the lighting.

    Which side is ink comes from `ink_is_dark`. The local paper level is estimated by a grey
    closing (or opening) wider than any stroke, and the ink is what stands out from it (as a share
    of the local light, for dark ink), which removes shadows and lighting gradients.
    """
    low, high = float(gray.min()), float(gray.max())
    if high - low < MIN_CONTRAST:
        return np.zeros_like(gray)
    size = max(3, max(gray.shape) // 4)
    if ink_is_dark(gray, size):
        # ink on paper darkens the light falling there by a factor: divide the lighting out
        paper = ndimage.grey_closing(gray, size=(size, size))
        return np.clip(1.0 - gray / np.maximum(paper, 1e-3), 0, 1)
    return np.clip(gray - ndimage.grey_opening(gray, size=(size, size)), 0, 1)


def ink_is_dark(gray: np.ndarray, size: int) -> bool:
    """Decide which side is ink. Paper is the majority, so in an evenly lit picture the median
    sits near the paper's end of the range. Under strong uneven light the median lands mid-range;
    then ink is the sparse extreme once the smooth lighting is removed: dark ink makes a long dark
    tail, light ink a long bright one."""
    low, high = float(gray.min()), float(gray.max())
    median = float(np.median(gray))
    if abs(median - (low + high) / 2) > 0.25 * (high - low):
        return median > (low + high) / 2
    detail = gray - ndimage.gaussian_filter(gray, sigma=size / 4, mode="nearest")
    dark, light = np.percentile(detail, [0.5, 99.5])
    return -dark > light


def strongest(ink: np.ndarray) -> float:
    """How strong the solid ink of a map is: its 99.7th percentile (a few bright specks do not count), or its
    maximum on a map too small for a percentile to mean anything."""
    return float(np.percentile(ink, 99.7)) if ink.size > 400 else float(ink.max())


def stretch_contrast(ink: np.ndarray) -> np.ndarray | None:
    """Map faint paper texture to 0 and solid ink to 1, keeping the anti-aliased edge between; None if blank."""
    peak = strongest(ink)
    if peak < MIN_CONTRAST:
        return None
    return np.clip((ink - PAPER_BELOW * peak) / ((SOLID_ABOVE - PAPER_BELOW) * peak), 0, 1).astype(np.float32)


@dataclass(frozen=True)
class Strokes:
    """The connected strokes of an ink map: `labels` numbers each stroke's pixels (1, 2, ...), `boxes` are their
    (rows, cols) slices and `areas` their pixels of solid ink (above one half)."""

    labels: np.ndarray
    boxes: list[tuple[slice, slice]]
    areas: np.ndarray

    def specks(self, share: float) -> np.ndarray:
        """Which strokes have less solid ink than `share` of the biggest (or fewer than 2 pixels)."""
        return self.areas < max(2.0, share * self.areas.max(initial=0))


def find_strokes(ink: np.ndarray) -> Strokes:
    """The strokes of an ink map, for cropping and for segmentation alike: pixels above FAINT, 8-connected,
    so that a faint or diagonal part of a stroke stays with it; a stroke of faint ink alone has no area."""
    labels, count = ndimage.label(ink > FAINT, structure=np.ones((3, 3), dtype=bool))
    areas = np.bincount(labels[ink > 0.5], minlength=count + 1)[1:]  # far cheaper than ndimage.sum_labels
    return Strokes(labels, ndimage.find_objects(labels), areas.astype(np.float64))


def crop_to_ink(ink: np.ndarray) -> np.ndarray | None:
    """Crop to the digit's strokes, ignoring specks and lines along the page border; None if nothing is left."""
    strokes = find_strokes(ink)
    if not strokes.boxes:
        return None
    h, w = ink.shape
    keep = ~strokes.specks(SPECK_AREA)
    border = np.array([is_border_line(box, h, w) for box in strokes.boxes])
    if (keep & ~border).any():
        keep &= ~border
    if not keep.any():
        return None
    kept_boxes = [box for box, k in zip(strokes.boxes, keep) if k]
    top = max(0, min(b[0].start for b in kept_boxes) - RIM)
    bottom = min(h, max(b[0].stop for b in kept_boxes) + RIM)
    left = max(0, min(b[1].start for b in kept_boxes) - RIM)
    right = min(w, max(b[1].stop for b in kept_boxes) + RIM)
    window = (slice(top, bottom), slice(left, right))
    # keep only the digit's strokes and their rims: specks, haze and noise around them go
    kept = ndimage.binary_dilation(np.isin(strokes.labels[window], np.flatnonzero(keep) + 1), iterations=RIM)
    return np.where(kept, ink[window], 0.0).astype(np.float32)


def is_border_line(box: tuple[slice, slice], h: int, w: int) -> bool:
    """A component that touches the image edge and runs along most of it: a page edge or a frame."""
    rows, cols = box
    touches = rows.start == 0 or cols.start == 0 or rows.stop == h or cols.stop == w
    long_thin = (rows.stop - rows.start > 0.8 * h and cols.stop - cols.start < 0.1 * w) or (
        cols.stop - cols.start > 0.8 * w and rows.stop - rows.start < 0.1 * h
    )
    return touches and long_thin


def stroke_width(ink: np.ndarray) -> float:
    """Typical stroke width in pixels: four times the mean distance of ink pixels to the paper."""
    mask = ink > 0.5
    if not mask.any():
        return 0.0
    return 4.0 * float(ndimage.distance_transform_edt(np.pad(mask, 1))[1:-1, 1:-1][mask].mean())


def normalize_stroke(ink: np.ndarray, ratio: float = STROKE_RATIO, size: int = 64) -> np.ndarray:
    """Thicken hairlines (a fine pen, a thin brush) towards MNIST's pen; leave bolder strokes as they are.

    Works on the digit resized to `size` pixels (longer side), so the result does not depend on
    the resolution of the input; returns the digit at that size. Thick strokes are not thinned: the
    network learned them from its stroke-width augmentation, and thinning cost accuracy on MNIST's
    own bold digits (`python -m benchmarks.robustness`).
    """
    ink = fit_into_box(ink, size)
    width, target = stroke_width(ink), ratio * size
    if 0 < width < 0.6 * target:
        return ndimage.grey_dilation(ink, footprint=disk(max(1, int(round((target - width) / 2)))))
    return ink


def disk(radius: int) -> np.ndarray:
    y, x = np.ogrid[-radius : radius + 1, -radius : radius + 1]
    return x * x + y * y <= radius * radius + radius


def fit_into_box(ink: np.ndarray, box: int = DIGIT_BOX) -> np.ndarray:
    """Resize so the longer side is `box` pixels, keeping the aspect ratio, anti-aliased."""
    h, w = ink.shape
    scale = box / max(h, w)
    size = (max(1, round(w * scale)), max(1, round(h * scale)))
    resized = Image.fromarray(ink.astype(np.float32), mode="F").resize(size, Image.Resampling.LANCZOS)
    out = np.clip(np.asarray(resized, dtype=np.float32), 0, 1)
    peak = out.max()
    # thin strokes lose their peak when shrunk; MNIST's strokes always reach full white
    return out / peak if peak > 0 else out


def center_by_mass(ink: np.ndarray, size: int = IMAGE_SIZE) -> np.ndarray:
    """Place the digit in a size x size black square with its centre of mass at the centre."""
    h, w = ink.shape
    cy, cx = ndimage.center_of_mass(ink) if ink.sum() > 0 else (h / 2, w / 2)
    top = int(np.clip(round(size / 2 - cy), 0, size - h))
    left = int(np.clip(round(size / 2 - cx), 0, size - w))
    out = np.zeros((size, size), dtype=np.float32)
    out[top : top + h, left : left + w] = ink
    return out


RULED_LINES = 3
"""Long thin lines across most of a picture that make it a ruled (or squared) page: a digit has fewer."""
LONG = 0.6
"""A ruling line runs across at least this share of the picture: in pieces (a photo's faint lines break up) of at
least PIECE of it."""
PIECE = 0.15


def without_ruling(ink: np.ndarray) -> np.ndarray:
    """The ink with a notebook's ruled or grid lines taken out: on a page where RULED_LINES or more thin lines run
    across most of the picture, the ink thinner (across the lines) than the pen's strokes goes, and the digit
    written over them stays (an opening along each direction that holds such lines). Any other picture is
    returned as it is."""
    spread = ink > FAINT
    if spread.any(axis=0).mean() < 0.9 and spread.any(axis=1).mean() < 0.9:  # no line across the picture
        return ink
    for across in (0, 1):  # horizontal lines (thin across rows), then vertical ones
        size = (3, 1) if across == 0 else (1, 3)
        opened = ndimage.grey_opening(ink, size=size)
        # faint, jagged (a turned page), JPEG-broken lines: their pieces joined along the line, a pixel up or down
        thin = ndimage.binary_closing((ink - opened) > FAINT / 2, structure=np.ones((3, 9) if across == 0 else (9, 3)))
        labels, count = ndimage.label(thin)
        lengths = np.array([box[1 - across].stop - box[1 - across].start for box in ndimage.find_objects(labels)])
        side = ink.shape[1 - across]
        if lengths[lengths >= PIECE * side].sum() >= RULED_LINES * LONG * side:
            # the pen's thinner parts (a 0's top, at working size as thin as a line) come back beside its strokes
            ink = np.where(ndimage.binary_dilation(opened > 0.5, iterations=2), ink, opened)
    return ink


NO_DIGIT_ON_PAGE = "No digit found on this page: crop closer or write bigger."


def ink_of(source: ImageSource) -> np.ndarray | None:
    """The first half of the chain: any image -> ink strength in 0..1 at working size, a notebook's ruling taken
    out; None when blank. A phone photo of a page with small writing on it goes through `photo.writing` first,
    which finds the paper and the pen on it (and says so when the page holds no digit)."""
    image = upright(load(source))
    found = photo.writing(image)
    if found is None:
        raise InputError(NO_DIGIT_ON_PAGE, "no_digit_on_page")
    if not isinstance(found, str):
        found = fit_within(found, WORK_SIZE)
        if too_thin(stretch_contrast(found)):  # a thin or pale pen: its weak stretches made whole, then widened
            lines = stretch_contrast(photo.whole_lines(found, strongest(found)))
            return None if lines is None else stretch_contrast(widened(lines))
        return stretch_contrast(thick_enough(found))
    ink = stretch_contrast(ink_map(composite_alpha(*gray_and_alpha(image))))
    return None if ink is None else without_ruling(ink)


def thick_enough(ink: np.ndarray) -> np.ndarray:
    """Writing found on a page, its pen widened to the width MNIST's pen has against the writing's height when it
    is much thinner (`too_thin`): a thin pen's strokes, broken where a 5's flag or a 4's stem meets the rest, joined
    again before the number is cut into digits."""
    width = stroke_width(ink)
    return widened(ink, width) if too_thin(ink, width) else ink


def mnist_width(ink: np.ndarray) -> float:
    """The width MNIST's pen has against writing found on a page (its height is a fifth of the crop's, which has a
    rim)."""
    return STROKE_RATIO * ink.shape[0] / 1.3


def widened(ink: np.ndarray, width: float | None = None) -> np.ndarray:
    """Writing found on a page, its pen (`width`, measured when not given) widened to MNIST's width against the
    writing's height where it is thinner."""
    width, target = stroke_width(ink) if width is None else width, mnist_width(ink)
    if width >= target:
        return ink
    return ndimage.grey_dilation(ink, footprint=disk(max(1, int(round((target - width) / 2)))))


def too_thin(ink: np.ndarray | None, width: float | None = None) -> bool:
    """Whether writing found on a page has a pen (`width`, measured when not given) much thinner than MNIST's
    against the writing's height."""
    if ink is None:
        return False
    return 0 < (stroke_width(ink) if width is None else width) < 0.6 * mnist_width(ink)


def fit_within(ink: np.ndarray, size: int) -> np.ndarray:
    """An ink map reduced (area-averaged) so its longer side is at most `size` pixels."""
    scale = size / max(ink.shape)
    if scale >= 1:
        return ink
    shape = (max(1, round(ink.shape[1] * scale)), max(1, round(ink.shape[0] * scale)))
    return np.asarray(Image.fromarray(ink, mode="F").resize(shape, Image.Resampling.BOX), dtype=np.float32)


def digit_from_ink(ink: np.ndarray) -> np.ndarray | None:
    """The second half: the ink of one digit -> 28x28 MNIST-like input; None when nothing is left."""
    ink = crop_to_ink(ink)
    if ink is None:
        return None
    return center_by_mass(fit_into_box(normalize_stroke(ink)))


def naive_input(source: ImageSource) -> np.ndarray:
    """What a naive page feeds the network, for comparison: the whole picture in gray (transparency over white),
    squashed to 28x28 and inverted, with no finding, fitting or centring of the digit."""
    gray, alpha = gray_and_alpha(upright(load(source)))
    if alpha is not None:
        gray = gray * alpha + (1.0 - alpha)
    small = Image.fromarray((gray * 255).astype(np.uint8)).resize((IMAGE_SIZE, IMAGE_SIZE), Image.Resampling.BILINEAR)
    return 1.0 - np.asarray(small, dtype=np.float32) / 255.0


def preprocess(source: ImageSource) -> np.ndarray | None:
    """The whole chain: any image -> 28x28 float32 in 0..1, white digit on black; None when there is no digit."""
    ink = ink_of(source)
    return None if ink is None else digit_from_ink(ink)
