"""A fast version of benchmarks/robustness.py: MNIST test digits rendered as people make them."""

import numpy as np

from benchmarks.load import run_load
from benchmarks.robustness import run_variants


def test_every_rendering_variant_is_mostly_recognized(classifier, mnist_test):
    images, labels = mnist_test
    results = run_variants(classifier, images.numpy(), labels.numpy(), n=60, seed=1)
    for name, r in results.items():
        assert r["page"] >= 0.9 and r["predict"] >= 0.9, f"{name}: {r}"
    assert np.mean([r["page"] for r in results.values()]) >= 0.96
    assert np.mean([r["naive"] for r in results.values()]) < 0.7  # the gap the preprocessing closes


def test_five_seconds_of_eight_clients_without_errors(app_url):
    result = run_load(app_url, clients=8, seconds=5)
    assert result["errors"] == []
    assert result["wrong"] == 0 and len(result["latencies"]) >= 8
