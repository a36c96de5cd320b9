"""Checkpoints: safetensors weights with JSON metadata, written atomically, loaded without executing code."""

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file, save_file
from torch import nn

from mnist_cnn.errors import CheckpointError
from mnist_cnn.model import ARCHS, build_model

FORMAT = "mnist-cnn/1"
REQUIRED_METADATA = ("format", "arch", "mean", "std")


def atomic_write(path: str | os.PathLike, write) -> None:
    """Call write(tmp_path) on a temporary file beside `path`, then rename it over `path`.

    A crash or Ctrl-C in the middle leaves the old file untouched and no half-written one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def save_checkpoint(model: nn.Module, path: str | os.PathLike, metadata: dict[str, Any]) -> None:
    """Write the model's weights and metadata (arch, its options if any, mean, std, figures) to a safetensors file;
    a "format" in `metadata` overrides the digit networks' own (the number reader's checkpoint is written so)."""
    tensors = {k: v.detach().cpu().contiguous() for k, v in model.state_dict().items()}
    meta = {"format": FORMAT, **metadata}
    encoded = {k: json.dumps(v) for k, v in meta.items()}
    atomic_write(path, lambda tmp: save_file(tensors, tmp, metadata=encoded))


def decoded_metadata(path: str | os.PathLike, command: str = "python -m mnist_cnn.train") -> dict[str, Any]:
    """Any safetensors checkpoint's metadata, each value decoded from JSON (the digit networks' and the number
    reader's alike); a CheckpointError naming the file, and the `command` that trains one, if it is missing."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"Checkpoint {path} does not exist; train one with `{command}`.")
    try:
        with safe_open(str(path), framework="pt") as f:
            raw = f.metadata() or {}
        return {k: json.loads(v) for k, v in raw.items()}
    except (SafetensorError, OSError, ValueError, json.JSONDecodeError) as exc:
        raise CheckpointError(f"Checkpoint {path} is damaged or not a safetensors file ({exc}).") from None


def read_metadata(path: str | os.PathLike) -> dict[str, Any]:
    """The checkpoint's metadata, decoded; a CheckpointError naming the file if it is not ours."""
    meta = decoded_metadata(path)
    missing = [k for k in REQUIRED_METADATA if k not in meta]
    if missing or meta.get("format") != FORMAT:
        what = ", ".join(missing) or "format"
        raise CheckpointError(f"Checkpoint {path} is not an mnist-cnn checkpoint (missing {what}).")
    if meta["arch"] not in ARCHS:
        raise CheckpointError(f"Checkpoint {path} is for an unknown arch {meta['arch']!r}.")
    return meta


def load_checkpoint(path: str | os.PathLike) -> tuple[nn.Module, dict[str, Any]]:
    """Return (model in eval mode, metadata) from a checkpoint; CheckpointError naming the file if it is bad."""
    meta = read_metadata(path)
    try:
        state = load_file(str(path))
    except (SafetensorError, OSError) as exc:
        raise CheckpointError(f"Checkpoint {path} is damaged ({exc}).") from None
    try:
        model = build_model(meta["arch"], meta.get("arch_options"))
        model.load_state_dict(state)
    except (RuntimeError, ValueError, TypeError):
        raise CheckpointError(f"Checkpoint {path} does not hold weights for arch {meta['arch']!r}.") from None
    if not all(torch.isfinite(v).all() for v in state.values() if v.is_floating_point()):
        raise CheckpointError(f"Checkpoint {path} holds NaN or infinite weights.")
    return model.eval(), meta
