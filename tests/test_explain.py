"""The inside view: every layer's pictures for both networks, and a saliency that points at the ink."""

import numpy as np
import pytest

from harness.people import stroke_digit
from mnist_cnn.explain import DIRECTIONS, MOVE, Inside, grid, look_inside, shift
from mnist_cnn.model import build_model
from mnist_cnn.transforms import Normalization


@pytest.fixture(scope="module")
def seven(classifier):
    return classifier.predict(stroke_digit(7, np.random.default_rng(1))).model_input


def test_views_of_the_default_network(classifier, seven):
    inside = look_inside(classifier.model, classifier.normalization, seven)
    assert inside.digit == 7
    assert inside.input.shape == (224, 224) and inside.saliency.shape == (224, 224, 3)
    # 32 maps in rows of 8: the first two conv layers at 28x28 (x2), the pooled ones at 14x14 (x4)
    assert inside.first_maps.shape == inside.second_maps.shape == inside.pooled.shape == (4 * 58 + 2, 8 * 58 + 2)
    assert inside.kernels.shape == (4 * 38 + 2, 8 * 38 + 2)
    assert len(inside.units) == 8 and all(0 <= u.votes_for <= 9 for u in inside.units)
    assert [u.activation for u in inside.units] == sorted((u.activation for u in inside.units), reverse=True)


def test_views_of_the_articles_network(seven):
    inside = look_inside(build_model("seed"), Normalization(0.5, 0.5), seven)
    assert isinstance(inside, Inside)
    assert inside.kernels.shape == (2 * 62 + 2, 8 * 62 + 2)  # 16 kernels of 5x5
    assert inside.second_maps.shape == (4 * 30 + 2, 8 * 30 + 2)  # 32 maps at 14x14 after the first pooling


def test_saliency_is_the_gradient_of_the_winning_score_and_leaves_the_weights_alone(classifier, seven):
    import torch

    inside = look_inside(classifier.model, classifier.normalization, seven)

    def score(image):
        with torch.inference_mode():
            return float(classifier.model(classifier.normalization.to_model_input(image))[0, inside.digit])

    # nudging the most salient pixels moves the score far more than nudging the least salient ones
    order = np.argsort(np.abs(inside.gradient).ravel())

    def nudged(pixels) -> float:
        picture = seven.copy().ravel()
        picture[pixels] += 0.01 * np.sign(inside.gradient.ravel()[pixels])
        return score(picture.reshape(28, 28)) - score(seven)

    # five at a time: the most salient, and the 50 least salient in ten groups (which five of the near-zero
    # gradients are least is down to rounding, and a group can still cross a ReLU's kink: the net is not linear)
    least = np.mean([abs(nudged(order[i : i + 5])) for i in range(0, 50, 5)])
    assert nudged(order[-5:]) > 5 * least  # shipped model: about 6-7x
    red = inside.saliency[:, :, 0].astype(int) - inside.saliency[:, :, 1]
    top = np.unravel_index(order[-1], (28, 28))
    assert red[top[0] * 8 + 4, top[1] * 8 + 4] > 100  # the most salient pixel shows red
    assert all(p.grad is None for p in classifier.model.parameters())


def test_grid_tiles_maps_in_rows():
    maps = np.linspace(0, 1, 10 * 3 * 3).reshape(10, 3, 3)
    picture = grid(maps, scale=2, columns=4)
    assert picture.shape == (3 * 8 + 2, 4 * 8 + 2) and picture.dtype == np.uint8
    assert picture[2:8, 2:8].max() < picture[-8:-2, 10:16].min()  # later maps hold larger values


def test_shift_moves_pixels_and_lets_black_in():
    image = np.zeros((5, 5), dtype=np.float32)
    image[2, 2] = 1.0
    assert shift(image, 0, -2)[2, 0] == 1.0 and shift(image, 1, 0)[3, 2] == 1.0
    assert shift(image, 0, 3).sum() == 0  # moved off the edge: gone, nothing wraps around


def test_translation_view_moves_the_digit_and_its_feature_map(classifier, seven):
    inside = look_inside(classifier.model, classifier.normalization, seven)
    assert len(inside.moved_answers) == len(DIRECTIONS)
    assert inside.moved_answers.count(7) >= 3  # a few pixels do not change a centred digit's answer
    cell = 28 * 4 + 2
    assert inside.moved.shape == (2 * cell + 2, len(DIRECTIONS) * cell + 2)
    left, right = inside.moved[2 : 2 + 112, 2 : 2 + 112], inside.moved[2 : 2 + 112, 2 + cell : 2 + cell + 112]
    columns = np.arange(112)
    # the ink's centre of mass in the "moved left" tile lies 2 x MOVE pixels (x4) left of the "moved right" one
    shift_seen = (right.sum(0) @ columns) / right.sum() - (left.sum(0) @ columns) / left.sum()
    assert abs(shift_seen - 2 * MOVE * 4) < 2
