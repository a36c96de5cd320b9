import os
import subprocess
import sys

import numpy as np
import pytest
import torch

from harness.server import OFFLINE
from mnist_cnn.data import load_mnist, resolve_data_dir, split_holdout
from mnist_cnn.errors import DataUnavailable


def test_option_beats_environment_beats_default(monkeypatch, tmp_path):
    monkeypatch.setenv("MNIST_DATA_DIR", str(tmp_path / "env"))
    assert resolve_data_dir(tmp_path / "opt") == tmp_path / "opt"
    assert resolve_data_dir() == tmp_path / "env"
    monkeypatch.delenv("MNIST_DATA_DIR")
    assert str(resolve_data_dir()) == "data"


def test_loads_the_test_set_as_tensors(mnist_test):
    images, labels = mnist_test
    assert images.shape == (10_000, 28, 28) and labels.shape == (10_000,)
    assert set(labels.unique().tolist()) == set(range(10))


def test_missing_data_offline_is_one_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr("torchvision.datasets.MNIST.mirrors", ["http://127.0.0.1:9/"])
    with pytest.raises(DataUnavailable, match=str(tmp_path)):
        load_mnist(tmp_path, train=False)


def test_cli_without_data_exits_2_with_one_line_and_no_traceback(tmp_path):
    run = subprocess.run(  # MNIST's mirrors unreachable, online or not
        [sys.executable, "-m", "mnist_cnn.evaluate", "--data-dir", str(tmp_path / "empty")],
        capture_output=True, text=True, timeout=120, env={**os.environ, **OFFLINE},
    )
    assert run.returncode == 2
    assert "Traceback" not in run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "MNIST_DATA_DIR" in lines[0] and str(tmp_path / "empty") in lines[0]


def test_held_out_images_are_never_training_images_and_the_same_for_the_same_seed():
    images = torch.arange(1000).reshape(1000, 1, 1)  # each image is its own index
    labels = torch.arange(1000) % 10
    (train, _), (held, held_labels) = split_holdout(images, labels, 100, seed=3)
    kept, out = set(train.flatten().tolist()), set(held.flatten().tolist())
    assert len(out) == 100 and not kept & out and kept | out == set(range(1000))
    assert torch.equal(held_labels, held.flatten() % 10)
    assert torch.equal(split_holdout(images, labels, 100, seed=3)[1][0], held)
    assert not torch.equal(split_holdout(images, labels, 100, seed=4)[1][0], held)


def test_usps_comes_from_the_data_folder_as_small_scans_of_every_digit(mnist_dir):
    from mnist_cnn.data import load_usps

    images, labels = load_usps(mnist_dir, train=False)
    assert images.shape == (2007, 16, 16) and images.dtype == np.uint8 and labels.dtype == np.int64
    assert set(labels.tolist()) == set(range(10)) and images.max() == 255  # ink bright, as MNIST's


def test_missing_usps_offline_is_one_clear_error(tmp_path, monkeypatch):
    from mnist_cnn.data import load_usps

    for name, value in OFFLINE.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(DataUnavailable, match="--no-usps"):
        load_usps(tmp_path, train=False)
