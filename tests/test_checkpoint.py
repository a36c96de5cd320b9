import json

import pytest
import torch
from safetensors.torch import save_file

from mnist_cnn.checkpoint import load_checkpoint, read_metadata, save_checkpoint
from mnist_cnn.errors import CheckpointError
from mnist_cnn.model import build_model

META = {"arch": "seed", "mean": 0.5, "std": 0.5, "test_accuracy": 0.98}


def test_round_trip_keeps_weights_and_metadata(tmp_path):
    model = build_model("seed")
    path = tmp_path / "m.safetensors"
    save_checkpoint(model, path, META)
    loaded, meta = load_checkpoint(path)
    assert meta["mean"] == 0.5 and meta["arch"] == "seed" and meta["test_accuracy"] == 0.98
    for a, b in zip(model.state_dict().values(), loaded.state_dict().values()):
        assert torch.equal(a, b)
    assert not loaded.training


def test_shipped_checkpoint_records_its_provenance(classifier):
    meta = classifier.metadata
    for key in ("arch", "mean", "std", "test_accuracy", "epochs", "seed", "torch", "torchvision", "train_seconds"):
        assert key in meta
    assert classifier.path.stat().st_size <= 5 * 2**20


def test_truncated_file_is_refused_naming_the_file(tmp_path):
    path = tmp_path / "cut.safetensors"
    save_checkpoint(build_model("seed"), path, META)
    path.write_bytes(path.read_bytes()[:5000])
    with pytest.raises(CheckpointError, match="cut.safetensors"):
        load_checkpoint(path)


@pytest.mark.parametrize("content", [b"", b"\x89PNG\r\n\x1a\n not a checkpoint", b"import os; os.system('echo pwned')"])
def test_foreign_file_is_refused_naming_the_file(tmp_path, content):
    path = tmp_path / "foreign.safetensors"
    path.write_bytes(content)
    with pytest.raises(CheckpointError, match="foreign.safetensors"):
        load_checkpoint(path)


def test_safetensors_without_our_metadata_is_refused(tmp_path):
    path = tmp_path / "plain.safetensors"
    save_file({"w": torch.zeros(3)}, str(path))
    with pytest.raises(CheckpointError, match="not an mnist-cnn checkpoint"):
        read_metadata(path)


def test_weights_of_another_arch_are_refused(tmp_path):
    path = tmp_path / "mixed.safetensors"
    save_checkpoint(build_model("mnist_cnn"), path, META)  # metadata says seed
    with pytest.raises(CheckpointError, match="arch 'seed'"):
        load_checkpoint(path)


def test_tampered_weights_are_refused(tmp_path):
    model = build_model("seed")
    with torch.no_grad():
        next(model.parameters())[0, 0, 0, 0] = float("nan")
    path = tmp_path / "nan.safetensors"
    save_checkpoint(model, path, META)
    with pytest.raises(CheckpointError, match="NaN"):
        load_checkpoint(path)


def test_missing_file_says_how_to_make_one(tmp_path):
    with pytest.raises(CheckpointError, match="mnist_cnn.train"):
        load_checkpoint(tmp_path / "none.safetensors")


def test_failed_write_leaves_the_previous_checkpoint_intact(tmp_path, monkeypatch):
    path = tmp_path / "m.safetensors"
    save_checkpoint(build_model("seed"), path, META)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("mnist_cnn.checkpoint.save_file", crash)
    with pytest.raises(KeyboardInterrupt):
        save_checkpoint(build_model("seed"), path, {**META, "test_accuracy": 0.5})
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["m.safetensors"]
    assert json.loads(json.dumps(read_metadata(path)))["test_accuracy"] == 0.98
