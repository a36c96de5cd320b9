"""Print what each hostile or odd input gets from `DigitClassifier.predict`, as a Markdown table.

    python benchmarks/hostile.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mnist_cnn.errors import InputError  # noqa: E402
from mnist_cnn.predict import DigitClassifier  # noqa: E402
from tests.hostile import BAD_ARRAYS, HOSTILE  # noqa: E402


def answer(classifier: DigitClassifier, source) -> str:
    try:
        result = classifier.predict(source)
    except InputError as exc:
        return f"error: {exc}"
    if result.digit is None or result.unsure:
        return result.message
    return f"digit {result.digit} ({result.confidence * 100:.0f} %)"


def main() -> int:
    classifier = DigitClassifier.from_checkpoint()
    print("| input | answer | time |\n| --- | --- | ---: |")
    cases = {name: build()[0] for name, build in HOSTILE.items()} | {f"array: {k}": v for k, v in BAD_ARRAYS.items()}
    for name, source in cases.items():
        start = time.perf_counter()
        text = answer(classifier, source)
        print(f"| {name} | {text} | {(time.perf_counter() - start) * 1000:.0f} ms |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
