"""Files a public demo meets: each builder returns (file bytes, what should happen).

What should happen is "error" (one sentence), "blank" (no digit), or the digit the file shows.
Shared by tests/test_hostile.py and benchmarks/hostile.py, which prints the table in docs/.
"""

import io
import struct
import zlib

import numpy as np
from PIL import Image, ImageDraw

from harness.people import stroke_digit


def encode(image: Image.Image, fmt: str, **kwargs) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format=fmt, **kwargs)
    return buffer.getvalue()


def three(size: int = 400) -> Image.Image:
    """A black-on-white drawn 3."""
    return stroke_digit(3, np.random.default_rng(11), canvas=size).convert("RGB")


def phone_photo(size: int) -> bytes:
    """A 12-megapixel JPEG of a 7 on grainy paper, padded after its end to exactly `size` bytes (decoders stop
    at the end marker): the largest photo a visitor may send is MAX_FILE_BYTES."""
    rng = np.random.default_rng(0)
    paper = Image.new("RGB", (4000, 3000), (200, 200, 200))
    ImageDraw.Draw(paper).line([(1700, 900), (2300, 900), (1900, 2100)], fill=(20, 20, 30), width=120)
    grain = np.asarray(paper).astype(np.int16) + rng.integers(-50, 51, (3000, 4000, 3), dtype=np.int16)
    photo = encode(Image.fromarray(np.clip(grain, 0, 255).astype(np.uint8)), "JPEG", quality=100)
    if len(photo) > size:
        raise ValueError(f"the photo alone is {len(photo)} bytes, more than {size}")
    return photo + bytes(size - len(photo))


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims width x height pixels."""
    data = bytearray(encode(Image.new("L", (1, 1)), "PNG"))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def transparent_ink() -> bytes:
    rgba = np.zeros((400, 400, 4), np.uint8)
    rgba[:, :, 3] = 255 - np.asarray(three().convert("L"))
    return encode(Image.fromarray(rgba, "RGBA"), "PNG")


def sixteen_bit() -> bytes:
    gray = np.asarray(three().convert("L"), dtype=np.uint16) * 257
    return encode(Image.fromarray(gray), "PNG")


def animated_gif() -> bytes:
    frames = [three().convert("P"), Image.new("P", (400, 400), 0)]
    return encode(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)


def exif_rotated() -> bytes:
    rotated = three().rotate(90, expand=True)  # stored lying on its side
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90 degrees clockwise to display"
    return encode(rotated, "JPEG", exif=exif, quality=90)


def tiny_digit() -> bytes:
    """The 3 cropped to its ink and scaled to 12 px tall, on a small white image."""
    image = three()
    digit = image.crop(Image.eval(image.convert("L"), lambda v: 255 - v).getbbox())
    small = digit.resize((max(1, round(digit.width * 12 / digit.height)), 12), Image.Resampling.LANCZOS)
    canvas = Image.new("RGB", (40, 40), "white")
    canvas.paste(small, (14, 14))
    return encode(canvas, "PNG")


HOSTILE = {
    "zero-byte file": lambda: (b"", "error"),
    "text renamed .png": lambda: (b"hello, this is not a picture\n" * 10, "error"),
    "SVG renamed .png": lambda: (b'<svg xmlns="http://www.w3.org/2000/svg"><text>3</text></svg>', "error"),
    "PDF renamed .png": lambda: (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF", "error"),
    "truncated PNG": lambda: (encode(three(), "PNG")[:600], "error"),
    "truncated JPEG": lambda: (encode(three(), "JPEG")[:700], "error"),
    "PNG claiming 60000x60000": lambda: (png_claiming(60000, 60000), "error"),
    "12000x12000 blank image": lambda: (encode(Image.new("1", (12000, 12000), 1), "PNG"), "error"),
    "1x1 image": lambda: (encode(Image.new("L", (1, 1), 0), "PNG"), "blank"),
    "all white": lambda: (encode(Image.new("RGB", (300, 300), "white"), "PNG"), "blank"),
    "all black": lambda: (encode(Image.new("RGB", (300, 300), "black"), "PNG"), "blank"),
    "all transparent": lambda: (encode(Image.new("RGBA", (300, 300), (0, 0, 0, 0)), "PNG"), "blank"),
    "transparent PNG with opaque ink": lambda: (transparent_ink(), 3),
    "16-bit grayscale PNG": lambda: (sixteen_bit(), 3),
    "CMYK JPEG": lambda: (encode(three().convert("CMYK"), "JPEG"), 3),
    "palette PNG": lambda: (encode(three().convert("P"), "PNG"), 3),
    "animated GIF (first frame)": lambda: (animated_gif(), 3),
    "EXIF-rotated JPEG": lambda: (exif_rotated(), 3),
    "white on black": lambda: (encode(Image.eval(three(), lambda v: 255 - v), "PNG"), 3),
    "digit 12 px tall": lambda: (tiny_digit(), 3),
    "random noise": lambda: (encode(Image.fromarray(
        np.random.default_rng(0).integers(0, 256, (200, 200), dtype=np.uint8)), "PNG"), "unsure"),
    "50 MB file": lambda: (b"\x89PNG\r\n\x1a\n" + bytes(50 * 2**20), "error"),
}

BAD_ARRAYS = {
    "NaN pixels": np.full((28, 28), np.nan),
    "infinite pixels": np.full((28, 28), np.inf),
    "negative floats": np.full((28, 28), -1.0),
    "1-D array": np.zeros(100),
    "4-D array": np.zeros((2, 28, 28, 3)),
    "2 channels": np.zeros((28, 28, 2)),
    "empty array": np.zeros((0, 28)),
    "complex numbers": np.zeros((28, 28), np.complex64),
    "strings": np.array([["a", "b"], ["c", "d"]]),
    "object array": np.array([[None, 1], [2, 3]], dtype=object),
}
