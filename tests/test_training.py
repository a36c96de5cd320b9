"""The Train tab's server side: one run at a time in the order asked for, and each visitor's network kept apart."""

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
    old = networks.add("a", network)
    key = networks.add("a", network)  # a second run replaces the first
    assert networks.get(key) is network and networks.get(old) is None and networks.get(None) is None
    other = networks.add("b", network)
    networks.add("c", network)  # beyond `keep`, the least recently trained goes
    assert networks.get(key) is None and networks.get(other) is network
    networks.forget("b")
    assert networks.get(other) is None


def test_a_choice_the_tab_does_not_offer_gets_one_sentence_and_starts_nothing():
    tab = TrainTab()
    shown = list(tab.train(TAB_DEFAULTS | {"epochs": 99}, "a", CHINESE))
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
    shown = [view[0] for view in tab.train(dict(TAB_DEFAULTS), "a", ENGLISH)]
    assert "Starting" in shown[0] and shown[-1].count(".") == 1 and "no copy of MNIST" in shown[-1]
    assert tab.line.tickets == []
