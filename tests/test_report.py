"""Figures in README and docs come from `python -m benchmarks.report`: every block names the command behind it."""

import re

from benchmarks.report import BENCHMARKS, DOCUMENTS, MARKER, as_markdown, block, headlines


def test_every_figure_block_names_a_benchmark_and_its_command():
    names = []
    for document in DOCUMENTS:
        text = document.read_text()
        assert text.count("<!-- figures:") == text.count("<!-- /figures:"), document
        for match in MARKER.finditer(text):
            name = match["name"]
            names.append(name)
            if name == "headlines":
                rows = [line for line in match[0].splitlines() if line.startswith("| ") and "---" not in line][1:]
                row = r"\| `python -m [^`]+` \| \d{4}-\d\d-\d\d; code [0-9a-f]+ \|$"
                assert rows and all(re.search(row, line) for line in rows)
            else:
                assert name in BENCHMARKS, f"{document.name}: {name}"
                assert f"`python {' '.join(BENCHMARKS[name])}`" in match[0], f"{document.name}: {name}"
    assert "headlines" in names and set(BENCHMARKS) <= set(names)


def test_a_block_keeps_tables_and_fences_the_rest():
    output = "machine: x\ncommand: y\n\n| a | b |\n| --- | --- |\n| 1 | 2 |\n\nworst 3 %\nheadline: thing | 4 %\n"
    text = block("styles", output, "here, today")
    assert text.startswith("<!-- figures: styles -->\n`python -m benchmarks.styles --n 500` (here, today)")
    assert "| 1 | 2 |" in text and "```text\nworst 3 %\n```" in text and "machine:" not in text
    table = headlines({"styles": output}, {"styles": "today"})
    assert "| thing | 4 % | `python -m benchmarks.styles --n 500` | today |" in table
    assert as_markdown(["| x |", "| y |"]) == "| x |\n| y |"


def test_tables_printed_one_after_another_stay_apart():
    text = as_markdown(["| a |", "| --- |", "| 1 |", "", "| b |", "| --- |", "| 2 |"])
    assert text == "| a |\n| --- |\n| 1 |\n\n| b |\n| --- |\n| 2 |"


def test_running_one_benchmark_again_keeps_the_other_headline_rows_and_their_dates():
    previous = headlines({"styles": "headline: styles | 1 %\n", "hostile": "headline: hostile | 2 ms\n"},
                         {"styles": "day one", "hostile": "day one"})
    again = headlines({"hostile": "headline: hostile | 3 ms\n"}, {"hostile": "day two"}, previous)
    assert "| styles | 1 % | `python -m benchmarks.styles --n 500` | day one |" in again
    assert "| hostile | 3 ms | `python -m benchmarks.hostile` | day two |" in again and "2 ms" not in again
    assert again.index("| styles |") < again.index("| hostile |")  # the benchmarks' order
    assert again.count("Measured on") == 1 and "again" not in again  # one plain line, no chain of runs
