"""Train a CNN on MNIST and write a checkpoint the app can load.

    python -m mnist_cnn.train                   # the default recipe: reproduces the shipped checkpoint
    python -m mnist_cnn.train --fast            # about a minute on a laptop CPU, >= 99 %
    python -m mnist_cnn.train --preset article  # the reference article's recipe, for comparison

Every knob of a preset can be overridden by its flag. After each epoch the checkpoint and a resume
state are written atomically, so an interrupted run keeps its last finished epoch (`--resume`).
"""

import argparse
import platform
import signal
import sys
import time
from pathlib import Path

import numpy as np
import torch
import torchvision
from torch import nn
from tqdm import tqdm

from mnist_cnn.augment import Augment
from mnist_cnn.calibrate import calibration_report, fit_temperature
from mnist_cnn.checkpoint import atomic_write, save_checkpoint
from mnist_cnn.config import DEFAULT_CHECKPOINT, MNIST_MEAN, MNIST_STD
from mnist_cnn.errors import MnistCnnError
from mnist_cnn.evaluate import logits_of, predict_labels
from mnist_cnn.model import ARCHS, build_model
from mnist_cnn.outliers import pair_inputs, piece_inputs, scribble_inputs
from mnist_cnn.styles import style_inputs
from mnist_cnn.transforms import Normalization

PRESETS = {
    "default": dict(
        arch="mnist_cnn", epochs=13, batch_size=128, lr=3e-3, optimizer="adamw", momentum=0.9,
        weight_decay=5e-4, schedule="onecycle", augment=True, label_smoothing=0.1,
        mean=MNIST_MEAN, std=MNIST_STD, holdout=5000, outlier_weight=0.5, style_pool=20_000,
    ),
    "fast": dict(
        arch="mnist_cnn_small", epochs=2, batch_size=128, lr=4e-3, optimizer="adamw", momentum=0.9,
        weight_decay=5e-4, schedule="onecycle", augment=False, label_smoothing=0.0,
        mean=MNIST_MEAN, std=MNIST_STD, holdout=0, outlier_weight=0.0, style_pool=0,
    ),
    "article": dict(
        arch="seed", epochs=10, batch_size=128, lr=1e-3, optimizer="sgd", momentum=0.9,
        weight_decay=0.0, schedule="constant", augment=False, label_smoothing=0.0,
        mean=0.5, std=0.5, holdout=0, outlier_weight=0.0, style_pool=0,
    ),
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--preset", choices=PRESETS, default="default", help="recipe to start from (default: default)")
    p.add_argument("--fast", action="store_const", const="fast", dest="preset", help="same as --preset fast")
    p.add_argument("--arch", choices=ARCHS, help="network architecture")
    p.add_argument("--epochs", type=int, help="passes over the training images")
    p.add_argument("--batch-size", type=int, help="images per step")
    p.add_argument("--lr", type=float, help="learning rate (peak rate for onecycle)")
    p.add_argument("--optimizer", choices=["sgd", "adam", "adamw"], help="optimizer (sgd uses --momentum)")
    p.add_argument("--momentum", type=float, help="SGD momentum")
    p.add_argument("--weight-decay", type=float, help="weight decay")
    p.add_argument("--schedule", choices=["onecycle", "constant"], help="learning-rate schedule")
    p.add_argument("--augment", action=argparse.BooleanOptionalAction, default=None, help="augment training images")
    p.add_argument("--label-smoothing", type=float, help="label smoothing of the loss")
    p.add_argument("--mean", type=float, help="normalization mean recorded in the checkpoint")
    p.add_argument("--std", type=float, help="normalization std recorded in the checkpoint")
    p.add_argument("--holdout", type=int,
                   help="training images set aside to calibrate the probabilities (temperature scaling)")
    p.add_argument("--outlier-weight", type=float,
                   help="weight of the loss teaching the network to be unsure on what is not one digit (0: off)")
    p.add_argument("--outlier-pool", type=int, default=10_000,
                   help="scribbles and digit pairs drawn for that (default: 10000)")
    p.add_argument("--style-pool", type=int,
                   help="digits written and captured in styles MNIST under-represents, a quarter batch each step "
                        "(mnist_cnn.styles; 0: off)")
    p.add_argument("--train-limit", type=int, help="train on only the first N images (for quick tests)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default: 0)")
    p.add_argument("--device", default="auto", help="auto (cuda, mps, cpu), or any torch device name")
    p.add_argument("--data-dir", help="MNIST folder (default: $MNIST_DATA_DIR or ./data)")
    p.add_argument("--output", default=str(DEFAULT_CHECKPOINT), help="checkpoint to write (default: the shipped one)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run from its last finished epoch")
    args = p.parse_args(argv)
    for key, value in PRESETS[args.preset].items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    return args


def pick_device(name: str) -> torch.device:
    """The device to train on: cuda, then mps, then cpu when `name` is auto."""
    if name != "auto":
        return torch.device(name)
    if torch.cuda.is_available():
        return torch.device("cuda")
    if torch.backends.mps.is_available():
        return torch.device("mps")
    return torch.device("cpu")


def make_optimizer(args: argparse.Namespace, model: nn.Module) -> torch.optim.Optimizer:
    if args.optimizer == "sgd":
        return torch.optim.SGD(model.parameters(), lr=args.lr, momentum=args.momentum, weight_decay=args.weight_decay)
    cls = torch.optim.AdamW if args.optimizer == "adamw" else torch.optim.Adam
    return cls(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)


def make_schedule(args: argparse.Namespace, optimizer: torch.optim.Optimizer, steps_per_epoch: int):
    if args.schedule == "onecycle":
        return torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=args.lr, epochs=args.epochs, steps_per_epoch=steps_per_epoch, pct_start=0.2
        )
    return torch.optim.lr_scheduler.ConstantLR(optimizer, factor=1.0, total_iters=0)


def state_path(output: Path) -> Path:
    """Where the resume state of a run writing `output` lives."""
    return output.with_name(output.name + ".resume.pt")


def save_training_curve(history: list[dict], path: Path) -> None:
    """Plot training loss and the accuracy checked after each epoch to a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [h["epoch"] for h in history]
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 3.5))
    left.plot(epochs, [h["loss"] for h in history], marker="o")
    left.set(xlabel="epoch", ylabel="training loss", title="loss")
    key = "heldout_accuracy" if "heldout_accuracy" in history[0] else "test_accuracy"
    name = "held-out training images" if key == "heldout_accuracy" else "MNIST test"
    right.plot(epochs, [h[key] * 100 for h in history], marker="o", color="tab:green")
    right.set(xlabel="epoch", ylabel="accuracy (%)", title=f"accuracy on {name}")
    for ax in (left, right):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def outlier_batch(
    pool: torch.Tensor, size: int, augment: Augment | None, generator: torch.Generator
) -> torch.Tensor:
    """`size` scribbles from the pool, randomly mirrored or turned, and augmented like the digits."""
    batch = pool[torch.randint(len(pool), (size,), generator=generator)]
    flip = torch.rand(size, generator=generator)
    batch = torch.where((flip < 0.25)[:, None, None, None], batch.flip(3), batch)
    batch = torch.where((flip > 0.75)[:, None, None, None], batch.transpose(2, 3), batch)
    return augment(batch, generator) if augment is not None else batch


def calibrate(model: nn.Module, norm: Normalization, held_x, held_y, test_x, test_y) -> dict:
    """Fit the temperature on the held-out training images; report calibration there and on the test set."""
    held_logits = logits_of(model, held_x, norm)
    temperature = fit_temperature(held_logits, held_y)
    return {
        "temperature": round(temperature, 5),
        "calibration": calibration_report(held_logits, held_y, temperature),
        "test_calibration": calibration_report(logits_of(model, test_x, norm), test_y, temperature),
    }


def raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


def train(args: argparse.Namespace) -> dict:
    """Run the recipe in `args`; return the final metadata written to the checkpoint."""
    from mnist_cnn.data import load_mnist, split_holdout

    output = Path(args.output)
    device = pick_device(args.device)
    torch.manual_seed(args.seed)
    generator = torch.Generator().manual_seed(args.seed)
    train_x, train_y = load_mnist(args.data_dir, train=True)
    test_x, test_y = load_mnist(args.data_dir, train=False)
    if args.train_limit:
        train_x, train_y = train_x[: args.train_limit], train_y[: args.train_limit]
    if not 0 <= args.holdout < len(train_x):
        raise MnistCnnError(f"--holdout {args.holdout} must be less than the {len(train_x)} training images.")
    (train_x, train_y), (held_x, held_y) = split_holdout(train_x, train_y, args.holdout, args.seed)
    norm = Normalization(args.mean, args.std)
    # choices (epochs, recipes) are made on the held-out images; MNIST test is measured once, at the end
    check_x, check_y, check_name = (held_x, held_y, "held-out") if args.holdout else (test_x, test_y, "test")
    check_key = f"{check_name.replace('-', '')}_accuracy"
    augment = Augment() if args.augment else None
    outliers = None
    if args.outlier_weight > 0:
        print(f"drawing {args.outlier_pool} scribbles, pieces of scribbles and pairs of digits "
              "to learn what is not one digit")
        pairs = pair_inputs(train_x.numpy(), args.outlier_pool // 3, seed=args.seed)
        pieces = piece_inputs(args.outlier_pool // 6, seed=args.seed)
        scribbles = scribble_inputs(args.outlier_pool - len(pairs) - len(pieces), seed=args.seed)
        outliers = torch.from_numpy(np.concatenate([scribbles, pieces, pairs])).unsqueeze(1)
    styled = None
    if args.style_pool:
        print(f"writing {args.style_pool} digits in styles MNIST under-represents")
        style_x, style_y = style_inputs(train_x.numpy(), train_y.numpy(), args.style_pool, seed=args.seed)
        styled = (torch.from_numpy(style_x).unsqueeze(1), torch.from_numpy(style_y))

    model = build_model(args.arch).to(device).to(memory_format=torch.channels_last)
    optimizer = make_optimizer(args, model)
    steps_per_epoch = -(-len(train_x) // args.batch_size)
    schedule = make_schedule(args, optimizer, steps_per_epoch)
    loss_fn = nn.CrossEntropyLoss(label_smoothing=args.label_smoothing)
    history: list[dict] = []
    start_epoch, elapsed = 0, 0.0

    if args.resume:
        if not state_path(output).exists():
            raise MnistCnnError(f"Nothing to resume: {state_path(output)} does not exist.")
        state = torch.load(state_path(output), weights_only=True)
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        schedule.load_state_dict(state["schedule"])
        generator.set_state(state["generator"])
        torch.set_rng_state(state["torch_rng"])
        start_epoch, elapsed, history = state["epoch"], state["elapsed"], state["history"]
        print(f"resuming {output} after epoch {start_epoch} of {args.epochs}")

    print(f"training {args.arch} ({args.preset} preset) on {device}, {torch.get_num_threads()} threads, "
          f"{len(train_x)} images, {args.epochs} epochs")
    for epoch in range(start_epoch + 1, args.epochs + 1):
        t0 = time.perf_counter()
        model.train()
        order = torch.randperm(len(train_x), generator=generator)
        total_loss, correct, seen = 0.0, 0, 0
        bar = tqdm(range(steps_per_epoch), desc=f"epoch {epoch}/{args.epochs}", unit="batch", leave=False)
        for step in bar:
            idx = order[step * args.batch_size : (step + 1) * args.batch_size]
            x = norm.to_float(train_x[idx])
            y = train_y[idx]
            outlier_count = len(y) // 4
            if styled is not None:
                pick = torch.randint(len(styled[1]), (len(y) // 4,), generator=generator)
                x, y = torch.cat([x, styled[0][pick]]), torch.cat([y, styled[1][pick]])
            if augment is not None:
                x = augment(x, generator)
            y = y.to(device)
            if outliers is not None:
                x = torch.cat([x, outlier_batch(outliers, outlier_count, augment, generator)])
            logits = model(norm(x).to(device).contiguous(memory_format=torch.channels_last))
            loss = loss_fn(logits[: len(y)], y)
            if outliers is not None:  # cross-entropy against equal probabilities for all ten digits
                loss = loss - args.outlier_weight * logits[len(y) :].log_softmax(1).mean()
            logits = logits[: len(y)]
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            total_loss += loss.item() * len(y)
            correct += (logits.argmax(1) == y).sum().item()
            seen += len(y)
            bar.set_postfix(loss=f"{total_loss / seen:.4f}", acc=f"{correct / seen:.4f}")
        bar.close()
        accuracy = (predict_labels(model, check_x, norm) == check_y).float().mean().item()
        elapsed += time.perf_counter() - t0
        history.append({"epoch": epoch, "loss": total_loss / seen, "train_accuracy": correct / seen,
                        check_key: accuracy, "elapsed": elapsed})
        print(f"epoch {epoch}/{args.epochs}: loss {total_loss / seen:.4f}, train acc {correct / seen * 100:.2f} %, "
              f"{check_name} acc {accuracy * 100:.2f} %, {elapsed:.0f} s")
        metadata = {
            "arch": args.arch, "mean": args.mean, "std": args.std, check_key: accuracy,
            "epochs": epoch, "planned_epochs": args.epochs, "seed": args.seed, "preset": args.preset,
            "recipe": {k: getattr(args, k) for k in PRESETS["default"]},
            "train_seconds": round(elapsed, 1), "history": history, "device": str(device),
            "holdout": args.holdout, "outlier_weight": args.outlier_weight, "style_pool": args.style_pool,
            "threads": torch.get_num_threads(),
            "torch": torch.__version__, "torchvision": torchvision.__version__, "python": platform.python_version(),
        }
        state = {
            "epoch": epoch, "elapsed": elapsed, "history": history, "model": model.state_dict(),
            "optimizer": optimizer.state_dict(), "schedule": schedule.state_dict(),
            "generator": generator.get_state(),
            "torch_rng": torch.get_rng_state(),
        }
        # the resume state first: a kill between the two writes then resumes after this epoch, not before it
        atomic_write(state_path(output), lambda tmp, state=state: torch.save(state, tmp))
        save_checkpoint(model, output, metadata)

    # recorded for the model card, not printed: `python -m mnist_cnn.evaluate` reports it
    metadata["test_accuracy"] = (predict_labels(model, test_x, norm) == test_y).float().mean().item()
    if args.holdout:
        metadata.update(calibrate(model, norm, held_x, held_y, test_x, test_y))
        held = metadata["calibration"]
        print(f"temperature {metadata['temperature']:.3f}: expected calibration error on the held-out images "
              f"{held['ece_before'] * 100:.2f} % -> {held['ece_after'] * 100:.2f} %")
    save_checkpoint(model, output, metadata)
    save_training_curve(history, output.with_suffix(".png"))
    state_path(output).unlink(missing_ok=True)
    print(f"done: {args.arch}, {check_name} accuracy {metadata[check_key] * 100:.2f} % after {args.epochs} epochs, "
          f"{elapsed:.0f} s of training, checkpoint {output}")
    return metadata


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, raise_keyboard_interrupt)
    try:
        train(args)
    except KeyboardInterrupt:
        print(f"\ninterrupted: {args.output} holds the last finished epoch; continue with --resume.", file=sys.stderr)
        return 130
    except MnistCnnError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
