"""Labelled pictures from outside MNIST, for training (`train --extra-data`) and scoring (`evaluate --data`).

    images = read_labelled("corrections/")   # a folder `python app.py --collect` wrote
    images = read_labelled("my_digits/")     # or any folder of LABEL/*.png (LABEL: 0-9, or "not a digit")
    images.digits, images.labels, images.not_digits   # uint8 28x28 inputs, made by the page's preprocessing

Every picture goes through `preprocess`, as the page's pictures do. A picture that cannot be read, or in
which there is no digit, is skipped and counted; so is a row of the corrections table that is torn.
"""

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from mnist_cnn.config import CLASSES, CORRECTIONS_FILE, IMAGE_SIZE, NOT_A_DIGIT
from mnist_cnn.errors import InputError, MnistCnnError
from mnist_cnn.preprocess import preprocess

PICTURES = {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif"}


@dataclass
class Labelled:
    """28x28 inputs (uint8, white on black, like MNIST's) with their digits, the pictures labelled as no
    digit, and how many pictures were skipped."""

    digits: np.ndarray
    labels: np.ndarray
    not_digits: np.ndarray
    skipped: int = 0


def correction_rows(folder: Path) -> list[tuple[Path, str]]:
    """(picture, label) of each whole row of a corrections table; file paths are taken relative to the folder,
    so a folder copied elsewhere still reads."""
    rows = []
    with open(folder / CORRECTIONS_FILE, newline="", encoding="utf-8") as table:
        for row in csv.DictReader(table):
            drawing, label = row.get("drawing"), row.get("label")
            if not drawing or label is None or row.get(None) or None in row.values():
                continue  # torn or padded: not a whole row
            rows.append((folder.joinpath(*Path(drawing).parts[-3:]), label))
    return rows


def folder_rows(folder: Path) -> list[tuple[Path, str]]:
    """(picture, label) of each picture in a LABEL/ subfolder."""
    return [(path, sub.name) for sub in sorted(folder.iterdir()) if sub.is_dir()
            for path in sorted(sub.iterdir()) if path.suffix.lower() in PICTURES]


def read_labelled(folder: str | Path) -> Labelled:
    """Every labelled picture in a corrections folder or a folder of LABEL/*.png, preprocessed to 28x28."""
    folder = Path(folder)
    if not folder.is_dir():
        raise MnistCnnError(f"{folder} is not a folder of labelled pictures.")
    rows = correction_rows(folder) if (folder / CORRECTIONS_FILE).exists() else folder_rows(folder)
    digits, labels, not_digits, skipped = [], [], [], 0
    for path, label in rows:
        if label not in CLASSES and label != NOT_A_DIGIT:
            skipped += 1
            continue
        try:
            model_input = preprocess(path)
        except InputError:
            model_input = None
        if model_input is None:
            skipped += 1
            continue
        image = np.round(model_input * 255).astype(np.uint8)
        if label == NOT_A_DIGIT:
            not_digits.append(image)
        else:
            digits.append(image)
            labels.append(int(label))
    if not digits and not not_digits:
        raise MnistCnnError(f"{folder} holds no readable labelled pictures (LABEL/*.png, or a {CORRECTIONS_FILE}).")
    empty = np.zeros((0, IMAGE_SIZE, IMAGE_SIZE), dtype=np.uint8)
    return Labelled(np.stack(digits) if digits else empty, np.array(labels, dtype=np.int64),
                    np.stack(not_digits) if not_digits else empty, skipped)


def read_all(folders: list[str | Path]) -> Labelled:
    """Several folders' pictures together."""
    parts = [read_labelled(folder) for folder in folders]
    return Labelled(np.concatenate([p.digits for p in parts]), np.concatenate([p.labels for p in parts]),
                    np.concatenate([p.not_digits for p in parts]), sum(p.skipped for p in parts))
