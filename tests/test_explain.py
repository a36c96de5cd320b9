"""The inside view: every layer's pictures for both networks, and a saliency that points at the ink."""

import numpy as np
import pytest

from mnist_cnn.explain import LESSONS, Inside, grid, look_inside
from mnist_cnn.model import build_model
from mnist_cnn.render import stroke_digit
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


def test_saliency_falls_on_the_ink_and_leaves_the_weights_alone(classifier, seven):
    inside = look_inside(classifier.model, classifier.normalization, seven)
    heat = inside.saliency[::8, ::8, 0].astype(float) - inside.saliency[::8, ::8, 1]
    near_ink = np.zeros((28, 28), bool)
    near_ink[2:-2, 2:-2] = seven[2:-2, 2:-2] > 0.3
    assert heat[near_ink].mean() > heat[~near_ink].mean()
    assert all(p.grad is None for p in classifier.model.parameters())


def test_grid_tiles_maps_in_rows():
    maps = np.linspace(0, 1, 10 * 3 * 3).reshape(10, 3, 3)
    picture = grid(maps, scale=2, columns=4)
    assert picture.shape == (3 * 8 + 2, 4 * 8 + 2) and picture.dtype == np.uint8
    assert picture[2:8, 2:8].max() < picture[-8:-2, 10:16].min()  # later maps hold larger values


def test_every_view_has_its_lesson():
    assert set(LESSONS) == {"input", "kernels", "first_maps", "second_maps", "pooled", "units", "saliency"}
