"""A visitor's training runs kept side by side on the Train tab, so that the effect of one choice shows: one line
per run on each plot, labelled by what differs between the runs, a table of runs, the experiments the article
suggests (each a pair of runs that differ in one choice, and a sentence on what the visitor's own runs showed),
and where two runs' errors differ.

Its limits: KEEP_RUNS runs per visitor's page and KEPT_BYTES of weights on the server, the oldest forgotten first,
and nothing once the page closes. A run is kept as its curves, its confusion matrix and its weights in float16
(safetensors bytes: 0.4-1.7 MB, by the network's width), made into a network again only when the visitor picks it
for the Read tab (webpage.training.Networks keeps that one, as it keeps a new run's).
"""

import threading
from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
from safetensors.numpy import load as load_tensors
from safetensors.numpy import save as save_tensors

from mnist_cnn.live import CHOICES, network_of
from mnist_cnn.predict import DigitClassifier
from webpage.text import say

KEEP_RUNS = 4
"""Runs kept per visitor's page; a fifth forgets the oldest."""
KEPT_BYTES = 64 * 2**20
"""Kept runs' weights in all, on the server: sixteen pages' four runs of the tab's default network (0.8 MB each)
fit; the widest network takes twice that, and then the oldest runs go first."""
CONFUSED_SHOWN = 3
"""Pairs of digits shown for each run, the most confused first."""
RUN_COLOURS = ("#2563eb", "#f97316", "#16a34a", "#9333ea", "#dc2626")
"""One colour per kept run (and the one training now), in order."""

EXPERIMENTS: dict[str, tuple[dict, dict]] = {
    "kernel": ({"kernel": 5}, {"kernel": 3}),
    "norm": ({"norm": "none"}, {"norm": "batch"}),
    "pool": ({"pool": "max"}, {"pool": "avg"}),
    "width": ({"width": 8}, {"width": 32}),
    "optimizer": ({"optimizer": "sgd", "lr": 1e-2}, {"optimizer": "adam", "lr": 1e-3}),
    "lr": ({"lr": 1e-3}, {"lr": 3e-2}),
}
"""Each experiment the tab offers: the two runs' changes to the visitor's own choices (webpage.text's
"experiment_NAME" asks its question)."""
SAME_WITHIN = 0.2
"""Two runs' test accuracies this many points apart or less are the same, as far as one run each can show."""


@dataclass(frozen=True)
class Run:
    """One finished run, as the tab keeps it."""

    number: int  # 1, 2, ... on this page
    choices: dict
    points: list[dict]  # the curves' points ("seconds", "check_loss", "check_accuracy")
    seconds: float
    test_accuracy: float  # 0..1, on MNIST test
    confusion: list[list[int]]  # [true digit][answer]
    weights: bytes  # safetensors, floats in float16
    metadata: dict

    def network(self) -> DigitClassifier:
        """The run's network, made again from its kept weights."""
        state = {key: value.astype(np.float32) if value.dtype == np.float16 else value
                 for key, value in load_tensors(self.weights).items()}
        return DigitClassifier(network_of(state, self.metadata), self.metadata)


def kept_weights(state: dict[str, np.ndarray]) -> bytes:
    """A run's weights as safetensors bytes, its floating-point arrays in float16 (integers, such as batch
    normalization's step count, as they are)."""
    return save_tensors({key: value.astype(np.float16) if np.issubdtype(value.dtype, np.floating) else value
                         for key, value in state.items()})


class Runs:
    """Every visitor's kept runs, by session: KEEP_RUNS each and KEPT_BYTES of weights in all (beyond, the oldest
    earlier run of any page goes first, then the oldest pages' latest)."""

    def __init__(self, keep: int = KEEP_RUNS, kept_bytes: int = KEPT_BYTES) -> None:
        self.keep, self.kept_bytes = keep, kept_bytes
        self.lock = threading.Lock()
        self.by_session: dict[str, list[Run]] = {}
        self.counted: dict[str, int] = {}
        self.oldest_first: list[tuple[str, Run]] = []

    def add(self, session: str, choices: dict, points: list[dict], news: dict) -> Run:
        """Keep a finished run (its "done" news from mnist_cnn.live) and forget what goes beyond the bounds."""
        run = Run(0, dict(choices), [{key: p[key] for key in ("seconds", "check_loss", "check_accuracy")}
                                     for p in points], news["seconds"], news["test_accuracy"], news["confusion"],
                  kept_weights(news["state"]), news["metadata"])
        with self.lock:
            number = self.counted.get(session, 0) + 1
            self.counted[session] = number
            run = replace(run, number=number)
            self.by_session.setdefault(session, []).append(run)
            self.oldest_first.append((session, run))
            for older in self.by_session[session][:-self.keep]:
                self._drop(session, older)
            total = sum(len(kept.weights) for _, kept in self.oldest_first)
            for latest_too in (False, True):  # pages' earlier runs first, then their latest (as Networks forgets)
                for owner, kept in list(self.oldest_first[:-1]):
                    if total <= self.kept_bytes:
                        return run
                    if latest_too or kept is not self.by_session[owner][-1]:
                        self._drop(owner, kept)
                        total -= len(kept.weights)
            return run

    def _drop(self, session: str, run: Run) -> None:
        self.by_session[session].remove(run)
        self.oldest_first.remove((session, run))

    def of(self, session: str) -> list[Run]:
        with self.lock:
            return list(self.by_session.get(session, []))

    def get(self, session: str, number: int) -> Run | None:
        return next((run for run in self.of(session) if run.number == number), None)

    def forget(self, session: str) -> None:
        with self.lock:
            self.by_session.pop(session, None)
            self.counted.pop(session, None)
            self.oldest_first = [(owner, run) for owner, run in self.oldest_first if owner != session]

    def nbytes(self) -> int:
        """What the kept runs' weights take, in bytes."""
        with self.lock:
            return sum(len(run.weights) for _, run in self.oldest_first)


def choice_words(key: str, value, lang: str) -> str:
    """One choice in a few words: "3x3 kernels", "batch norm", "Adam"."""
    if isinstance(CHOICES[key][0], str):
        return say(lang, f"label_{key}_{value}")
    shown = f"{value:,}" if key == "images" else f"{value:g}"
    return say(lang, f"label_{key}", value=shown)


def labels(choices: list[dict], numbers: list[int], lang: str) -> list[str]:
    """A label for each run (its choices and number): the number and its values of the choices that differ between
    the runs ("#2 batch norm" beside "#1 no normalization"); the number alone where none differs."""
    varying = [key for key in CHOICES if len({run[key] for run in choices}) > 1]
    return [" ".join([f"#{number}", *(choice_words(key, run[key], lang) for key in varying)])
            for number, run in zip(numbers, choices)]


def run_labels(runs: list[Run], lang: str, training: dict | None = None) -> list[str]:
    """The kept runs' labels, and the one training now last (with `training`'s choices), numbered as on the page."""
    choices = [run.choices for run in runs] + ([training] if training is not None else [])
    numbers = [run.number for run in runs] + ([runs[-1].number + 1 if runs else 1] if training is not None else [])
    return labels(choices, numbers, lang)


def curves(runs: list[Run], lang: str, training: dict | None = None, points: list[dict] | None = None) -> tuple:
    """The loss and accuracy plots' data: one line per run on the held-out images, the run training now (its
    `training` choices and `points` so far) last. Returns (frame, colour map)."""
    names = run_labels(runs, lang, training)
    series = [run.points for run in runs] + ([points or []] if training is not None else [])
    rows = [(p["seconds"], name, p["check_loss"], 100 * p["check_accuracy"])
            for name, line in zip(names, series) for p in line]
    frame = pd.DataFrame(rows, columns=["seconds", "series", "loss", "accuracy"])
    return frame, dict(zip(names, RUN_COLOURS))


def confused_pairs(confusion: list[list[int]], shown: int = CONFUSED_SHOWN) -> list[tuple[int, int, int]]:
    """The pairs of digits most often taken one for the other, either way: (a, b, count), a < b, most first."""
    pairs = [(a, b, confusion[a][b] + confusion[b][a]) for a in range(10) for b in range(a + 1, 10)]
    return sorted((pair for pair in pairs if pair[2]), key=lambda pair: -pair[2])[:shown]


def runs_table(runs: list[Run], lang: str) -> str:
    """The table of kept runs: one row each, with its choices, time, test accuracy and most confused pairs."""
    head = "".join(f"<th>{say(lang, key)}</th>" for key in
                   ("run_label", "run_choices", "run_seconds", "run_accuracy", "run_confused"))
    rows = []
    for run, label in zip(runs, run_labels(runs, lang)):
        choices = ", ".join(choice_words(key, run.choices[key], lang) for key in CHOICES)
        confused = ", ".join(f"{a}↔{b} ({count})" for a, b, count in confused_pairs(run.confusion)) or "-"
        rows.append(f'<tr data-run="{run.number}"><td>{label}</td><td>{choices}</td><td>{run.seconds:.0f} s</td>'
                    f'<td class="run-accuracy">{100 * run.test_accuracy:.1f} %</td><td>{confused}</td></tr>')
    return f'<table class="train-runs"><thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'


def experiment_choices(name: str, choices: dict) -> tuple[dict, dict]:
    """The two runs of an experiment: the visitor's own choices, changed as the experiment says."""
    first, second = EXPERIMENTS[name]
    return {**choices, **first}, {**choices, **second}


def finding(name: str, runs: list[Run], lang: str) -> str | None:
    """What the visitor's own runs showed for an experiment: the latest two runs that differ in exactly its
    choices and agree on the rest, compared on MNIST test; None when no such pair is kept."""
    keys = set(EXPERIMENTS[name][0])
    for later_index in range(len(runs) - 1, 0, -1):
        later = runs[later_index]
        for earlier in reversed(runs[:later_index]):
            differ = {key for key in CHOICES if earlier.choices[key] != later.choices[key]}
            if differ and differ <= keys:
                return compare(earlier, later, lang)
    return None


def compare(first: Run, second: Run, lang: str) -> str:
    """One sentence: two runs' test accuracies, and which read more (or that one run each cannot tell them apart)."""
    names = run_labels([first, second], lang)
    points = 100 * (second.test_accuracy - first.test_accuracy)
    values = dict(first=names[0], second=names[1], first_percent=f"{100 * first.test_accuracy:.1f}",
                  second_percent=f"{100 * second.test_accuracy:.1f}")
    if abs(points) <= SAME_WITHIN:
        return say(lang, "finding_same", **values)
    return say(lang, "finding", **values, better=names[1] if points > 0 else names[0], points=f"{abs(points):.1f}")


def confusion_difference(first: Run, second: Run, lang: str) -> str:
    """Where two runs' errors differ: the second's count minus the first's for each true digit and answer off the
    diagonal (more errors red, fewer green), and each run's total of errors."""
    head = "".join(f"<th>{d}</th>" for d in range(10))
    rows = []
    for true in range(10):
        cells = []
        for answer in range(10):
            change = second.confusion[true][answer] - first.confusion[true][answer]
            if true == answer:
                cells.append('<td class="diagonal"></td>')
            else:
                mark = "more" if change > 0 else "fewer" if change < 0 else ""
                cells.append(f'<td class="{mark}">{f"{change:+d}" if change else ""}</td>')
        rows.append(f"<tr><th>{true}</th>{''.join(cells)}</tr>")
    names = run_labels([first, second], lang)
    errors = [sum(map(sum, run.confusion)) - sum(run.confusion[d][d] for d in range(10)) for run in (first, second)]
    head_words = say(lang, "difference_head", first=names[0], second=names[1], first_errors=errors[0],
                     second_errors=errors[1])
    return (f"<p>{head_words}</p>"
            f'<table class="train-confusion train-difference"><thead><tr><th></th>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')
