"""Training in one process and in several (torchrun, DistributedDataParallel with gloo on this CPU).

    python -m benchmarks.distributed [--processes 1 2] [--data-dir D]

Trains the `--fast` recipe once per process count into a temporary folder and prints, for each, the wall time
of the whole command, the training time the checkpoint records and its MNIST test accuracy. On one machine
the processes share its cores (torchrun gives each one thread), so more processes do not mean faster here;
the same command spreads over GPUs or machines (docs/TRAINING.md: "Training in several processes").
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from harness.bench import headline, machine
from mnist_cnn.checkpoint import read_metadata
from mnist_cnn.data import load_mnist
from mnist_cnn.evaluate import accuracy
from mnist_cnn.predict import DigitClassifier

# what these figures measure (benchmarks.freshness): files beyond the imports, and the networks read
MEASURES = ("mnist_cnn/train.py",)
NETWORKS = ()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2], help="process counts (default 1 2)")
    parser.add_argument("--data-dir", help="MNIST folder (default: $MNIST_DATA_DIR or ./data)")
    args = parser.parse_args()
    print(machine())
    print(f"command: python -m benchmarks.distributed --processes {' '.join(map(str, args.processes))}")
    images, labels = load_mnist(args.data_dir, train=False)
    print("\n| processes | command | wall | training | MNIST test accuracy |\n| ---: | --- | ---: | ---: | ---: |")
    with tempfile.TemporaryDirectory() as scratch:
        for count in args.processes:
            output = Path(scratch) / f"fast{count}.safetensors"
            launcher = ["-m", "torch.distributed.run", "--standalone", "--nproc_per_node", str(count)]
            launcher = launcher if count > 1 else []
            flags = ["--fast", "--output", str(output)] + (["--data-dir", args.data_dir] if args.data_dir else [])
            started = time.perf_counter()
            subprocess.run([sys.executable, *launcher, "-m", "mnist_cnn.train", *flags], check=True,
                           capture_output=True, text=True)
            wall = time.perf_counter() - started
            classifier = DigitClassifier.from_checkpoint(output)
            right = accuracy(classifier.model, images, labels, classifier.normalization)
            shown = (f"torchrun --nproc_per_node {count} -m mnist_cnn.train --fast" if count > 1
                     else "python -m mnist_cnn.train --fast")
            print(f"| {count} | `{shown}` | {wall:.0f} s | {read_metadata(output)['train_seconds']:.0f} s | "
                  f"{right * 100:.2f} % |")
            headline(f"--fast recipe in {count} process{'es' if count > 1 else ''} on this CPU",
                     f"{right * 100:.2f} % in {wall:.0f} s wall")


if __name__ == "__main__":
    main()
