"""docs/COMMANDS.md stays true: every flag its table gives a command is one that command's --help lists."""

import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = (ROOT / "docs" / "COMMANDS.md").read_text(encoding="utf-8").split("## Commands", 1)[1].split("\n## ", 1)[0]
# Every --help in one process, so that torch and gradio are imported once: {target: the help text}.
HELPS = """
import contextlib, io, json, runpy, sys
helps = {}
for target in json.loads(sys.argv[1]):
    sys.argv = [target, "--help"]
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.suppress(SystemExit):
        if target.endswith(".py"):
            runpy.run_path(target, run_name="__main__")
        else:
            runpy.run_module(target, run_name="__main__", alter_sys=True)
    helps[target] = out.getvalue()
print(json.dumps(helps))
"""


def commands() -> dict[str, set[str]]:
    """{what runs (app.py or a module), every flag the table's rows give it}."""
    found: dict[str, set[str]] = {}
    for row in re.findall(r"^\| `([^`]+)`", TABLE, re.MULTILINE):
        target = re.search(r" -m (\S+)| (\S+\.py)\b", row).group(1, 2)
        target = target[0] or target[1]
        flags = set(re.findall(r"(--[a-z][a-z0-9-]*)", row.split(target, 1)[1]))
        found.setdefault(target, set()).update(flags)
    return found


def test_every_flag_in_the_command_table_is_one_its_command_takes():
    table = commands()
    assert {"app.py", "mnist_cnn.train", "mnist_cnn.evaluate", "benchmarks.report"} <= set(table)
    done = subprocess.run([sys.executable, "-c", HELPS, json.dumps(sorted(table))], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    helps = json.loads(done.stdout.splitlines()[-1])
    for target, flags in table.items():
        assert helps[target].startswith("usage:"), f"{target}: {helps[target][:200]}"
        listed = set(re.findall(r"(--[a-z][a-z0-9-]*)", helps[target]))
        assert flags <= listed, f"docs/COMMANDS.md gives {target} {sorted(flags - listed)}, which its --help lacks"


def test_every_flag_of_every_command_is_in_the_generated_section():
    done = subprocess.run([sys.executable, "-m", "harness.commands", "--check"], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr  # python -m harness.commands rewrites it
