"""What a figure block measured, and whether it still describes the shipped network and code.

Each benchmark module declares, at its top level, two tuples of strings:

    MEASURES = ("app.py", "webpage/page.js")   # files it measures beyond its own imports (may be empty)
    NETWORKS = ("DEFAULT_CHECKPOINT",)         # the checkpoints it reads, by their name in mnist_cnn.config

The files a block measures are the benchmark module, `requirements.txt` (the pinned libraries), the files of
MEASURES, and every module of this repository that these import, followed import by import. The report stamps
each block with the short SHA-256 of each network and the commit of the code; `stale()` says, for a stamp, what
moved since: a network that is no longer the shipped one, or a measured file changed after the stamped commit (in
its code: a Python module whose docstrings or comments alone changed measures the same).
Everything here is read from the source with `ast`: nothing of the benchmarks is imported or run.
"""

import ast
import hashlib
import re
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from mnist_cnn import config

ROOT = Path(__file__).resolve().parent.parent
ALWAYS = ("requirements.txt",)
SHORT = 12  # hex digits of a network's SHA-256 and of a commit in a stamp

STAMP = re.compile(r"(?P<day>\d{4}-\d\d-\d\d)(?:; networks? (?P<networks>[^;)]+))?; code (?P<code>[0-9a-f]+)")


@dataclass(frozen=True)
class Stamp:
    day: str
    networks: dict[str, str]  # file name -> short SHA-256
    code: str  # short commit

    def __str__(self) -> str:
        nets = ", ".join(f"{name} {digest}" for name, digest in self.networks.items())
        word = "network" if len(self.networks) == 1 else "networks"
        return f"{self.day}{f'; {word} {nets}' if nets else ''}; code {self.code}"

    @classmethod
    def parse(cls, text: str) -> "Stamp | None":
        """The first stamp in `text`, or None."""
        match = STAMP.search(text)
        if match is None:
            return None
        pairs = [item.split() for item in (match["networks"] or "").split(",") if item.strip()]
        return cls(match["day"], {name: digest for name, digest in pairs}, match["code"])


def module_file(module: str) -> Path:
    """`benchmarks.styles` -> ROOT/benchmarks/styles.py."""
    return ROOT / (module.replace(".", "/") + ".py")


def declared(path: Path, name: str) -> tuple[str, ...]:
    """A module's top-level `name = (...)` of strings, or () when it declares none."""
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    return ()


def _imported_files(path: Path) -> set[Path]:
    """This repository's Python files that `path` imports (at any depth of its code, lazily or not)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    found = set()
    for name in names:
        parts = name.split(".")
        for depth in range(1, len(parts) + 1):  # a package's __init__ runs before its modules
            stem = ROOT.joinpath(*parts[:depth])
            found.update(p for p in (stem.with_suffix(".py"), stem / "__init__.py") if p.is_file())
    return found


@cache
def measured_files(module: str) -> tuple[str, ...]:
    """Every file the benchmark `module` measures, relative to the repository, sorted."""
    start = module_file(module)
    todo = [start, *(ROOT / name for name in (*ALWAYS, *declared(start, "MEASURES")))]
    seen: set[Path] = set()
    while todo:
        path = todo.pop()
        if path in seen:
            continue
        seen.add(path)
        if path.suffix == ".py":
            todo.extend(_imported_files(path) - seen)
    return tuple(sorted(str(p.relative_to(ROOT)) for p in seen))


def networks(module: str) -> dict[str, str]:
    """The checkpoints the benchmark reads: file name -> short SHA-256 of the file shipped now."""
    paths = [Path(getattr(config, name)) for name in declared(module_file(module), "NETWORKS")]
    return {path.name: hashlib.sha256(path.read_bytes()).hexdigest()[:SHORT] for path in paths}


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def uncommitted(files: tuple[str, ...]) -> list[str]:
    """Those of `files` that differ from the commit checked out (changed, added or untracked)."""
    return git("status", "--porcelain", "--", *files).splitlines()


def stamp_now(module: str, day: str) -> Stamp:
    """The stamp of a run made now: today, the shipped networks, the commit checked out."""
    return Stamp(day, networks(module), git("rev-parse", f"--short={SHORT}", "HEAD"))


def without_docs(source: str) -> str:
    """A Python module's code without its docstrings (a module's, a class's, a function's, and those written under
    a constant) and comments (ast drops those): every string standing alone as a statement, which does nothing."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            kept = [s for s in body if not (isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)
                                            and isinstance(s.value.value, str))]
            node.body = kept or [ast.Pass()]
    return ast.dump(tree)


def code_differs(path: str, commit: str) -> bool:
    """Whether `path` now differs from `commit` in what it does: for a Python module, more than its docstrings and
    comments; for any other file, at all."""
    try:
        before = git("show", f"{commit}:{path}")
    except subprocess.CalledProcessError:  # not there then
        return True
    now = (ROOT / path).read_text() if (ROOT / path).is_file() else ""
    if not path.endswith(".py"):
        return before != now.strip()
    try:
        return without_docs(before) != without_docs(now)
    except SyntaxError:
        return True


def stale(module: str, stamp: Stamp | None) -> list[str]:
    """Why a block stamped `stamp` no longer describes what ships (empty when it still does)."""
    if stamp is None:
        return ["it has no stamp of the network and code it measured"]
    reasons = []
    now = networks(module)
    if stamp.networks != now:
        reasons.append(f"it measured network {stamp.networks or 'none'}, the shipped one is {now or 'none'}")
    try:
        git("cat-file", "-e", f"{stamp.code}^{{commit}}")
    except subprocess.CalledProcessError:
        return [*reasons, f"its commit {stamp.code} is not in this clone's history"]
    changed = [path for path in git("diff", "--name-only", stamp.code, "--", *measured_files(module)).splitlines()
               if code_differs(path, stamp.code)]
    changed += [line[3:] for line in uncommitted(measured_files(module)) if line.startswith("??")]
    if changed:
        reasons.append(f"{', '.join(sorted(set(changed)))} changed after {stamp.code}")
    return reasons
