"""Print what each hostile or odd input gets from `DigitClassifier.predict`, as a Markdown table.

    python -m benchmarks.hostile [--checkpoint F]
"""

import argparse
import time

from harness.bench import headline
from harness.hostile import BAD_ARRAYS, HOSTILE
from mnist_cnn.errors import InputError
from mnist_cnn.predict import DigitClassifier

# what these figures measure (benchmarks.freshness): files beyond the imports, and the networks read
MEASURES = ()
NETWORKS = ("DEFAULT_CHECKPOINT", "SEQUENCE_CHECKPOINT")


def answer(classifier: DigitClassifier, source) -> str:
    try:
        result = classifier.predict(source)
    except InputError as exc:
        return f"error: {exc}"
    if result.digit is None or result.unsure:
        return result.message
    return f"digit {result.digit} ({result.confidence * 100:.0f} %)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", help="checkpoint (default: the shipped one)")
    classifier = DigitClassifier.from_checkpoint(parser.parse_args().checkpoint)
    print("| input | answer | time |\n| --- | --- | ---: |")
    cases = {name: build()[0] for name, build in HOSTILE.items()} | {f"array: {k}": v for k, v in BAD_ARRAYS.items()}
    slowest = 0.0
    for name, source in cases.items():
        start = time.perf_counter()
        text = answer(classifier, source)
        slowest = max(slowest, time.perf_counter() - start)
        print(f"| {name} | {text} | {(time.perf_counter() - start) * 1000:.0f} ms |")
    headline("hostile and odd inputs", f"{len(cases)} cases, each a sentence or an answer; "
                                       f"slowest {slowest * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
