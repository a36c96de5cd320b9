"""The inside view: every layer's pictures for both networks, and a saliency that points at the ink."""

import numpy as np
import pytest

from harness.people import stroke_digit
from mnist_cnn.explain import LESSONS, Inside, grid, look_inside
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
    changes = []
    for pixels in (order[-5:], order[:5]):
        nudged = seven.copy().ravel()
        nudged[pixels] += 0.01 * np.sign(inside.gradient.ravel()[pixels])
        changes.append(score(nudged.reshape(28, 28)) - score(seven))
    # shipped model: about 9x; the least salient pixels still move the score a little (the net is not linear)
    assert changes[0] > 0 and changes[0] > 5 * abs(changes[1])
    red = inside.saliency[:, :, 0].astype(int) - inside.saliency[:, :, 1]
    top = np.unravel_index(order[-1], (28, 28))
    assert red[top[0] * 8 + 4, top[1] * 8 + 4] > 100  # the most salient pixel shows red
    assert all(p.grad is None for p in classifier.model.parameters())


def test_grid_tiles_maps_in_rows():
    maps = np.linspace(0, 1, 10 * 3 * 3).reshape(10, 3, 3)
    picture = grid(maps, scale=2, columns=4)
    assert picture.shape == (3 * 8 + 2, 4 * 8 + 2) and picture.dtype == np.uint8
    assert picture[2:8, 2:8].max() < picture[-8:-2, 10:16].min()  # later maps hold larger values


def test_every_view_has_its_lesson():
    assert set(LESSONS) == {"input", "kernels", "first_maps", "second_maps", "pooled", "units", "saliency"}
