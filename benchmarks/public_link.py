"""What one hostile visitor does to a public link: each attack of issue 44's table, against this page and against the
page before its limits, printed as one table (harness/public_link.py has the attacks).

    python -m benchmarks.public_link [--before COMMIT] [--seconds 25] [--only NAME ...]

Each wiring runs on a fresh server (and, for slow headers, two copies behind HAProxy with that commit's
deploy/haproxy.cfg), one after the other, from one address on loopback. The page before gets two of the 98 MB
pictures, not twelve: twelve at once would take it past this machine's memory.
"""

import argparse
import statistics
import subprocess
import tempfile
from pathlib import Path

from harness.bench import headline
from harness.public_link import (
    bomb_png,
    closed_while_training,
    flood,
    large_bodies,
    largest_png,
    pictures_at_once,
    server_paths,
    slow_headers,
    train_calls,
)
from harness.server import ROOT, app_at, start_app, start_balancer, stop_app

# what these figures measure (benchmarks.freshness): files beyond the imports, and the networks read
MEASURES = ("app.py", "deploy/haproxy.cfg")
NETWORKS = ("DEFAULT_CHECKPOINT", "ARTICLE_CHECKPOINT", "SEQUENCE_CHECKPOINT")

BEFORE = "abe5d26"
"""The last commit before these limits."""
SUMMARY: dict[str, str] = {}
"""The flood's figures in a few words, for README's headline table."""
ATTACKS = ("bombs", "largest", "flood", "train", "closed", "bodies", "paths", "headers")


def count(kinds) -> str:
    seen = {}
    for kind in kinds:
        seen[kind] = seen.get(kind, 0) + 1
    return ", ".join(f"{n} {kind}" for kind, n in sorted(seen.items()))


def pictures(url: str, pid: int, picture: bytes, n: int) -> str:
    outcomes, watch = pictures_at_once(url, pid, picture, n)
    return (f"{n} at once: {count(k for k, _ in outcomes)}; slowest {max(s for _, s in outcomes):.2f} s; peak memory "
            f"+{watch.rise_mb:.0f} MB; slowest health probe {watch.worst_s:.2f} s")


def attack(name: str, url: str, pid: int, before: bool, seconds: float) -> str:
    if name == "bombs":
        return pictures(url, pid, bomb_png(), 2 if before else 12)
    if name == "largest":
        return pictures(url, pid, largest_png(), 12)
    if name == "flood":
        seen = flood(url, in_flight=200, seconds=seconds)
        finals = [f for f in seen["finals_ms"] if f != float("inf")]
        p50 = f"{statistics.median(finals):.0f} ms" if finals else "none answered"
        SUMMARY["flood"] = (f"{seen['flood'].get(429, 0) / max(1, sum(seen['flood'].values())) * 100:.0f} % of the "
                            f"flood refused; another visitor's final answer p50 {p50}; /config "
                            f"≤ {seen['worst_config_s']:.2f} s")
        return (f"flood: {count(str(s) for s, n in seen['flood'].items() for _ in range(n))} in {seconds:.0f} s; "
                f"another visitor's final answer p50 {p50} ({len(seen['finals_ms'])} drawings, "
                f"{len(seen['finals_ms']) - len(finals)} with errors); slowest health probe "
                f"{seen['worst_probe_s']:.2f} s, slowest /config {seen['worst_config_s']:.2f} s")
    if name == "train":
        seen = train_calls(url, 72)
        return (f"72 calls: HTTP {count(map(str, seen['train_statuses']))}; then /predict_base64: {seen['api'].kind}"
                + (f" ({str(seen['api'].detail)[:60]})" if seen["api"].kind != "answer" else ""))
    if name == "closed":
        seen = closed_while_training(url)
        return (f"run started: {seen['started']}; slowest health probe in the 6 s after the close "
                f"{seen['worst_probe_s']:.2f} s")
    if name == "bodies":
        seen = large_bodies(url)
        answers = "; ".join(f"{what}: {status} {text[:50]!r}" for what, (status, text) in seen["answers"].items())
        return f"{answers}; slowest health probe {seen['worst_probe_s']:.2f} s"
    if name == "paths":
        outcomes = server_paths(url)
        read = [path for (api, path), o in outcomes.items() if o.kind == "answer"]
        sentences = {str(o.detail.get("error") if isinstance(o.detail, dict) else o.detail) for o in outcomes.values()}
        return f"{len(sentences)} different answers to 6 calls; files read: {', '.join(read) or 'none'}"
    raise ValueError(name)


def headers_row(commit: str | None) -> str:
    """Slow headers through the balancer of `commit` (this page's when None), in front of two copies of its page."""
    command = app_at(commit) if commit else ("app.py",)
    config = None
    if commit:
        config = Path(tempfile.mkdtemp()) / "haproxy.cfg"
        config.write_text(subprocess.run(["git", "show", f"{commit}:deploy/haproxy.cfg"], cwd=ROOT,
                                         capture_output=True, text=True, check=True).stdout)
    copies = [start_app(command=command), start_app(command=command)]
    try:
        balancer, url = start_balancer([u for _, u in copies], config=config)
        try:
            open_for = slow_headers(url, connections=20, limit_s=40)
        finally:
            balancer.terminate()
            balancer.wait(10)
    finally:
        for process, _ in copies:
            stop_app(process)
    still = sum(t >= 40 for t in open_for)
    return f"20 connections: {still} still open after 40 s; the others closed after {max(open_for):.0f} s at most"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", default=BEFORE, help=f"the page before the limits (default {BEFORE})")
    parser.add_argument("--seconds", type=float, default=25, help="how long the flood lasts (default 25)")
    parser.add_argument("--only", nargs="+", choices=ATTACKS, default=list(ATTACKS),
                        help="attacks to run (default all)")
    args = parser.parse_args()
    rows = {name: {} for name in args.only}
    for wiring, commit in (("before", args.before), ("this page", None)):
        server_attacks = [name for name in args.only if name != "headers"]
        if server_attacks:
            for name in server_attacks:  # a fresh server for each, so that one attack's leftovers do not count
                log = Path(tempfile.mkdtemp()) / "server.log"
                process, url = start_app(command=app_at(commit) if commit else ("app.py",), log=log,
                                         env={"GRADIO_HEARTBEAT_INTERVAL": "1"})
                try:
                    rows[name][wiring] = attack(name, url, process.pid, commit is not None, args.seconds)
                finally:
                    stop_app(process)
                tracebacks = log.read_text().count("Traceback")
                if tracebacks:
                    rows[name][wiring] += f"; {tracebacks} tracebacks in the log"
                print(f"{wiring}, {name}: {rows[name][wiring]}", flush=True)
        if "headers" in args.only:
            rows["headers"][wiring] = headers_row(commit)
            print(f"{wiring}, headers: {rows['headers'][wiring]}", flush=True)
    print(f"\n| attack (one address, loopback) | the page before ({args.before}) | this page |\n| --- | --- | --- |")
    names = {"bombs": "PNGs of 144 KB declaring 7000x7000 16-bit grey (98 MB decoded), half to the drawing's route "
                      "and half to /predict_base64",
             "largest": "the largest PNG still decoded (4000x4000 RGBA, 64 MB decoded), likewise",
             "flood": "200 finished drawings kept in flight on the drawing's route, naming no page",
             "train": "the Train tab's event called 72 times over the API, then /predict_base64",
             "closed": "a page closed while its network trains (heartbeat and stream cut)",
             "bodies": "JSON 5,000 levels deep and a 24 MB JSON array, to the drawing's route and the queue",
             "paths": "/etc/hostname, a missing file and an image outside the uploads, as /predict's and "
                      "/predict_number's image (a plain string)",
             "headers": "20 connections sending their headers a byte a second, through deploy/haproxy.cfg"}
    for name in args.only:
        print(f"| {names[name]} | {rows[name].get('before', '')} | {rows[name].get('this page', '')} |")
    if "flood" in SUMMARY:
        headline("one address keeping 200 drawings in flight on the drawing's route", SUMMARY["flood"])


if __name__ == "__main__":
    main()
