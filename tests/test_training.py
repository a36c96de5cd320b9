"""The Train tab's server side: one run at a time in the order asked for, and each visitor's network kept apart."""

from dataclasses import fields

import gradio as gr
import numpy as np

from mnist_cnn.live import TAB_DEFAULTS
from mnist_cnn.model import build_model
from mnist_cnn.predict import DigitClassifier
from webpage.text import CHINESE, ENGLISH
from webpage.training import Line, Networks, TabView, TrainTab, results_html


class FakeRun:
    stopped = False

    def stop(self):
        self.stopped = True


def test_runs_take_turns_in_the_order_asked_and_stop_leaves_the_line_or_stops_the_run():
    line = Line()
    first, second, third = line.join("a"), line.join("b"), line.join("c")
    assert [line.place(t) for t in (first, second, third)] == [0, 1, 2]
    first.run = FakeRun()
    line.stop("b")  # waiting: leaves the line
    assert second.left and [line.place(t) for t in (first, third)] == [0, 1]
    line.stop("a")  # running: its run is asked to stop, and it keeps its place until the run has ended
    assert first.run.stopped and not first.left and line.place(third) == 1
    line.leave(first)
    assert line.wait(third, timeout=0.1) == 0


def test_each_visitor_has_one_network_under_a_key_of_its_own_and_it_goes_with_the_session():
    networks = Networks(keep=2)
    network = DigitClassifier(build_model("seed"), {"mean": 0.5, "std": 0.5})
    first = DigitClassifier(build_model("seed"), {"mean": 0.5, "std": 0.5})
    key = networks.add("a", first)
    assert networks.add("a", network) == key  # a second run replaces the first, under the same key
    assert networks.get(key) is network and networks.get(None) is None
    other = networks.add("b", network)
    networks.add("c", network)  # beyond `keep`, the least recently trained goes
    assert networks.get(key) is None and networks.get(other) is network
    networks.forget("b")
    assert networks.get(other) is None


def test_a_choice_the_tab_does_not_offer_gets_one_sentence_and_starts_nothing():
    tab = TrainTab()
    shown = list(tab.train(TAB_DEFAULTS | {"epochs": 99}, "a", "address", CHINESE))
    assert len(shown) == 1 and "刷新页面" in shown[0][0] and tab.line.tickets == []
    assert len(shown[0]) == len(TabView().values())


def test_the_results_show_the_confusion_matrix_and_the_digits_it_got_wrong():
    confusion = np.diag([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]).tolist()
    confusion[3][5], confusion[3][3] = 10, 1000
    wrong = {"images": np.zeros((1, 28, 28), np.uint8), "labels": [3], "answers": [5]}
    html = results_html({"confusion": confusion, "wrong": wrong}, ENGLISH)
    assert "10 of 10,000" in html and html.count('class="train-digit wrong"') == 1
    assert html.count('class="diagonal"') == 10 and html.count('class="off"') == 1


def test_without_mnist_the_tab_says_so_in_one_sentence_and_the_line_is_free(tmp_path, monkeypatch):
    from harness.server import OFFLINE

    monkeypatch.setenv("MNIST_DATA_DIR", str(tmp_path))
    for name, value in OFFLINE.items():
        monkeypatch.setenv(name, value)
    tab = TrainTab()
    shown = [view[0] for view in tab.train(dict(TAB_DEFAULTS), "a", "address", ENGLISH)]
    assert "Starting" in shown[0] and shown[-1].count(".") == 1 and "no copy of MNIST" in shown[-1]
    assert tab.line.tickets == []


def test_one_place_per_page_a_share_per_address_and_a_full_line_refuses_at_once():
    from webpage.training import ADDRESS_PLACES, LINE

    line = Line()
    assert isinstance(line.join("a", "school"), type(line.join("b", "home")))
    assert line.join("a", "school") == "in_line_already"  # one place per page, however often it asks
    for page in range(ADDRESS_PLACES - 1):
        line.join(f"s{page}", "school")
    assert line.join("another", "school") == "line_full_address"  # the rest of the line is for other addresses
    for page in range(LINE - ADDRESS_PLACES - 1):
        line.join(f"h{page}", f"home{page}")
    assert len(line.tickets) == LINE and line.join("late", "elsewhere") == "line_full"


def test_a_visitor_without_a_place_is_told_so_in_one_view_without_waiting():
    tab = TrainTab()
    for page in range(8):
        tab.line.join(f"p{page}", f"address{page}")
    views = list(tab.train(dict(TAB_DEFAULTS), "late", "anywhere", ENGLISH))
    assert len(views) == 1 and "full" in views[0][0]


def test_closing_a_running_visitors_stream_does_not_wait_for_the_training_process(monkeypatch):
    import time

    import webpage.training as training

    class SlowToEnd:
        """A run whose process takes seconds to end once stopped."""

        def __init__(self, argv):
            self.closed = False

        def __iter__(self):
            while True:
                yield {"kind": "step", "epoch": 1, "epochs": 2, "step": 1, "steps": 10, "seconds": 1.0,
                       "loss": 1.0, "accuracy": 0.5, "check_loss": 1.0, "check_accuracy": 0.5,
                       "kernels": np.zeros((10, 10), np.uint8), "answers": []}

        def stop(self):
            pass

        def close(self):
            time.sleep(3)
            self.closed = True

    monkeypatch.setattr(training, "LiveRun", SlowToEnd)
    tab = TrainTab()
    views = tab.train(dict(TAB_DEFAULTS), "page", "address", ENGLISH)
    next(views), next(views)  # starting, then a step of the curves
    start = time.perf_counter()
    views.close()  # what Gradio does on its event loop when the page is closed
    assert time.perf_counter() - start < 0.5
    assert tab.line.tickets == []  # the place is given up at once; the process is reaped on a thread of its own


class QuickRun:
    """A run that learns nothing: a start, two steps and its untrained network; `stopped` as asked."""

    made: list[list[str]] = []
    stopped = False

    def __init__(self, argv):
        QuickRun.made.append(argv)
        self.choices = {"norm": argv[argv.index("--norm") + 1]}

    def __iter__(self):
        from tests.test_runs import done_news, points

        yield {"kind": "start", "digits": np.zeros((2, 28, 28), np.uint8), "labels": [1, 2]}
        for point in points(2):
            yield {"kind": "step", "epoch": 1, "epochs": 1, "step": 1, "steps": 2, "answers": [1, 2],
                   "kernels": np.zeros((8, 8), np.uint8), **point}
        news = done_news(TAB_DEFAULTS | self.choices, accuracy=0.97 if self.choices["norm"] == "none" else 0.98)
        yield {"kind": "done", "stopped": QuickRun.stopped, "wrong": {"images": np.zeros((0, 28, 28), np.uint8),
                                                                      "labels": [], "answers": []}, **news}

    def stop(self):
        pass

    def close(self):
        pass


def test_an_experiment_trains_its_pair_one_after_the_other_and_says_what_they_showed(monkeypatch):
    import webpage.training as training

    monkeypatch.setattr(training, "LiveRun", QuickRun)
    QuickRun.made, QuickRun.stopped = [], False
    tab = TrainTab()
    views = [dict(zip([f.name for f in fields(TabView)], view))
             for view in tab.train(dict(TAB_DEFAULTS), "page", "address", ENGLISH, experiment="norm")]
    assert [argv[argv.index("--norm") + 1] for argv in QuickRun.made] == ["none", "batch"]
    last = views[-1]
    assert last["runs"].count("<tr data-run=") == 2 and "98.0 %" in last["runs"]
    assert last["finding"] == ("Your runs: #1 no normalization read 97.0 % of MNIST test, #2 batch norm 98.0 %: "
                               "#2 batch norm read 1.0 points more.")
    assert set(last["accuracy_plot"]["value"]["series"]) == {"#1 no normalization", "#2 batch norm"}
    assert last["pick"]["value"] == 2 and last["compare"]["value"] == 1
    key, download, said = tab.pick("page", "1", ENGLISH)  # the first run for the Read tab, and its download
    assert tab.networks.get(key) is not None and download["value"].endswith(".safetensors")
    assert said == "The **Read** tab now reads with run #1 no normalization."
    assert tab.pick("page", "../../etc", ENGLISH) == (gr.skip(),) * 3 and tab.compare("page", 1, "x", ENGLISH) == ""
    assert "Errors in all" in tab.compare("page", "2", 1, ENGLISH)
    tab.forget("page")
    assert tab.runs.of("page") == [] and tab.networks.get(key) is None


def test_an_experiment_whose_first_run_is_stopped_does_not_start_the_second(monkeypatch):
    import webpage.training as training

    monkeypatch.setattr(training, "LiveRun", QuickRun)
    QuickRun.made, QuickRun.stopped = [], True
    list(TrainTab().train(dict(TAB_DEFAULTS), "page", "address", ENGLISH, experiment="kernel"))
    assert len(QuickRun.made) == 1
