"""A visitor's training runs kept side by side: kept small, labelled by what differs, compared."""

import numpy as np
import torch

from mnist_cnn.live import TAB_DEFAULTS, argv_of
from mnist_cnn.model import build_model
from mnist_cnn.train import VARIANT_KEYS
from webpage.runs import (
    EXPERIMENTS,
    KEEP_RUNS,
    KEPT_BYTES,
    Runs,
    confused_pairs,
    confusion_difference,
    curves,
    experiment_choices,
    finding,
    run_labels,
    runs_table,
)
from webpage.text import CHINESE, ENGLISH


def done_news(choices: dict, accuracy: float = 0.97, confusion: list[list[int]] | None = None, seed: int = 0) -> dict:
    """What mnist_cnn.live sends when a run of these choices ends, with untrained weights."""
    torch.manual_seed(seed)
    options = {key: choices[key] for key in VARIANT_KEYS}
    model = build_model("seed", options)
    metadata = {"arch": "seed", "arch_options": options, "mean": 0.5, "std": 0.5}
    confusion = confusion or (np.eye(10, dtype=int) * 1000).tolist()
    return {"seconds": 30.0, "test_accuracy": accuracy, "confusion": confusion, "metadata": metadata,
            "state": {key: value.numpy() for key, value in model.state_dict().items()}}


def points(n: int = 3) -> list[dict]:
    return [{"seconds": float(i), "loss": 1.0, "accuracy": 0.5, "check_loss": 1.0 / (i + 1),
             "check_accuracy": 0.5 + 0.1 * i} for i in range(n)]


def test_a_run_is_kept_in_half_its_size_and_makes_the_same_network_again():
    news = done_news({**TAB_DEFAULTS, "norm": "batch", "width": 32})
    run = Runs().add("a", TAB_DEFAULTS, points(), news)
    float32_bytes = sum(value.nbytes for value in news["state"].values())
    assert len(run.weights) < 0.55 * float32_bytes
    network = run.network()
    original = build_model("seed", news["metadata"]["arch_options"])
    original.load_state_dict({key: torch.from_numpy(value) for key, value in news["state"].items()})
    images = torch.rand(8, 1, 28, 28)
    with torch.inference_mode():
        assert torch.allclose(network.model(images), original.eval()(images), atol=1e-2)


def test_each_page_keeps_its_last_four_runs_numbered_and_they_go_with_the_page():
    runs = Runs()
    for _ in range(KEEP_RUNS + 2):
        runs.add("a", TAB_DEFAULTS, points(), done_news(TAB_DEFAULTS))
    runs.add("b", TAB_DEFAULTS, points(), done_news(TAB_DEFAULTS))
    assert [run.number for run in runs.of("a")] == [3, 4, 5, 6]  # the oldest forgotten first
    assert [run.number for run in runs.of("b")] == [1] and runs.get("a", 2) is None and runs.get("a", 5).number == 5
    runs.forget("a")
    assert runs.of("a") == [] and len(runs.of("b")) == 1


def test_sixteen_visitors_keep_four_runs_each_and_wider_networks_push_out_the_oldest_earlier_runs_first():
    runs = Runs()
    for visitor in range(16):
        for _ in range(KEEP_RUNS):
            runs.add(str(visitor), TAB_DEFAULTS, points(), done_news(TAB_DEFAULTS))
    assert all(len(runs.of(str(visitor))) == KEEP_RUNS for visitor in range(16))  # the tab's default network
    widest = {**TAB_DEFAULTS, "width": 32, "norm": "batch"}
    for visitor in range(16, 48):
        runs.add(str(visitor), widest, points(), done_news(widest))
    assert runs.nbytes() <= KEPT_BYTES  # within the 100 MB, with room for Python's own objects
    assert all(runs.of(str(visitor)) for visitor in range(2, 48))  # the pages' earlier runs went first
    assert [run.number for run in runs.of("15")] == [4] and not runs.of("0")  # then the oldest pages' latest


def test_runs_are_labelled_by_what_differs_between_them_in_both_languages():
    runs = Runs()
    runs.add("a", TAB_DEFAULTS, points(), done_news(TAB_DEFAULTS))
    runs.add("a", {**TAB_DEFAULTS, "norm": "batch"}, points(), done_news({**TAB_DEFAULTS, "norm": "batch"}))
    kept = runs.of("a")
    assert run_labels(kept, ENGLISH) == ["#1 no normalization", "#2 batch norm"]
    assert run_labels(kept, CHINESE) == ["#1 无归一化", "#2 批归一化"]
    training = {**TAB_DEFAULTS, "norm": "batch", "kernel": 3}
    assert run_labels(kept, ENGLISH, training) == ["#1 5x5 kernels no normalization", "#2 5x5 kernels batch norm",
                                                    "#3 3x3 kernels batch norm"]
    assert run_labels(kept[:1], ENGLISH) == ["#1"]  # nothing to tell apart


def test_each_run_is_one_line_on_the_plots_the_one_training_last():
    runs = Runs()
    runs.add("a", TAB_DEFAULTS, points(3), done_news(TAB_DEFAULTS))
    frame, colours = curves(runs.of("a"), ENGLISH, {**TAB_DEFAULTS, "pool": "avg"}, points(2))
    assert list(frame["series"].unique()) == ["#1 max pooling", "#2 average pooling"] == list(colours)
    assert len(frame) == 5 and frame["accuracy"].max() == 70.0  # the held-out points, in percent
    assert len(set(colours.values())) == 2


def test_the_table_lists_each_run_with_its_accuracy_and_most_confused_pairs():
    confusion = (np.eye(10, dtype=int) * 900).tolist()
    confusion[4][9], confusion[9][4], confusion[3][5], confusion[7][1] = 7, 5, 9, 2
    assert confused_pairs(confusion) == [(4, 9, 12), (3, 5, 9), (1, 7, 2)]
    runs = Runs()
    runs.add("a", TAB_DEFAULTS, points(), done_news(TAB_DEFAULTS, accuracy=0.9712, confusion=confusion))
    runs.add("a", TAB_DEFAULTS, points(), done_news(TAB_DEFAULTS, accuracy=0.98))
    table = runs_table(runs.of("a"), ENGLISH)
    assert table.count("<tr data-run=") == 2 and "97.1 %" in table and "98.0 %" in table
    assert "4↔9 (12), 3↔5 (9), 1↔7 (2)" in table


def test_an_experiment_is_a_pair_differing_in_its_choices_and_its_finding_compares_them():
    mine = {**TAB_DEFAULTS, "epochs": 1}
    first, second = experiment_choices("norm", mine)
    assert (first["norm"], second["norm"]) == ("none", "batch") and first["epochs"] == second["epochs"] == 1
    assert all(argv_of(experiment_choices(name, TAB_DEFAULTS)[i]) for name in EXPERIMENTS for i in (0, 1))
    runs = Runs()
    runs.add("a", first, points(), done_news(first, accuracy=0.975))
    assert finding("norm", runs.of("a"), ENGLISH) is None  # one run answers nothing
    runs.add("a", {**TAB_DEFAULTS, "pool": "avg"}, points(), done_news(TAB_DEFAULTS, accuracy=0.99))  # another question
    runs.add("a", second, points(), done_news(second, accuracy=0.983))
    said = finding("norm", runs.of("a"), ENGLISH)
    assert said == ("Your runs: #1 no normalization read 97.5 % of MNIST test, #3 batch norm 98.3 %: "
                    "#3 batch norm read 0.8 points more.")
    assert "98.3 %" in finding("norm", runs.of("a"), CHINESE)
    assert finding("kernel", runs.of("a"), ENGLISH) is None
    runs.add("a", first, points(), done_news(first, accuracy=0.982))
    assert "too close" in finding("norm", runs.of("a"), ENGLISH)  # the latest pair: 98.3 against 98.2


def test_the_difference_of_two_runs_errors_marks_more_and_fewer():
    before = (np.eye(10, dtype=int) * 900).tolist()
    after = [row[:] for row in before]
    before[4][9], after[4][9], after[3][5] = 6, 2, 3
    runs = Runs()
    runs.add("a", TAB_DEFAULTS, points(), done_news(TAB_DEFAULTS, confusion=before))
    runs.add("a", {**TAB_DEFAULTS, "kernel": 3}, points(), done_news(TAB_DEFAULTS, confusion=after))
    html = confusion_difference(*runs.of("a"), ENGLISH)
    assert '<td class="fewer">-4</td>' in html and '<td class="more">+3</td>' in html
    assert "Errors in all: 6 and 5." in html and "#2 3x3 kernels" in html
