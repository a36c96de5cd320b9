"""Knowing when it is unsure: calibration error before and after temperature scaling, and how often
drawings that are not digits are flagged, against how often real digits are wrongly flagged.

    python benchmarks/uncertainty.py [--n 300] [--checkpoint F] [--data-dir D]

Calibration is measured on the training images the checkpoint held out (the temperature was fitted
on them) and on the MNIST test set (never used for fitting). Flag rates use `predict` as the page does;
an answer is flagged when its calibrated top probability is below config.UNSURE_BELOW. The scribbles
come from the same generators as training's but other seeds; letters, faces and noise were never shown
in training.
"""

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mnist_cnn.calibrate import calibration_report  # noqa: E402
from mnist_cnn.config import UNSURE_BELOW  # noqa: E402
from mnist_cnn.data import load_mnist, split_holdout  # noqa: E402
from mnist_cnn.evaluate import logits_of  # noqa: E402
from mnist_cnn.outliers import TEST_SETS  # noqa: E402
from mnist_cnn.predict import DigitClassifier  # noqa: E402
from mnist_cnn.render import VARIANTS, stroke_digit  # noqa: E402

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def confidences(classifier: DigitClassifier, pictures) -> np.ndarray:
    """The calibrated top probability `predict` gives each picture (0 when it finds no digit at all)."""
    return np.array([classifier.predict(p).confidence for p in pictures])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="drawings per kind (default 300)")
    parser.add_argument("--checkpoint", help="checkpoint (default: the shipped one)")
    parser.add_argument("--data-dir", help="MNIST folder (default: $MNIST_DATA_DIR or ./data)")
    parser.add_argument("--seed", type=int, default=12345, help="drawing seed; training drew with its own --seed")
    args = parser.parse_args()
    start = time.perf_counter()
    classifier = DigitClassifier.from_checkpoint(args.checkpoint)
    meta, temperature = classifier.metadata, classifier.temperature
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"torch {torch.__version__} with {torch.get_num_threads()} threads")
    print(f"command: python benchmarks/uncertainty.py --n {args.n} --seed {args.seed}")
    print(f"checkpoint: {classifier.path.name}, temperature {temperature:.3f}, unsure below {UNSURE_BELOW:.0%}")

    train_x, train_y = load_mnist(args.data_dir, train=True)
    test_x, test_y = load_mnist(args.data_dir, train=False)
    _, (held_x, held_y) = split_holdout(train_x, train_y, meta.get("holdout", 0), meta.get("seed", 0))
    print("\n| images | ECE before | ECE after | NLL before | NLL after | count |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    sets = {"held-out training images (fitted on)": (held_x, held_y), "MNIST test": (test_x, test_y)}
    for name, (x, y) in sets.items():
        if len(x):
            r = calibration_report(logits_of(classifier.model, x, classifier.normalization), y, temperature)
            print(f"| {name} | {r['ece_before'] * 100:.2f} % | {r['ece_after'] * 100:.2f} % | {r['nll_before']:.4f} "
                  f"| {r['nll_after']:.4f} | {r['images']} |")

    rng = np.random.default_rng(args.seed)
    outliers = {name: confidences(classifier, (draw(rng) for _ in range(args.n))) for name, draw in TEST_SETS.items()}
    digits = {"MNIST test (all 10,000)": confidences(classifier, test_x.numpy())}
    for name, render in VARIANTS.items():
        picks = rng.choice(len(test_x), size=args.n, replace=False)
        digits[f"MNIST test as {name}"] = confidences(classifier, (render(test_x[i].numpy(), rng) for i in picks))
    digits["mouse strokes"] = confidences(classifier, (stroke_digit(d % 10, rng) for d in range(args.n)))

    print(f"\nflagged as unsure (top probability below {UNSURE_BELOW:.0%}):\n")
    print("| drawings | flagged | count |\n| --- | ---: | ---: |")
    for name, conf in outliers.items():
        print(f"| not digits: {name} | {np.mean(conf < UNSURE_BELOW) * 100:.1f} % | {len(conf)} |")
    for name, conf in digits.items():
        print(f"| digits, wrongly: {name} | {np.mean(conf < UNSURE_BELOW) * 100:.2f} % | {len(conf)} |")

    scribbles = np.concatenate([c for k, c in outliers.items() if k.startswith("scribble")])
    others = np.concatenate([c for k, c in outliers.items() if not k.startswith("scribble")])
    mnist, drawn = digits["MNIST test (all 10,000)"], np.concatenate(list(digits.values())[1:])
    print("\nthe trade-off at other thresholds:\n")
    print("| unsure below | scribbles flagged | letters, faces, noise flagged | MNIST test flagged "
          "| rendered and drawn digits flagged |\n| ---: | ---: | ---: | ---: | ---: |")
    for t in THRESHOLDS:
        print(f"| {t:.0%} | {np.mean(scribbles < t) * 100:.1f} % | {np.mean(others < t) * 100:.1f} % "
              f"| {np.mean(mnist < t) * 100:.2f} % | {np.mean(drawn < t) * 100:.2f} % |")
    print(f"\n{time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
