"""Constants shared by training, evaluation, preprocessing and the app: the one place they live."""

from pathlib import Path

IMAGE_SIZE = 28
"""MNIST images are 28x28 pixels."""

DIGIT_BOX = 20
"""MNIST digits were fitted into a 20x20 box before being centred in 28x28."""

CLASSES = tuple(str(d) for d in range(10))

MNIST_MEAN = 0.1307
MNIST_STD = 0.3081
"""Mean and standard deviation of MNIST's training pixels (in 0..1), used by the default recipe."""

UNSURE_BELOW = 0.5
"""Below this calibrated top probability an answer is marked unsure rather than asserted.
Chosen with `python -m benchmarks.uncertainty`, which prints how often each threshold flags digits and scribbles."""

PACKAGE_DIR = Path(__file__).resolve().parent
DEFAULT_CHECKPOINT = PACKAGE_DIR.parent / "checkpoints" / "mnist_cnn.safetensors"
ARTICLE_CHECKPOINT = PACKAGE_DIR.parent / "checkpoints" / "article.safetensors"
"""The reference article's network trained with its recipe (`python -m mnist_cnn.train --preset article`),
shown on the page beside the default one."""

DATA_DIR_ENV = "MNIST_DATA_DIR"
DEFAULT_DATA_DIR = "./data"
