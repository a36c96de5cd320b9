import numpy as np
import pytest
import torch

from mnist_cnn.transforms import Normalization


def test_normalization_round_trip():
    norm = Normalization(0.1307, 0.3081)
    x = torch.rand(4, 1, 28, 28)
    assert torch.allclose(norm(x) * 0.3081 + 0.1307, x, atol=1e-6)


def test_articles_normalization_maps_0_1_to_minus_1_1():
    norm = Normalization(0.5, 0.5)
    out = norm(torch.tensor([0.0, 0.5, 1.0]).reshape(1, 1, 1, 3))
    assert out.flatten().tolist() == [-1.0, 0.0, 1.0]


def test_model_input_is_one_normalized_image():
    image = np.zeros((28, 28), dtype=np.float32)
    batch = Normalization(0.5, 0.5).to_model_input(image)
    assert batch.shape == (1, 1, 28, 28) and batch.dtype == torch.float32
    assert torch.all(batch == -1.0)


def test_model_input_refuses_other_sizes():
    with pytest.raises(ValueError, match="28x28"):
        Normalization().to_model_input(np.zeros((32, 32), dtype=np.float32))


def test_uint8_batches_scale_like_to_tensor():
    images = torch.tensor([[[0, 255]]], dtype=torch.uint8)
    assert Normalization().to_float(images).tolist() == [[[[0.0, 1.0]]]]
