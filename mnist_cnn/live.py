"""Train while someone watches: the Train tab's runs, each in a process of its own.

    run = LiveRun(argv_of(TAB_DEFAULTS))      # starts a process running `python -m mnist_cnn.train`'s recipe code
    for news in run:                          # "start", then "step" about once a second, then "done" or "error"
        ...
    run.stop()                                # from anywhere: the run ends after its current step, keeping the network

A run is `mnist_cnn.train.train` itself, watched (`Reporter`): about once a second the watch reports the
curves' next point (the loss and accuracy of the steps since the last report, and of a fixed slice of the
held-out check images), the first convolution's kernels, and the answers on a dozen fixed test digits. The
process has one thread and a lower priority, so that a server's visitors who draw keep their live charts, and a
cap on its time; it writes nothing to disk: the network comes back over a pipe at the end, with the checkpoint's
metadata, the test accuracy, the confusion matrix and the test digits it got wrong.
"""

import contextlib
import os
import pickle
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import numpy as np
import torch
from torch import nn

from mnist_cnn.errors import CheckpointError
from mnist_cnn.model import build_model

TAB_DEFAULTS = dict(kernel=5, norm="none", pool="max", width=16, optimizer="adam", lr=1e-3, epochs=2, images=30_000)
"""The Train tab's starting point: the article's network, trained by the article's recipe but for Adam and two
epochs over half of MNIST instead of SGD for ten over all of it, so that it is good within a minute here."""
CHOICES = dict(kernel=(3, 5), norm=("none", "lrn", "batch"), pool=("max", "avg"), width=(8, 16, 32),
               optimizer=("sgd", "adam"), lr=(1e-3, 3e-3, 1e-2, 3e-2), epochs=(1, 2, 3, 4, 5),
               images=(5_000, 10_000, 30_000, 60_000))
"""What a visitor may choose (the article's own values among them)."""
CHECK_IMAGES = 1000
"""Training images held out to check the network on (the curves' check points use the first REPORT_CHECK)."""
REPORT_CHECK = 500
REPORT_EVERY_S = 0.8
"""Seconds between reports, at least: a little under one, so that the curves move every second on a busy machine."""
TEST_DIGITS = 12
"""The first test digits, whose current answers each report carries."""
WRONG_SHOWN = 24
CAP_S = 150
"""A run ends (keeping its network) after this many seconds of training."""
THREADS = 1
NICE = 10
"""The process's priority below the server's: drawers' readings come first when the two cores are busy."""


def argv_of(choices: dict) -> list[str]:
    """`python -m mnist_cnn.train`'s arguments for the Train tab's choices (see TAB_DEFAULTS); a ValueError for
    anything else."""
    if set(choices) != set(CHOICES):
        raise ValueError(f"The Train tab's choices are {', '.join(CHOICES)}, not {', '.join(map(str, choices))}.")
    picked = {}
    for key, value in choices.items():
        number = isinstance(value, (int, float)) and not isinstance(value, bool)
        if (number if isinstance(CHOICES[key][0], (int, float)) else isinstance(value, str)) is False \
                or value not in CHOICES[key]:
            raise ValueError(f"{value!r} is not a choice for {key}: {', '.join(map(str, CHOICES[key]))}.")
        picked[key] = CHOICES[key][CHOICES[key].index(value)]  # 2.0 from a slider is the choice 2
    return ["--preset", "article", "--holdout", str(CHECK_IMAGES), "--train-limit", str(picked["images"]),
            "--epochs", str(picked["epochs"]), "--optimizer", picked["optimizer"], "--lr", str(picked["lr"]),
            "--kernel", str(picked["kernel"]), "--norm", picked["norm"], "--pool", picked["pool"],
            "--width", str(picked["width"])]


def network_of(state: dict[str, np.ndarray], metadata: dict) -> nn.Module:
    """The network a run sent back (its weights as arrays, and its checkpoint metadata), in eval mode."""
    model = build_model(metadata["arch"], metadata.get("arch_options"))
    try:
        model.load_state_dict({key: torch.from_numpy(value) for key, value in state.items()})
    except RuntimeError:
        raise CheckpointError("The trained network's weights do not fit its architecture.") from None
    return model.eval()


class Reporter:
    """The watch of one run (mnist_cnn.train.Watch): sends a report about once a second and says when to stop."""

    def __init__(self, news, stop, cap_s: float, started: float) -> None:
        self.news, self.stop, self.cap_s, self.started = news, stop, cap_s, started
        self.last = 0.0
        self.stopped = False  # whether it asked the run to end early (stopped, or over its time)
        self.step = None  # the latest training step heard of: its network and images serve the final results
        self.window = (0, 0, 0.0, 0.0)  # (epoch, step, the epoch's loss sum, accuracy sum) at the last report

    def __call__(self, step) -> bool:
        now = time.perf_counter()
        if self.step is None:
            self.send_start(step)
        self.step = step
        if now - self.last >= REPORT_EVERY_S or step.step == step.steps:
            self.last = now
            self.send_step(step, now)
        self.stopped = self.stop.is_set() or now - self.started > self.cap_s
        return self.stopped

    def send_start(self, step) -> None:
        images, labels = step.data.test
        self.news.put({"kind": "start", "digits": images[:TEST_DIGITS].numpy(),
                       "labels": labels[:TEST_DIGITS].tolist()})

    def since_last(self, step) -> tuple[float, float]:
        """The mean loss and accuracy of the steps since the last report (the epoch's means are all it hears)."""
        epoch, count, loss_sum, accuracy_sum = self.window
        if epoch != step.epoch:
            count, loss_sum, accuracy_sum = 0, 0.0, 0.0
        loss, accuracy = step.loss * step.step, step.accuracy * step.step
        self.window = (step.epoch, step.step, loss, accuracy)
        steps = max(step.step - count, 1)
        return (loss - loss_sum) / steps, (accuracy - accuracy_sum) / steps

    @torch.no_grad()
    def send_step(self, step, now: float) -> None:
        from mnist_cnn.evaluate import logits_of
        from mnist_cnn.explain import grid, kernel_weights

        loss, accuracy = self.since_last(step)
        _, check_x, check_y = step.data.check
        was_training = step.model.training
        check_logits = logits_of(step.model, check_x[:REPORT_CHECK], step.norm)
        answers = logits_of(step.model, step.data.test[0][:TEST_DIGITS], step.norm).argmax(1)
        step.model.train(was_training)
        self.news.put({
            "kind": "step", "seconds": round(now - self.started, 2), "epoch": step.epoch, "epochs": step.epochs,
            "step": step.step, "steps": step.steps, "loss": loss, "accuracy": accuracy,
            "check_loss": nn.functional.cross_entropy(check_logits, check_y[:REPORT_CHECK]).item(),
            "check_accuracy": (check_logits.argmax(1) == check_y[:REPORT_CHECK]).float().mean().item(),
            "kernels": grid(kernel_weights(step.model), scale=6), "answers": answers.tolist(),
        })

    def send_done(self, metadata: dict) -> None:
        from mnist_cnn.evaluate import confusion_matrix, predict_labels

        model, (images, labels) = self.step.model.eval(), self.step.data.test
        answers = predict_labels(model, images, self.step.norm)
        wrong = (answers != labels).nonzero().flatten()[:WRONG_SHOWN]
        self.news.put({
            "kind": "done", "metadata": metadata, "seconds": round(time.perf_counter() - self.started, 1),
            "stopped": self.stopped,
            "state": {key: value.detach().cpu().numpy() for key, value in model.state_dict().items()},
            "test_accuracy": metadata["test_accuracy"], "confusion": confusion_matrix(labels, answers).tolist(),
            "wrong": {"images": images[wrong].numpy(), "labels": labels[wrong].tolist(),
                      "answers": answers[wrong].tolist()},
        })


def work(argv: list[str], cap_s: float) -> None:
    """The run's process (`python -m mnist_cnn.live CAP_S ARGV...`): the training recipe of `argv`, watched, at a
    low priority on one thread; its news are pickled to standard output, and SIGUSR1 stops it."""
    started = time.perf_counter()
    with contextlib.suppress(OSError):
        os.nice(NICE)
    torch.set_num_threads(THREADS)
    news = Channel(os.fdopen(os.dup(sys.stdout.fileno()), "wb"))
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the recipe's own prints go nowhere
    stop = threading.Event()
    signal.signal(signal.SIGUSR1, lambda signum, frame: stop.set())
    from mnist_cnn.errors import MnistCnnError
    from mnist_cnn.train import parse_args, train

    reporter = Reporter(news, stop, cap_s, started)
    try:
        args = parse_args(argv)
        args.output = None  # nothing on disk: the network goes back through `news`
        reporter.send_done(train(args, watch=reporter))
    except MnistCnnError as exc:
        news.put({"kind": "error", "message": str(exc), "reason": type(exc).__name__})


class Channel:
    """One way from the run's process to the server: each message pickled onto a pipe."""

    def __init__(self, pipe) -> None:
        self.pipe = pipe

    def put(self, message: dict) -> None:
        pickle.dump(message, self.pipe)
        self.pipe.flush()


class LiveRun:
    """One run in a process of its own: iterate for its news; `stop()` ends it early, keeping the network;
    `close()` (or the end of the iteration) ends the process."""

    def __init__(self, argv: list[str], cap_s: float = CAP_S) -> None:
        # a fresh interpreter (not a fork of the server, nor multiprocessing's spawn, which imports app.py again)
        self.process = subprocess.Popen([sys.executable, "-m", "mnist_cnn.live", str(cap_s), *argv],
                                        stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                        env=os.environ | {"TQDM_DISABLE": "1"})
        self.news: queue.Queue = queue.Queue()
        threading.Thread(target=self.listen, daemon=True).start()
        self.deadline = time.monotonic() + cap_s + 60  # beyond it, a silent process is ended, not waited for

    def listen(self) -> None:
        """Unpickle the process's messages as they come (the server's end of `Channel`), then say it ended."""
        with contextlib.suppress(EOFError, OSError, pickle.UnpicklingError):
            while True:
                self.news.put(pickle.load(self.process.stdout))
        self.news.put(None)

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            if self.process.poll() is None:
                self.process.send_signal(signal.SIGUSR1)

    def __iter__(self) -> Iterator[dict]:
        try:
            while True:
                try:
                    news = self.news.get(timeout=0.2)
                except queue.Empty:
                    if time.monotonic() < self.deadline:
                        continue
                    news = None
                if news is None:
                    yield {"kind": "error", "message": "The training process ended without its results.",
                           "reason": "ended"}
                    return
                yield news
                if news["kind"] in ("done", "error"):
                    return
        finally:
            self.close()

    def close(self) -> None:
        self.stop()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process.stdout.close()


if __name__ == "__main__":
    work(sys.argv[2:], float(sys.argv[1]))
