"""Reading whole numbers: segmentation into digits, on drawn numbers and on numbers composed from MNIST."""

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from benchmarks.read_numbers import read_numbers
from harness.drawings import face
from harness.people import draw_number
from mnist_cnn.config import UNSURE_BELOW
from mnist_cnn.segment import (
    MIXED_SIZES,
    NARROWEST,
    NESTED,
    OFF_LINE,
    PART_SURE,
    SHADED,
    WIDEST,
    Pieces,
    best_cuts,
    cut_points,
    join_broken,
    join_stacked,
    layout_doubt,
    nested,
    on_a_path,
    segment,
    shaded,
    split_touching,
)


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


def test_a_piece_broken_off_a_digit_is_joined_back_though_it_reads_as_a_1_alone():
    ink = np.zeros((120, 60), np.float32)
    ink[10:110, 10:30] = 1.0  # a digit 100 pixels tall ...
    ink[40:85, 34:40] = 1.0  # ... and a stub broken off its right side, 45 tall: more than half their mean height
    pieces = Pieces(ink)
    groups = join_stacked(pieces)
    assert len(groups) == 2

    def reading(pieces):  # each alone reads surely (the stub as a 1), and joined a little less surely
        return [0.98 if piece.shape[1] > 30 else 0.99 for piece in pieces]

    assert len(join_broken(pieces, groups, reading)) == 1  # shorter than half the digit beside it: a fragment


def flag_and_body(gap: int, flag_end: int) -> np.ndarray:
    """A 5's body, 50 pixels tall, and its flag broken off above it: 8 pixels tall, starting `gap` columns to the
    right of the body and ending at column `flag_end`."""
    ink = np.zeros((80, 140), np.float32)
    ink[20:70, 10:50] = 1.0
    ink[10:18, 50 + gap : flag_end] = 1.0
    return ink


def flag_reading(pieces):
    """The flag alone reads as a 1, the body alone fairly surely, the two together best."""
    return [0.99 if piece.shape[0] < 20 else 0.95 if piece.shape[1] > 60 else 0.9 for piece in pieces]


def joined(ink: np.ndarray, reading) -> int:
    """How many groups `join_broken` leaves of a picture's two groups of strokes."""
    pieces = Pieces(ink)
    groups = join_stacked(pieces)
    assert len(groups) == 2
    return len(join_broken(pieces, groups, reading))


def test_a_long_flag_or_one_parted_by_a_gap_is_joined_to_its_digit():
    # joined, wider than WIDEST digits (100 > 1.6 x 60 pixels), though close
    assert joined(flag_and_body(gap=3, flag_end=110), flag_reading) == 1
    # 20 pixels off (more than NEAR x 60), though no wider than a digit
    assert joined(flag_and_body(gap=20, flag_end=95), flag_reading) == 1


def test_a_flag_beyond_its_reach_stays_apart():
    assert joined(flag_and_body(gap=35, flag_end=110), flag_reading) == 2  # more than half the height off
    assert joined(flag_and_body(gap=3, flag_end=135), flag_reading) == 2  # wider than twice the height


def test_two_digits_as_far_apart_or_as_wide_as_a_flag_may_be_are_not_joined():
    def reading(pieces):  # each reads poorly alone, the two together surely
        return [0.99 if p.shape[1] > 60 else 0.5 for p in pieces]

    far, wide = np.zeros((80, 140), np.float32), np.zeros((80, 140), np.float32)
    far[10:70, 10:30] = far[10:70, 50:70] = 1.0  # two pieces as tall as each other, 20 pixels apart (> NEAR)
    wide[10:70, 10:55] = wide[10:70, 58:108] = 1.0  # close, but 98 pixels wide together (> WIDEST)
    assert joined(far, reading) == 2
    assert joined(wide, reading) == 2


def test_a_1_whose_pen_skipped_is_joined_though_its_beads_outnumber_the_digits_beside_it():
    ink = np.zeros((90, 150), np.float32)
    ink[12:32, 33:50] = ink[34:57, 21:36] = ink[59:74, 12:23] = 1.0  # a slanted 1 in three beads, 15-23 tall
    ink[14:76, 85:125] = 1.0  # a digit 62 tall beside it

    def reading(pieces):  # each bead alone reads as a 1, the beads together as a 1 surely, bead and digit poorly
        return [0.3 if p.shape[1] > 60 else 0.999 if p.shape[0] > 50 else 0.99 if p.shape[0] > 30 else 0.98
                for p in pieces]

    pieces = Pieces(ink)
    groups = join_stacked(pieces)
    assert len(groups) == 4  # the beads stand side by side more than over one another
    assert len(join_broken(pieces, groups, reading)) == 2  # each bead is far shorter than the digit: a fragment


def test_specks_between_digits_are_not_digits(classifier):
    image = draw_number("71")
    ImageDraw.Draw(image).ellipse([image.width // 2 - 2, 20, image.width // 2 + 2, 24], fill=0)
    assert classifier.read_number(image).number == "71"


def test_touching_digits_are_split(classifier):
    assert classifier.read_number(draw_number("10", gap=-0.02)).number == "10"


def two_blobs() -> np.ndarray:
    """Two blobs joined by a thin bridge: ink a network cannot read as one digit."""
    ink = np.zeros((60, 90), np.float32)
    ink[5:55, 5:40] = ink[5:55, 50:85] = 1.0
    ink[28:32, 40:50] = 1.0
    return ink


def test_touching_digits_are_cut_only_into_parts_read_surely():
    ink = two_blobs()

    def reading_parts(sure: float):
        return lambda pieces: [0.1 if piece.shape[1] > 60 else sure for piece in pieces]

    assert len(split_touching(ink, reading_parts(0.95))) == 2
    # parts read as digits, but not surely: a tangle's strips, not touching digits
    assert len(split_touching(ink, reading_parts((UNSURE_BELOW + PART_SURE) / 2))) == 1


def test_blank_picture_has_no_digits(classifier):
    assert classifier.read_number(Image.new("L", (300, 100), 255)).digits == []
    assert segment(np.zeros((50, 50), np.float32), lambda pieces: [1.0] * len(pieces)).parts == []


def test_four_digit_numbers_from_mnist_are_mostly_read_exactly(classifier, mnist_test):
    # a quick floor on 60 numbers; `python -m benchmarks.read_numbers` measures the target on thousands
    images, labels = mnist_test
    result = read_numbers(classifier, images.numpy(), labels.numpy(), n=60, digits=4, gaps=(0.0, 0.5), seed=1)
    assert result["exact"] >= 0.91  # the figure is about 97 %; n = 60, 3 standard errors = 6.4 points


def test_a_stroke_fading_in_the_middle_stays_one_stroke():
    ink = np.zeros((40, 90), np.float32)
    ink[15:25, 5:85] = 1.0
    ink[15:25, 35:55] = 0.35  # a pale stretch, as a quick pen stroke leaves
    assert len(Pieces(ink).strokes) == 1
    assert len(Pieces(np.where(ink > 0.5, ink, 0)).strokes) == 2  # what a single threshold would make of it


def square_frame() -> np.ndarray:
    """A 100x100 ink array with one square frame, 80 px across and 4 px thick."""
    ink = np.zeros((100, 100), np.float32)
    ink[10:90, 10:14] = ink[10:90, 86:90] = ink[10:14, 10:90] = ink[86:90, 10:90] = 1.0
    return ink


def test_strokes_drawn_inside_others_make_a_drawing_not_a_number(classifier):
    ink = square_frame()
    ink[40:46, 30:36] = ink[40:46, 64:70] = 1.0  # a frame with two eyes in it
    assert nested(Pieces(ink))
    reading = classifier.read_number(face(np.random.default_rng(3)))
    assert reading.unsure and reading.doubt == NESTED and len(reading.digits) == 1
    assert reading.to_json()["doubt"] == NESTED


def test_one_fleck_inside_a_digits_loop_is_dust_on_the_scan_not_a_drawing(classifier):
    image = draw_number("0")
    rows, cols = np.nonzero(np.asarray(image.convert("L")) < 128)
    y, x, dot = (rows.min() + rows.max()) // 2, (cols.min() + cols.max()) // 2, (rows.max() - rows.min()) // 16
    ImageDraw.Draw(image).rectangle([x - dot, y - dot, x + dot, y + dot], fill=0)  # a dot in the 0's middle
    reading = classifier.read_number(image)
    assert reading.number == "0" and reading.doubt is None

    fleck = square_frame()
    fleck[47:53, 47:53] = 1.0
    assert not nested(Pieces(fleck))
    two = fleck.copy()
    two[30:36, 47:53] = 1.0  # two marks: eyes, not dust
    assert nested(Pieces(two))
    big = square_frame()
    big[30:70, 47:53] = 1.0  # one mark half the frame's height: a drawing
    assert nested(Pieces(big))


def test_a_digits_own_strokes_are_not_inside_one_another():
    ink = np.zeros((60, 60), np.float32)
    ink[5:9, 15:45] = 1.0  # a 5's flag along the top of its body's box
    ink[12:55, 12:16] = ink[30:34, 12:45] = ink[34:55, 41:45] = 1.0
    assert not nested(Pieces(ink))


def test_a_speck_beside_a_slanted_1_is_inside_its_box_but_not_within_its_outline():
    # a 1 slanted as people write it, and a speck the camera's grain left beside its upper half: inside the 1's box
    # by every margin, but outside the stroke (a dim-light photo of a 1 was doubted as a drawing for it)
    image = Image.new("L", (120, 200))
    ImageDraw.Draw(image).line([(30, 185), (95, 15)], fill=255, width=14)
    ink = np.asarray(image, dtype=np.float32) / 255
    ink[70:85, 33:57] = 1.0  # too big for a fleck (FLECK): inside the box it would make a drawing
    pieces = Pieces(ink)
    assert len(pieces.strokes) == 2 and not nested(pieces)
    frame = square_frame()
    frame[30:45, 30:54] = 1.0  # the same mark within a closed outline is inside it
    assert nested(Pieces(frame))


def test_pieces_off_one_line_or_of_very_different_sizes_are_not_a_number():
    assert layout_doubt([(10, 50), (12, 52), (8, 47)]) is None  # a number: one line, similar heights
    assert layout_doubt([(10, 50), (60, 100)]) == OFF_LINE  # one piece below the other's row
    assert layout_doubt([(10, 100), (40, 60)]) == MIXED_SIZES  # a big piece beside a small one


def test_strokes_closer_together_than_digits_are_shading_not_ones(classifier):
    lines = [[10, 110, left, left + 6] for left in (100, 125, 150, 175)]  # four lines a quarter of their height apart
    assert shaded(lines) and not shaded(lines[:2])  # two lines may be "11"
    assert not shaded([[10, 110, left, left + 6] for left in (100, 160, 220)])  # 1s of a number stand further apart
    picture = Image.new("L", (400, 200), 255)
    draw = ImageDraw.Draw(picture)
    for left in (100, 125, 150, 175):
        draw.line([(left, 40), (left, 140)], fill=0, width=8)
    reading = classifier.read_number(picture)
    assert reading.unsure and reading.doubt == SHADED and len(reading.digits) == 1
    ones = classifier.read_number(draw_number("111"))
    assert ones.number == "111" and not ones.unsure


def test_a_picture_in_doubt_is_read_whole(classifier):
    picture = Image.new("L", (500, 500), 255)
    picture.paste(draw_number("7"), (0, 0))
    picture.paste(draw_number("1"), (200, 250))  # a 1 below and right of the 7: not on one line
    reading, whole = classifier.read_number(picture), classifier.predict(picture)
    assert len(reading.digits) == 1 and reading.digits[0].digit == whole.digit  # whole, as predict reads it
    ink = (np.asarray(picture) < 128).astype(np.float32)
    unclear = segment(ink, lambda pieces: [0.3] * len(pieces))
    assert len(unclear.parts) == 1 and unclear.doubt == OFF_LINE  # not clearly one digit: doubted, with the reason
    assert segment(ink, lambda pieces: [0.9] * len(pieces)).doubt is None  # read clearly as one digit: no doubt


def test_a_drawing_in_progress_is_read_without_cutting_touching_digits_apart(classifier):
    # close together, so that the joining stroke leaves each part a clear digit: at gaps of 0.1-0.2 the shipped
    # network reads the 3 with the stroke's end 74-79 % sure, under PART_SURE, and the whole as "unsure"
    picture = draw_number("23", gap=0.05)
    ImageDraw.Draw(picture).line([(60, 175), (picture.width - 60, 175)], fill=0, width=12)  # one stroke joins them
    assert classifier.read_number(picture).number == "23"
    assert len(classifier.read_number(picture, cut=False).digits) == 1


@given(st.integers(40, 70), st.lists(st.integers(4, 230), min_size=1, max_size=12, unique=True),
       st.sampled_from([None, 2, 3, 4, 5]), st.randoms(use_true_random=False))
def test_cuts_are_chosen_from_the_spans_on_a_path_alone_as_from_them_all(height, minima, count, random):
    # the network reads only the spans on some way of cutting the whole piece (into `count` parts): the cuts are
    # the same as when it reads every span, and a span no such way uses is not read
    width = 240
    edges = [0, *sorted(minima), width]
    spans = [(i, j) for j in range(1, len(edges)) for i in range(j)
             if max(2, int(NARROWEST * height)) <= edges[j] - edges[i] <= WIDEST * height]
    sure = {span: random.random() for span in spans}
    kept = on_a_path(edges, spans, count)
    assert best_cuts(edges, kept, sure, count) == best_cuts(edges, spans, sure, count)
    for i, j in set(spans) - set(kept):  # no cut through (i, j) reaches both ends in `count` parts
        sure_without = {**sure, (i, j): 1.0}
        assert (i, j) not in best_cuts(edges, spans, sure_without, count)


def test_a_wide_piece_cut_into_four_reads_fewer_spans_than_there_are():
    x = np.arange(120)
    ink = np.zeros((50, 120), np.float32)
    ink[5:45] = (np.sin(x / 3) > 0) * (0.5 + 0.5 * np.cos(0.37 * x))  # strokes of uneven weight: many thin columns
    edges, spans = cut_points(ink)
    kept = on_a_path(edges, spans, 4)
    assert 0 < len(kept) < len(spans)
    assert best_cuts(edges, kept, dict.fromkeys(kept, 0.9), 4)
