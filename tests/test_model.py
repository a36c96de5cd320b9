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


@pytest.mark.parametrize("options", [dict(kernel=3), dict(norm="lrn"), dict(norm="batch"), dict(pool="avg"),
                                     dict(width=8), dict(kernel=3, norm="batch", pool="avg", width=32)])
def test_each_variant_of_the_articles_network_changes_its_one_concept(options):
    model = build_model("seed", options).eval()
    assert model(torch.zeros(2, 1, 28, 28)).shape == (2, 10)
    convs = [m for m in model.modules() if isinstance(m, torch.nn.Conv2d)]
    width, kernel = options.get("width", 16), options.get("kernel", 5)
    assert [(c.out_channels, c.kernel_size[0]) for c in convs] == [(width, kernel), (2 * width, kernel)]
    kinds = {type(m) for m in model.modules()}
    assert (torch.nn.LocalResponseNorm in kinds) == (options.get("norm") == "lrn")
    assert (torch.nn.BatchNorm2d in kinds) == (options.get("norm") == "batch")
    assert (torch.nn.AvgPool2d in kinds) == (options.get("pool") == "avg")


def test_the_articles_own_variant_keeps_the_articles_weight_names():
    assert list(build_model("seed", dict(kernel=5, norm="none", pool="max", width=16)).state_dict()) == \
        list(build_model("seed").state_dict())


def test_variants_are_refused_for_other_networks_and_outside_the_choices():
    with pytest.raises(ValueError, match="mnist_cnn"):
        build_model("mnist_cnn", dict(kernel=3))
    with pytest.raises(ValueError, match="kernel 7"):
        build_model("seed", dict(kernel=7))
