"""Each step of the chain on its own, then the whole chain on the kinds of images people send."""

import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from PIL import Image, ImageDraw
from scipy import ndimage

from harness.hostile import png_claiming
from harness.people import VARIANTS, notebook_photo, stroke_digit
from mnist_cnn import preprocess as pp
from mnist_cnn.errors import InputError


def drawn_seven(size=800, width=40, ink=0, paper=255, mode="L"):
    image = Image.new(mode, (size, size), paper)
    ImageDraw.Draw(image).line([(size * 0.35, size * 0.25), (size * 0.65, size * 0.25), (size * 0.45, size * 0.8)],
                               fill=ink, width=width, joint="curve")
    return image


def assert_mnist_like(out):
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert 0.0 <= out.min() and out.max() <= 1.0 and out.max() > 0.9
    rows, cols = np.nonzero(out > 0.05)
    assert max(np.ptp(rows), np.ptp(cols)) + 1 <= 22  # fitted into the 20x20 box (plus the anti-aliased rim)
    cy, cx = ndimage.center_of_mass(out)
    assert abs(cy - 14) <= 1 and abs(cx - 14) <= 1


def test_load_reads_paths_bytes_arrays_and_pil(tmp_path):
    image = drawn_seven(100)
    path = tmp_path / "seven.png"
    image.save(path)
    for source in (path, str(path), path.read_bytes(), np.asarray(image), image):
        assert pp.load(source).size == (100, 100)


def test_load_refuses_files_that_are_not_images(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("just text")
    with pytest.raises(InputError, match="not an image format"):
        pp.load(path)


@pytest.mark.parametrize("side", [8000, 60000])
def test_load_refuses_a_decompression_bomb_from_its_header(side):
    with pytest.raises(InputError, match="megapixel"):
        pp.load(png_claiming(side, side))


def test_upright_follows_exif_orientation():
    image = Image.new("L", (40, 20), 255)
    exif = image.getexif()
    exif[0x0112] = 6  # rotate 90 degrees clockwise to display
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    assert pp.upright(Image.open(buffer)).size == (20, 40)


def test_shrink_reduces_large_images_only():
    assert pp.shrink(Image.new("L", (1024, 512))).size == (256, 128)
    assert pp.shrink(Image.new("L", (300, 300))).size == (300, 300)


@pytest.mark.parametrize("mode", ["1", "P", "CMYK", "I;16", "LA", "RGBA", "RGB", "L"])
def test_every_pil_mode_becomes_gray_in_0_1(mode):
    image = drawn_seven(64, width=6).convert(mode) if mode != "I;16" else Image.fromarray(
        np.asarray(drawn_seven(64, width=6), dtype=np.uint16) * 257)
    gray, alpha = pp.gray_and_alpha(image)
    assert gray.shape == (64, 64) and gray.min() < 0.1 and gray.max() > 0.9


def test_transparent_dark_ink_is_flattened_onto_white():
    gray = np.zeros((10, 10), np.float32)
    alpha = np.zeros((10, 10), np.float32)
    alpha[4:6] = 1.0
    out = pp.composite_alpha(gray, alpha)
    assert out[0, 0] == 1.0 and out[5, 5] == 0.0


def test_transparent_light_ink_is_flattened_onto_black():
    gray = np.ones((10, 10), np.float32)
    alpha = np.zeros((10, 10), np.float32)
    alpha[4:6] = 1.0
    out = pp.composite_alpha(gray, alpha)
    assert out[0, 0] == 0.0 and out[5, 5] == 1.0


@pytest.mark.parametrize("ink, paper", [(0, 255), (255, 0), (60, 200)])
def test_ink_map_finds_the_ink_whichever_its_colour(ink, paper):
    gray = np.asarray(drawn_seven(200, 16, ink, paper), np.float32) / 255
    out = pp.ink_map(gray)
    assert out[50, 100] > 0.5 and out[10, 10] < 0.05  # on the top bar / on the paper


def test_ink_map_removes_a_lighting_gradient():
    gray = np.asarray(drawn_seven(200, 16, 40, 255), np.float32) / 255
    lit = gray * np.linspace(0.4, 1.0, 200)[None, :]
    out = pp.ink_map(lit)
    assert out[:, :20].max() < 0.2 and out[50, 100] > 0.3


def test_stretch_contrast_calls_a_flat_image_blank():
    assert pp.stretch_contrast(np.full((50, 50), 0.02, np.float32)) is None


def test_crop_to_ink_ignores_specks_and_page_edges():
    ink = np.zeros((200, 200), np.float32)
    ink[50:150, 90:110] = 1.0  # the digit
    ink[5, 5] = 1.0  # a speck
    ink[:, 196:] = 1.0  # the edge of the page
    out = pp.crop_to_ink(ink)
    assert out.shape[0] < 110 and out.shape[1] < 30


def test_normalize_stroke_thickens_hairlines_and_keeps_bold_strokes():
    hairline = np.zeros((100, 100), np.float32)
    hairline[:, 49:51] = 1.0  # 2 % of the digit's height wide
    assert pp.stroke_width(pp.normalize_stroke(hairline)) > 1.5 * pp.stroke_width(pp.fit_into_box(hairline, 64))
    bold = np.zeros((100, 100), np.float32)
    bold[:, 35:65] = 1.0  # a marker 30 % of the height wide: the network knows bold strokes
    assert np.array_equal(pp.normalize_stroke(bold), pp.fit_into_box(bold, 64))


def test_fit_into_box_keeps_aspect_ratio():
    assert pp.fit_into_box(np.ones((100, 50), np.float32)).shape == (20, 10)


def test_center_by_mass_puts_the_centre_of_mass_at_the_centre():
    ink = np.full((20, 10), 0.2, np.float32)
    ink[:10] = 1.0  # heavier at the top, like a 9
    cy, cx = ndimage.center_of_mass(pp.center_by_mass(ink))
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5


def test_center_by_mass_never_cuts_the_digit_off():
    ink = np.zeros((20, 10), np.float32)
    ink[:2] = 1.0  # all the mass at the very top
    assert pp.center_by_mass(ink).sum() == ink.sum()


@pytest.mark.parametrize("source", [
    np.full((800, 800, 4), 255, np.uint8),
    np.zeros((28, 28), np.uint8),
    np.zeros((100, 100, 4), np.uint8),  # fully transparent
])
def test_blank_images_give_no_digit(source):
    assert pp.preprocess(source) is None


def test_a_sketchpad_canvas_becomes_an_mnist_like_digit():
    canvas = np.asarray(drawn_seven(800, 45).convert("RGBA"))
    assert_mnist_like(pp.preprocess(canvas))


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_user_variant_becomes_an_mnist_like_digit(variant, mnist_test):
    images, _ = mnist_test
    assert_mnist_like(pp.preprocess(VARIANTS[variant](images[0].numpy(), np.random.default_rng(0))))


def test_stroke_drawn_digits_become_mnist_like():
    rng = np.random.default_rng(1)
    for digit in range(10):
        assert_mnist_like(pp.preprocess(stroke_digit(digit, rng)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(hnp.arrays(
    dtype=st.sampled_from([np.uint8, np.uint16, np.int32, np.int64, np.float32, np.float64, np.bool_]),
    shape=hnp.array_shapes(min_dims=1, max_dims=4, min_side=0, max_side=40),
    elements={"allow_nan": True, "allow_infinity": True},
))
def test_any_array_gives_a_valid_image_or_our_own_error(array):
    try:
        out = pp.preprocess(array)
    except InputError as exc:
        assert str(exc)
        return
    if out is not None:
        assert out.shape == (28, 28) and out.dtype == np.float32
        assert np.isfinite(out).all() and out.min() >= 0 and out.max() <= 1


def test_polarity_holds_for_dense_thick_strokes_and_for_dim_photos():
    thick = np.asarray(drawn_seven(200, 60), np.float32) / 255  # ink covers a large share of the picture
    assert pp.ink_is_dark(thick, 50)
    dim = (np.asarray(drawn_seven(200, 12, 40, 255), np.float32) / 255) * np.linspace(0.1, 0.6, 200)[None, :]
    assert pp.ink_is_dark(dim, 50)  # dark ink under light falling from one side
    assert not pp.ink_is_dark(1.0 - thick, 50)


@pytest.mark.parametrize("grid", [False, True], ids=["ruled", "squared"])
def test_a_small_digit_on_a_notebook_page_is_read_over_its_lines(grid, mnist_test, classifier):
    images, labels = mnist_test
    rng = np.random.default_rng(5)
    picks = [int(np.flatnonzero(labels.numpy() == digit)[0]) for digit in range(10)]
    readings = [classifier.read_number(notebook_photo(images[i].numpy(), rng, grid)) for i in picks]
    assert [r.number for r in readings] == [str(d) for d in range(10)]
    # since the photo's path levels the page, the ruled page's 5 (its flag apart, half a 6) is read 5 at 0.49,
    # unsure; it was 0.71 turned as photographed. The held-out figure: 100/100 ruled, 99/100 squared
    assert sum(r.unsure for r in readings) <= (0 if grid else 1)


def test_the_ruling_goes_and_a_drawing_stays_as_it_is():
    hatched = np.zeros((200, 200), np.float32)
    hatched[20:180:8, 10:190] = 0.6  # thin lines across the page: a ruling
    hatched[60:140, 90:96] = 1.0  # a thick pen stroke over it
    kept = pp.without_ruling(hatched)
    assert kept[60:140, 90:96].min() == 1.0 and kept[:, :80].max() == 0
    drawn = pp.ink_of(stroke_digit(3, np.random.default_rng(0), canvas=280, width=14))
    assert np.array_equal(pp.without_ruling(drawn), drawn)
