"""The style suite: digits written and captured the ways MNIST under-represents, read through the page's path.

    python -m benchmarks.styles [--n 500] [--checkpoint F] [--data-dir D] [--seed 7]

Each style draws n digits on an 800x800 canvas at a random size and place (`mnist_cnn.styles`, from
a seed training never used): written forms (crossbar 7s, with and without the pen's connecting
stroke; 1s with a flag and a base; open and closed 4s; 9s with a straight stem), coarse pen
polylines (6-12 points, the pen's moves drawn), and the 5,000 held-out MNIST training images
captured as low-resolution scans, stretched to a square, binarized and with a thick marker.

A digit counts as read when the page's path (`read_number`) gives exactly its digit and does not mark
it unsure; `predict` (the whole picture as one digit) is shown beside it, and "split" is how often
`read_number` found more than one digit in a single-digit picture.
"""

import time
from collections.abc import Callable

import numpy as np
import torch
from PIL import Image

from harness.bench import benchmark_parser, headline, machine, page_right
from mnist_cnn.predict import DigitClassifier
from mnist_cnn.styles import CAPTURES, COARSE, any_form

# what these figures measure (benchmarks.freshness): files beyond the imports, and the networks read
MEASURES = ()
NETWORKS = ("DEFAULT_CHECKPOINT", "SEQUENCE_CHECKPOINT")

Draw = Callable[[np.random.Generator], tuple[Image.Image, int]]


def forms_of(digit: int, forms: list[str], points: int | None = None) -> Draw:
    """Draw `digit` in one of `forms`, smooth strokes (or one polyline of `points` points)."""
    return lambda rng: (any_form(digit, rng, points=points, forms=forms), digit)


def coarse(rng: np.random.Generator) -> tuple[Image.Image, int]:
    """Any digit in any form as one coarse polyline."""
    digit = int(rng.integers(10))
    points = int(rng.integers(COARSE[0], COARSE[1] + 1))
    return any_form(digit, rng, points=points), digit


def captured(capture, images: np.ndarray, labels: np.ndarray) -> Draw:
    def draw(rng: np.random.Generator) -> tuple[Image.Image, int]:
        index = int(rng.integers(len(images)))
        return capture(images[index], rng), int(labels[index])

    return draw


def suite(images: np.ndarray, labels: np.ndarray) -> dict[str, Draw]:
    """Every style of the suite; the captured ones use these MNIST digits (uint8 N x 28 x 28)."""
    crossbar = ["crossbar", "curved stem, crossbar"]
    return {
        "7 with a crossbar": forms_of(7, crossbar),
        "7 with a crossbar, pen's connecting stroke": forms_of(7, crossbar, points=40),
        "1 with a flag and a base": forms_of(1, ["long flag", "flag and base"]),
        "open 4": forms_of(4, ["open", "open, one stroke"]),
        "closed 4": forms_of(4, ["closed"]),
        "9 with a straight stem": forms_of(9, ["straight stem", "straight stem, one stroke"]),
        "coarse pen polyline (6-12 points)": coarse,
        **{name: captured(capture, images, labels) for name, capture in CAPTURES.items()},
    }


def score_styles(classifier: DigitClassifier, styles: dict[str, Draw], n: int, seed: int) -> dict[str, dict]:
    """{style: {"page", "predict", "split", "n"}}: shares of n digits read right by each path, and split."""
    results = {}
    for index, (name, draw) in enumerate(styles.items()):
        rng = np.random.default_rng([seed, index])
        page = predicted = split = 0
        for _ in range(n):
            picture, label = draw(rng)
            reading = classifier.read_number(picture)
            page += page_right(reading, str(label))
            split += len(reading.digits) > 1
            result = classifier.predict(picture)
            predicted += result.digit == label and not result.unsure
        results[name] = {"page": page / n, "predict": predicted / n, "split": split / n, "n": n}
    return results


def main() -> None:
    parser = benchmark_parser(__doc__, 500, "digits per style", 7)
    args = parser.parse_args()
    from mnist_cnn.config import HOLDOUT
    from mnist_cnn.data import load_mnist, split_holdout

    torch.set_num_threads(1)
    classifier = DigitClassifier.from_checkpoint(args.checkpoint)
    train_x, train_y = load_mnist(args.data_dir, train=True)
    _, (held_x, held_y) = split_holdout(train_x, train_y, HOLDOUT)
    print(machine())
    print(f"command: python -m benchmarks.styles --n {args.n} --seed {args.seed}")
    print(f"checkpoint: {classifier.path.name}")
    start = time.perf_counter()
    results = score_styles(classifier, suite(held_x.numpy(), held_y.numpy()), args.n, args.seed)
    print("\n| style | page's path (read_number) | predict | split into pieces | digits |\n"
          "| --- | ---: | ---: | ---: | ---: |")
    for name, r in results.items():
        print(f"| {name} | {r['page'] * 100:.1f} % | {r['predict'] * 100:.1f} % | {r['split'] * 100:.1f} % "
              f"| {r['n']} |")
    page = [r["page"] for r in results.values()]
    mean_predict = np.mean([r["predict"] for r in results.values()])
    print(f"| **mean** | **{np.mean(page) * 100:.1f} %** | {mean_predict * 100:.1f} % "
          f"| {np.mean([r['split'] for r in results.values()]) * 100:.2f} % | |")
    print(f"\nworst style {min(page) * 100:.1f} % (page's path, unsure counted as a miss); "
          f"{time.perf_counter() - start:.0f} s")
    headline(f"digits in styles MNIST under-represents ({len(results)} styles, page's path)",
             f"{np.mean(page) * 100:.1f} % mean, worst {min(page) * 100:.1f} %")


if __name__ == "__main__":
    main()
