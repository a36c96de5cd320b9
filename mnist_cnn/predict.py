"""Recognize digits in images: a Python API and a command line.

    from mnist_cnn.predict import DigitClassifier
    result = DigitClassifier.from_checkpoint().predict("digit.png")
    result.digit, result.confidence, result.probabilities, result.model_input

    python -m mnist_cnn.predict [--checkpoint P] [--json] FILE...
"""

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn

from mnist_cnn.checkpoint import load_checkpoint
from mnist_cnn.config import CLASSES, DEFAULT_CHECKPOINT
from mnist_cnn.errors import CheckpointError, InputError
from mnist_cnn.preprocess import ImageSource, preprocess
from mnist_cnn.transforms import Normalization

NO_DIGIT = "No digit found: the image is blank."


@dataclass(frozen=True)
class Prediction:
    """What the network made of one image. `digit` is None when the image holds no digit."""

    digit: int | None
    confidence: float
    probabilities: dict[str, float] = field(default_factory=dict)
    model_input: np.ndarray | None = None
    message: str | None = None

    def to_json(self) -> dict:
        return {
            "digit": self.digit,
            "confidence": round(self.confidence, 6),
            "probabilities": {k: round(v, 6) for k, v in self.probabilities.items()},
            **({"message": self.message} if self.message else {}),
        }


class DigitClassifier:
    """A trained network with the normalization it was trained with; load once, predict many times."""

    def __init__(self, model: nn.Module, metadata: dict, path: Path | None = None) -> None:
        self.model = model.eval()
        self.metadata = metadata
        self.path = path
        self.normalization = Normalization(metadata["mean"], metadata["std"])

    @classmethod
    def from_checkpoint(cls, path: str | os.PathLike | None = None) -> "DigitClassifier":
        """Load a checkpoint (the shipped one by default); CheckpointError names the file if it is bad."""
        path = Path(path or DEFAULT_CHECKPOINT)
        model, metadata = load_checkpoint(path)
        return cls(model, metadata, path)

    @torch.inference_mode()
    def probabilities(self, model_input: np.ndarray) -> np.ndarray:
        """Ten class probabilities for one preprocessed 28x28 image (white on black, 0..1)."""
        logits = self.model(self.normalization.to_model_input(model_input))
        return torch.softmax(logits, dim=1)[0].numpy()

    def predict(self, image: ImageSource) -> Prediction:
        """Recognize the digit in a file path, bytes, PIL image or numpy array; InputError if unreadable."""
        model_input = preprocess(image)
        if model_input is None:
            return Prediction(digit=None, confidence=0.0, message=NO_DIGIT)
        probs = self.probabilities(model_input)
        digit = int(probs.argmax())
        return Prediction(
            digit=digit,
            confidence=float(probs[digit]),
            probabilities={c: float(p) for c, p in zip(CLASSES, probs)},
            model_input=model_input,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Recognize the handwritten digit in each image file.")
    parser.add_argument("files", nargs="+", help="image files (PNG, JPEG, WebP, BMP, GIF)")
    parser.add_argument("--checkpoint", help="checkpoint to use (default: the shipped one)")
    parser.add_argument("--json", action="store_true", help="one JSON object per line")
    args = parser.parse_args(argv)
    try:
        classifier = DigitClassifier.from_checkpoint(args.checkpoint)
    except CheckpointError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    failed = False
    for file in args.files:
        try:
            result = classifier.predict(file)
        except InputError as exc:
            failed = True
            print(json.dumps({"file": file, "error": str(exc)}) if args.json else f"{file}: error: {exc}")
            continue
        if args.json:
            print(json.dumps({"file": file, **result.to_json()}))
        elif result.digit is None:
            print(f"{file}: {result.message}")
        else:
            print(f"{file}: {result.digit} ({result.confidence * 100:.1f} %)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
