"""Phone photos of a notebook page on a desk, read on the page's path, kind by kind.

    python -m benchmarks.photos [--n 100] [--checkpoint F] [--data-dir D] [--seed 0]

For each kind of `harness.photos.KINDS` (the page larger than the photo or whole on a desk, in perspective, pencil,
marker, squared paper, light from one side, a table's edge, a small digit, a small number of 2-4 digits, written
in a hurry, dim light and a shaken cheap camera, the page turned 14-40 degrees), draws
n photos of held-out training digits (never trained on, never MNIST test) and reads them as the upload box does
(`read_number`): right when it reads exactly the digits written and does not mark them unsure. Blank pages count
as right when the page finds no digit on them.
"""

import time

import numpy as np

from harness.bench import benchmark_parser, headline, machine, page_right
from harness.photos import BLANK, KINDS, draw
from mnist_cnn.config import HOLDOUT
from mnist_cnn.errors import InputError
from mnist_cnn.predict import DigitClassifier

# what these figures measure (benchmarks.freshness): files beyond the imports, and the networks read
MEASURES = ()
NETWORKS = ("DEFAULT_CHECKPOINT", "SEQUENCE_CHECKPOINT")


def main() -> None:
    parser = benchmark_parser(__doc__, 100, "photos per kind", 0)
    args = parser.parse_args()
    from mnist_cnn.data import load_mnist, split_holdout

    classifier = DigitClassifier.from_checkpoint(args.checkpoint)
    _, (images, labels) = split_holdout(*load_mnist(args.data_dir, train=True), HOLDOUT)
    images, labels = images.numpy(), labels.numpy()
    print(machine())
    print(f"command: python -m benchmarks.photos --n {args.n} --seed {args.seed}")
    print("\n| kind of photo | read right | marked unsure | a wrong number | no digit found | photos | ms per photo |\n"
          "| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    shares = {}
    for name, hard in [*KINDS.items(), ("blank page (right: no digit found)", BLANK)]:
        rng = np.random.default_rng(args.seed)
        right = unsure = wrong = none = 0
        times = []
        for _ in range(args.n):
            image, truth = draw(hard, images, labels, rng)
            start = time.perf_counter()
            try:
                reading = classifier.read_number(image)
            except InputError:  # "no digit found on this page"
                reading = None
            times.append(time.perf_counter() - start)
            if reading is None or not reading.digits:
                none += 1
                right += truth == ""
            elif page_right(reading, truth):
                right += 1
            elif reading.number == truth:
                unsure += 1
            else:
                wrong += 1
        shares[name] = right / args.n
        print(f"| {name} | {right / args.n * 100:.1f} % | {unsure / args.n * 100:.1f} % | {wrong / args.n * 100:.1f} % "
              f"| {none / args.n * 100:.1f} % | {args.n} | {np.median(times) * 1000:.0f} |")
    photos = [shares[name] for name in KINDS]
    worst = min(KINDS, key=shares.get)
    print(f"\nmean over the {len(KINDS)} kinds {np.mean(photos) * 100:.1f} %; "
          f"worst: {worst} {shares[worst] * 100:.1f} %")
    headline(f"phone photos of a notebook page on a desk ({len(KINDS)} kinds, page's path)",
             f"{np.mean(photos) * 100:.1f} % mean, worst {shares[worst] * 100:.1f} % ({worst})")


if __name__ == "__main__":
    main()
