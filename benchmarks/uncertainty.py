"""Knowing when it is unsure: calibration error before and after temperature scaling, and how often
drawings that are not digits are flagged, against how often real digits are wrongly flagged.

    python -m benchmarks.uncertainty [--n 300] [--checkpoint F] [--data-dir D]

Calibration is measured on the training images the checkpoint held out (the temperature was fitted
on them) and on the MNIST test set (never used for fitting). Flag rates are measured through `predict`
(the whole picture as one digit: flagged when its calibrated top probability is below
config.UNSURE_BELOW) and through the page's path, `read_number` (flagged when it finds no digit or
marks the reading unsure, for a digit or for the picture as a whole). The scribbles
come from the same generators as training's but other seeds; the letters (other shapes than the letters
training shows), faces and noise were never shown in training.
"""

import time
from collections import Counter

import numpy as np

from harness.bench import benchmark_parser, headline, machine
from harness.drawings import TEST_SETS
from harness.people import VARIANTS, large_canvas, stroke_digit
from mnist_cnn.calibrate import calibration_report
from mnist_cnn.config import UNSURE_BELOW
from mnist_cnn.data import load_mnist, split_holdout
from mnist_cnn.errors import InputError
from mnist_cnn.evaluate import logits_of
from mnist_cnn.predict import DigitClassifier

# what these figures measure (benchmarks.freshness): files beyond the imports, and the networks read
MEASURES = ()
NETWORKS = ("DEFAULT_CHECKPOINT", "SEQUENCE_CHECKPOINT")

THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8)


def confidence(classifier: DigitClassifier, picture) -> float:
    """The calibrated top probability `predict` gives a picture: 0 when it finds no digit at all, or refuses
    the picture with a sentence (a photo whose page holds no digit it can find), so that both count as flagged."""
    try:
        return classifier.predict(picture).confidence
    except InputError:
        return 0.0


def confidences(classifier: DigitClassifier, pictures) -> np.ndarray:
    return np.array([confidence(classifier, p) for p in pictures])


def page_readings(classifier: DigitClassifier, pictures) -> tuple[np.ndarray, Counter]:
    """Whether the page's path (`read_number`) flags each picture (no digit, or unsure), and what it shows
    for those it does not flag."""
    flagged, shown = [], Counter()
    for picture in pictures:
        reading = classifier.read_number(picture)
        flagged.append(not reading.digits or reading.unsure)
        if not flagged[-1]:
            shown[reading.number] += 1
    return np.array(flagged), shown


def page_table(classifier: DigitClassifier, drawings: dict[str, list], by_predict: dict[str, np.ndarray],
               digits: dict[str, list]) -> dict[str, float]:
    """Print how often each kind of drawing is flagged by `predict` (its confidences given) and by the page's
    path, and how often real digits are wrongly flagged on the page's path; return the page's flag rates."""
    rates = {}
    print("\nflagged through both paths (the page's path: no digit, or marked unsure):\n")
    print("| drawings | `predict` flags | the page flags | what the page shows instead | count |\n"
          "| --- | ---: | ---: | --- | ---: |")
    for name, pictures in drawings.items():
        flagged, shown = page_readings(classifier, pictures)
        instead = ", ".join(f'"{number}"' for number, _ in shown.most_common(3)) or "-"
        rates[name] = float(np.mean(flagged))
        predicted = np.mean(by_predict[name] < UNSURE_BELOW)
        print(f"| {name} | {predicted * 100:.0f} % | {rates[name] * 100:.0f} % | {instead} | {len(pictures)} |")
    for name, pictures in digits.items():
        flagged, _ = page_readings(classifier, pictures)
        rates[name] = float(np.mean(flagged))
        print(f"| digits, wrongly: {name} | - | {rates[name] * 100:.2f} % | | {len(pictures)} |")
    return rates


def main() -> None:
    parser = benchmark_parser(__doc__, 300, "drawings per kind", 12345)
    parser.add_argument("--n-digits", type=int, default=2000,
                        help="MNIST test digits drawn on a canvas for the page's path (default 2000)")
    args = parser.parse_args()
    start = time.perf_counter()
    classifier = DigitClassifier.from_checkpoint(args.checkpoint)
    meta, temperature = classifier.metadata, classifier.temperature
    print(machine())
    print(f"command: python -m benchmarks.uncertainty --n {args.n} --n-digits {args.n_digits} --seed {args.seed}")
    print(f"checkpoint: {classifier.path.name}, temperature {temperature:.3f}, unsure below {UNSURE_BELOW:.0%}")

    train_x, train_y = load_mnist(args.data_dir, train=True)
    test_x, test_y = load_mnist(args.data_dir, train=False)
    _, (held_x, held_y) = split_holdout(train_x, train_y, meta.get("holdout", 0))
    print("\n| images | ECE before | ECE after | NLL before | NLL after | count |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    sets = {"held-out training images (fitted on)": (held_x, held_y), "MNIST test": (test_x, test_y)}
    for name, (x, y) in sets.items():
        if len(x):
            r = calibration_report(logits_of(classifier.model, x, classifier.normalization), y, temperature)
            ece = (r["ece_before"], r["ece_after"])
            print(f"| {name} | {r['ece_before'] * 100:.2f} % | {r['ece_after'] * 100:.2f} % | {r['nll_before']:.4f} "
                  f"| {r['nll_after']:.4f} | {r['images']} |")

    drawings = {}  # the same pictures of each kind serve both paths
    for index, (name, draw) in enumerate(TEST_SETS.items()):
        kind_rng = np.random.default_rng([args.seed, index])
        drawings[name] = [draw(kind_rng) for _ in range(args.n)]
    outliers = {name: confidences(classifier, pictures) for name, pictures in drawings.items()}
    rng = np.random.default_rng(args.seed)
    digits = {"MNIST test (all 10,000)": confidences(classifier, test_x.numpy())}
    held = confidences(classifier, held_x.numpy())
    for name, render in VARIANTS.items():
        picks = rng.choice(len(test_x), size=args.n, replace=False)
        digits[f"MNIST test as {name}"] = confidences(classifier, (render(test_x[i].numpy(), rng) for i in picks))
    digits["mouse strokes"] = confidences(classifier, (stroke_digit(d % 10, rng) for d in range(args.n)))

    print(f"\nreal digits flagged unsure by `predict` (top probability below {UNSURE_BELOW:.0%}):\n")
    print("| digits | flagged | count |\n| --- | ---: | ---: |")
    for name, conf in digits.items():
        print(f"| {name} | {np.mean(conf < UNSURE_BELOW) * 100:.2f} % | {len(conf)} |")

    scribbles = np.concatenate([c for k, c in outliers.items() if k.startswith("scribble")])
    others = np.concatenate([c for k, c in outliers.items() if not k.startswith("scribble")])
    drawn = np.concatenate(list(digits.values())[1:])
    print("\nthe trade-off at other thresholds (chosen on the held-out training images, not on MNIST test):\n")
    print("| unsure below | scribbles flagged | letters, faces, hearts, noise flagged "
          "| held-out training images flagged | rendered and drawn digits flagged |\n"
          "| ---: | ---: | ---: | ---: | ---: |")
    for t in THRESHOLDS:
        print(f"| {t:.0%} | {np.mean(scribbles < t) * 100:.1f} % | {np.mean(others < t) * 100:.1f} % "
              f"| {np.mean(held < t) * 100:.2f} % | {np.mean(drawn < t) * 100:.2f} % |")

    picks = np.random.default_rng(args.seed).choice(len(test_x), size=args.n_digits, replace=False)
    canvas_rng = np.random.default_rng(args.seed)
    rates = page_table(classifier, drawings, outliers, {
        "MNIST test digits on an 800x800 canvas": [large_canvas(test_x[i].numpy(), canvas_rng) for i in picks],
        "mouse strokes": [stroke_digit(d % 10, canvas_rng) for d in range(args.n)],
    })
    print(f"\n{time.perf_counter() - start:.0f} s")
    scribbles = {k: v for k, v in rates.items() if k.startswith("scribble")}
    worst = min(scribbles, key=scribbles.get)
    headline("calibration error (ECE) on MNIST test",
             f"{ece[0] * 100:.2f} % before temperature scaling, {ece[1] * 100:.2f} % after")
    headline('flagged "not sure" on the page\'s path',
             f"faces {rates['faces'] * 100:.0f} %, scribbles {np.mean(list(scribbles.values())) * 100:.0f} % (worst: "
             f"{worst[10:]} {scribbles[worst] * 100:.0f} %), letters {rates['letters (12 shapes)'] * 100:.0f} %, "
             f"hearts {rates['hearts'] * 100:.0f} %, noise {rates['random noise'] * 100:.0f} %")
    headline('real digits flagged "not sure" on the page\'s path',
             f"MNIST test digits on a canvas {rates['MNIST test digits on an 800x800 canvas'] * 100:.2f} %, "
             f"mouse strokes {rates['mouse strokes'] * 100:.2f} %")


if __name__ == "__main__":
    main()
