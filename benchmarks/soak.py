"""A public link under the public: minutes of mixed traffic against one app, its memory watched.

    python -m benchmarks.soak [--minutes 10] [--clients 8] [--timeout 30] [--queue-size N] [--url URL]

Each client sends, at random: drawings as the page sends them (to `read_drawing`, whose answer carries the
chart and the verdict), `/predict` (a file uploaded first), `/predict_base64` and `/predict_number` (through
Gradio's plain HTTP API), and now and then a hostile file as a drawing; one more sender posts an oversized body
(300 MB with Content-Length, or 40 MB in chunks) every 15 s. Loopback only, bounded by time. Prints every
request's outcome by kind, the latency of valid requests, and the server's resident memory every 30 s.
A valid request that does not end in an answer is an error; "busy" (queue full) is counted apart.
"""

import argparse
import os
import random
import statistics
import threading
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np

from harness.bench import percentile
from harness.hostile import HOSTILE, encode
from harness.people import draw_number, stroke_digit
from harness.server import resident_mb, start_app, stop_app
from harness.wire import Outcome, api_call, data_url, oversized, read_drawing

# what these figures measure (benchmarks.freshness): files beyond the imports, and the networks read
MEASURES = ("app.py",)
NETWORKS = ("DEFAULT_CHECKPOINT", "ARTICLE_CHECKPOINT", "SEQUENCE_CHECKPOINT")

KINDS = {"page drawing": 6, "/predict": 2, "/predict_base64": 2, "/predict_number": 2, "hostile file": 1}
"""What a client sends, and how often (weights): the page asks `read_drawing` after each stroke, and its answer
holds the chart and the verdict."""
VALID = ("page drawing", "/predict", "/predict_base64", "/predict_number")
OVERSIZED_EVERY = 15.0
SAMPLE_EVERY = 30.0
NUMBERS = ("42", "2024", "7", "310", "9586")
# Hostile files small enough to send often (the 50 MB one is among the oversized bodies' kin already).
HOSTILE_SLICE = [name for name in HOSTILE if "50 MB" not in name]


@dataclass
class Tally:
    outcomes: dict = field(default_factory=lambda: defaultdict(Counter))  # request kind -> outcome kind -> count
    seconds: dict = field(default_factory=lambda: defaultdict(list))  # valid request kind -> latencies
    wrong: Counter = field(default_factory=Counter)  # valid answers that named the wrong digit or number
    examples: dict = field(default_factory=dict)  # (request kind, outcome kind) -> one detail
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, request: str, outcome: Outcome, right: bool | None = None) -> None:
        with self.lock:
            self.outcomes[request][outcome.kind] += 1
            self.examples.setdefault((request, outcome.kind), str(outcome.detail)[:160])
            if request in VALID and outcome.kind == "answer":
                self.seconds[request].append(outcome.seconds)
                self.wrong[request] += right is False

    def valid_errors(self) -> int:
        """Valid requests that ended in anything but an answer or a busy signal."""
        return sum(n for r in VALID for kind, n in self.outcomes[r].items() if kind not in ("answer", "busy"))

    def busy(self) -> int:
        return sum(c["busy"] for c in self.outcomes.values())

    def lost(self) -> int:
        """Requests that ended without an answer, a sentence, a refusal or a busy signal."""
        return sum(c["failed"] + c["timeout"] for c in self.outcomes.values())


class Traffic:
    """The drawings and files the clients send, made once."""

    def __init__(self):
        drawn = (stroke_digit(digit, np.random.default_rng(100 + digit), canvas=280, width=14) for digit in range(10))
        self.digits = [(digit, encode(image, "PNG")) for digit, image in enumerate(drawn)]
        self.numbers = [(text, encode(draw_number(text), "PNG")) for text in NUMBERS]
        self.hostile = [(name, HOSTILE[name]()[0]) for name in HOSTILE_SLICE]


def client_loop(url: str, traffic: Traffic, tally: Tally, stop: float, timeout: float, seed: int) -> None:
    rng = random.Random(seed)
    kinds, weights = zip(*KINDS.items(), strict=True)
    while time.monotonic() < stop:
        kind = rng.choices(kinds, weights)[0]
        digit, data = rng.choice(traffic.digits)
        if kind == "page drawing":
            outcome = read_drawing(url, data_url(data), timeout=timeout)
            right = (outcome.kind == "answer" and outcome.detail[0]["number"] == str(digit)
                     and outcome.detail[0]["page"]["verdict"].startswith(f"# {digit}\n"))
        elif kind == "/predict":
            outcome = api_call(url, "predict", data, timeout)
            right = outcome.kind == "answer" and max(outcome.detail, key=outcome.detail.get) == str(digit)
        elif kind == "/predict_base64":
            outcome = api_call(url, "predict_base64", data_url(data), timeout)
            right = outcome.kind == "answer" and max(outcome.detail, key=outcome.detail.get) == str(digit)
        elif kind == "/predict_number":
            text, number = rng.choice(traffic.numbers)
            outcome = api_call(url, "predict_number", number, timeout)
            right = outcome.kind == "answer" and outcome.detail["number"] == text
        else:
            _, hostile = rng.choice(traffic.hostile)
            outcome, right = read_drawing(url, data_url(hostile), timeout=timeout), None
        tally.add(kind, outcome, right)


def abuse_loop(url: str, tally: Tally, stop: float, timeout: float) -> None:
    """An oversized body every OVERSIZED_EVERY seconds, alternating a declared 300 MB and a chunked 40 MB."""
    chunked = False
    while time.monotonic() + OVERSIZED_EVERY < stop:
        time.sleep(OVERSIZED_EVERY)
        size = 40 * 2**20 if chunked else 300 * 2**20
        tally.add("oversized body", oversized(url, size, chunked=chunked, timeout=timeout))
        chunked = not chunked


def run_soak(url: str, seconds: float, clients: int, timeout: float = 30, pid: int | None = None,
             seed: int = 0) -> tuple[Tally, list[tuple[float, float]]]:
    """Mixed traffic from `clients` threads for `seconds`; return the tally and (time, resident MB) samples."""
    if urlsplit(url).hostname not in {"127.0.0.1", "localhost", "::1"}:
        raise SystemExit("The soak only runs against an app on this machine (loopback).")
    tally = Tally()
    traffic = Traffic()
    start = time.monotonic()
    stop = start + seconds
    threads = [threading.Thread(target=client_loop, args=(url, traffic, tally, stop, timeout, seed + k))
               for k in range(clients)]
    threads.append(threading.Thread(target=abuse_loop, args=(url, tally, stop, timeout)))
    for thread in threads:
        thread.start()
    memory = []
    while any(t.is_alive() for t in threads):
        if pid is not None and (not memory or time.monotonic() - start >= memory[-1][0] + SAMPLE_EVERY):
            memory.append((time.monotonic() - start, resident_mb(pid)))
        time.sleep(0.5)
    if pid is not None:
        memory.append((time.monotonic() - start, resident_mb(pid)))
    return tally, memory


def report(tally: Tally, memory: list[tuple[float, float]], args: argparse.Namespace) -> None:
    outcome_kinds = ("answer", "error", "busy", "refused", "timeout", "failed")
    print("\nRequests by outcome (answer: the app's answer; error: its one sentence; busy: queue full, "
          "HTTP 503; refused: HTTP 413; timeout and failed: lost):\n")
    print("| request | " + " | ".join(outcome_kinds) + " | wrong answers |")
    print("| --- |" + " ---: |" * (len(outcome_kinds) + 1))
    for request, counts in sorted(tally.outcomes.items()):
        cells = " | ".join(str(counts[k]) for k in outcome_kinds)
        wrong = tally.wrong[request] if request in VALID else ""
        print(f"| {request} | {cells} | {wrong} |")
    every = [s * 1000 for r in VALID for s in tally.seconds[r]]
    print("\nLatency of valid requests answered:\n\n| request | answered | p50 | p99 |\n| --- | ---: | ---: | ---: |")
    for request in (*VALID, "all valid"):
        ms = every if request == "all valid" else [s * 1000 for s in tally.seconds[request]]
        print(f"| {request} | {len(ms)} | {statistics.median(ms) if ms else float('nan'):.0f} ms "
              f"| {percentile(ms, 0.99):.0f} ms |")
    if memory:
        print("\nServer resident memory:\n\n| time | resident |\n| ---: | ---: |")
        for t, mb in memory:
            print(f"| {t:.0f} s | {mb:.0f} MB |")
    after_first = [(t, mb) for t, mb in memory if t >= 60]
    followed = len(after_first) > 1 and after_first[-1][0] - after_first[0][0] >= SAMPLE_EVERY
    growth = after_first[-1][1] - after_first[0][1] if followed else float("nan")
    for (request, kind), detail in sorted(tally.examples.items()):
        if kind not in ("answer",):
            print(f"example {request} / {kind}: {detail}")
    print(f"\nheadline: soak {args.minutes:g} min, {args.clients} clients | {sum(map(len, tally.seconds.values()))} "
          f"valid answered, {tally.valid_errors()} errors on valid requests, {tally.busy()} busy, {tally.lost()} lost, "
          f"p99 {percentile(every, 0.99):.0f} ms"
          + (f", memory {growth:+.0f} MB after the first minute" if growth == growth else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=30, help="seconds before a request counts as lost")
    parser.add_argument("--queue-size", type=int, help="start the app with this queue size (default: the app's)")
    parser.add_argument("--url", help="an app already running on this machine (default: start one)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; command: python -m benchmarks.soak --minutes {args.minutes:g} "
          f"--clients {args.clients} --timeout {args.timeout:g}"
          + (f" --queue-size {args.queue_size}" if args.queue_size else ""))
    app_args = ("--queue-size", str(args.queue_size)) if args.queue_size else ()
    process, url = (None, args.url) if args.url else start_app(*app_args)
    try:
        tally, memory = run_soak(url, args.minutes * 60, args.clients, args.timeout,
                                 pid=process.pid if process else None)
    finally:
        if process:
            stop_app(process)
    report(tally, memory, args)
    return 1 if tally.lost() or tally.valid_errors() else 0


if __name__ == "__main__":
    raise SystemExit(main())
