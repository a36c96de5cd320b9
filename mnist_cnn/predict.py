"""Recognize digits in images: a Python API and a command line.

    from mnist_cnn.predict import DigitClassifier
    classifier = DigitClassifier.from_checkpoint()
    result = classifier.predict("digit.png")
    result.digit, result.confidence, result.unsure, result.probabilities, result.model_input
    classifier.read_number("year.png").number      # "2024"

    python -m mnist_cnn.predict [--checkpoint P] [--number] [--json] FILE...

Probabilities are calibrated (divided by the checkpoint's temperature): when the top one is below
UNSURE_BELOW the answer is marked unsure: a scribble, a letter, or a digit drawn too ambiguously.
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
from mnist_cnn.config import CLASSES, DEFAULT_CHECKPOINT, SEQUENCE_CHECKPOINT, UNSURE_BELOW
from mnist_cnn.errors import CheckpointError, InputError
from mnist_cnn.preprocess import ImageSource, digit_from_ink, ink_of, preprocess
from mnist_cnn.segment import segment
from mnist_cnn.sequence import Read, read_pieces
from mnist_cnn.sequence import load as load_reader
from mnist_cnn.transforms import Normalization

NO_DIGIT = "No digit found: the image is blank."


@dataclass(frozen=True)
class Prediction:
    """What the network made of one image. `digit` is None when the image holds no digit; `unsure` says
    the network's best guess is too doubtful to assert (the message says so in words)."""

    digit: int | None
    confidence: float
    probabilities: dict[str, float] = field(default_factory=dict)
    model_input: np.ndarray | None = None
    message: str | None = None
    unsure: bool = False

    def to_json(self) -> dict:
        return {
            "digit": self.digit,
            "confidence": round(self.confidence, 6),
            "unsure": self.unsure,
            "probabilities": {k: round(v, 6) for k, v in self.probabilities.items()},
            **({"message": self.message} if self.message else {}),
        }


@dataclass(frozen=True)
class Reading:
    """A whole number read from one image: the digits left to right, each with its own prediction. `doubt`
    says in one sentence why the picture as a whole does not look like a number (None when it does)."""

    digits: list[Prediction]
    doubt: str | None = None

    @property
    def number(self) -> str:
        return "".join(str(d.digit) for d in self.digits)

    @property
    def unsure(self) -> bool:
        return self.doubt is not None or any(d.unsure for d in self.digits)

    def to_json(self) -> dict:
        return {"number": self.number, "unsure": self.unsure, "digits": [d.to_json() for d in self.digits],
                **({"doubt": self.doubt} if self.doubt else {})}


class DigitClassifier:
    """A trained network with the normalization it was trained with; load once, predict many times."""

    def __init__(self, model: nn.Module, metadata: dict, path: Path | None = None,
                 reader: nn.Module | None = None) -> None:
        """`reader`: the number reader (`mnist_cnn.sequence`) that reads digits which touch; without one, they are
        cut apart by the network's own confidence alone."""
        # channels last, as it was trained: one image reads in about 0.8 ms instead of 1.2 here, the same answer
        self.model = model.eval().to(memory_format=torch.channels_last)
        self.metadata = metadata
        self.path = path
        self.normalization = Normalization(metadata["mean"], metadata["std"])
        # checkpoints from before calibration have no temperature: their raw probabilities are used
        self.temperature = float(metadata.get("temperature", 1.0))
        self.reader = reader

    @classmethod
    def from_checkpoint(cls, path: str | os.PathLike | None = None,
                        reader: str | os.PathLike | None = SEQUENCE_CHECKPOINT) -> "DigitClassifier":
        """Load a checkpoint (the shipped one by default) and the number reader (the shipped one by default, none
        when None); CheckpointError names the file if one is bad."""
        path = Path(path or DEFAULT_CHECKPOINT)
        model, metadata = load_checkpoint(path)
        return cls(model, metadata, path, None if reader is None else load_reader(reader))

    def probabilities(self, model_input: np.ndarray) -> np.ndarray:
        """Ten calibrated class probabilities for one preprocessed 28x28 image (white on black, 0..1)."""
        return self.probabilities_of([model_input])[0]

    @torch.inference_mode()
    def probabilities_of(self, model_inputs: list[np.ndarray]) -> np.ndarray:
        """`probabilities` for several images in one forward pass: N x 10."""
        batch = torch.cat([self.normalization.to_model_input(x) for x in model_inputs])
        return torch.softmax(self.model(batch) / self.temperature, dim=1).numpy()

    def judge(self, model_input: np.ndarray) -> Prediction:
        """The prediction for one preprocessed 28x28 image, marked unsure when the top probability is low."""
        return self.judge_all([model_input])[0]

    def judge_all(self, model_inputs: list[np.ndarray]) -> list[Prediction]:
        """`judge` for several images at once (one forward pass)."""
        return [self.prediction(x, probs) for x, probs in zip(model_inputs, self.probabilities_of(model_inputs))]

    def prediction(self, model_input: np.ndarray, probs: np.ndarray) -> Prediction:
        """The prediction for a preprocessed image with these probabilities."""
        digit = int(probs.argmax())
        confidence = float(probs[digit])
        unsure = confidence < UNSURE_BELOW
        return Prediction(
            digit=digit,
            confidence=confidence,
            probabilities={c: float(p) for c, p in zip(CLASSES, probs)},
            model_input=model_input,
            message=f"This does not look clearly like a digit (best guess {digit}, {confidence * 100:.0f} %)."
            if unsure else None,
            unsure=unsure,
        )

    def predict(self, image: ImageSource) -> Prediction:
        """Recognize the digit in a file path, bytes, PIL image or numpy array; InputError if unreadable."""
        model_input = preprocess(image)
        if model_input is None:
            return Prediction(digit=None, confidence=0.0, message=NO_DIGIT)
        return self.judge(model_input)

    def read_number(self, image: ImageSource, cut: bool = True) -> Reading:
        """Read the digits written side by side in an image, left to right; no digits when it is blank.

        A picture that holds one digit is read exactly as `predict` reads it, and so is a picture that does
        not look like a row of digits (see `segment`), marked unsure with the reason. Without `cut`, digits that
        touch are read as one piece (a drawing still in progress: see `segment`)."""
        ink = ink_of(image)
        if ink is None:
            return Reading([])
        judged: dict[tuple, Prediction | None] = {}

        def judge_pieces(pieces: list[np.ndarray]) -> list[Prediction | None]:
            # segment scores each candidate piece (the new ones in one batch); the answer reuses those scores
            keys = [(piece.shape, piece.tobytes()) for piece in pieces]
            new = {key: digit_from_ink(piece) for key, piece in zip(keys, pieces) if key not in judged}
            readable = {key: x for key, x in new.items() if x is not None}
            judged.update(dict.fromkeys(new))
            if readable:
                judged.update(zip(readable, self.judge_all(list(readable.values()))))
            return [judged[key] for key in keys]

        def confidence(pieces: list[np.ndarray]) -> list[float]:
            return [0.0 if result is None else result.confidence for result in judge_pieces(pieces)]

        read: dict[tuple, Read] = {}

        def reader(piece: np.ndarray) -> Read:
            # a number in one piece is read again whole by segment's recount: the same ink, read once
            key = (piece.shape, piece.tobytes())
            if key not in read:
                read[key] = read_pieces(self.reader, [piece])[0]
            return read[key]

        found = segment(ink, confidence, cut, reader if self.reader is not None else None)
        whole = len(found.parts) == 1
        chances = [None] if whole else found.read or [None] * len(found.parts)
        # touching digits the number reader read carry its probabilities; the others the network's own
        digits = [result if result is None or probabilities is None else self.prediction(result.model_input,
                                                                                            probabilities)
                  for result, probabilities in zip(judge_pieces([ink] if whole else found.parts), chances)]
        digits = [d for d in digits if d is not None]
        return Reading(digits, found.doubt if digits else None)


def describe(result: Prediction | Reading) -> str:
    """One line for people: the digit or number with its confidence, or why there is none."""
    if isinstance(result, Reading):
        if not result.digits:
            return NO_DIGIT
        if result.doubt:
            return f"not sure: {result.doubt} (best guess {result.number})"
        parts = ", ".join(f"{d.digit} {d.confidence * 100:.1f} %{' unsure' if d.unsure else ''}" for d in result.digits)
        return f"{result.number} ({parts})"
    if result.digit is None or result.unsure:
        return result.message
    return f"{result.digit} ({result.confidence * 100:.1f} %)"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Recognize the handwritten digit in each image file.")
    parser.add_argument("files", nargs="+", help="image files (PNG, JPEG, WebP, BMP, GIF)")
    parser.add_argument("--checkpoint", help="checkpoint to use (default: the shipped one)")
    parser.add_argument("--number", action="store_true", help="read all the digits, left to right, as one number")
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
            result = classifier.read_number(file) if args.number else classifier.predict(file)
        except InputError as exc:
            failed = True
            print(json.dumps({"file": file, "error": str(exc)}) if args.json else f"{file}: error: {exc}")
            continue
        print(json.dumps({"file": file, **result.to_json()}) if args.json else f"{file}: {describe(result)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
