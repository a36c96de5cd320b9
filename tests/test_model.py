import pytest
import torch

from mnist_cnn.model import ARCHS, DEFAULT_ARCH, build_model


@pytest.mark.parametrize("arch", ARCHS)
def test_every_arch_maps_a_batch_of_digits_to_ten_logits(arch):
    model = build_model(arch).eval()
    assert model(torch.zeros(5, 1, 28, 28)).shape == (5, 10)


def test_seed_arch_is_the_articles_network():
    model = build_model("seed")
    convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    linears = [m for m in model.modules() if isinstance(m, torch.nn.Linear)]
    assert [(c.in_channels, c.out_channels, c.kernel_size, c.padding) for c in convs] == [
        (1, 16, (5, 5), (2, 2)),
        (16, 32, (5, 5), (2, 2)),
    ]
    assert [(fc.in_features, fc.out_features) for fc in linears] == [(7 * 7 * 32, 256), (256, 10)]


def test_default_arch_fits_the_size_budget():
    params = sum(p.numel() for p in build_model(DEFAULT_ARCH).parameters())
    assert params * 4 < 5 * 2**20


def test_unknown_arch_is_refused_by_name():
    with pytest.raises(ValueError, match="resnet"):
        build_model("resnet")
