"""Phone photos of a notebook page on a desk (harness.photos), read on the page's path; a fast version of
benchmarks/photos.py, plus the pictures that must keep today's path."""

import numpy as np
import pytest
from PIL import Image, ImageDraw

from harness.bench import page_right
from harness.people import VARIANTS, draw_number, stroke_digit
from harness.photos import BLANK, KINDS, draw
from mnist_cnn import photo
from mnist_cnn.errors import InputError
from mnist_cnn.preprocess import NO_DIGIT_ON_PAGE, strongest
from webpage.text import CHINESE, ENGLISH, unreadable


@pytest.fixture(scope="module")
def held_out(mnist_dir):
    """MNIST's held-out training digits (never trained on), as uint8 arrays and labels."""
    from mnist_cnn.config import HOLDOUT
    from mnist_cnn.data import load_mnist, split_holdout

    _, (images, labels) = split_holdout(*load_mnist(mnist_dir, train=True), HOLDOUT)
    return images.numpy(), labels.numpy()


def test_every_kind_of_photo_of_a_page_is_read(classifier, held_out):
    # the benchmark reads 95-100 % per kind (100 photos each); today's path read about 2 % of them
    right = {}
    for name, hard in KINDS.items():
        rng = np.random.default_rng(3)
        readings = []
        for _ in range(3):
            image, truth = draw(hard, *held_out, rng)
            try:
                readings.append(page_right(classifier.read_number(image), truth))
            except InputError:  # "no digit found on this page": a miss
                readings.append(False)
        right[name] = sum(readings)
    assert all(count >= 2 for count in right.values()), right
    assert sum(right.values()) >= 3 * len(KINDS) - 4, right  # all but four


def test_a_blank_page_says_no_digit_in_one_sentence_in_both_languages(classifier, held_out):
    image, truth = draw(BLANK, *held_out, np.random.default_rng(0))
    assert truth == "" and photo.writing(image) is None
    with pytest.raises(InputError) as caught:
        classifier.read_number(image)
    assert str(caught.value) == NO_DIGIT_ON_PAGE == unreadable(ENGLISH, caught.value)
    assert unreadable(CHINESE, caught.value) == "这页纸上没有找到数字：请裁得近一些，或写得大一些。"


def test_the_uncertainty_benchmark_counts_a_refused_photo_as_flagged_instead_of_stopping(classifier, held_out):
    # an MNIST test digit rendered as a photo whose page the path found empty stopped `benchmarks.uncertainty
    # --seed 777` with this very sentence; a blank page is refused the same way
    from benchmarks.uncertainty import confidence

    image, _ = draw(BLANK, *held_out, np.random.default_rng(0))
    assert confidence(classifier, image) == 0.0


def test_drawings_scans_and_digits_that_fill_the_photo_keep_todays_path(mnist_test):
    images, _ = mnist_test
    rng = np.random.default_rng(0)
    canvas = Image.new("RGB", (800, 800), "white")
    canvas.paste(stroke_digit(7, rng).convert("RGB").resize((300, 300)), (250, 250))
    kept = {
        "a sketchpad's drawing": canvas,
        "a number drawn with a mouse": draw_number("2024"),
        "a huge scan": VARIANTS["huge"](images[0].numpy(), rng),
        "a photo of a digit that fills it": VARIANTS["photo"](images[1].numpy(), rng),
        "a small picture": Image.new("RGB", (500, 400), "gray"),
    }
    for name, image in kept.items():
        assert photo.writing(image) == photo.NOT_A_PAGE, name


def test_a_page_on_a_desk_is_found_and_a_whole_page_is_warped_flat(held_out):
    rng = np.random.default_rng(5)
    image, _ = draw(KINDS["seen in perspective"], *held_out, rng)
    rgb = np.asarray(image.convert("RGB"))
    mask = photo.paper_mask(rgb)
    assert 0.2 < mask.mean() < photo.FILLS  # the page, with desk around it
    corners = photo.quadrilateral(mask)
    assert corners is not None and corners.shape == (4, 2)
    top_left, top_right, bottom_right, bottom_left = corners
    assert top_left[0] < top_right[0] and top_left[1] < bottom_left[1] and bottom_right[1] > top_right[1]
    flat = photo.flattened(rgb, corners * max(rgb.shape[:2]) / photo.DETECT)
    assert np.asarray(flat).mean() > rgb.mean()  # the warped page is paper, without the darker desk


def test_the_inside_of_a_big_zero_is_not_taken_for_the_page(mnist_test):
    # a 0 that fills a photo encloses a bright region as large as a small page; paper as light lies around it
    images, labels = mnist_test
    rng = np.random.default_rng(0)
    zeros = images[labels == 0][:90].numpy()  # before the test of what lies around, 4 of these failed
    for index, zero in enumerate(zeros):
        image = VARIANTS["photo"](zero, rng)
        assert photo.paper_mask(np.asarray(image.convert("RGB"))).mean() > photo.FILLS, index


def test_ruling_is_levelled_under_light_from_one_side():
    # a ruled page turned 5 degrees, half of it in a shadow where the camera's noise is strong against the light
    rng = np.random.default_rng(0)
    height, width = 900, 1200
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    turned = yy * np.cos(np.radians(5)) - (xx - width / 2) * np.sin(np.radians(5))
    lines = (np.abs(turned % 40 - 20) < 1.2).astype(np.float32)
    light = 0.05 + 0.95 * xx / width
    gray = light * (1 - 0.15 * lines) + rng.normal(0, 0.03, (height, width))
    rgb = np.repeat(np.clip(gray * 255, 0, 255).astype(np.uint8)[..., None], 3, axis=2)
    angle = photo.upright_angle(photo.pen_strength(rgb))
    assert abs(abs(angle) - 5) <= 0.5, angle  # the sums' variance, before, chose 0: the shadow's noise


def test_a_page_turned_far_is_levelled_when_nothing_is_ruled_nearer_level(classifier, held_out):
    # a page larger than the photo, turned 14-40 degrees: before, the ruling was sought within 12 degrees only,
    # none was found, and the ruling was read as ink ("82", "88", "2" for a 4, a 0, a 7)
    rng = np.random.default_rng(1)
    right = 0
    for _ in range(6):
        image, truth = draw(KINDS["page turned 14-40 degrees"], *held_out, rng)
        assert isinstance(photo.writing(image), np.ndarray)  # the writing found on a ruled page
        try:
            right += page_right(classifier.read_number(image), truth)
        except InputError:
            pass
    assert right >= 5, right
    # the wide search finds the angle
    yy, xx = np.mgrid[0:900, 0:1200].astype(np.float32)
    turned = yy * np.cos(np.radians(30)) - (xx - 600) * np.sin(np.radians(30))
    ink = (np.abs(turned % 40 - 20) < 1.5).astype(np.float32) * 0.3
    assert abs(abs(photo.upright_angle(ink, wide=True)) - 30) <= 0.5


def test_a_few_long_lines_turned_far_on_plain_paper_are_not_taken_for_a_notebooks_ruling():
    # a plain page filling the photo, three folds or shadows across it at 25 degrees: the wide search lines them up,
    # but a notebook turned that far shows many more lines (RULED_FAR); the page stays on today's path
    rng = np.random.default_rng(3)
    yy, xx = np.mgrid[0:1200, 0:1600].astype(np.float32)
    across = yy * np.cos(np.radians(25)) - (xx - 800) * np.sin(np.radians(25))
    shadows = np.max([(np.abs(across - at) < 2.5) * 0.35 for at in (100, 380, 700)], axis=0)
    digit = np.zeros_like(xx)
    digit[250:950, 450:1150] = 1 - np.asarray(stroke_digit(4, rng).convert("L").resize((700, 700)), np.float32) / 255
    gray = (215 + 25 * xx / 1600) * (1 - np.maximum(shadows, 0.8 * digit)) + rng.normal(0, 5, xx.shape)
    page = Image.fromarray(np.clip(np.stack([gray] * 3, -1), 0, 255).astype(np.uint8))
    assert photo.writing(page) == photo.NOT_A_PAGE


def test_a_digit_cut_by_the_photos_edge_is_not_called_a_blank_page(classifier, held_out):
    # the paper around such a digit looks like a page on a desk, and strokes touching a page's edge are not
    # writing: before, "No digit found on this page" for 6 of these 12 (the report's uncertainty run met one)
    images, _ = held_out
    rng = np.random.default_rng(0)
    for index in range(12):
        image = VARIANTS["photo"](images[index], rng)
        gray = np.asarray(image.convert("L"), dtype=np.float32)
        rows = np.flatnonzero((gray < np.percentile(gray, 3)).any(axis=1))
        image = image.crop((0, 0, image.width, int(rows.max() - 0.3 * (rows.max() - rows.min()))))
        assert photo.writing(image) is not None, index
        assert classifier.read_number(image).digits, index  # an answer, whatever it is, not the sentence


def test_a_faint_pencil_line_broken_into_dashes_is_still_found_as_writing():
    # a 7 (a bar and a slanted stem, 150 px tall on a 1280 px page) whose grainy line fell apart into dashes
    # shorter than any one piece of writing may be: before, "No digit found on this page" (pencil, seed 0)
    canvas = Image.new("L", (1280, 960))
    ImageDraw.Draw(canvas).line([(500, 400), (580, 400), (530, 550)], fill=255, width=4)
    line = np.asarray(canvas, dtype=np.float32) / 255
    dashes = np.outer(np.arange(960) // 10 % 2 == 0, np.arange(1280) // 10 % 2 == 0)  # 10 px of line, 10 of gap
    ink = np.where(dashes, 0.4 * line, 0)
    box = photo.writing_box(ink, np.ones(ink.shape, np.uint8))
    assert box is not None
    rows, cols = box
    assert rows.start <= 400 and rows.stop >= 550 and cols.start <= 500 and cols.stop >= 580, box


def test_a_sliver_of_desk_darker_than_the_pencil_does_not_hide_the_writing():
    # a faint pencil 0 (ink 0.3) and, a few pixels in from the picture's right edge, a sliver of desk the page's
    # mask missed (ink 0.8) that runs into the edge: before, its strength set the threshold and the 0 fell under
    # it: "No digit found on this page" (pencil, seed 1: 3 photos of 100)
    ink = np.zeros((1200, 900), np.float32)
    canvas = Image.new("L", (900, 1200))
    ImageDraw.Draw(canvas).ellipse([380, 680, 500, 820], outline=255, width=4)
    ink += 0.3 * np.asarray(canvas, dtype=np.float32) / 255
    ink[500:900, 890:897] = 0.8  # the sliver; `valid` ends at 900, so it touches the valid part's edge
    rows, cols = photo.writing_box(ink, np.ones(ink.shape, np.uint8))
    assert rows.start <= 680 and rows.stop >= 820 and cols.start <= 380 and 500 <= cols.stop < 850, (rows, cols)


def test_a_mark_below_and_to_the_side_is_not_taken_into_the_writing():
    # a digit 170 px tall and, off to its lower left, a piece of the page's edge left over: before, the box grew to
    # take it in, then other leftovers, until the writing looked too big for a page and the ruling was read as ink
    ink = np.zeros((960, 1280), np.float32)
    ink[630:800, 240:250] = 0.6  # the digit's stem
    ink[630:640, 240:330] = 0.6  # its bar
    ink[880:900, 60:120] = 0.6  # the leftover: below the digit and to its side, level with nothing
    rows, cols = photo.writing_box(ink, np.ones(ink.shape, np.uint8))
    assert rows.stop < 880 and cols.start > 120, (rows, cols)


def test_a_pale_stretch_of_a_thin_line_is_raised_to_the_lines_strength_and_grain_apart_from_it_is_not():
    # a thin ring (a 0, a 6's loop) pressed hard along its top half and lightly along its bottom half, as a pencil
    # or a dim photo leaves it, and a grain of the same pale ink off by itself
    ring = Image.new("L", (120, 120))
    ImageDraw.Draw(ring).ellipse([25, 25, 95, 95], outline=255, width=4)
    line = np.asarray(ring, dtype=np.float32) / 255
    ink = (np.where(np.arange(120)[:, None] < 60, 0.9, 0.35) * line).astype(np.float32)
    ink[8:11, 8:11] = 0.35
    made = photo.whole_lines(ink, strongest(ink))
    bottom = (slice(90, 96), slice(58, 63))  # the pale stretch, at the ring's lowest point
    assert made[bottom].max() > 0.6 > 0.35 >= ink[bottom].max()  # raised: it now counts as solid ink
    assert np.array_equal(made[8:11, 8:11], ink[8:11, 8:11])  # the grain joined to no line stays as it was
    assert np.array_equal(made[:58], np.maximum(made[:58], ink[:58]))  # nothing is weakened


def test_a_pencil_digit_whose_line_fades_is_read_whole(classifier, held_out):
    # the second pencil photo of harness.photos at seed 1: a 6 that lost its loop's pale stretch before lines were
    # made whole, and read "10"
    rng = np.random.default_rng(1)
    draw(KINDS["pencil"], *held_out, rng)
    image, truth = draw(KINDS["pencil"], *held_out, rng)
    assert truth == "6" and page_right(classifier.read_number(image), truth), classifier.read_number(image).number
