"""Corrections from visitors, kept on the server when the owner runs `python app.py --collect DIR`.

Each correction is one row of DIR/corrections.csv, written by Gradio's flagging (`gr.CSVLogger`): the picture
the visitor drew or uploaded and the 28x28 input the network read from it (files under DIR/drawing/ and
DIR/input/, in folders with random names), the page's answer (JSON), the right label the visitor picked (a digit
or "not a digit"), the served checkpoint's hash, and the time. The server names every file; nothing a visitor
sends chooses a path. Rows are only ever appended, one at a time under a lock, each after its files are written,
so a row never points at a file that is not there. `python -m mnist_cnn.train --extra-data DIR` learns from them.
"""

import hashlib
import tempfile
import threading
from pathlib import Path

import gradio as gr
import numpy as np
from PIL import Image

from mnist_cnn.config import CLASSES, CORRECTION_COLUMNS, CORRECTIONS_FILE, NOT_A_DIGIT
from webpage.text import ENGLISH, say

LABELS = (*CLASSES, NOT_A_DIGIT)
MAX_ENTRIES = 20_000
MAX_BYTES = 2**30
"""Beyond either, corrections are refused with a sentence: the folder cannot fill the disk. (Gradio's flagging
reads the whole table after each row it appends, which also bounds how long the table should grow.)"""


class Full(Exception):
    """The folder holds as many corrections as it may; the message says so in one sentence."""


def file_hash(path: Path) -> str:
    """The first 16 hex digits of a file's SHA-256: enough to tell checkpoints apart."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


class Corrections:
    """The corrections folder of one server: add() appends one correction, or raises Full."""

    def __init__(self, folder: str | Path, checkpoint: Path, max_entries: int = MAX_ENTRIES,
                 max_bytes: int = MAX_BYTES) -> None:
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.checkpoint = file_hash(checkpoint)
        self.max_entries, self.max_bytes = max_entries, max_bytes
        columns = {"drawing": gr.Image(label="drawing", render=False), "input": gr.Image(label="input", render=False),
                   "answer": gr.JSON(label="answer", render=False), "label": gr.Textbox(label="label", render=False),
                   "checkpoint": gr.Textbox(label="checkpoint", render=False)}
        self.logger = gr.CSVLogger(dataset_file_name=CORRECTIONS_FILE, verbose=False)
        self.logger.setup([columns[name] for name in CORRECTION_COLUMNS], self.folder)
        self.lock = threading.Lock()
        table = self.folder / CORRECTIONS_FILE
        self.entries = max(0, len(table.read_text(encoding="utf-8").splitlines()) - 1) if table.exists() else 0
        self.bytes = folder_bytes(self.folder)

    def add(self, picture: bytes, model_input: np.ndarray | None, answer: dict, label: str) -> int:
        """Keep one correction; return how many the folder holds. Full when it may hold no more."""
        with self.lock, tempfile.TemporaryDirectory() as scratch:
            if self.entries >= self.max_entries or self.bytes + len(picture) > self.max_bytes:
                raise Full(say(ENGLISH, "corrections_full"))
            drawing = Path(scratch) / "drawing.png"
            drawing.write_bytes(picture)
            files = [{"path": str(drawing), "meta": {"_type": "gradio.FileData"}}, None]
            if model_input is not None:
                Image.fromarray(np.round(model_input * 255).astype(np.uint8)).save(Path(scratch) / "input.png")
                files[1] = {"path": str(Path(scratch) / "input.png"), "meta": {"_type": "gradio.FileData"}}
            self.entries = self.logger.flag([*files, answer, label, self.checkpoint])
            self.bytes += sum(p.stat().st_size for p in Path(scratch).iterdir()) + len(str(answer)) + 200
            return self.entries
