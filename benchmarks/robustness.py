"""Accuracy on MNIST test digits rendered the way people draw, upload and photograph them.

    python -m benchmarks.robustness [--n 1000] [--checkpoint F] [--data-dir D]

For each variant, renders n MNIST *test* digits (never seen in training) and compares this
project's two paths (`predict`, the whole picture as one digit, and the page's `read_number`,
which must find exactly this one digit and not mark it unsure) with the naive "convert to gray,
resize to 28x28, invert" pipeline, all feeding the same network. Also draws digits from mouse-like
strokes, and small digits photographed on ruled and squared notebook pages (fewer: see PAGE_SHARE). "Split" is
how often the page's path found more than one digit in a single-digit picture.
"""

import time

import numpy as np
from PIL import Image

from harness.bench import benchmark_parser, headline, machine, page_right
from harness.people import PAGES, VARIANTS, stroke_digit
from mnist_cnn.predict import DigitClassifier
from mnist_cnn.preprocess import naive_input

# what these figures measure (benchmarks.freshness): files beyond the imports, and the networks read
MEASURES = ()
NETWORKS = ("DEFAULT_CHECKPOINT", "SEQUENCE_CHECKPOINT")

PAGE_SHARE = 20
"""Notebook pages (harness.people.PAGES) take a few hundred milliseconds each: n / PAGE_SHARE of them per kind."""


def score(classifier: DigitClassifier, image: Image.Image, label: int) -> tuple[bool, bool, bool, bool]:
    """(`predict` right, the page's path right, naive pipeline right, split) for one rendered image. The page's
    path, `read_number`, is right when it reads exactly this one digit and does not mark it unsure; split
    when it found more than one digit."""
    reading = classifier.read_number(image)
    naive = int(classifier.probabilities(naive_input(image)).argmax()) == label
    return (classifier.predict(image).digit == label, page_right(reading, str(label)), naive,
            len(reading.digits) > 1)


def run_variants(classifier, images: np.ndarray, labels: np.ndarray, n: int, seed: int = 0) -> dict[str, dict]:
    """{variant: {"predict", "page", "naive", "split", "n"}}: shares of n random test digits per variant."""
    results = {}

    def tally(hits: np.ndarray) -> dict:
        return dict(zip(("predict", "page", "naive", "split"), hits.mean(axis=0))) | {"n": len(hits)}

    for name, render in (VARIANTS | PAGES).items():
        rng = np.random.default_rng(seed)
        picks = rng.choice(len(images), size=n if name in VARIANTS else max(20, n // PAGE_SHARE), replace=False)
        results[name] = tally(np.array([score(classifier, render(images[i], rng), int(labels[i])) for i in picks]))
    rng = np.random.default_rng(seed)
    digits = np.arange(n) % 10
    results["mouse strokes (not MNIST)"] = tally(np.array([score(classifier, stroke_digit(int(d), rng), int(d))
                                                           for d in digits]))
    return results


def main() -> None:
    parser = benchmark_parser(__doc__, 1000, "images per variant", 0)
    args = parser.parse_args()
    from mnist_cnn.data import load_mnist

    classifier = DigitClassifier.from_checkpoint(args.checkpoint)
    images, labels = load_mnist(args.data_dir, train=False)
    print(machine())
    print(f"command: python -m benchmarks.robustness --n {args.n} --seed {args.seed}")
    start = time.perf_counter()
    results = run_variants(classifier, images.numpy(), labels.numpy(), args.n, args.seed)
    print("\n| variant | `predict` | the page's path (unsure = miss) | naive resize | split into pieces | images |\n"
          "| --- | ---: | ---: | ---: | ---: | ---: |")
    for name, r in results.items():
        cells = " | ".join(f"{r[key] * 100:.1f} %" for key in ("predict", "page", "naive", "split"))
        print(f"| {name} | {cells} | {r['n']} |")
    mnist = [r for k, r in results.items() if k in VARIANTS]
    means = {key: np.mean([r[key] for r in mnist]) * 100 for key in ("predict", "page", "naive", "split")}
    print(f"| **mean of the MNIST variants** | **{means['predict']:.1f} %** | **{means['page']:.1f} %** "
          f"| {means['naive']:.1f} % | {means['split']:.2f} % | |")
    worst = min(r["page"] for r in mnist) * 100
    print(f"\nworst variant on the page's path {worst:.1f} %; {time.perf_counter() - start:.0f} s")
    headline("MNIST test digits as people draw and photograph them (7 variants)",
             f"{means['page']:.1f} % mean on the page's path, worst {worst:.1f} % (`predict` {means['predict']:.1f} %; "
             f"naive resize {means['naive']:.1f} %)")


if __name__ == "__main__":
    main()
