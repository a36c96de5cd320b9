"""A class draws at once: N visitors replayed over HTTP against one server, for several N and wirings in one run.

    python -m benchmarks.crowd [--visitors 1 8 16 32 64] [--drawings 4] [--seconds 1.2] [--wiring live before]
                               [--in-a-row 300]

Each visitor does what webpage/page.js does for a drawing (harness/visitors.py): the drawing so far to
`read_drawing` while the pen moves, one answer in flight, at the pace the server's answers set (`next_ms`: at
most one every 80 ms, fewer while the server is busy); at pen-up the whole drawing to `read_drawing`, whose answer
carries the verdict (a page from before that also sent it to the page's event at the same moment); a moment to
look; the empty canvas. The visitors start a random moment apart within one stroke and draw `--drawings` digits
each. Per crowd: pen-up to the chart's final answer and to the verdict (p50 / p95), the chart's answers while
the pen moved (median per stroke), live readings the server declined while busy, failed requests, whether each
visitor's chart ended on its own drawing's answer, and the server's CPU time per drawing and per reading (from
/proc, the server process alone). The wirings, each on a fresh server, one after the other in the same run:
- live: this page (app.py);
- before: the page as it was before this benchmark's work on crowds (commit BEFORE, or --before, run from git);
- balanced: two copies of this page behind HAProxy (deploy/haproxy.cfg, docs/DEPLOY.md), each pinned to half the
  cores; CPU is both copies';
- training: this page while one more visitor trains a network on its Train tab all along (the tab's defaults,
  one run after another; the run's own process is not counted in the server's CPU).
Before the crowds, one visitor sends --in-a-row readings one after another to price one reading: the readings of
whole drawings, as one visitor's drawing makes them (its drawing so far at every LIVE_S of a stroke, the whole
drawing, the empty canvas), and, as the page before this work was priced, a mix in which every third reading is a
finished drawing.
"""

import argparse
import base64
import contextlib
import io
import os
import random
import statistics
import sys
import threading
import time
from collections.abc import Iterator

import torch
from gradio_client import Client
from PIL import Image

from benchmarks.train_tab import start_training
from harness.bench import headline, percentile
from harness.server import ROOT, app_at, cpu_seconds, start_app, start_balancer, stop_app
from harness.visitors import LIVE_S, Strokes, Visitor
from harness.wire import data_url

# what these figures measure (benchmarks.freshness): files beyond the imports, and the networks read
MEASURES = ("app.py", "deploy/haproxy.cfg")
NETWORKS = ("DEFAULT_CHECKPOINT", "ARTICLE_CHECKPOINT", "SEQUENCE_CHECKPOINT")

BEFORE = "b1a47ac"
"""The last commit before the crowd work: every reading cut half-drawn digits, a finished drawing was read twice."""
DIGITS = (7, 0, 2, 3, 1, 9, 6, 8)
HEADLINED = (1, 32)
"""The crowds README's headline table shows (the rest are in docs/PERFORMANCE.md)."""
WIRINGS = ("live", "before", "balanced", "training")


@contextlib.contextmanager
def served(wiring: str, before: str = BEFORE) -> Iterator[tuple[str, list[int]]]:
    """Start the servers of a wiring; yield the URL visitors draw on and the processes whose CPU counts."""
    trainer = None
    if wiring == "balanced":  # two copies of this page behind HAProxy (deploy/haproxy.cfg)
        cores = sorted(os.sched_getaffinity(0))  # one half of them each, as docs/DEPLOY.md pins them
        copies = [start_app(cpus=set(cores[: len(cores) // 2] or cores)), start_app(cpus=set(cores[len(cores) // 2:]))]
        balancer, url = start_balancer([url for _, url in copies])
        processes = [process for process, _ in copies]
    else:
        process, url = start_app(command=app_at(before) if wiring == "before" else ("app.py",),
                                 env={"PYTHONPATH": str(ROOT)})
        balancer, processes = None, [process]
    try:
        if wiring == "training":
            trainer = Trainer(url)
        yield url, [process.pid for process in processes]
    finally:
        if trainer:
            trainer.stop()
        if balancer:
            balancer.terminate()
            balancer.wait(10)
        for process in processes:
            stop_app(process)


class Trainer(threading.Thread):
    """One visitor on the Train tab, starting a run with its defaults whenever the last has ended, until stopped;
    started, it waits until the first run is training."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.client, self.stopping, self.training = Client(url, verbose=False), threading.Event(), threading.Event()
        self.start()
        if not self.training.wait(60):
            raise SystemExit("the Train tab's run did not start within a minute")

    def run(self) -> None:
        while not self.stopping.is_set():
            for view in start_training(self.client):
                if "Epoch" in str(view[0]):
                    self.training.set()

    def stop(self) -> None:
        self.stopping.set()


def crowd(url: str, visitors: int, drawings: int, seconds: float, strokes: Strokes, seed: int) -> list:
    """`visitors` draw `drawings` digits each, all at once; every visitor's drawings, in one list."""
    rng = random.Random(seed)
    pages = [Visitor(url, strokes) for _ in range(visitors)]
    results: list = []
    lock = threading.Lock()

    def visit(page: Visitor, delay: float, digits: list[int]) -> None:
        time.sleep(delay)
        for digit in digits:
            drawing = page.draw(digit, seconds)
            with lock:
                results.append(drawing)

    threads = [threading.Thread(target=visit, args=(page, rng.uniform(0, seconds),
                                                    [rng.choice(DIGITS) for _ in range(drawings)]))
               for page in pages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def one_at_a_time(url: str, strokes: Strokes, pids: list[int], count: int, seconds: float) -> dict[str, float]:
    """Server CPU ms per reading for `count` readings in a row from one visitor, two ways: "drawings", whole
    drawings' readings (the drawing so far every LIVE_S of a stroke of `seconds`, the whole drawing, the empty
    canvas; on a page whose verdict was a request of its own, that too, its cost counted with the readings');
    "mixed", two of every three readings a drawing in progress at a random moment, the third a finished one. Each
    finished picture is new (moved by a pixel or more), so that no reading is answered from an earlier one; "wall"
    is the wall time per reading of the mix."""
    page, rng = Visitor(url, strokes), random.Random(count)
    finished = (shifted(strokes.frame(d, 1.0), dx, dy) for dx in range(-4, 5) for dy in range(-4, 5) for d in DIGITS)
    mixed = [(next(finished), False) if i % 3 == 2 else (strokes.frame(rng.choice(DIGITS), rng.uniform(0.1, 0.95)),
                                                        True) for i in range(count)]
    stroke = [i * LIVE_S / seconds for i in range(int(seconds / LIVE_S))]
    drawings = []
    while len(drawings) < count:
        digit = rng.choice(DIGITS)
        drawings += [(strokes.frame(digit, share), True) for share in stroke]
        drawings += [(next(finished), None), (strokes.frame(digit, 0.0), False)]  # None: finished, with its verdict
    priced = {}
    for name, asks in (("drawings", drawings[:count]), ("mixed", mixed)):
        before, started = sum(map(cpu_seconds, pids)), time.perf_counter()
        for picture, live in asks:
            page.read(picture, bool(live))
            if live is None and page.event:
                page.verdict(picture, page.connection)
        priced[name] = (sum(map(cpu_seconds, pids)) - before) * 1000 / count
        priced["wall"] = (time.perf_counter() - started) * 1000 / count
    return priced


def shifted(picture: str, dx: int, dy: int) -> str:
    """A PNG data URL's picture moved by (dx, dy) pixels, as a new PNG data URL."""
    image = Image.open(io.BytesIO(base64.b64decode(picture.split(",", 1)[1])))
    moved = Image.new(image.mode, image.size, "white")
    moved.paste(image, (dx, dy))
    buffer = io.BytesIO()
    moved.save(buffer, format="PNG")
    return data_url(buffer.getvalue())


def row(wiring: str, visitors: int, drawings: list, cpu: float) -> tuple[str, dict]:
    """One table row, and the figures the headline needs."""
    final = [d.final_ms for d in drawings if d.answer is not None]
    verdict = [d.verdict_ms for d in drawings if d.verdict is not None]
    live = statistics.median(d.live for d in drawings)
    readings = sum(d.live for d in drawings) + 2 * len(drawings)  # answered: and the final and the cleared canvas
    own = sum(d.answer == str(d.digit) for d in drawings)
    errors = sum(len(d.errors) for d in drawings)
    figures = {"p50": statistics.median(final) if final else float("nan"),
               "p95": percentile(final, 0.95), "live": live, "errors": errors,
               "cpu": cpu * 1000 / len(drawings)}
    return (f"| {wiring} | {visitors} | {len(drawings)} | {figures['p50']:.0f} / {figures['p95']:.0f} ms "
            f"| {statistics.median(verdict):.0f} / {percentile(verdict, 0.95):.0f} ms | {live:g} "
            f"| {sum(d.shed for d in drawings)} | {errors} | {own} / {len(drawings)} | {figures['cpu']:.0f} ms "
            f"| {cpu * 1000 / readings:.1f} ms |"), figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--visitors", type=int, nargs="+", default=[1, 8, 16, 32, 64],
                        help="crowd sizes, each drawing at once (default 1 8 16 32 64)")
    parser.add_argument("--drawings", type=int, default=4, help="digits each visitor draws (default 4)")
    parser.add_argument("--seconds", type=float, default=1.2, help="how long each stroke takes (default 1.2)")
    parser.add_argument("--wiring", nargs="+", choices=WIRINGS, default=["live", "before"],
                        help="the pages to measure, each on fresh servers (default: live before)")
    parser.add_argument("--before", default=BEFORE,
                        help=f"the commit the before wiring runs (default {BEFORE}, the page before the crowd work)")
    parser.add_argument("--seed", type=int, default=0, help="which digits and start times (default 0)")
    parser.add_argument("--in-a-row", type=int, default=300,
                        help="readings one visitor sends one after another, to price one reading (default 300)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; torch {torch.__version__}; Python {sys.version.split()[0]}")
    print(f"command: python -m benchmarks.crowd --visitors {' '.join(map(str, args.visitors))} --drawings "
          f"{args.drawings} --seconds {args.seconds:g} --wiring {' '.join(args.wiring)}"
          + (f" --before {args.before}" if args.before != BEFORE else ""))
    strokes = Strokes(DIGITS)
    print("\n| wiring | visitors drawing at once | drawings | pen-up to final answer, p50 / p95 "
          "| pen-up to verdict, p50 / p95 | live answers per stroke, median | live readings declined "
          "| failed requests | ended on its own answer | server CPU per drawing | per reading answered |\n"
          "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    figures, alone = {}, {}
    for wiring in args.wiring:
        with served(wiring, args.before) as (url, pids):
            crowd(url, 1, 1, args.seconds, strokes, seed=args.seed)  # warm up: the first reading allocates
            alone[wiring] = one_at_a_time(url, strokes, pids, args.in_a_row, args.seconds)
            for visitors in args.visitors:
                before = sum(map(cpu_seconds, pids))
                drawings = crowd(url, visitors, args.drawings, args.seconds, strokes, seed=args.seed + visitors)
                text, figures[wiring, visitors] = row(wiring, visitors, drawings, sum(map(cpu_seconds, pids)) - before)
                print(text, flush=True)
    if alone:
        print(f"\n{args.in_a_row} readings in a row from one visitor:\n")
        print("| wiring | server CPU per reading, whole drawings' readings (a verdict of its own included) "
              "| the same, two of every three readings of a drawing in progress | wall per reading of the mix |\n"
              "| --- | ---: | ---: | ---: |")
        for wiring, priced in alone.items():
            print(f"| {wiring} | {priced['drawings']:.1f} ms | {priced['mixed']:.1f} ms | {priced['wall']:.1f} ms |")
    for (wiring, visitors), f in figures.items():
        if wiring == "live" and visitors in HEADLINED:
            then = figures.get(("before", visitors))
            was = f" (the page before: {then['p50']:.0f} / {then['p95']:.0f} ms, {then['cpu']:.0f} ms)" if then else ""
            headline(f"{visitors} visitor{'s' * (visitors > 1)} drawing at once, replayed over HTTP (pen-up to "
                     "final answer p50 / p95; live answers per stroke; server CPU per drawing)",
                     f"{f['p50']:.0f} / {f['p95']:.0f} ms; {f['live']:g} live; {f['errors']} failed; "
                     f"{f['cpu']:.0f} ms{was}")
        if wiring == "training":
            alone_page = figures.get(("live", visitors))
            was = f" (no run: {alone_page['p50']:.0f} / {alone_page['p95']:.0f} ms)" if alone_page else ""
            headline(f"{visitors} visitors drawing at once while another trains a network on the Train tab, replayed "
                     "over HTTP (pen-up to final answer p50 / p95)", f"{f['p50']:.0f} / {f['p95']:.0f} ms{was}")
    if "live" in alone and "before" in alone:  # the headline is the comparison; the table has the rest
        headline("one reading over HTTP, server CPU (whole drawings' readings in a row; a third of them finished)",
                 f"{alone['live']['drawings']:.1f} ms; {alone['live']['mixed']:.1f} ms (the page before: "
                 f"{alone['before']['drawings']:.1f} ms; {alone['before']['mixed']:.1f} ms)")


if __name__ == "__main__":
    main()
