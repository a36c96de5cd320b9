"""Constants shared by training, evaluation, preprocessing and the app. A module's own constants live in it: the
input limits (MAX_FILE_BYTES, MAX_REQUEST_BYTES, MAX_PIXELS, DECODE_PIXELS, DRAWING_PIXELS) in `preprocess.py`."""

from pathlib import Path

IMAGE_SIZE = 28
"""MNIST images are 28x28 pixels."""

DIGIT_BOX = 20
"""MNIST digits were fitted into a 20x20 box before being centred in 28x28."""

CLASSES = tuple(str(d) for d in range(10))

MNIST_MEAN = 0.1307
MNIST_STD = 0.3081
"""Mean and standard deviation of MNIST's training pixels (in 0..1), used by the default recipe."""

HOLDOUT = 5000
"""Training images the default recipe sets aside and never trains on (`split_holdout`): the held-out images every
choice is made on, and the benchmarks read them as the shipped network's recipe held them out."""
HOLDOUT_SEED = 0
"""The held-out images are drawn with this seed whatever a run's own `--seed`: runs of other seeds are compared on
the same images, and never trained on the ones the benchmarks read."""

UNSURE_BELOW = 0.5
"""Below this calibrated top probability an answer is marked unsure rather than asserted.
Chosen with `python -m benchmarks.uncertainty`, which prints how often each threshold flags digits and scribbles."""

PACKAGE_DIR = Path(__file__).resolve().parent
CHECKPOINT_DIR = PACKAGE_DIR.parent / "checkpoints"
DEFAULT_CHECKPOINT = CHECKPOINT_DIR / "mnist_cnn.safetensors"
ARTICLE_CHECKPOINT = CHECKPOINT_DIR / "article.safetensors"
"""The reference article's network trained with its recipe (`python -m mnist_cnn.train --preset article`),
shown on the page beside the default one."""
SEQUENCE_CHECKPOINT = CHECKPOINT_DIR / "sequence.safetensors"
"""The number reader (`mnist_cnn.sequence`), which says how many digits a touching piece of ink holds."""


def trained_checkpoint(preset: str) -> Path:
    """Where `python -m mnist_cnn.train` writes without --output: the default recipe rewrites the shipped network;
    any other preset writes a file of its own, so that trying the quick recipe never replaces what the page serves."""
    return DEFAULT_CHECKPOINT if preset == "default" else CHECKPOINT_DIR / f"trained-{preset}.safetensors"

CORRECTIONS_FILE = "corrections.csv"
"""The table of a corrections folder (`python app.py --collect DIR`): one row per correction, the columns below."""
CORRECTION_COLUMNS = ("drawing", "input", "answer", "label", "checkpoint")
"""The submitted picture (a file), its 28x28 input (a file), the page's answer (JSON), the right label, and the
served checkpoint's hash; Gradio's flagging adds the time."""
NOT_A_DIGIT = "not a digit"
"""The label of a correction saying the picture is no digit at all."""

DATA_DIR_ENV = "MNIST_DATA_DIR"
DEFAULT_DATA_DIR = "./data"
