"""How often whole numbers are read exactly: numbers composed from MNIST test digits.

    python -m benchmarks.read_numbers [--n 1000] [--digits 4] [--held-out] [--checkpoint F] [--data-dir D]

Each number is `--digits` random MNIST *test* digits (never seen in training) written side by side
by `render.compose_number`: a random height of 60-140 px, each digit 0.8-1.2 times that, a small
random up-down offset, and a random gap between neighbours. Two gap ranges, as shares of the height:
0 to 0.5 (the ink of neighbours never overlaps column-wise: people leaving space) and -0.15 to 0
(neighbours overlap and often touch: a hard case). Prints exact-read rates and where the misses came
from (a wrong count of digits, a misread digit, or the right number marked unsure). MNIST test is for the
report: `--held-out` composes the numbers from the 5,000 held-out training digits instead, to choose on.

Then the hard cases, `--n` / 4 numbers each: touching numbers of 2, 3, 5 and 6 digits; numbers written in one
stroke (a line joins each digit's lower right end to the next one's lower left, the pen never lifted; gaps 0 to
0.3 of the height); and touching numbers of generated digits (`styles.written`: every written form of each
digit, drawn by a pen of random width and slant) rather than MNIST's.
"""

import time

import numpy as np
import torch

from harness.bench import benchmark_parser, headline, machine, page_right
from mnist_cnn.predict import DigitClassifier
from mnist_cnn.render import compose_number
from mnist_cnn.styles import any_form

# what these figures measure (benchmarks.freshness): files beyond the imports, and the networks read
MEASURES = ()
NETWORKS = ("DEFAULT_CHECKPOINT", "SEQUENCE_CHECKPOINT")

GAPS = {"gaps 0 to 0.5 of the height": (0.0, 0.5), "overlapping, -0.15 to 0 (touching)": (-0.15, 0.0)}
TOUCHING = GAPS["overlapping, -0.15 to 0 (touching)"]
ONE_STROKE = (0.0, 0.3)
"""The space a joining line crosses, as a share of the height."""
HARD = {
    **{f"{k} digits, touching": dict(digits=k, gaps=TOUCHING) for k in (2, 3, 5, 6)},
    "4 digits in one stroke (joined)": dict(digits=4, gaps=ONE_STROKE, joined=True),
    "4 generated digits, touching": dict(digits=4, gaps=TOUCHING, generated=True),
}
"""The hard cases: name -> how the numbers are written."""


def generated_digit(label: int, rng: np.random.Generator) -> np.ndarray:
    """A digit in one of its written forms (`styles.written`), white on black as MNIST's are."""
    return 255 - np.asarray(any_form(label, rng, canvas=200).convert("L"))


def read_numbers(classifier, images: np.ndarray, labels: np.ndarray, n: int, digits: int, gaps, seed: int,
                 joined: bool = False, generated: bool = False) -> dict:
    """Exact-read rate (a reading marked unsure is a miss), wrong-count rate, rate of the right number marked
    unsure, per-digit accuracy where the count was right, and ms per number."""
    rng = np.random.default_rng(seed)
    exact = wrong_count = unsure_right = digit_hits = digit_total = 0
    seconds = 0.0
    for _ in range(n):
        if generated:
            truth_digits = [int(d) for d in rng.integers(0, 10, digits)]
            written_digits = [generated_digit(d, rng) for d in truth_digits]
        else:
            index = rng.integers(0, len(images), digits)
            truth_digits, written_digits = [int(labels[i]) for i in index], [images[i] for i in index]
        image = compose_number(written_digits, rng, gaps, joined)
        truth = "".join(map(str, truth_digits))
        start = time.perf_counter()
        reading = classifier.read_number(image)
        seconds += time.perf_counter() - start
        number = reading.number
        exact += page_right(reading, truth)
        unsure_right += number == truth and reading.unsure
        if len(number) != digits:
            wrong_count += 1
        else:
            digit_hits += sum(a == b for a, b in zip(number, truth))
            digit_total += digits
    return {"exact": exact / n, "wrong_count": wrong_count / n, "unsure_right": unsure_right / n,
            "digit_accuracy": digit_hits / max(1, digit_total),
            "ms": seconds / n * 1000, "n": n}


def row(name: str, r: dict) -> str:
    return (f"| {name} | {r['exact'] * 100:.1f} % | {r['wrong_count'] * 100:.1f} % | {r['unsure_right'] * 100:.1f} % "
            f"| {r['digit_accuracy'] * 100:.2f} % | {r['ms']:.0f} ms | {r['n']} |")


def main() -> int:
    parser = benchmark_parser(__doc__, 1000, "numbers per gap range", 0)
    parser.add_argument("--digits", type=int, default=4, help="digits per number (default 4)")
    parser.add_argument("--held-out", action="store_true",
                        help="compose from the 5,000 held-out training digits, not MNIST test (to choose on)")
    args = parser.parse_args()
    from mnist_cnn.config import HOLDOUT
    from mnist_cnn.data import load_mnist, split_holdout

    torch.set_num_threads(1)
    classifier = DigitClassifier.from_checkpoint(args.checkpoint)
    if args.held_out:
        _, (images, labels) = split_holdout(*load_mnist(args.data_dir, train=True), HOLDOUT)
    else:
        images, labels = load_mnist(args.data_dir, train=False)
    source = "held-out training" if args.held_out else "MNIST test"
    print(machine())
    print(f"command: python -m benchmarks.read_numbers --n {args.n} --digits {args.digits} --seed {args.seed}"
          + " --held-out" * args.held_out)
    header = ("| read exactly, not unsure | wrong digit count | right but unsure | digits right (count right) "
              "| time per number | numbers |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    print(f"\n| {args.digits}-digit numbers of {source} digits {header}")
    exact = {}
    for name, gaps in GAPS.items():
        r = read_numbers(classifier, images.numpy(), labels.numpy(), args.n, args.digits, gaps, args.seed)
        exact[name] = r["exact"]
        print(row(name, r))
    print(f"\n| hard cases ({source} digits but the generated) {header}")
    for name, case in HARD.items():
        print(row(name, read_numbers(classifier, images.numpy(), labels.numpy(), max(1, args.n // 4),
                                     seed=args.seed, **case)))
    gapped, touching = exact.values()
    headline(f"{args.digits}-digit numbers from {source} digits, read exactly (unsure = miss)",
             f"{gapped * 100:.1f} % with gaps; {touching * 100:.1f} % when digits touch")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
