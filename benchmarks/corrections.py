"""Learning from corrections: how much a short fine-tune on visitors' corrections helps, and what it costs.

    python -m benchmarks.corrections [--n 1000] [--held 300] [--seed 1] [--data-dir D]

Visitors correct what the page misreads; here the corrections are generated: digits drawn the way people
draw a seven-segment display (straight segments, square corners, some 6s without their top, 7s with a serif and
9s without their bottom), a style absent from MNIST and from the training pools. n of them (seeds that the
held-back ones never use) go into a folder of LABEL/*.png, as `--extra-data` reads them; the shipped checkpoint
is fine-tuned on them with the `finetune` preset; both checkpoints are then scored on the held-back corrections
(through `predict` and the page's path, unsure counted as a miss) and on MNIST test (reported, not used for any
choice).
"""

import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from harness.bench import benchmark_parser, headline, machine, page_right
from mnist_cnn.config import DEFAULT_CHECKPOINT
from mnist_cnn.data import load_mnist
from mnist_cnn.evaluate import accuracy
from mnist_cnn.predict import DigitClassifier

# what these figures measure (benchmarks.freshness): files beyond the imports, and the networks read
MEASURES = ("mnist_cnn/train.py",)
NETWORKS = ("DEFAULT_CHECKPOINT", "SEQUENCE_CHECKPOINT")

# the segments' ends on a unit box (x right, y down): a top, b top right, c bottom right, d bottom,
# e bottom left, f top left, g middle
SEGMENTS = {"a": ((0, 0), (1, 0)), "b": ((1, 0), (1, 0.5)), "c": ((1, 0.5), (1, 1)), "d": ((1, 1), (0, 1)),
            "e": ((0, 1), (0, 0.5)), "f": ((0, 0.5), (0, 0)), "g": ((0, 0.5), (1, 0.5))}
DIGITS = {0: ["fabcde"], 1: ["bc"], 2: ["abged"], 3: ["abgcd"], 4: ["fg", "bc"], 5: ["afgcd"], 6: ["afedcg"],
          7: ["abc"], 8: ["gfabcdeg"], 9: ["gfabcd"]}
"""Each digit as the pen draws it: strokes of segments, each segment continuing where the last one ended."""
VARIANTS = {6: ["fedcg"], 7: ["fabc"], 9: ["gfabc"]}
"""How some people draw them: 6 without its top, 7 with a serif, 9 without its bottom."""


def stroke_points(segments: str) -> list[tuple[float, float]]:
    """The pen's path through segments drawn one after another (each starts where the previous ended)."""
    points = []
    for name in segments:
        start, end = SEGMENTS[name]
        if points and np.allclose(points[-1], end):
            start, end = end, start
        if not points or not np.allclose(points[-1], start):
            points.append(start)
        points.append(end)
    return points


def segment_digit(digit: int, rng: np.random.Generator, canvas: int = 280) -> Image.Image:
    """One seven-segment digit drawn by hand: jittered corners, a slant, a random size, place and pen width."""
    strokes = (VARIANTS[digit] if digit in VARIANTS and rng.random() < 0.4 else DIGITS[digit])
    height = rng.uniform(0.35, 0.75) * canvas
    width = height * rng.uniform(0.4, 0.65)
    slant = np.tan(np.radians(rng.uniform(-4, 14)))
    left = rng.uniform(0.1, 0.9) * (canvas - width - slant * height)
    top = rng.uniform(0.1, 0.9) * (canvas - height)
    pen = int(rng.uniform(0.035, 0.08) * canvas)
    image = Image.new("L", (canvas, canvas), 255)
    draw = ImageDraw.Draw(image)
    for stroke in strokes:
        points = [(x + rng.normal(0, 0.04), y + rng.normal(0, 0.03)) for x, y in stroke_points(stroke)]
        xy = [(left + x * width + (1 - y) * slant * height, top + y * height) for x, y in points]
        draw.line(xy, fill=0, width=pen, joint="curve")
        for x, y in (xy[0], xy[-1]):
            draw.ellipse((x - pen / 2, y - pen / 2, x + pen / 2, y + pen / 2), fill=0)
    return image


def write_folder(folder: Path, n: int, seed: int) -> list[tuple[Path, int]]:
    """n seven-segment digits, as many of each, into folder/LABEL/*.png."""
    rng = np.random.default_rng(seed)
    written = []
    for i in range(n):
        digit = i % 10
        (folder / str(digit)).mkdir(parents=True, exist_ok=True)
        path = folder / str(digit) / f"{i}.png"
        segment_digit(digit, rng).save(path)
        written.append((path, digit))
    return written


def scores(classifier: DigitClassifier, held: list[tuple[Path, int]]) -> tuple[float, float]:
    """(`predict` right, the page's path right and sure) on the held-back corrections."""
    predict = np.mean([classifier.predict(path).digit == digit for path, digit in held])
    page = np.mean([page_right(classifier.read_number(path), str(digit)) for path, digit in held])
    return float(predict), float(page)


def main() -> int:
    parser = benchmark_parser(__doc__, 1000, "corrections to fine-tune on", 1)
    parser.add_argument("--held", type=int, default=300, help="corrections held back to score (default 300)")
    args = parser.parse_args()
    print(machine())
    print(f"command: python -m benchmarks.corrections --n {args.n} --held {args.held}")
    images, labels = load_mnist(args.data_dir, train=False)
    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        write_folder(scratch / "corrections", args.n, seed=args.seed)
        held = write_folder(scratch / "held", args.held, seed=args.seed + 1000)
        tuned = scratch / "tuned.safetensors"
        command = [sys.executable, "-m", "mnist_cnn.train", "--preset", "finetune", "--init",
                   str(args.checkpoint or DEFAULT_CHECKPOINT),
                   "--extra-data", str(scratch / "corrections"), "--output", str(tuned)]
        if args.data_dir:
            command += ["--data-dir", args.data_dir]
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True, text=True)
        wall = time.perf_counter() - started
        rows = []
        start = Path(args.checkpoint) if args.checkpoint else DEFAULT_CHECKPOINT
        for name, path in (("shipped", start), ("fine-tuned", tuned)):
            classifier = DigitClassifier.from_checkpoint(path)
            predict, page = scores(classifier, held)
            held_out = classifier.metadata.get("heldout_accuracy")
            rows.append((name, predict, page, accuracy(classifier.model, images, labels, classifier.normalization),
                         held_out))
    print("\n| checkpoint | held-back corrections, `predict` | page's path (unsure = miss) | MNIST test "
          "| held-out training images |\n| --- | ---: | ---: | ---: | ---: |")
    for name, predict, page, mnist, held_out in rows:
        print(f"| {name} | {predict * 100:.1f} % | {page * 100:.1f} % | {mnist * 100:.2f} % | "
              f"{held_out * 100:.2f} % |")
    (_, _, page_before, mnist_before, _), (_, _, page_after, mnist_after, _) = rows
    print(f"\nfine-tune on {args.n} corrections: {wall:.0f} s wall (`python -m mnist_cnn.train --preset finetune "
          f"--init checkpoints/mnist_cnn.safetensors --extra-data DIR`)")
    headline(f"fine-tune on {args.n} corrections (seven-segment digits)",
             f"{wall / 60:.1f} min; held-back corrections {page_before * 100:.1f} % -> {page_after * 100:.1f} % on the "
             f"page's path; MNIST test {mnist_before * 100:.2f} % -> {mnist_after * 100:.2f} %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
