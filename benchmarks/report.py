"""Run the benchmarks and rewrite every figure table in README and docs from what they print.

    python -m benchmarks.report [--only NAME ...] [--list]

Each figure block in a Markdown file sits between two markers,

    <!-- figures: NAME -->
    ...
    <!-- /figures: NAME -->

and is replaced by what the benchmark NAME printed (its tables and its command line), stamped in one line
with the machine, the date, the short SHA-256 of each network it read and the commit of the code it measured
(`benchmarks.freshness`; tests/test_figures_fresh.py fails when either has moved since). So the code is committed
before it is measured: the report refuses to run a benchmark whose measured files differ from the commit.
README's headline table (`<!-- figures: headlines -->`) is made of the lines the benchmarks print as
`headline: what | figure`, each with the command that printed it, the date and the commit.
Nothing between markers is typed by hand; running the report twice changes only figures and stamps. Each block
is written as soon as its benchmark ends; a benchmark that fails keeps its old block, the others go on, and the
report ends by naming it (and fails).
With `--only`, the other blocks and headline rows keep their figures (and their own stamps).
"""

import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
import time
from pathlib import Path

from benchmarks import freshness

ROOT = Path(__file__).resolve().parent.parent
DOCUMENTS = [ROOT / "README.md", ROOT / "README.zh-CN.md", ROOT / "checkpoints" / "README.md",
             *sorted((ROOT / "docs").glob("*.md"))]

# name -> the command that prints its figures (run from the repository root)
BENCHMARKS: dict[str, list[str]] = {
    "model": ["-m", "benchmarks.model_card"],
    "styles": ["-m", "benchmarks.styles", "--n", "500"],
    "scans": ["-m", "benchmarks.scans", "--n", "100"],
    "robustness": ["-m", "benchmarks.robustness", "--n", "1000"],
    "photos": ["-m", "benchmarks.photos", "--n", "100"],
    "numbers": ["-m", "benchmarks.read_numbers", "--n", "2000"],
    "uncertainty": ["-m", "benchmarks.uncertainty", "--n", "300"],
    "hostile": ["-m", "benchmarks.hostile"],
    "public-link": ["-m", "benchmarks.public_link"],
    "latency": ["-m", "benchmarks.latency"],
    "stroke": ["-m", "benchmarks.stroke_latency"],
    "stroke-inside-open": ["-m", "benchmarks.stroke_latency", "--inside-open", "--wiring", "live", "before"],
    "stroke-pages": ["-m", "benchmarks.stroke_latency", "--pages", "8", "--drawings", "8", "--wiring", "live"],
    "stroke-replayed": ["-m", "benchmarks.stroke_latency", "--replayed", "7", "--wiring", "live"],
    "crowd": ["-m", "benchmarks.crowd", "--wiring", "live", "before", "balanced"],
    "crowd-training": ["-m", "benchmarks.crowd", "--visitors", "8", "--wiring", "live", "training"],
    "train-tab": ["-m", "benchmarks.train_tab", "--runs", "3"],
    "load": ["-m", "benchmarks.load", "--clients", "8", "--seconds", "60"],
    "corrections": ["-m", "benchmarks.corrections", "--n", "1000"],
    "distributed": ["-m", "benchmarks.distributed"],
    "soak": ["-m", "benchmarks.soak", "--minutes", "10", "--clients", "8"],
    "soak-many": ["-m", "benchmarks.soak", "--minutes", "1", "--clients", "32"],
}

MARKER = re.compile(r"<!-- figures: (?P<name>[a-z-]+) -->\n.*?<!-- /figures: (?P=name) -->", re.S)
HEADLINE = re.compile(r"^headline: (?P<what>[^|]+)\|(?P<figure>.+)$")


def machine() -> str:
    return f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"


def run(name: str) -> str | None:
    """Run one benchmark and return what it printed; None, with its output printed, when it failed."""
    command = [sys.executable, *BENCHMARKS[name]]
    print(f"running {name}: python {' '.join(BENCHMARKS[name])}", flush=True)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        print(f"{name} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}", flush=True)
        return None
    print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    return done.stdout


def as_markdown(lines: list[str]) -> str:
    """Tables stay tables; every other run of printed lines goes into a text block, as printed."""
    parts, run_, previous = [], [], ""
    for line in [*lines, ""]:
        if line.startswith("|") or not line.strip():
            if run_:
                parts.append("```text\n" + "\n".join(run_) + "\n```")
                run_ = []
            if line.startswith("|"):
                if previous.startswith("|"):  # the same table goes on
                    parts[-1] += "\n" + line
                else:
                    parts.append(line)
        else:
            run_.append(line)
        previous = line
    return "\n\n".join(parts)


def module(name: str) -> str:
    """The benchmark module behind a block: `styles` -> `benchmarks.styles`."""
    return BENCHMARKS[name][BENCHMARKS[name].index("-m") + 1]


def block(name: str, output: str, stamp: str) -> str:
    """A figure block: the command and stamp, then the tables and notes the benchmark printed."""
    kept = [line for line in output.splitlines() if not line.startswith(("headline:", "machine:", "command:"))]
    command = "python " + " ".join(BENCHMARKS[name])
    return f"<!-- figures: {name} -->\n`{command}` ({stamp}):\n\n{as_markdown(kept)}\n<!-- /figures: {name} -->"


def headlines(outputs: dict[str, str], stamps: dict[str, str], previous: str = "") -> str:
    """README's headline table: a row for each `headline:` line of the benchmarks just run, with its block's
    date and commit (`stamps`); the rows of the others are kept from the `previous` table, with their own."""
    rows = ["| | figure | command | measured |", "| --- | --- | --- | --- |"]
    for name in BENCHMARKS:
        command = "`python " + " ".join(BENCHMARKS[name]) + "`"
        if name in outputs:
            for match in filter(None, map(HEADLINE.match, outputs[name].splitlines())):
                rows.append(f"| {match['what'].strip()} | {match['figure'].strip()} | {command} | {stamps[name]} |")
        else:
            rows += [line for line in previous.splitlines() if f"| {command} |" in line]
    body = "\n".join(rows)
    return (f"<!-- figures: headlines -->\nMeasured on {machine()}, each row by the command beside it, on its "
            f"date and at its commit (its block in the docs names the networks too).\n\n{body}\n"
            "<!-- /figures: headlines -->")


def collect(document: str) -> dict[str, str]:
    """The blocks a document holds now, by name."""
    return {m["name"]: m[0] for m in MARKER.finditer(document)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, help="run only these benchmarks")
    parser.add_argument("--list", action="store_true", help="list the blocks each document holds and stop")
    args = parser.parse_args()
    if args.list:
        for document in DOCUMENTS:
            print(f"{document.relative_to(ROOT)}: {', '.join(collect(document.read_text())) or '-'}")
        return 0
    day = datetime.date.today().isoformat()
    names = args.only or list(BENCHMARKS)
    changed = sorted({line for name in names for line in freshness.uncommitted(freshness.measured_files(module(name)))})
    if changed:
        sys.exit("The stamp names the commit a figure measured, so commit these first:\n" + "\n".join(changed))
    stamps = {name: freshness.stamp_now(module(name), day) for name in names}
    failed = []
    for name in names:  # each block written as its benchmark ends: one that fails keeps its old block
        output = run(name)
        if output is None:
            failed.append(name)
        else:
            write(name, output, stamps[name], day)
    if failed:
        sys.exit(f"failed, their blocks unchanged: {' '.join(failed)} (once mended: --only {' '.join(failed)})")
    return 0


def write(name: str, output: str, stamp: freshness.Stamp, day: str) -> None:
    """Put one benchmark's block, and its headline rows, into every document that holds them."""
    new = {name: block(name, output, f"{machine()}, {stamp}")}
    for document in DOCUMENTS:
        text = document.read_text()
        previous = collect(text).get("headlines")
        if previous is not None:
            new["headlines"] = headlines({name: output}, {name: f"{day}; code {stamp.code}"}, previous)
        updated = MARKER.sub(lambda m: new.get(m["name"], m[0]), text)
        if updated != text:
            document.write_text(updated)
            print(f"  rewrote {document.relative_to(ROOT)}", flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
