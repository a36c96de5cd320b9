"""Every figure block still describes the shipped networks and code: its stamp names the networks it read and the
commit it measured, and nothing it measured has moved since (`benchmarks.freshness`)."""

import subprocess

import pytest

from benchmarks import freshness
from benchmarks.freshness import Stamp
from benchmarks.report import BENCHMARKS, DOCUMENTS, MARKER, module
from tests.conftest import unavailable


@pytest.fixture(scope="module")
def history():
    """The stamps name commits, so the clone needs its history (a shallow or archived copy has none)."""
    try:
        shallow = freshness.git("rev-parse", "--is-shallow-repository")
    except (subprocess.CalledProcessError, FileNotFoundError):
        unavailable("not a git clone: the figures' commits cannot be checked")
    else:
        if shallow == "true":
            unavailable("a shallow clone: fetch its history (git fetch --unshallow) to check the figures' commits")


def blocks():
    """(document, name, block text) of every figure block but README's headline table."""
    for document in DOCUMENTS:
        for match in MARKER.finditer(document.read_text()):
            if match["name"] != "headlines":
                yield document.relative_to(freshness.ROOT), match["name"], match[0]


def test_every_figure_block_measured_the_shipped_networks_and_the_code_as_it_is(history):
    stale = {}
    for document, name, text in blocks():
        for reason in freshness.stale(module(name), Stamp.parse(text.splitlines()[1])):
            stale.setdefault(name, []).append(f"{document} '{name}': {reason}")
    names = " ".join(name for name in BENCHMARKS if name in stale)
    assert not stale, ("figures that no longer describe what ships:\n" + "\n".join(sum(stale.values(), []))
                       + f"\nre-run them: python -m benchmarks.report --only {names}")


def test_every_headline_row_carries_its_blocks_date_and_commit():
    stamps = {name: Stamp.parse(text.splitlines()[1]) for _, name, text in blocks()}
    readme = (freshness.ROOT / "README.md").read_text()
    table = next(m[0] for m in MARKER.finditer(readme) if m["name"] == "headlines")
    commands = {f"`python {' '.join(command)}`": name for name, command in BENCHMARKS.items()}
    rows = [line for line in table.splitlines() if line.startswith("| ") and "`python" in line]
    assert rows
    for row in rows:
        name = next(name for command, name in commands.items() if f"| {command} |" in row)
        block = stamps[name]
        assert block is not None and row.endswith(f"| {block.day}; code {block.code} |"), row


def test_a_network_other_than_the_shipped_one_is_named(history):
    now = freshness.stamp_now("benchmarks.styles", "2026-12-05")
    assert not [r for r in freshness.stale("benchmarks.styles", now) if "network" in r]
    retrained = Stamp(now.day, {"mnist_cnn.safetensors": "0" * freshness.SHORT}, now.code)
    assert any("the shipped one is" in reason for reason in freshness.stale("benchmarks.styles", retrained))


def test_a_measured_file_changed_after_the_stamped_commit_is_named(history):
    first = freshness.git("log", "--diff-filter=A", "--format=%h", "--", "mnist_cnn/preprocess.py").split()[-1]
    before = Stamp("2026-12-05", freshness.networks("benchmarks.styles"), first)  # the chain has grown since
    assert any("mnist_cnn/preprocess.py" in reason for reason in freshness.stale("benchmarks.styles", before))
    # a file the benchmark does not measure does not make its figures stale
    assert "webpage/page.js" not in freshness.measured_files("benchmarks.styles")


def test_what_a_benchmark_measures_follows_its_imports_and_declarations():
    files = freshness.measured_files("benchmarks.stroke_latency")
    assert {"benchmarks/stroke_latency.py", "app.py", "webpage/page.js", "webpage/drawing_route.py",
            "mnist_cnn/preprocess.py", "harness/page.py", "requirements.txt"} <= set(files)
    assert set(freshness.networks("benchmarks.model_card")) == {"mnist_cnn.safetensors", "article.safetensors",
                                                                "sequence.safetensors"}
    for name in BENCHMARKS:  # every declared file exists, every named network is a constant of mnist_cnn.config
        assert all((freshness.ROOT / path).is_file() for path in freshness.measured_files(module(name))), name
        freshness.networks(module(name))


def test_a_stamp_reads_back_as_written():
    stamp = Stamp("2026-12-05", {"mnist_cnn.safetensors": "fa4f05c26671", "article.safetensors": "de742e59f848"},
                  "0123456789ab")
    assert Stamp.parse(f"`python -m x` (x86_64, 2 cores, Python 3.11.7, {stamp}):") == stamp
    assert Stamp.parse(str(Stamp("2026-12-05", {}, "0123456789ab"))) == Stamp("2026-12-05", {}, "0123456789ab")
    assert Stamp.parse("(x86_64, 2 cores, Python 3.11.7, 2026-11-30):") is None


def test_docstrings_and_comments_are_not_what_a_figure_measured():
    code = 'LIMIT = 2\n"""The factor."""\n\n\ndef f(x):\n    """Twice x."""\n    return LIMIT * x  # doubled\n'
    assert freshness.without_docs(code) == freshness.without_docs(code.replace("Twice x.", "Double.").replace(
        "# doubled", "# two times").replace("The factor.", "How many times."))
    assert freshness.without_docs(code) != freshness.without_docs(code.replace("LIMIT = 2", "LIMIT = 3"))
    head = freshness.git("rev-parse", "HEAD")
    assert not freshness.code_differs("benchmarks/freshness.py", head) or freshness.uncommitted(
        ("benchmarks/freshness.py",))
