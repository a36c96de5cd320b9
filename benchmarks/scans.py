"""The scan suite: real and generated digits captured as scanners and fax-era forms capture them, read through
the page's path.

    python -m benchmarks.scans [--n 200] [--checkpoint F] [--data-dir D] [--seed 11]

- Real: USPS test (2,007 digits scanned from envelopes by other writers than MNIST's, 16x16: `load_usps`), each
  as a person would upload a cropped scan (`mnist_cnn.styles.scan_upload`): dark ink on white, a margin around
  it, enlarged 4-12 times, blocky or smooth. Then the same digits kept at 8, 12 and 16 pixels, in grey or in
  black and white (`mnist_cnn.styles.kept_at`): real writers at the resolutions other collections keep them;
  and at 16 pixels out of focus (`mnist_cnn.styles.out_of_focus`), as a blurred fax or photocopy keeps them.
- Generated: every written form of the style suite (`mnist_cnn.styles.ALLOGRAPHS`: crossbar 7s, flagged 1s,
  open 4s, straight-stemmed 9s...), written by code from a seed training never used, then captured each way of
  `mnist_cnn.styles.CAPTURES` (kept at 8-16 pixels in grey or black and white, binarized, thick marker,
  stretched): the same shapes at a scanner's resolution.

- Held-out: MNIST's 5,000 held-out training digits (`--held-out` of them), each kept at 8, 12 and 16 pixels,
  its aspect kept or stretched to a square, in grey or in black and white, and uploaded as a scan: which of
  these a network reads worse; and kept at 16 pixels out of focus, as USPS test is.

A digit counts as read when the page's path (`read_number`) gives exactly its digit and does not mark it unsure.
"""

import time

import numpy as np
import torch

from harness.bench import benchmark_parser, headline, machine, page_right
from mnist_cnn.config import HOLDOUT
from mnist_cnn.data import load_mnist, load_usps, split_holdout
from mnist_cnn.predict import DigitClassifier
from mnist_cnn.styles import (
    ALLOGRAPHS,
    CAPTURES,
    captured,
    ink_box,
    kept_at,
    out_of_focus,
    scan_upload,
    squared,
    written,
)

# what these figures measure (benchmarks.freshness): files beyond the imports, and the networks read
MEASURES = ()
NETWORKS = ("DEFAULT_CHECKPOINT", "SEQUENCE_CHECKPOINT")

SIDES = (8, 12, 16)
"""The pixels a held-out digit is kept at, on its longer side."""
SHAPES = ("stretched", "aspect kept")
COLOURS = {"grey": None, "black and white": 0.5}
"""The ways a digit is kept small, in the table's order: stretched to a square or not, and grey or in black and
white (each colour's threshold, a share of the strongest ink, for `kept_at`)."""
BLURS = (0.0, 0.7, 1.0, 1.3)
"""How far a 16-pixel scan is blurred (`out_of_focus`), in its own pixels: none, then a soft to a heavy blur."""


def usps_scores(classifier: DigitClassifier, data_dir: str | None, seed: int) -> tuple[float, list[float], int]:
    """The share of USPS test digits the page's path reads right, that share per digit, and how many."""
    images, labels = load_usps(data_dir, train=False)
    rng = np.random.default_rng(seed)
    right = np.array([page_right(classifier.read_number(scan_upload(x, rng)), str(y)) for x, y in zip(images, labels)])
    return float(right.mean()), [float(right[labels == d].mean()) for d in range(10)], len(labels)


def usps_smaller(classifier: DigitClassifier, data_dir: str | None, seed: int) -> dict[tuple[int, str], float]:
    """{(side, "grey" or "black and white"): the share of USPS test digits the page's path reads right, kept at
    `side` pixels (SIDES; 16 is USPS's own) and uploaded as a scan}: real writers' digits at the resolutions
    other collections keep them."""
    images, labels = load_usps(data_dir, train=False)
    scores = {}
    for side in SIDES:
        for colour in COLOURS:
            rng = np.random.default_rng(seed)
            right = [page_right(classifier.read_number(scan_upload(kept_at(x, side, COLOURS[colour]), rng)), str(y))
                     for x, y in zip(images, labels)]
            scores[side, colour] = float(np.mean(right))
    return scores


def out_of_focus_scores(classifier: DigitClassifier, data_dir: str | None, held_out: int,
                        seed: int) -> dict[tuple[float, str], tuple[float, int]]:
    """{(blur, "USPS test" or "held-out"): the share of the digits the page's path reads right when their
    16-pixel scan is blurred that much (BLURS, `out_of_focus`) and uploaded, and the digit read worst}: all of
    USPS test, and `held_out` held-out training digits kept at 16 pixels."""
    images, labels = load_mnist(data_dir, train=True)
    _, (held_x, held_y) = split_holdout(images, labels, HOLDOUT)
    sets = {"USPS test": load_usps(data_dir, train=False),
            "held-out": ([kept_at(ink_box(x), 16) for x in held_x[:held_out].numpy()], held_y[:held_out].numpy())}
    scores = {}
    for blur in BLURS:
        for name, (scans, truth) in sets.items():
            rng = np.random.default_rng(seed)
            right = np.array([page_right(classifier.read_number(scan_upload(out_of_focus(x, blur), rng)), str(y))
                              for x, y in zip(scans, truth)])
            worst = min(range(10), key=lambda d: right[truth == d].mean())
            scores[blur, name] = float(right.mean()), worst
    return scores


def written_captured(classifier: DigitClassifier, n: int, seed: int) -> dict[tuple[str, str], float]:
    """{(capture, digit's form): the share of n digits read right}, every form written and then captured."""
    scores = {}
    for c, (capture_name, capture) in enumerate(CAPTURES.items()):
        for digit, forms in ALLOGRAPHS.items():
            for f, form in enumerate(forms):
                rng = np.random.default_rng([seed, c, digit, f])
                right = 0
                for _ in range(n):
                    picture = captured(written(digit, form, rng, canvas=280), rng, 560, capture)
                    right += page_right(classifier.read_number(picture), str(digit))
                scores[capture_name, f"{digit}: {form}"] = right / n
    return scores


def held_out_small(classifier: DigitClassifier, data_dir: str | None, n: int,
                   seed: int) -> dict[tuple[int, str, str], float]:
    """{(side, "aspect kept" or "stretched", "grey" or "black and white"): the share of n held-out training digits
    the page's path reads right, kept that way and uploaded as a scan (`scan_upload`)."""
    images, labels = load_mnist(data_dir, train=True)
    _, (held_x, held_y) = split_holdout(images, labels, HOLDOUT)
    held_x, held_y = held_x[:n].numpy(), held_y[:n].numpy()
    inks = {"aspect kept": [ink_box(image) for image in held_x]}
    inks["stretched"] = [squared(ink) for ink in inks["aspect kept"]]
    scores = {}
    for side in SIDES:
        for shape in SHAPES:
            for colour in COLOURS:
                rng, right = np.random.default_rng(seed), 0
                for ink, label in zip(inks[shape], held_y):
                    scan = scan_upload(kept_at(ink, side, COLOURS[colour]), rng)
                    right += page_right(classifier.read_number(scan), str(label))
                scores[side, shape, colour] = right / n
    return scores


def main() -> None:
    parser = benchmark_parser(__doc__, 200, "digits per form and capture", 11)
    parser.add_argument("--held-out", type=int, default=500, help="held-out digits per size and way (default 500)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    classifier = DigitClassifier.from_checkpoint(args.checkpoint)
    print(machine())
    print(f"command: python -m benchmarks.scans --n {args.n} --held-out {args.held_out} --seed {args.seed}")
    print(f"checkpoint: {classifier.path.name}")
    start = time.perf_counter()
    usps, per_digit, count = usps_scores(classifier, args.data_dir, args.seed)
    print(f"\nUSPS test, {count} digits uploaded as scans, page's path: {usps * 100:.1f} %\n")
    print("| digit | " + " | ".join(map(str, range(10))) + " |\n|" + " ---: |" * 11)
    print("| read right | " + " | ".join(f"{s * 100:.1f} %" for s in per_digit) + " |")
    smaller = usps_smaller(classifier, args.data_dir, args.seed)
    print(f"\nUSPS test kept smaller, uploaded as scans ({count} each), page's path:\n")
    print("| pixels | " + " | ".join(COLOURS) + " |\n|---|" + " ---: |" * len(COLOURS))
    for side in SIDES:
        print(f"| {side} | " + " | ".join(f"{smaller[side, colour] * 100:.1f} %" for colour in COLOURS) + " |")
    blurred = out_of_focus_scores(classifier, args.data_dir, args.held_out, args.seed)
    names = ("USPS test", "held-out")
    print(f"\nScans at 16 pixels out of focus (`out_of_focus`; USPS test {count}, held-out {args.held_out}), "
          "page's path:\n")
    print("| blur (pixels) | " + " | ".join(f"{name} | its worst digit" for name in names) + " |\n|---|"
          + " ---: |" * 2 * len(names))
    for blur in BLURS:
        cells = [f"{blurred[blur, name][0] * 100:.1f} % | {blurred[blur, name][1]}" for name in names]
        print(f"| {blur:g} | " + " | ".join(cells) + " |")
    scores = written_captured(classifier, args.n, args.seed)
    forms = sorted({form for _, form in scores})
    print(f"\nEvery written form, captured each way ({args.n} digits each), page's path:\n")
    print("| form | " + " | ".join(CAPTURES) + " |\n|---|" + " ---: |" * len(CAPTURES))
    for form in forms:
        print(f"| {form} | " + " | ".join(f"{scores[c, form] * 100:.1f} %" for c in CAPTURES) + " |")
    mean = float(np.mean(list(scores.values())))
    worst = min(scores, key=scores.get)
    print("| **mean** | " + " | ".join(
        f"**{np.mean([scores[c, f] for f in forms]) * 100:.1f} %**" for c in CAPTURES) + " |")
    print(f"\nwritten and captured: mean {mean * 100:.1f} %, worst {scores[worst] * 100:.1f} % ({worst[1]}, "
          f"{worst[0]}); {time.perf_counter() - start:.0f} s")
    small = held_out_small(classifier, args.data_dir, args.held_out, args.seed)
    ways = [(shape, colour) for shape in SHAPES for colour in COLOURS]
    print(f"\nHeld-out training digits kept small, uploaded as scans ({args.held_out} each), page's path:\n")
    print("| pixels | " + " | ".join(f"{shape}, {colour}" for shape, colour in ways) + " |\n|---|"
          + " ---: |" * len(ways))
    for side in SIDES:
        print(f"| {side} | " + " | ".join(f"{small[side, shape, colour] * 100:.1f} %" for shape, colour in ways) + " |")
    headline("USPS test (real scans by other writers, 2,007 uploaded, page's path)",
             f"{usps * 100:.1f} %; kept at {SIDES[0]}-{SIDES[-1]} px in grey or black and white "
             f"{np.mean(list(smaller.values())) * 100:.1f} % mean, worst {min(smaller.values()) * 100:.1f} %; "
             f"out of focus (blur {BLURS[2]:g} px of 16) {blurred[BLURS[2], 'USPS test'][0] * 100:.1f} %")
    headline(f"digits written in every form, then captured as scans ({len(scores)} kinds, page's path)",
             f"{mean * 100:.1f} % mean, worst {scores[worst] * 100:.1f} %")


if __name__ == "__main__":
    main()
