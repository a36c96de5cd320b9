"""The Train tab through the server, as a visitor sees it: how soon and how often the curves move, and the test
accuracy of the network within a minute.

    python -m benchmarks.train_tab [--runs 2]

Each run is the tab's default choices (mnist_cnn.live.TAB_DEFAULTS) asked of a fresh `python app.py` over
Gradio's API (the same event the Train button starts), one after another. Per run: seconds from the click to the
first curve point and to the end, curve updates a second while it trained, and the final MNIST test accuracy the
tab shows.
"""

import argparse
import re
import statistics
import time

from gradio_client import Client

from harness.bench import headline, machine
from harness.server import start_app, stop_app
from mnist_cnn.live import CHOICES, TAB_DEFAULTS

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
    last = job.outputs()[-1]
    shown = re.search(r"(\d+\.\d) %", str(last[5]))
    return {"first": updates[0], "end": time.perf_counter() - started,
            "per_second": (len(updates) - 1) / (updates[-1] - updates[0]),
            "accuracy": float(shown.group(1)) if shown else float("nan")}


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
    headline("Train tab, the article's network with the tab's defaults (click to test accuracy; curve updates a "
             "second; MNIST test accuracy)",
             f"{statistics.median(r['end'] for r in runs):.0f} s; "
             f"{statistics.median(r['per_second'] for r in runs):.1f} a second; "
             f"{statistics.median(r['accuracy'] for r in runs):.1f} %")


if __name__ == "__main__":
    main()
