"""The Train tab through the server, as a visitor sees it: how soon and how often the curves move, and the test
accuracy of the network within a minute.

    python -m benchmarks.train_tab [--runs 2]

Each run is the tab's default choices (mnist_cnn.live.TAB_DEFAULTS) asked of a fresh `python app.py` over
Gradio's API (the same event the Train button starts), one after another. Per run: seconds from the click to the
first curve point and to the end, curve updates a second while it trained, and the final MNIST test accuracy the
tab shows. Then the memory a server spends on kept runs (webpage/runs.py), in a process of this benchmark's own:
its resident memory holding sixteen visitors' networks as the tab keeps them today, and then four kept runs for
each of them, of the tab's default network and of its widest.
"""

import argparse
import gc
import multiprocessing
import os
import re
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import fields

from gradio_client import Client

from harness.bench import headline, machine
from harness.server import start_app, stop_app
from mnist_cnn.live import CHOICES, TAB_DEFAULTS
from mnist_cnn.model import build_model
from mnist_cnn.predict import DigitClassifier
from mnist_cnn.train import VARIANT_KEYS
from webpage.runs import KEEP_RUNS, KEPT_BYTES, Runs
from webpage.training import KEEP_NETWORKS, Networks, TabView

VIEW_FIELDS = [view_field.name for view_field in fields(TabView)]
"""The Train event's outputs, in order: the fields of the tab's view."""

# what these figures measure (benchmarks.freshness): files beyond the imports, and the networks read
MEASURES = ("app.py",)
NETWORKS = ()

DEFAULT_CHOICES = [TAB_DEFAULTS[key] for key in CHOICES]
"""The Train button's inputs, in the order app.py wires them."""


def start_training(client: Client):
    """Start one run with the tab's default choices, as the Train button does; the job streams the tab's views."""
    return client.submit(*DEFAULT_CHOICES, api_name="/train")


def one_run(client: Client) -> dict:
    """Click to first point, click to end, updates a second while training, and the accuracy shown at the end."""
    started, updates = time.perf_counter(), []
    job = start_training(client)
    for view in job:
        if "Epoch" in str(view[0]):  # the progress sentence of a training step
            updates.append(time.perf_counter() - started)
    last = dict(zip(VIEW_FIELDS, job.outputs()[-1]))
    shown = re.search(r"(\d+\.\d) %", str(last["accuracy"]))
    if shown is None:
        raise RuntimeError(f"the run's last view shows no test accuracy: {str(last['progress'])[:200]}")
    return {"first": updates[0], "end": time.perf_counter() - started,
            "per_second": (len(updates) - 1) / (updates[-1] - updates[0]), "accuracy": float(shown.group(1))}


def resident_mb() -> float:
    gc.collect()
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def kept_runs_memory(choices: dict, visitors: int = KEEP_NETWORKS) -> tuple[float, float, float]:
    """Resident MB with `visitors` networks of these choices kept as the tab keeps them, then MB more with KEEP_RUNS
    kept runs each (webpage.runs.Runs), and the MB of weights those runs hold."""
    options = {key: choices[key] for key in VARIANT_KEYS}
    networks, runs = Networks(), Runs()
    for visitor in range(visitors):
        networks.add(str(visitor), DigitClassifier(build_model("seed", options), {"mean": 0.5, "std": 0.5}))
    before = resident_mb()
    for visitor in range(visitors):
        for _ in range(KEEP_RUNS):
            state = {key: value.numpy() for key, value in build_model("seed", options).state_dict().items()}
            news = {"seconds": 30.0, "test_accuracy": 0.98, "confusion": [[0] * 10 for _ in range(10)],
                    "metadata": {"arch": "seed", "arch_options": options, "mean": 0.5, "std": 0.5}, "state": state}
            runs.add(str(visitor), choices, [], news)
    return before, resident_mb() - before, runs.nbytes() / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2, help="runs, one after another (default 2)")
    args = parser.parse_args()
    print(machine())
    print(f"command: python -m benchmarks.train_tab --runs {args.runs}; choices {TAB_DEFAULTS}\n")
    process, url = start_app()
    try:
        client = Client(url, verbose=False)
        print("| run | click to first curve point | click to test accuracy | curve updates a second | "
              "MNIST test accuracy |\n| ---: | ---: | ---: | ---: | ---: |")
        runs = []
        for number in range(1, args.runs + 1):
            runs.append(run := one_run(client))
            print(f"| {number} | {run['first']:.1f} s | {run['end']:.1f} s | {run['per_second']:.2f} "
                  f"| {run['accuracy']:.1f} % |", flush=True)
    finally:
        stop_app(process)
    print(f"\nKept runs ({KEEP_RUNS} a visitor, {KEPT_BYTES // 2**20} MB of weights at most on the server):\n\n"
          "| network | 16 visitors' networks, resident | and 4 kept runs each: more resident | their weights |\n"
          "| --- | ---: | ---: | ---: |")
    for name, choices in (("the tab's default", TAB_DEFAULTS), ("the widest (32 maps, batch norm)",
                                                                 {**TAB_DEFAULTS, "width": 32, "norm": "batch"})):
        with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as fresh:  # a process each
            before, more, weights = fresh.submit(kept_runs_memory, choices).result()
        print(f"| {name} | {before:.0f} MB | +{more:.0f} MB | {weights:.0f} MB |")
        if choices is TAB_DEFAULTS:
            kept = more
    headline("Train tab, 16 visitors keeping 4 runs each (the tab's default network)",
             f"+{kept:.0f} MB resident beyond their 16 networks")
    headline("Train tab, the article's network with the tab's defaults (click to test accuracy; curve updates a "
             "second; MNIST test accuracy)",
             f"{statistics.median(r['end'] for r in runs):.0f} s; "
             f"{statistics.median(r['per_second'] for r in runs):.1f} a second; "
             f"{statistics.median(r['accuracy'] for r in runs):.1f} %")


if __name__ == "__main__":
    main()
