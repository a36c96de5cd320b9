"""The Train tab's side of the server: one run at a time (the others wait in line), what the tab shows as a run
goes, and each visitor's trained network, kept for their session only.

Its limits, for a tab that visitors use and scripts cannot take over: one run on the server at a time; LINE places
in all (the run and those waiting), one per visitor's page and ADDRESS_PLACES per address, and a call beyond them is
told so at once instead of waiting; a run ends after mnist_cnn.live.CAP_S seconds; a closed page's run is stopped
and its process reaped on a thread of its own, so that nothing waits for it.

An experiment (webpage/runs.py) is two runs in one place in line, the second only when the first ran its course.
Picking and comparing kept runs reach only the page's own runs (any other number changes nothing); a picked run's
download is one file per run in a folder of the server's own naming, removed with the page.

The run itself is mnist_cnn.live's: `python -m mnist_cnn.train`'s recipe code in a process of its own.
"""

import html
import re
import secrets
import shutil
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass, fields
from pathlib import Path

import gradio as gr
import pandas as pd

from mnist_cnn.checkpoint import save_checkpoint
from mnist_cnn.errors import CheckpointError
from mnist_cnn.live import LiveRun, argv_of, network_of
from mnist_cnn.predict import DigitClassifier
from webpage.pictures import picture_url
from webpage.runs import Runs, confusion_difference, experiment_choices, finding, run_labels, runs_table
from webpage.runs import curves as runs_curves
from webpage.text import say

KEEP_NETWORKS = 16
"""Visitors' networks kept at once (about 2 MB each); beyond, the least recently trained goes first."""
LINE = 8
"""Places in line: the run going and the visitors waiting for theirs; a visitor who finds it full is told so at once."""
ADDRESS_PLACES = 4
"""Places one address may hold (a class behind one router shares the rest of the line with everyone else)."""
DOWNLOAD_NAME = "my-mnist-network.safetensors"
CURVE_COLOURS = ("#2563eb", "#f97316")
"""The curves on the training images and on the held-out images, named by the legend above the plots."""


@dataclass(eq=False)
class Ticket:
    """One visitor's place in the line: waiting, then running (`run`), until it leaves."""

    session: str
    address: str = ""
    run: LiveRun | None = None
    left: bool = False


class Line:
    """Runs one at a time, in the order asked for; a visitor may leave the line (or stop their run) any time."""

    def __init__(self) -> None:
        self.changed = threading.Condition()
        self.tickets: list[Ticket] = []

    def join(self, session: str, address: str = "") -> Ticket | str:
        """A place in line, or why there is none: "in_line_already" (one per page), "line_full_address" (the
        address holds ADDRESS_PLACES) or "line_full" (LINE in all)."""
        with self.changed:
            if any(t.session == session for t in self.tickets):
                return "in_line_already"
            if len(self.tickets) >= LINE:
                return "line_full"
            if sum(t.address == address for t in self.tickets) >= ADDRESS_PLACES:
                return "line_full_address"
            self.tickets.append(ticket := Ticket(session, address))
            return ticket

    def place(self, ticket: Ticket) -> int:
        """0: its turn (or it left); 1: the next, and so on."""
        with self.changed:
            return self.tickets.index(ticket) if ticket in self.tickets else 0

    def wait(self, ticket: Ticket, timeout: float) -> int:
        """Its place once it has changed, or after `timeout` seconds."""
        with self.changed:
            before = self.place(ticket)
            self.changed.wait_for(lambda: self.place(ticket) != before, timeout)
            return self.place(ticket)

    def leave(self, ticket: Ticket) -> None:
        with self.changed:
            ticket.left = True
            if ticket in self.tickets:
                self.tickets.remove(ticket)
            self.changed.notify_all()

    def stop(self, session: str) -> None:
        """The session's run ends (keeping its network), or the session leaves the line."""
        with self.changed:
            for ticket in [t for t in self.tickets if t.session == session]:
                if ticket.run is not None:
                    ticket.run.stop()
                else:
                    self.leave(ticket)


class Networks:
    """Visitors' trained networks, each under a key the visitor's page sends with its drawings."""

    def __init__(self, keep: int = KEEP_NETWORKS) -> None:
        self.keep = keep
        self.lock = threading.Lock()
        self.by_key: OrderedDict[str, tuple[str, DigitClassifier]] = OrderedDict()

    def add(self, session: str, network: DigitClassifier) -> str:
        """Keep the session's new network instead of its earlier one, under the same key (a drawing sent while a
        run is picked gets an answer from one or the other, never none); the key to ask for it by."""
        with self.lock:
            key = next((k for k, (s, _) in self.by_key.items() if s == session), None) or secrets.token_urlsafe(16)
            self.by_key.pop(key, None)
            self.by_key[key] = (session, network)  # the most recently trained last
            while len(self.by_key) > self.keep:
                self.by_key.popitem(last=False)
        return key

    def get(self, key: str | None) -> DigitClassifier | None:
        with self.lock:
            kept = self.by_key.get(key or "")
        return kept[1] if kept else None

    def forget(self, session: str) -> None:
        with self.lock:
            for key in [k for k, (s, _) in self.by_key.items() if s == session]:
                del self.by_key[key]


@dataclass
class TabView:
    """What the Train tab shows; each field fills the component of the same name in app.py (gr.skip(): as is)."""

    progress: object = None
    loss_plot: object = None
    accuracy_plot: object = None
    legend: object = None
    kernels: object = None
    digits: object = None
    accuracy: object = None
    results: object = None
    download: object = None
    your_key: object = None
    your_chart: object = None
    runs: object = None
    pick: object = None
    compare: object = None
    difference: object = None
    finding: object = None

    def values(self) -> tuple:
        return tuple(gr.skip() if getattr(self, f.name) is None else getattr(self, f.name) for f in fields(self))


def progress_html(sentence: str, done: float | None = None) -> str:
    """A progress bar (none before the run starts) and a sentence in words (its **bold** made bold)."""
    bar = "" if done is None else f'<progress max="1" value="{done:.3f}"></progress>'
    words = re.sub(r"[*][*](.+?)[*][*]", r"<strong>\1</strong>", sentence)
    return f'{bar}<p class="train-sentence">{words}</p>'


def curves(points: list[dict], lang: str) -> tuple[dict, dict, str]:
    """The loss and accuracy curves (on the training and the held-out images) as the two plots' updates."""
    series = {"": say(lang, "series_training"), "check_": say(lang, "series_check")}
    rows = [(p["seconds"], name, p[f"{prefix}loss"], 100 * p[f"{prefix}accuracy"])
            for p in points for prefix, name in series.items()]
    frame = pd.DataFrame(rows, columns=["seconds", "series", "loss", "accuracy"])
    return plot_updates(frame, dict(zip(series.values(), CURVE_COLOURS)), lang)


def plot_updates(frame: pd.DataFrame, colours: dict, lang: str) -> tuple[dict, dict, str]:
    """The two plots' updates from one frame of seconds, series, loss and accuracy, and the legend they share."""
    # the plots' own legend falls below their box (page.css hides it): the legend above the plots names the lines
    titles = {"x_title": say(lang, "plot_seconds"), "color_title": "", "color_map": colours,
              "colors_in_legend": list(colours)}  # a new set of series redraws the plot (its colours' domain too)
    plots = tuple(gr.update(value=frame[["seconds", "series", name]], y_title=say(lang, f"plot_{name}"), **titles)
                  for name in ("loss", "accuracy"))
    return (*plots, legend_html(colours))


def legend_html(colours: dict) -> str:
    """One swatch and name per line on the plots, in their order."""
    items = "".join(f'<span class="train-legend-item" data-colour="{colour}"><i style="background:{colour}"></i>'
                    f"{html.escape(name)}</span>" for name, colour in colours.items())
    return f'<p class="train-legend">{items}</p>'



def digits_html(pictures: list[str], labels: list[int], answers: list[int] | None) -> str:
    """Test digits (PNG data URLs), each with the network's current answer (green when right, red when wrong)."""
    cells = []
    for picture, label, answer in zip(pictures, labels, answers or [None] * len(labels)):
        mark = "" if answer is None else ("right" if answer == label else "wrong")
        said = "" if answer is None else str(answer)
        cells.append(f'<figure class="train-digit {mark}" data-label="{label}" data-answer="{said}">'
                     f'<img src="{picture}" alt="{label}"><figcaption>{said or "&nbsp;"}</figcaption>'
                     "</figure>")
    return f'<div class="train-digits">{"".join(cells)}</div>'


def results_html(news: dict, lang: str) -> str:
    """After a run: the confusion matrix on MNIST test and the test digits it got wrong."""
    confusion = news["confusion"]
    head = "".join(f"<th>{d}</th>" for d in range(10))
    rows = "".join(f"<tr><th>{true}</th>" + "".join(
        f'<td class="{"diagonal" if true == answer else ("off" if count else "")}">{count}</td>'
        for answer, count in enumerate(row)) + "</tr>" for true, row in enumerate(confusion))
    wrong = news["wrong"]
    count = sum(sum(row) for row in confusion) - sum(confusion[d][d] for d in range(10))
    return (f'<p>{say(lang, "confusion_head")}</p><table class="train-confusion"><thead><tr><th></th>{head}</tr>'
            f"</thead><tbody>{rows}</tbody></table>"
            f'<p>{say(lang, "wrong_head", count=count, shown=len(wrong["labels"]))}</p>'
            + digits_html(list(map(picture_url, wrong["images"])), wrong["labels"], wrong["answers"]))


def run_number(value) -> int:
    """A run's number as the page sent it (0, which no run has, for anything else)."""
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return 0


class TrainTab:
    """The tab's events: `train` (a generator of TabView values; with `experiment`, a pair of runs one after the
    other), `stop`, `pick` and `compare` among a page's kept runs, and `forget` when a session ends."""

    def __init__(self) -> None:
        self.line = Line()
        self.networks = Networks()
        self.runs = Runs()
        self.downloads: dict[str, Path] = {}  # a page's picked run's file (in a folder of its own), until it goes

    def train(self, choices: dict, session: str, address: str, lang: str, experiment: str | None = None):
        try:
            plan = [choices] if experiment is None else list(experiment_choices(experiment, choices))
            argvs = [argv_of(planned) for planned in plan]
        except (ValueError, KeyError):
            yield TabView(progress=progress_html(say(lang, "not_a_choice"))).values()
            return
        ticket = self.line.join(session, address)
        if isinstance(ticket, str):  # no place: said at once, nothing waits
            yield TabView(progress=progress_html(say(lang, ticket))).values()
            return
        folders = []
        try:
            place = self.line.place(ticket)
            while place > 0:
                yield TabView(progress=progress_html(say(lang, "in_line", place=place))).values()
                place = self.line.wait(ticket, timeout=1.0)
            if ticket.left:
                yield TabView(progress=progress_html(say(lang, "left_line"))).values()
                return
            for planned, argv in zip(plan, argvs):  # an experiment's second run only if its first ran its course
                if ticket.run is not None:
                    threading.Thread(target=ticket.run.close, name="reap-run", daemon=True).start()
                ticket.run = LiveRun(argv)
                yield TabView(progress=progress_html(say(lang, "starting"), 0.0), accuracy="", results="",
                              download=gr.update(value=None, visible=False)).values()
                points, test_digits, stopped = [], None, True
                for news in ticket.run:
                    if news["kind"] == "start":  # the same digits all run long: their pictures made once
                        test_digits = list(map(picture_url, news["digits"])), news["labels"]
                    elif news["kind"] == "step":
                        points.append(news)
                        yield self.step_view(news, points, test_digits, planned, session, lang).values()
                    elif news["kind"] == "error":
                        key = "no_mnist" if news["reason"] == "DataUnavailable" else "train_failed"
                        yield TabView(progress=progress_html(say(lang, key))).values()
                    else:
                        folders.append(tempfile.mkdtemp(prefix="mnist-cnn-train-"))
                        stopped = news["stopped"]
                        yield self.done_view(news, planned, points, session, Path(folders[-1]), lang,
                                             experiment).values()
                if stopped:
                    break
        finally:  # Gradio runs this on its event loop when the page closes: the process is reaped elsewhere
            self.line.leave(ticket)
            if ticket.run is not None:
                threading.Thread(target=ticket.run.close, name="reap-run", daemon=True).start()
            for folder in folders:  # Gradio has its own copy of the download by now
                shutil.rmtree(folder, ignore_errors=True)

    def step_view(self, news: dict, points: list[dict], test_digits, choices: dict, session: str,
                  lang: str) -> TabView:
        done = (news["epoch"] - 1 + news["step"] / news["steps"]) / news["epochs"]
        kept = self.runs.of(session)  # with runs kept, one line per run on the held-out images
        loss, accuracy, legend = plot_updates(*runs_curves(kept, lang, choices, points), lang) if kept else \
            curves(points, lang)
        sentence = say(lang, "training", epoch=news["epoch"], epochs=news["epochs"], step=news["step"],
                       steps=news["steps"], seconds=f"{news['seconds']:.0f}")
        return TabView(progress=progress_html(sentence, done), loss_plot=loss, accuracy_plot=accuracy, legend=legend,
                       kernels=f'<img class="train-kernels" src="{picture_url(news["kernels"])}" alt="">',
                       digits=digits_html(*test_digits, news["answers"]) if test_digits else None)

    def done_view(self, news: dict, choices: dict, points: list[dict], session: str, folder: Path, lang: str,
                  experiment: str | None = None) -> TabView:
        try:
            network = DigitClassifier(network_of(news["state"], news["metadata"]), news["metadata"])
        except CheckpointError:
            return TabView(progress=progress_html(say(lang, "train_failed")))
        key = self.networks.add(session, network)
        run = self.runs.add(session, choices, points, news)
        kept = self.runs.of(session)
        path = folder / DOWNLOAD_NAME
        save_checkpoint(network.model, path, news["metadata"])
        sentence = say(lang, "stopped" if news["stopped"] else "trained", seconds=f"{news['seconds']:.0f}")
        options = list(zip(run_labels(kept, lang), [kept_run.number for kept_run in kept]))
        loss, accuracy, legend = plot_updates(*runs_curves(kept, lang), lang) if len(kept) > 1 else (None,) * 3
        said = finding(experiment, kept, lang) if experiment else None
        return TabView(progress=progress_html(sentence, 1.0), loss_plot=loss, accuracy_plot=accuracy, legend=legend,
                       accuracy=say(lang, "test_accuracy", percent=f"{100 * news['test_accuracy']:.1f}"),
                       results=results_html(news, lang), download=gr.update(value=str(path), visible=True),
                       your_key=key, your_chart=gr.update(visible=True), runs=runs_table(kept, lang),
                       pick=gr.update(choices=options, value=run.number),
                       compare=gr.update(choices=options, value=kept[-2].number if len(kept) > 1 else None),
                       difference=self.compare(session, kept[-2].number, run.number, lang) if len(kept) > 1 else "",
                       finding=said)

    def pick(self, session: str, number: int | None, lang: str) -> tuple:
        """A kept run chosen for the Read tab: (the key its network is asked for by, its download, a sentence)."""
        run = self.runs.get(session, run_number(number))
        if run is None:
            return gr.skip(), gr.skip(), gr.skip()
        network = run.network()
        key = self.networks.add(session, network)
        # the session's name comes from the page: the folder's is the server's own
        if session not in self.downloads:
            self.downloads[session] = Path(tempfile.mkdtemp(prefix="mnist-cnn-picked-"))
        path = self.downloads[session] / f"{run.number}" / DOWNLOAD_NAME
        path.parent.mkdir(exist_ok=True)
        save_checkpoint(network.model, path, run.metadata)
        label = run_labels(self.runs.of(session), lang)[self.runs.of(session).index(run)]
        return key, gr.update(value=str(path), visible=True), say(lang, "run_picked", label=label)

    def compare(self, session: str, first: int | None, second: int | None, lang: str) -> str:
        """Where two kept runs' errors differ (empty until two are chosen)."""
        runs = [self.runs.get(session, run_number(number)) for number in (first, second)]
        if None in runs or runs[0] is runs[1]:
            return ""
        return confusion_difference(*sorted(runs, key=lambda run: run.number), lang)

    def stop(self, session: str) -> None:
        self.line.stop(session)

    def forget(self, session: str) -> None:
        """The session has ended: its run stops, and its networks and kept runs go."""
        self.line.stop(session)
        self.networks.forget(session)
        self.runs.forget(session)
        folder = self.downloads.pop(session, None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
