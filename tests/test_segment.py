"""Reading whole numbers: segmentation into digits, on drawn numbers and on numbers composed from MNIST."""

import numpy as np
from PIL import Image, ImageDraw

from benchmarks.read_numbers import read_numbers
from mnist_cnn.render import STROKES
from mnist_cnn.segment import Pieces, join_stacked, segment


def draw_number(text: str, height: int = 120, gap: float = 0.35, width: int = 12) -> Image.Image:
    """Black-on-white digits drawn with a round brush side by side, like a mouse writing a number."""
    digit_width = int(0.6 * height)
    canvas = Image.new("L", (int(len(text) * (digit_width + gap * height) + height), 2 * height), 255)
    draw = ImageDraw.Draw(canvas)
    for place, char in enumerate(text):
        left, top = height // 2 + place * (digit_width + gap * height), height // 2
        for stroke in STROKES[int(char)]:
            draw.line([(left + x * digit_width, top + y * height) for x, y in stroke], fill=0, width=width,
                      joint="curve")
    return canvas


def test_drawn_numbers_are_read_left_to_right(classifier):
    for number in ("2024", "1970", "35", "86", "4711"):
        assert classifier.read_number(draw_number(number)).number == number


def test_one_digit_is_read_exactly_as_predict_reads_it(classifier):
    image = draw_number("5")
    reading, single = classifier.read_number(image), classifier.predict(image)
    assert reading.number == "5" and len(reading.digits) == 1
    assert np.array_equal(reading.digits[0].model_input, single.model_input)


def test_strokes_stacked_above_one_another_are_one_digit():
    ink = np.zeros((60, 60), np.float32)
    ink[5:30, 10:40] = 1.0  # a bar above ...
    ink[35:55, 20:30] = 1.0  # ... a stem under it: one digit, like a 5's flag or a broken 4
    pieces = Pieces(ink)
    assert len(pieces.strokes) == 2 and len(join_stacked(pieces)) == 1


def test_specks_between_digits_are_not_digits(classifier):
    image = draw_number("71")
    ImageDraw.Draw(image).ellipse([image.width // 2 - 2, 20, image.width // 2 + 2, 24], fill=0)
    assert classifier.read_number(image).number == "71"


def test_touching_digits_are_split(classifier):
    assert classifier.read_number(draw_number("10", gap=-0.02)).number == "10"


def test_blank_picture_has_no_digits(classifier):
    assert classifier.read_number(Image.new("L", (300, 100), 255)).digits == []
    assert segment(np.zeros((50, 50), np.float32), lambda ink: 1.0) == []


def test_four_digit_numbers_from_mnist_are_mostly_read_exactly(classifier, mnist_test):
    # a quick floor on 60 numbers; `python benchmarks/read_numbers.py` measures the target on thousands
    images, labels = mnist_test
    result = read_numbers(classifier, images.numpy(), labels.numpy(), n=60, digits=4, gaps=(0.0, 0.5), seed=1)
    assert result["exact"] >= 0.9


def test_a_stroke_fading_in_the_middle_stays_one_stroke():
    ink = np.zeros((40, 90), np.float32)
    ink[15:25, 5:85] = 1.0
    ink[15:25, 35:55] = 0.35  # a pale stretch, as a quick pen stroke leaves
    assert len(Pieces(ink).strokes) == 1
    assert len(Pieces(np.where(ink > 0.5, ink, 0)).strokes) == 2  # what a single threshold would make of it
