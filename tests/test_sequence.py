"""The number reader (`mnist_cnn.sequence`): it reads digits that touch, it is trusted only when sure, its recipe
trains from `mnist_cnn.train`, and a bad checkpoint is one clear sentence."""

import numpy as np
import pytest
import torch

from mnist_cnn.config import DEFAULT_CHECKPOINT, HOLDOUT, SEQUENCE_CHECKPOINT
from mnist_cnn.data import load_mnist, split_holdout
from mnist_cnn.errors import CheckpointError
from mnist_cnn.predict import DigitClassifier
from mnist_cnn.preprocess import ink_of
from mnist_cnn.render import compose_number
from mnist_cnn.segment import PART_SURE, READER_SURE, RECOUNT_SURE, SURE_CUTS, segment, split_touching
from mnist_cnn.sequence import Read, compose_strip, decode, load, read_pieces
from mnist_cnn.train import main as train_main
from tests.test_segment import two_blobs


@pytest.fixture(scope="module")
def held_out(mnist_dir):
    _, (images, labels) = split_holdout(*load_mnist(mnist_dir, train=True), HOLDOUT)
    return images.numpy(), labels.numpy()


def reader_of(digits: list[int], sure: float):
    chances = [np.eye(10)[d] * sure + (1 - sure) / 10 for d in digits]
    return lambda piece: Read(digits, sure, chances)


def test_a_reader_sure_of_the_digits_it_sees_cuts_the_piece_into_that_many_carrying_its_probabilities():
    unsure_whole = lambda pieces: [0.1 if p.shape[1] > 60 else 0.3 for p in pieces]  # noqa: E731
    parts = split_touching(two_blobs(), unsure_whole, reader_of([4, 1, 7], READER_SURE + 0.01))
    assert len(parts) == 3
    assert [int(np.argmax(probabilities)) for _, probabilities in parts] == [4, 1, 7]
    # not sure enough: cut as without a reader (parts the network reads unsurely are not cut at all)
    assert [p for _, p in split_touching(two_blobs(), unsure_whole, reader_of([4, 1], READER_SURE - 0.01))] == [None]


def two_pieces_on_a_wide_canvas() -> np.ndarray:
    """Two clear pieces with a gap, in the top left of a wide canvas (35 and 50 px wide)."""
    ink = np.zeros((150, 400), np.float32)
    ink[20:70, 15:50] = ink[20:70, 80:130] = 1.0
    return ink


def whole_number_reader(digits: list[int], sure: float):
    """A reader that reads `digits` in the whole number (wider than 100 px) and one digit in a piece."""
    return lambda piece: reader_of(digits if piece.shape[1] > 100 else [0], sure)(piece)


def reading_pieces(surely: float):
    """A network that reads every piece holding ink this surely."""
    return lambda pieces: [surely if piece.max() > 0 else 0.0 for piece in pieces]


def test_a_digit_the_cuts_lost_is_found_again_where_the_reader_sees_more_digits_in_the_whole_picture():
    # a 1 pressed into one of the two pieces is lost by the cuts
    ink, clear, reader = two_pieces_on_a_wide_canvas(), reading_pieces(0.9), whole_number_reader
    found = segment(ink, clear, reader=reader([4, 1, 7], RECOUNT_SURE))
    assert len(found.parts) == 3
    assert [int(np.argmax(probabilities)) for probabilities in found.read] == [4, 1, 7]
    # cut from the strokes, not from the canvas around them: every part holds ink, none is empty margin
    assert all(part.max() > 0 for part in found.parts)
    assert sum(part.shape[1] for part in found.parts) < 130
    # the reader unsure, or seeing fewer digits than the cuts (the gaps between pieces are surer), or a drawing in
    # progress (no cuts): the pieces stand
    assert len(segment(ink, clear, reader=reader([4, 1, 7], RECOUNT_SURE - 0.01)).parts) == 2
    assert len(segment(ink, clear, reader=reader([4], 1.0)).parts) == 2
    assert len(segment(ink, clear, cut=False, reader=reader([4, 1, 7], 1.0)).parts) == 2


def test_cuts_the_network_reads_surely_are_cut_again_only_by_a_reader_nearly_certain():
    # the same two pieces, each read 99 % surely: a reader 70-95 % sure of a digit more (a 4 seen as "11") is not
    # enough to cut them again
    ink, sure = two_pieces_on_a_wide_canvas(), reading_pieces(0.99)
    assert len(segment(ink, sure, reader=whole_number_reader([4, 1, 7], SURE_CUTS - 0.01)).parts) == 2
    assert len(segment(ink, sure, reader=whole_number_reader([4, 1, 7], SURE_CUTS)).parts) == 3
    # one of the two read less surely (the narrower 99 %, the wider 90 %): the cuts are doubtful, RECOUNT_SURE will do
    one_less = lambda pieces: [0.0 if piece.max() == 0 else 0.99 if piece.shape[1] < 45 else 0.9  # noqa: E731
                               for piece in pieces]
    assert len(segment(ink, one_less, reader=whole_number_reader([4, 1, 7], SURE_CUTS - 0.01)).parts) == 3


def test_a_piece_read_clearly_as_one_digit_is_cut_by_the_reader_only_when_wide_and_its_parts_read_more_surely():
    asked = []

    def reader(piece):
        asked.append(piece)
        return reader_of([1, 1], 1.0)(piece)

    def network(whole: float, part: float):  # how surely the network reads the whole (90 px wide) and each part
        return lambda pieces: [whole if piece.shape[1] > 60 else part for piece in pieces]

    narrow = two_blobs()[:, :55]  # 60 tall, 55 wide: narrower than WIDE
    assert len(split_touching(narrow, network(0.9, 0.99), reader)) == 1
    assert not asked
    assert len(split_touching(two_blobs(), network(0.9, 0.99), reader)) == 2
    # the reader alone does not overrule the network: the network must read the parts surely, and more surely
    # than it read the whole
    assert len(split_touching(two_blobs(), network(0.7, PART_SURE - 0.01), reader)) == 1
    assert len(split_touching(two_blobs(), network(0.99, 0.95), reader)) == 1


def touching_numbers(images: np.ndarray, seed: int, n: int, digits: int, compose):
    """`n` numbers of `digits` touching held-out digits, written by `compose`: (the digits' indices, the number)."""
    rng = np.random.default_rng(seed)
    for _ in range(n):
        index = rng.integers(0, len(images), digits)
        yield index, compose([images[i] for i in index], rng, (-0.15, 0.0))


def test_the_shipped_reader_reads_composed_touching_numbers_of_held_out_digits(held_out):
    model, (images, labels) = load(SEQUENCE_CHECKPOINT), held_out
    exact = 0
    for index, strip in touching_numbers(images, 3, 50, 3, compose_strip):
        with torch.inference_mode():
            log_probs = model(torch.from_numpy(strip)[None, None])
        exact += decode(log_probs[:, 0]).digits == [int(labels[i]) for i in index]
    assert exact >= 42  # 84 %: the reader alone, 3 touching digits


def test_the_shipped_reader_counts_the_digits_of_touching_numbers_as_the_page_hands_them_over(held_out):
    # the page's own ink of a drawn number (preprocess.ink_of), not a training strip: the reader trains on both
    model, (images, _) = load(SEQUENCE_CHECKPOINT), held_out
    counted = sum(len(read_pieces(model, [ink_of(image)])[0].digits) == 4
                  for _, image in touching_numbers(images, 21, 150, 4, compose_number))
    assert counted >= 140  # 142; the reader trained on training strips alone counted 136


def test_the_page_reads_more_touching_numbers_with_the_reader_than_without(classifier, held_out):
    images, labels = held_out
    alone = DigitClassifier(classifier.model, classifier.metadata)
    assert classifier.reader is not None and alone.reader is None
    rng = np.random.default_rng(11)
    right = {"with": 0, "without": 0}
    for _ in range(30):
        index = rng.integers(0, len(images), 4)
        image = compose_number([images[i] for i in index], rng, (-0.15, 0.0))
        truth = "".join(str(int(labels[i])) for i in index)
        for name, reader in (("with", classifier), ("without", alone)):
            reading = reader.read_number(image)
            right[name] += reading.number == truth and not reading.unsure
    assert right["with"] >= right["without"] + 5, right


def test_a_missing_or_foreign_reader_checkpoint_is_one_clear_sentence(tmp_path):
    with pytest.raises(CheckpointError, match="none.safetensors does not exist; .*--preset sequence"):
        load(tmp_path / "none.safetensors")
    (tmp_path / "junk.safetensors").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="junk.safetensors"):
        DigitClassifier.from_checkpoint(reader=tmp_path / "junk.safetensors")
    with pytest.raises(CheckpointError, match="is not a number reader's checkpoint"):
        load(DEFAULT_CHECKPOINT)  # the digit network's: a safetensors file, but not a reader


def test_the_sequence_preset_trains_a_reader_the_page_loads(tmp_path, mnist_dir):
    out = tmp_path / "reader.safetensors"
    assert train_main(["--preset", "sequence", "--minutes", "0.05", "--data-dir", str(mnist_dir),
                       "--output", str(out)]) == 0
    classifier = DigitClassifier.from_checkpoint(reader=out)
    assert classifier.reader is not None
    assert classifier.read_number(compose_number([np.full((28, 28), 255, np.uint8)], np.random.default_rng(0)))


def test_a_number_written_in_one_stroke_has_no_gap_between_its_digits(held_out):
    images, _ = held_out
    rng = np.random.default_rng(0)
    ink = 255 - np.asarray(compose_number(list(images[:4]), rng, (0.1, 0.3), joined=True))
    columns = np.flatnonzero((ink > 128).any(axis=0))
    assert len(columns) == columns[-1] - columns[0] + 1  # ink in every column from the first digit to the last
    ink = 255 - np.asarray(compose_number(list(images[:4]), np.random.default_rng(0), (0.1, 0.3)))
    columns = np.flatnonzero((ink > 128).any(axis=0))
    assert len(columns) < columns[-1] - columns[0] + 1
