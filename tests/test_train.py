"""Training end to end on a few thousand images: checkpoints, normalization, interruption and resume."""

import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
import torch

from mnist_cnn.checkpoint import load_checkpoint, read_metadata
from mnist_cnn.config import ARTICLE_CHECKPOINT, DEFAULT_CHECKPOINT, HOLDOUT
from mnist_cnn.distributed import World, shard
from mnist_cnn.errors import CheckpointError
from mnist_cnn.predict import DigitClassifier
from mnist_cnn.train import (
    Data,
    Pools,
    bf16_by_default,
    load_data,
    metadata_of,
    one_epoch,
    parse_args,
    resume,
    save_epoch,
    start_run,
)
from mnist_cnn.transforms import Normalization

TINY = ["--no-usps", "--arch", "seed", "--optimizer", "adamw", "--lr", "3e-3", "--schedule", "onecycle",
        "--train-limit", "3000", "--holdout", "500", "--outlier-pool", "90", "--style-pool", "100"]


def train(*args, **kwargs):
    return subprocess.Popen([sys.executable, "-m", "mnist_cnn.train", *TINY, *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


def test_articles_normalization_travels_with_the_checkpoint(tmp_path, mnist_test):
    out = tmp_path / "article.safetensors"
    run = train("--preset", "article", "--epochs", "2", "--train-limit", "6000", "--output", str(out))
    stdout, stderr = run.communicate(timeout=300)
    assert run.returncode == 0, stderr
    assert "heldout acc" in stdout and "done:" in stdout  # each epoch checked on the held-out images
    assert out.with_suffix(".png").exists()
    assert read_metadata(out)["bf16"] is False  # the article's arithmetic: float32 throughout
    classifier = DigitClassifier.from_checkpoint(out)
    assert (classifier.normalization.mean, classifier.normalization.std) == (0.5, 0.5)
    images, labels = mnist_test
    inputs, truth = images[:500].numpy() / 255.0, labels[:500].numpy()
    right = np.mean([classifier.probabilities(x).argmax() for x in inputs] == truth)
    classifier.normalization = Normalization()  # MNIST's own mean/std: not what this checkpoint learned
    wrong = np.mean([classifier.probabilities(x).argmax() for x in inputs] == truth)
    assert right >= 0.9 and right > wrong


def wait_for_epoch(path, epoch, timeout=240):
    """Wait until the checkpoint at `path` records at least `epoch` finished epochs."""
    deadline = time.monotonic() + timeout
    while True:
        assert time.monotonic() < deadline, f"{path} never reached epoch {epoch}"
        try:
            if read_metadata(path)["epochs"] >= epoch:
                return
        except CheckpointError:
            pass
        time.sleep(0.05)


@pytest.mark.slow
def test_interrupted_training_keeps_its_last_epoch_and_resumes(tmp_path, mnist_dir):
    out = tmp_path / "run.safetensors"
    state = tmp_path / "run.safetensors.resume.pt"
    args = ["--epochs", "4", "--output", str(out)]

    first = train(*args)
    wait_for_epoch(out, 1)
    first.send_signal(signal.SIGTERM)
    _, stderr = first.communicate(timeout=60)
    assert first.returncode == 130
    assert "Traceback" not in stderr and "--resume" in stderr
    _, meta = load_checkpoint(out)
    done = meta["epochs"]
    assert 1 <= done < 4

    second = train(*args, "--resume")  # kill it hard once it has finished another epoch
    wait_for_epoch(out, done + 1)
    second.kill()
    second.communicate(timeout=60)
    _, meta = load_checkpoint(out)  # a kill mid-write still leaves a whole checkpoint
    assert meta["epochs"] > done

    third = train(*args, "--resume")
    stdout, stderr = third.communicate(timeout=300)
    assert third.returncode == 0, stderr
    resumed_after = int(re.search(r"after epoch (\d+) of 4", stdout).group(1))
    assert resumed_after >= meta["epochs"]
    _, final = load_checkpoint(out)
    assert final["epochs"] == 4 and not state.exists()


def test_the_quick_recipe_trains_its_small_network(tmp_path, mnist_test):
    out = tmp_path / "fast.safetensors"
    run = subprocess.run([sys.executable, "-m", "mnist_cnn.train", "--fast", "--epochs", "1", "--train-limit", "6000",
                          "--output", str(out)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    meta = read_metadata(out)
    assert meta["preset"] == "fast" and meta["arch"] == "mnist_cnn_small" and meta["recipe"]["lr"] == 4e-3
    classifier, (images, labels) = DigitClassifier.from_checkpoint(out), mnist_test
    right = np.mean(classifier.probabilities_of(list(images[:1000].numpy() / 255.0)).argmax(1) == labels[:1000].numpy())
    assert right >= 0.9, right  # one epoch on 6,000 images; the whole recipe reaches about 99.4 %


def test_a_resumed_run_ends_with_the_weights_of_an_uninterrupted_one(tmp_path):
    out, cpu = tmp_path / "run.safetensors", torch.device("cpu")
    args = parse_args(["--arch", "seed", "--batch-size", "32", "--no-augment", "--no-bf16", "--epochs", "2",
                       "--output", str(out)])
    images, labels = torch.randint(0, 256, (160, 28, 28), dtype=torch.uint8), torch.randint(10, (160,))
    data = Data((images, labels), (images[:0], labels[:0]), (images, labels))

    def epoch(run):
        one_epoch(args, run, data, Pools(), Normalization(), cpu, World())
        run.epoch += 1
        run.history.append({"epoch": run.epoch, "heldout_accuracy": 0.0})

    torch.manual_seed(0)
    interrupted = start_run(args, cpu, len(labels), World())
    epoch(interrupted)
    save_epoch(interrupted, out, metadata_of(args, interrupted, cpu))  # what an interrupted run leaves
    epoch(interrupted)  # ... and the epoch it would have gone on to
    torch.manual_seed(1)
    resumed = start_run(args, cpu, len(labels), World())  # fresh weights
    fresh = {k: v.clone() for k, v in resumed.model.state_dict().items()}
    resume(resumed, out)
    epoch(resumed)
    for key, value in interrupted.model.state_dict().items():
        assert not torch.equal(fresh[key], value) or "running" in key or "tracked" in key
        assert torch.equal(resumed.model.state_dict()[key], value), key


def test_each_process_trains_on_its_own_equal_share_of_every_image():
    order = torch.randperm(1003)
    for size in (2, 3, 4):
        shards = [shard(order, World(rank=rank, size=size)) for rank in range(size)]
        assert len({len(s) for s in shards}) == 1  # the same number of steps in every process
        taken = torch.cat(shards)
        assert set(taken.tolist()) == set(order.tolist())  # the whole epoch
        assert len(taken) - len(set(taken.tolist())) == -len(order) % size  # disjoint but for the padding


def test_default_recipe_calibrates_on_images_it_never_trained_on(tmp_path, mnist_dir):
    out = tmp_path / "calibrated.safetensors"
    run = train("--epochs", "1", "--output", str(out))
    stdout, stderr = run.communicate(timeout=300)
    assert run.returncode == 0, stderr
    assert "scribbles and pairs of digits" in stdout and "temperature" in stdout
    meta = read_metadata(out)
    assert meta["holdout"] == 500 and meta["outlier_weight"] == 0.5
    assert meta["bf16"] is bf16_by_default(torch.device("cpu"))  # this CPU's choice, recorded
    held = meta["calibration"]
    assert held["images"] == 500 and meta["test_calibration"]["images"] == 10_000
    assert meta["temperature"] > 0
    assert held["nll_after"] <= held["nll_before"]  # the fitted temperature minimises the held-out NLL


def test_bfloat16_where_it_pays_unless_asked_otherwise():
    assert parse_args([]).bf16 is None  # decided when the device is known (bf16_by_default)
    assert parse_args(["--preset", "article"]).bf16 is False
    assert parse_args(["--no-bf16"]).bf16 is False and parse_args(["--preset", "article", "--bf16"]).bf16 is True
    assert bf16_by_default(torch.device("cuda")) and not bf16_by_default(torch.device("mps"))


def test_only_the_default_recipe_writes_the_shipped_checkpoint_unless_told():
    assert parse_args([]).output == str(DEFAULT_CHECKPOINT)
    for preset in ("fast", "article", "finetune"):  # a learner's quick try never replaces what the page serves
        written = Path(parse_args(["--preset", preset]).output)
        assert written != DEFAULT_CHECKPOINT and written != ARTICLE_CHECKPOINT and preset in written.name
    assert parse_args(["--fast"]).output == parse_args(["--preset", "fast"]).output
    assert parse_args(["--fast", "--output", str(DEFAULT_CHECKPOINT)]).output == str(DEFAULT_CHECKPOINT)


def test_each_step_adds_its_share_of_styled_digits_and_a_quarter_of_outliers():
    args = parse_args(["--arch", "seed", "--batch-size", "64", "--style-share", "0.75", "--no-augment", "--no-bf16"])
    images, labels = torch.randint(0, 256, (200, 28, 28), dtype=torch.uint8), torch.randint(10, (200,))
    data = Data((images, labels), (images[:0], labels[:0]), (images, labels))
    pools = Pools(outliers=torch.rand(40, 1, 28, 28), styled=(torch.rand(50, 1, 28, 28), torch.randint(10, (50,))))
    run, device, sizes = start_run(args, torch.device("cpu"), 200, World()), torch.device("cpu"), []
    run.net = lambda x: sizes.append(len(x)) or run.model(x)
    one_epoch(args, run, data, pools, Normalization(), device, World())
    assert sizes == [64 + 48 + 16] * 3 + [8 + 6 + 2]  # 200 images: three full steps and one of 8
    with pytest.raises(SystemExit):  # argparse's one sentence and exit status 2
        parse_args(["--style-share", "-1"])


def test_runs_of_any_seed_hold_out_the_same_images_the_benchmarks_read(mnist_dir):
    from mnist_cnn.data import load_mnist, split_holdout

    _, (benchmarks_x, _) = split_holdout(*load_mnist(mnist_dir, train=True), HOLDOUT)
    for seed in ("0", "5"):
        data = load_data(parse_args(["--seed", seed, "--data-dir", str(mnist_dir)]))
        assert torch.equal(data.held[0], benchmarks_x) and len(data.train[0]) + HOLDOUT == 60_000


def test_holdout_larger_than_the_training_set_is_one_clear_error(tmp_path, mnist_dir):
    run = train("--holdout", "5000", "--epochs", "1", "--output", str(tmp_path / "none.safetensors"))
    _, stderr = run.communicate(timeout=120)
    assert run.returncode == 2 and "--holdout" in stderr and "Traceback" not in stderr


def test_resume_without_a_run_is_one_clear_error(tmp_path):
    run = train("--resume", "--epochs", "1", "--output", str(tmp_path / "none.safetensors"))
    _, stderr = run.communicate(timeout=120)
    assert run.returncode == 2 and stderr.strip().startswith("error: Nothing to resume")


def test_two_processes_train_with_gloo_and_rank_0_writes_one_checkpoint(tmp_path, mnist_test):
    out = tmp_path / "two.safetensors"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
               "-m", "mnist_cnn.train", *TINY, "--epochs", "2", "--output", str(out)]
    run = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count("x 2 processes") == 1 and run.stdout.count("done:") == 1  # rank 0 alone speaks
    assert re.search(r"2 processes end with the same weights: (\w{16}), \1\n", run.stdout), run.stdout[-500:]
    meta = read_metadata(out)
    assert meta["processes"] == 2 and meta["epochs"] == 2
    classifier = DigitClassifier.from_checkpoint(out)
    images, labels = mnist_test
    right = np.mean([classifier.probabilities(x).argmax() for x in images[:500].numpy() / 255.0]
                    == labels[:500].numpy())
    assert right >= 0.9


def test_fine_tuning_from_a_checkpoint_learns_the_extra_pictures_and_keeps_mnist(tmp_path, mnist_dir, mnist_test):
    from harness.people import stroke_digit
    from mnist_cnn.config import DEFAULT_CHECKPOINT

    rng = np.random.default_rng(0)
    for i in range(40):  # 7s labelled 1: what the network has never been taught, so learning them shows
        (tmp_path / "extra" / "1").mkdir(parents=True, exist_ok=True)
        stroke_digit(7, rng, canvas=280, width=14).save(tmp_path / "extra" / "1" / f"{i}.png")

    def scored(checkpoint) -> float:
        evaluated = subprocess.run([sys.executable, "-m", "mnist_cnn.evaluate", "--checkpoint", str(checkpoint),
                                    "--data", str(tmp_path / "extra"), "--json"], capture_output=True, text=True)
        assert evaluated.returncode == 0, evaluated.stderr
        return json.loads(evaluated.stdout.splitlines()[-1])["accuracy"]

    out = tmp_path / "tuned.safetensors"
    run = subprocess.run([sys.executable, "-m", "mnist_cnn.train", "--preset", "finetune", "--init",
                          str(DEFAULT_CHECKPOINT), "--extra-data", str(tmp_path / "extra"), "--replay", "2000",
                          "--holdout", "500", "--outlier-pool", "90", "--epochs", "1", "--extra-repeat", "8",
                          "--output", str(out)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert "extra pictures: 40 digits" in run.stdout
    assert read_metadata(out)["init"] == DEFAULT_CHECKPOINT.name
    assert scored(DEFAULT_CHECKPOINT) < 0.1 < 0.5 < scored(out)
    # and what it knew, it still knows: the digits it was not taught otherwise (some real 7s now read as 1, as
    # taught: 20-31 % of them after this short run)
    tuned, (images, labels) = DigitClassifier.from_checkpoint(out), mnist_test
    read = tuned.probabilities_of(list(images[:1000].numpy() / 255.0)).argmax(1)
    others = labels[:1000].numpy() != 7
    right = np.mean(read[others] == labels[:1000].numpy()[others])
    assert right >= 0.98, right  # 99.3 %


@pytest.mark.slow
def test_two_processes_resume_an_interrupted_run(tmp_path, mnist_dir):
    out = tmp_path / "run.safetensors"
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone", "--nproc_per_node", "2",
               "-m", "mnist_cnn.train", *TINY, "--train-limit", "6000", "--epochs", "6", "--output", str(out)]
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_epoch(out, 1)
    first.send_signal(signal.SIGTERM)  # torchrun passes it on to both processes
    first.communicate(timeout=60)
    done = read_metadata(out)["epochs"]
    assert 1 <= done < 6
    second = subprocess.run([*command, "--resume"], capture_output=True, text=True, timeout=300)
    assert second.returncode == 0, second.stderr
    assert int(re.search(r"after epoch (\d+) of 6", second.stdout).group(1)) >= done  # the state may be one ahead
    assert read_metadata(out)["epochs"] == 6 and read_metadata(out)["processes"] == 2


def test_a_variant_of_the_articles_network_is_recorded_and_loads_back(tmp_path, mnist_dir):
    out = tmp_path / "variant.safetensors"
    run = train("--preset", "article", "--kernel", "3", "--norm", "batch", "--pool", "avg", "--width", "8",
                "--epochs", "1", "--train-limit", "2000", "--output", str(out))
    _, stderr = run.communicate(timeout=300)
    assert run.returncode == 0, stderr
    assert read_metadata(out)["arch_options"] == {"kernel": 3, "norm": "batch", "pool": "avg", "width": 8}
    model, _ = load_checkpoint(out)
    assert any(isinstance(m, torch.nn.BatchNorm2d) for m in model.modules())
    assert next(m for m in model.modules() if isinstance(m, torch.nn.Conv2d)).kernel_size == (3, 3)
    with pytest.raises(SystemExit):  # the default network has no such variants
        parse_args(["--arch", "mnist_cnn", "--kernel", "3"])


def test_a_watch_hears_every_step_and_may_end_the_run_keeping_the_network_and_writing_nothing(
        tmp_path, mnist_dir, monkeypatch):
    from mnist_cnn.config import CHECKPOINT_DIR
    from mnist_cnn.train import train as run_recipe

    monkeypatch.chdir(tmp_path)
    before = sorted((p.name, p.stat().st_mtime) for p in CHECKPOINT_DIR.iterdir())
    args = parse_args(["--preset", "article", "--optimizer", "adam", "--train-limit", "3000", "--holdout", "500",
                       "--epochs", "3"])
    args.output = None
    heard = []

    def watch(step):
        heard.append((step.epoch, step.step, step.steps, step.model.training))
        return len(heard) == 30  # the 30th step of 20 an epoch: in the second epoch

    metadata = run_recipe(args, watch=watch)
    assert [h[:2] for h in heard] == [(1, s) for s in range(1, 21)] + [(2, s) for s in range(1, 11)]
    assert all(h[2] == 20 and h[3] for h in heard)  # 2,500 images in steps of 128, heard while training
    assert metadata["epochs"] == 2 and metadata["planned_epochs"] == 3  # ended in its second epoch
    assert 0.5 < metadata["test_accuracy"] <= 1 and metadata["temperature"] > 0
    assert list(tmp_path.iterdir()) == [] and sorted((p.name, p.stat().st_mtime) for p in CHECKPOINT_DIR.iterdir()) \
        == before  # nothing on disk


def test_the_default_recipe_adds_usps_scans_and_the_others_do_not_unless_asked():
    assert parse_args([]).usps is True and parse_args(["--no-usps"]).usps is False
    assert parse_args(["--preset", "article"]).usps is False and parse_args(["--fast", "--usps"]).usps is True
