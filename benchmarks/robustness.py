"""Accuracy on MNIST test digits rendered the way people draw, upload and photograph them.

    python benchmarks/robustness.py [--n 1000] [--checkpoint F] [--data-dir D]

For each variant, renders n MNIST *test* digits (never seen in training) and compares this
project's preprocessing with the naive "convert to gray, resize to 28x28, invert" pipeline,
both feeding the same network. Also draws digits from mouse-like strokes.
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mnist_cnn.predict import DigitClassifier  # noqa: E402
from mnist_cnn.render import VARIANTS, stroke_digit  # noqa: E402


def naive_input(image: Image.Image) -> np.ndarray:
    """What a naive page feeds the network: the whole picture squashed to 28x28, inverted."""
    gray = np.asarray(image.convert("L").resize((28, 28), Image.Resampling.BILINEAR), dtype=np.float32)
    return 1.0 - gray / 255.0


def score(classifier: DigitClassifier, image: Image.Image, label: int) -> tuple[bool, bool]:
    """(this project right, naive pipeline right) for one rendered image."""
    ours = classifier.predict(image).digit == label
    naive = int(classifier.probabilities(naive_input(image)).argmax()) == label
    return ours, naive


def run_variants(classifier, images: np.ndarray, labels: np.ndarray, n: int, seed: int = 0) -> dict:
    """{variant: (ours accuracy, naive accuracy, n)} over n random test digits per variant."""
    results = {}
    for name, render in VARIANTS.items():
        rng = np.random.default_rng(seed)
        picks = rng.choice(len(images), size=n, replace=False)
        hits = np.array([score(classifier, render(images[i], rng), int(labels[i])) for i in picks])
        results[name] = (*hits.mean(axis=0), n)
    rng = np.random.default_rng(seed)
    digits = np.arange(n) % 10
    hits = np.array([score(classifier, stroke_digit(int(d), rng), int(d)) for d in digits])
    results["mouse strokes (not MNIST)"] = (*hits.mean(axis=0), n)
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="images per variant (default 1000)")
    parser.add_argument("--checkpoint", help="checkpoint (default: the shipped one)")
    parser.add_argument("--data-dir", help="MNIST folder (default: $MNIST_DATA_DIR or ./data)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    from mnist_cnn.data import load_mnist

    classifier = DigitClassifier.from_checkpoint(args.checkpoint)
    images, labels = load_mnist(args.data_dir, train=False)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"torch {torch.__version__} with {torch.get_num_threads()} threads")
    print(f"command: python benchmarks/robustness.py --n {args.n} --seed {args.seed}")
    start = time.perf_counter()
    results = run_variants(classifier, images.numpy(), labels.numpy(), args.n, args.seed)
    print("\n| variant | this project | naive resize | images |\n| --- | ---: | ---: | ---: |")
    for name, (ours, naive, n) in results.items():
        print(f"| {name} | {ours * 100:.1f} % | {naive * 100:.1f} % | {n} |")
    mnist_variants = [v for k, v in results.items() if k in VARIANTS]
    mean_ours = np.mean([v[0] for v in mnist_variants])
    mean_naive = np.mean([v[1] for v in mnist_variants])
    print(f"| **mean of the MNIST variants** | **{mean_ours * 100:.1f} %** | {mean_naive * 100:.1f} % | |")
    print(f"\nworst variant {min(v[0] for v in mnist_variants) * 100:.1f} %; "
          f"{time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
