"""Runs for the Train tab: the training recipe in a process of its own, reporting as it goes, stoppable."""

import numpy as np
import pytest

from harness.server import OFFLINE
from mnist_cnn.live import CHOICES, TAB_DEFAULTS, TEST_DIGITS, LiveRun, argv_of, network_of
from mnist_cnn.predict import DigitClassifier
from mnist_cnn.train import parse_args

SMALL = TAB_DEFAULTS | {"images": 5000, "epochs": 1}


def test_the_tabs_choices_become_the_training_recipes_own_flags():
    args = parse_args(argv_of(TAB_DEFAULTS | {"norm": "lrn", "kernel": 3, "epochs": 2.0}))
    assert (args.arch, args.optimizer, args.epochs, args.train_limit) == ("seed", "adam", 2, 30_000)
    assert args.arch_options == {"kernel": 3, "norm": "lrn", "pool": "max", "width": 16}
    assert parse_args(argv_of(TAB_DEFAULTS | {"optimizer": "sgd", "lr": 1e-3})).momentum == 0.9  # the article's
    for key in CHOICES:  # anything else, from a hand-made request, is refused before a process starts
        for wrong in ("5; rm -rf /", None, True, -1, 7.5):
            with pytest.raises(ValueError):
                argv_of(TAB_DEFAULTS | {key: wrong})
    with pytest.raises(ValueError):
        argv_of({"kernel": 5})


def test_a_run_reports_as_it_learns_and_sends_back_its_network_and_results(mnist_test):
    news = list(LiveRun(argv_of(SMALL)))
    kinds = [n["kind"] for n in news]
    assert kinds[0] == "start" and kinds[-1] == "done" and set(kinds[1:-1]) == {"step"} and len(kinds) >= 4
    assert len(news[0]["labels"]) == len(news[0]["digits"]) == TEST_DIGITS
    steps = [n for n in news if n["kind"] == "step"]
    assert [n["seconds"] for n in steps] == sorted(n["seconds"] for n in steps)
    assert steps[-1]["step"] == steps[-1]["steps"] == 32  # 4,000 images (1,000 held out) in steps of 128
    assert steps[-1]["check_accuracy"] > steps[0]["check_accuracy"] and steps[-1]["loss"] < steps[0]["loss"]
    assert all(len(n["answers"]) == TEST_DIGITS and n["kernels"].dtype == np.uint8 for n in steps)
    done = news[-1]
    network = DigitClassifier(network_of(done["state"], done["metadata"]), done["metadata"])
    images, labels = mnist_test
    answers = network.probabilities_of(list(images.numpy() / 255.0)).argmax(1)
    assert np.mean(answers == labels.numpy()) == pytest.approx(done["test_accuracy"], abs=1e-4)
    assert done["test_accuracy"] > 0.8 and not done["stopped"]
    assert sum(map(sum, done["confusion"])) == 10_000
    assert np.trace(np.array(done["confusion"])) == round(done["test_accuracy"] * 10_000)
    wrong = done["wrong"]
    assert wrong["labels"] and all(a != b for a, b in zip(wrong["labels"], wrong["answers"]))


def test_stop_ends_the_run_after_its_current_step_keeping_the_network(mnist_dir):
    run = LiveRun(argv_of(TAB_DEFAULTS))
    news = []
    for item in run:
        news.append(item)
        if item["kind"] == "step":
            run.stop()
    done = news[-1]
    assert done["kind"] == "done" and done["stopped"]
    assert len([n for n in news if n["kind"] == "step"]) <= 2  # the step it heard, and perhaps the one under way
    assert done["metadata"]["epochs"] == 1 < done["metadata"]["planned_epochs"]
    assert run.process.poll() is not None  # the process is gone


def test_without_mnist_a_run_says_so_in_one_sentence(tmp_path, monkeypatch):
    monkeypatch.setenv("MNIST_DATA_DIR", str(tmp_path))
    for name, value in OFFLINE.items():
        monkeypatch.setenv(name, value)
    news = list(LiveRun(argv_of(SMALL)))
    assert [n["kind"] for n in news] == ["error"]
    assert news[0]["reason"] == "DataUnavailable" and "MNIST" in news[0]["message"]


def test_a_run_over_its_time_ends_as_if_stopped_keeping_its_network(mnist_dir):
    news = list(LiveRun(argv_of(TAB_DEFAULTS), cap_s=4))
    done = news[-1]
    assert done["kind"] == "done" and done["stopped"] and done["metadata"]["epochs"] == 1
    assert max(n["seconds"] for n in news if n["kind"] == "step") < 5  # no report after the cap
    assert 4 <= done["seconds"] < 15  # the cap, then the test digits read and the network sent
