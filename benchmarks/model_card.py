"""The model card's figures: each shipped checkpoint (the default network and the article's) as its metadata
records it, its MNIST test accuracy, and the quick recipes trained afresh for comparison.

    python -m benchmarks.model_card [--checkpoint F] [--data-dir D] [--no-recipes]

The default recipe is not retrained here (it takes most of 20 minutes): its training time is what the
checkpoint recorded when `python -m mnist_cnn.train` wrote it. `--fast` and the article's recipe are
trained afresh into a temporary folder and scored on MNIST test.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import torch

from mnist_cnn.checkpoint import read_metadata
from mnist_cnn.config import ARTICLE_CHECKPOINT, DEFAULT_CHECKPOINT, HOLDOUT, SEQUENCE_CHECKPOINT
from mnist_cnn.data import load_mnist, split_holdout
from mnist_cnn.evaluate import accuracy
from mnist_cnn.predict import DigitClassifier
from mnist_cnn.sequence import load
from mnist_cnn.sequence import read_metadata as read_reader_metadata
from mnist_cnn.sequence_training import GAPPED_TEST, TOUCHING_TEST, exact_share

# what these figures measure (benchmarks.freshness): files beyond the imports, and the networks read
MEASURES = ("mnist_cnn/train.py",)
NETWORKS = ("DEFAULT_CHECKPOINT", "ARTICLE_CHECKPOINT", "SEQUENCE_CHECKPOINT")

RECIPES = {"fast": ["--fast"], "the article's": ["--preset", "article"]}


def test_accuracy(path: Path, data_dir: str | None) -> float:
    classifier = DigitClassifier.from_checkpoint(path)
    images, labels = load_mnist(data_dir, train=False)
    return accuracy(classifier.model, images, labels, classifier.normalization)


def train_recipe(flags: list[str], folder: Path, data_dir: str | None) -> tuple[float, float, float]:
    """Train one quick recipe; return (MNIST test accuracy, seconds of training, seconds of wall)."""
    output = folder / "recipe.safetensors"
    command = [sys.executable, "-m", "mnist_cnn.train", *flags, "--output", str(output)]
    if data_dir:
        command += ["--data-dir", data_dir]
    started = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, text=True)
    wall = time.perf_counter() - started
    return test_accuracy(output, data_dir), read_metadata(output)["train_seconds"], wall


def card(path: Path, data_dir: str | None) -> tuple[float, dict]:
    """Print one checkpoint's card as a table; return its MNIST test accuracy and its metadata."""
    meta = read_metadata(path)
    classifier = DigitClassifier.from_checkpoint(path)
    params = sum(p.numel() for p in classifier.model.parameters())
    accuracy = test_accuracy(path, data_dir)
    recipe = meta.get("recipe", {})
    wall = meta.get("wall_seconds")
    print(f"\n| {path.name} | |\n| --- | --- |")
    print(f"| architecture | `{meta['arch']}`, {params:,} parameters, {path.stat().st_size / 1e6:.1f} MB |")
    print(f"| MNIST test accuracy | **{accuracy * 100:.2f} %** (10,000 images) |")
    held = meta.get("heldout_accuracy")
    if held is not None:
        print(f"| held-out training images (choices were made on these) | {held * 100:.2f} % "
              f"({meta.get('holdout', 0):,} images) |")
    print(f"| recipe | {meta.get('preset', '?')} preset: {meta.get('epochs')} epochs, "
          + ", ".join(f"{k} {v}" for k, v in recipe.items() if k not in ("arch", "epochs")) + " |")
    print(f"| training | {meta.get('train_seconds', 0):.0f} s of training"
          + (f", {wall:.0f} s wall ({wall / 60:.1f} min) from start to checkpoint" if wall else "")
          + f", {meta.get('threads')} threads on {meta.get('device')} |")
    if "temperature" in meta:
        test_ece = meta["test_calibration"]
        print(f"| calibration | temperature {meta['temperature']:.3f}; expected calibration error on MNIST test "
              f"{test_ece['ece_before'] * 100:.2f} % -> {test_ece['ece_after'] * 100:.2f} % |")
    else:
        print("| calibration | none (the recipe holds no images out to fit a temperature): raw probabilities |")
    return accuracy, meta


def reader_card(path: Path, data_dir: str | None) -> None:
    """Print the number reader's card: its metadata, and how often it alone reads composed held-out numbers."""
    meta = read_reader_metadata(path)
    model = load(path)
    _, (images, labels) = split_holdout(*load_mnist(data_dir, train=True), HOLDOUT)
    images, labels = images.numpy(), labels.numpy()
    touching, gapped = (exact_share(model, images, labels, gaps) for gaps in (TOUCHING_TEST, GAPPED_TEST))
    params = sum(p.numel() for p in model.parameters())
    recipe, figures = meta["recipe"], meta["figures"]
    print(f"\n| {path.name} (the number reader) | |\n| --- | --- |")
    print(f"| architecture | `SequenceNet` (convolutions to a row of frames, CTC), {params:,} parameters, "
          f"{path.stat().st_size / 1e6:.1f} MB |")
    print(f"| composed 4-digit numbers of held-out digits, read exactly by the reader alone "
          f"| touching {touching * 100:.1f} "
          f"%, with gaps {gapped * 100:.1f} % (400 each) |")
    print("| recipe | sequence preset: " + ", ".join(f"{k} {v}" for k, v in recipe.items()) + " |")
    print(f"| training | {figures['seconds']} s, {figures['examples']:,} composed numbers and pictures of no digit |")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", help="one checkpoint's card (default: the shipped ones and the number reader)")
    parser.add_argument("--data-dir", help="MNIST folder (default: $MNIST_DATA_DIR or ./data)")
    parser.add_argument("--no-recipes", action="store_true", help="do not train the quick recipes")
    args = parser.parse_args()
    print(f"command: python -m benchmarks.model_card; torch {torch.__version__}")
    accuracy, meta = card(Path(args.checkpoint or DEFAULT_CHECKPOINT), args.data_dir)
    print(f"headline: MNIST test accuracy, shipped model | {accuracy * 100:.2f} %")
    wall = meta.get("wall_seconds")
    if wall:
        print(f"headline: training, default recipe | {wall / 60:.1f} min wall ({meta['train_seconds']:.0f} s of "
              f"training) on this CPU")
    if args.checkpoint is None:
        article_accuracy, _ = card(ARTICLE_CHECKPOINT, args.data_dir)
        print(f"headline: MNIST test accuracy, the article's network (shown beside it on the page) | "
              f"{article_accuracy * 100:.2f} %")
        ours, theirs = 100 * (1 - accuracy), 100 * (1 - article_accuracy)
        print(f"\nOn MNIST test the article's network errs {theirs / ours:.1f} times as often as the default one "
              f"({theirs:.2f} % of the digits against {ours:.2f} %).")
        reader_card(SEQUENCE_CHECKPOINT, args.data_dir)
    if args.no_recipes:
        return 0
    print("\n| recipe | MNIST test accuracy | training | wall |\n| --- | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as folder:
        for name, flags in RECIPES.items():
            acc, seconds, wall = train_recipe(flags, Path(folder), args.data_dir)
            print(f"| {name} (`python -m mnist_cnn.train {' '.join(flags)}`) | {acc * 100:.2f} % | {seconds:.0f} s "
                  f"| {wall:.0f} s |")
            print(f"headline: training, {name} recipe | {acc * 100:.2f} % in {wall:.0f} s wall")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
