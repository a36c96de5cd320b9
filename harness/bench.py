"""What the benchmarks that score the shipped model share: their common options and the machine line."""

import argparse
import os
import platform

import torch


def benchmark_parser(doc: str, n: int, what: str, seed: int) -> argparse.ArgumentParser:
    """A parser with --n (`what` per kind), --checkpoint, --data-dir and --seed, described by the module's doc."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--n", type=int, default=n, help=f"{what} (default {n})")
    parser.add_argument("--checkpoint", help="checkpoint (default: the shipped one)")
    parser.add_argument("--data-dir", help="MNIST folder (default: $MNIST_DATA_DIR or ./data)")
    parser.add_argument("--seed", type=int, default=seed, help=f"drawing seed (default {seed})")
    return parser


def headline(what: str, figure: str) -> None:
    """Print one row of README's headline table (benchmarks.report reads it): what was measured, and the figure."""
    print(f"headline: {what} | {figure}")


def page_right(reading, truth: str) -> bool:
    """Whether the page's path (`read_number`) read exactly `truth`: a reading marked unsure counts as a miss."""
    return reading.number == truth and not reading.unsure


def percentile(values: list[float], q: float) -> float:
    """The value below which a fraction q of `values` lie (nan for none)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def machine() -> str:
    """The line every benchmark prints first."""
    return (f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
            f"torch {torch.__version__} with {torch.get_num_threads()} thread(s)")
