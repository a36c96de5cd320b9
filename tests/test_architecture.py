"""docs/ARCHITECTURE.md stays true: the three parts import only what it allows, and every file and function its
diagrams name is still where they say."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
# What each part must never import (the "may import" column, said the other way round).
FORBIDDEN = {
    "mnist_cnn": {"gradio", "webpage", "app", "harness", "benchmarks", "tests"},
    "webpage": {"app", "harness", "benchmarks", "tests"},
}


def imported(path: Path) -> set[str]:
    """The top-level names of every module a Python file imports, anywhere in it."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def defined(path: Path, name: str) -> bool:
    """Whether a Python file defines `name` (a function, a class or a method) or page.js defines it."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".js":
        return re.search(rf"(window\.{name}|const {name}) = ", text) is not None
    return re.search(rf"^\s*(async def|def|class) {name}\b", text, re.MULTILINE) is not None


def diagram_steps() -> list[tuple[str, list[str]]]:
    """(file, the names in it) for each step of the diagrams whose second column is a file of the project: the
    third column names functions (`a -> b`, `a, b`, `Class.method`) up to a colon, and says what they do after it."""
    steps = []
    for block in re.findall(r"```text\n(.*?)```", DOC, re.S):
        for line in block.splitlines():
            step = re.match(r"^\w*\s+([\w/]+\.(?:py|js))\s{2,}(.*)$", line)  # where, file, what
            if step:
                names = re.findall(r"[A-Za-z_][\w.]*", step[2].split(":")[0])
                steps.append((step[1], [name.split(".")[-1] for name in names]))
    return steps


def test_the_package_and_the_page_import_only_what_the_table_allows():
    for part, forbidden in FORBIDDEN.items():
        files = sorted((ROOT / part).glob("*.py"))
        assert files, part
        for path in files:
            assert not imported(path) & forbidden, f"{path.relative_to(ROOT)} imports {imported(path) & forbidden}"


def test_every_file_the_document_names_exists():
    named = set(re.findall(r"`((?:mnist_cnn|webpage|harness|benchmarks|tests|docs)/[\w./]+|app\.py)`", DOC))
    named |= {path for path, _ in diagram_steps()}
    assert {"webpage/page.js", "mnist_cnn/segment.py", "mnist_cnn/preprocess.py", "app.py"} <= named
    for path in named:
        assert (ROOT / path).exists(), f"docs/ARCHITECTURE.md names {path}, which is gone"


def test_every_step_of_the_drawings_journey_names_a_function_that_exists():
    steps = diagram_steps()
    assert ("mnist_cnn/segment.py", ["segment"]) in steps
    for path, names in steps:
        assert names, path
        for name in names:
            assert defined(ROOT / path, name), f"docs/ARCHITECTURE.md: {path} has no {name}"
