"""Many visitors at once: N gradio_client clients calling /predict for a fixed time against one app.

    python -m benchmarks.load [--clients 8] [--seconds 60] [--url URL]

Starts `python app.py` on a free port unless --url is given; prints errors, p50/p95 latency,
throughput and the server's resident memory before and after.
"""

import argparse
import os
import statistics
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

from harness.people import stroke_digit
from harness.server import resident_mb, start_app, stop_app

# what these figures measure (benchmarks.freshness): files beyond the imports, and the networks read
MEASURES = ("app.py",)
NETWORKS = ("DEFAULT_CHECKPOINT", "ARTICLE_CHECKPOINT", "SEQUENCE_CHECKPOINT")


def run_load(url: str, clients: int, seconds: float) -> dict:
    """Call /predict from `clients` threads for `seconds`; return latencies, errors and calls."""
    from gradio_client import Client, handle_file

    folder = Path(tempfile.mkdtemp())
    images = []
    for digit in range(10):
        path = folder / f"{digit}.png"
        stroke_digit(digit, np.random.default_rng(digit), canvas=280, width=14).save(path)
        images.append((digit, str(path)))
    latencies, errors, wrong = [], [], [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def worker(k: int) -> None:
        client = Client(url, verbose=False)
        i = k
        while time.monotonic() < stop:
            digit, path = images[i % 10]
            i += 1
            start = time.perf_counter()
            try:
                probabilities = client.predict(handle_file(path), api_name="/predict")
            except Exception as exc:
                with lock:
                    errors.append(repr(exc))
                continue
            with lock:
                latencies.append(time.perf_counter() - start)
                wrong[0] += max(probabilities, key=probabilities.get) != str(digit)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"latencies": latencies, "errors": errors, "wrong": wrong[0], "seconds": seconds}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--warmup", type=float, default=10, help="seconds of load before memory is measured")
    parser.add_argument("--url", help="an app already running (default: start one)")
    args = parser.parse_args()
    print(f"machine: {os.cpu_count()} cores; command: python -m benchmarks.load --clients {args.clients} "
          f"--seconds {args.seconds:g} --warmup {args.warmup:g}")
    process, url = (None, args.url) if args.url else start_app()
    try:
        cold = resident_mb(process.pid) if process else None
        run_load(url, args.clients, args.warmup)  # threads, buffers and caches settle in
        before = resident_mb(process.pid) if process else None
        result = run_load(url, args.clients, args.seconds)
        after = resident_mb(process.pid) if process else None
    finally:
        if process:
            stop_app(process)
    ms = sorted(t * 1000 for t in result["latencies"])
    print(f"calls {len(ms)}, errors {len(result['errors'])}, wrong answers {result['wrong']}, "
          f"throughput {len(ms) / args.seconds:.1f} calls/s")
    if ms:
        print(f"latency p50 {statistics.median(ms):.0f} ms, p95 {ms[int(0.95 * (len(ms) - 1))]:.0f} ms")
    if before is not None:
        print(f"server memory {cold:.0f} MB at start, {before:.0f} MB after {args.warmup:g} s of warm-up, "
              f"{after:.0f} MB after the run ({after - before:+.0f} MB during the run)")
    print(f"headline: {args.clients} clients for {args.seconds:g} s | {len(result['errors'])} errors, "
          f"{len(ms) / args.seconds:.1f} calls/s, p50 {statistics.median(ms) if ms else 0:.0f} ms"
          + (f", memory {after - before:+.0f} MB during the run" if before is not None else ""))
    for error in result["errors"][:5]:
        print(f"error: {error}")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
