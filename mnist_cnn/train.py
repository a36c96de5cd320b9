"""Train a CNN on MNIST and write a checkpoint the app can load.

    python -m mnist_cnn.train                   # the default recipe: reproduces the shipped checkpoint
    python -m mnist_cnn.train --fast            # about a minute on a laptop CPU, >= 99 %: trained-fast.safetensors
    python -m mnist_cnn.train --preset article  # the reference article's recipe: trained-article.safetensors
    python -m mnist_cnn.train --preset sequence # the number reader (mnist_cnn.sequence_training)
    python -m mnist_cnn.train --preset finetune --init checkpoints/mnist_cnn.safetensors \
        --extra-data corrections/ --output tuned.safetensors  # learn visitors' corrections in minutes
    torchrun --nproc_per_node 2 -m mnist_cnn.train ...    # the same, in 2 processes (mnist_cnn.distributed)

The default recipe rewrites checkpoints/mnist_cnn.safetensors, the network the page serves; any other preset
writes checkpoints/trained-PRESET.safetensors unless --output names a file. Every knob of a preset can be
overridden by its flag. After each epoch the checkpoint and a resume
state are written atomically, so an interrupted run keeps its last finished epoch (`--resume`).
"""

import argparse
import contextlib
import os
import platform
import signal
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
import torchvision
from torch import nn
from tqdm import tqdm

from mnist_cnn import sequence_training
from mnist_cnn.augment import Augment
from mnist_cnn.calibrate import calibration_report, fit_temperature
from mnist_cnn.checkpoint import atomic_write, load_checkpoint, read_metadata, save_checkpoint
from mnist_cnn.config import HOLDOUT, MNIST_MEAN, MNIST_STD, trained_checkpoint
from mnist_cnn.distributed import World, digests_of_all, join, leave, shard, wait_for_all
from mnist_cnn.errors import MnistCnnError
from mnist_cnn.evaluate import accuracy as accuracy_of
from mnist_cnn.evaluate import logits_of
from mnist_cnn.extra_data import read_all
from mnist_cnn.model import ARCHS, KERNELS, NORMS, POOLS, build_model
from mnist_cnn.outliers import pair_inputs, piece_inputs, scribble_inputs
from mnist_cnn.styles import scan_inputs, style_pool
from mnist_cnn.transforms import Normalization

PRESETS = {
    "default": dict(
        arch="mnist_cnn", epochs=20, batch_size=128, lr=3e-3, optimizer="adamw", momentum=0.9,
        weight_decay=5e-4, schedule="onecycle", augment=True, label_smoothing=0.1,
        mean=MNIST_MEAN, std=MNIST_STD, holdout=HOLDOUT, outlier_weight=0.5, style_pool=30_000, usps=True,
    ),
    "fast": dict(
        arch="mnist_cnn_small", epochs=2, batch_size=128, lr=4e-3, optimizer="adamw", momentum=0.9,
        weight_decay=5e-4, schedule="onecycle", augment=False, label_smoothing=0.0,
        mean=MNIST_MEAN, std=MNIST_STD, holdout=0, outlier_weight=0.0, style_pool=0,
    ),
    "article": dict(
        arch="seed", epochs=10, batch_size=128, lr=1e-3, optimizer="sgd", momentum=0.9,
        weight_decay=0.0, schedule="constant", augment=False, label_smoothing=0.0,
        mean=0.5, std=0.5, holdout=0, outlier_weight=0.0, style_pool=0, bf16=False,  # float32, as the article
    ),
    # from a trained network (--init), a few epochs over the extra pictures (--extra-data, each seen
    # extra_repeat times an epoch) among a replay of MNIST, so that what it knew is not forgotten
    "finetune": dict(
        arch="mnist_cnn", epochs=3, batch_size=128, lr=5e-4, optimizer="adamw", momentum=0.9,
        weight_decay=5e-4, schedule="onecycle", augment=True, label_smoothing=0.1,
        mean=MNIST_MEAN, std=MNIST_STD, holdout=HOLDOUT, outlier_weight=0.5, style_pool=0,
        replay=15_000, extra_repeat=4, outlier_pool=3000,
    ),
}
OPTIONAL = dict(outlier_pool=10_000, extra_repeat=1, replay=0, bf16=None, style_share=0.5, usps=False)
"""Settings only some presets set: their values for the others (replay 0: all of MNIST; bf16 None: where it
pays, see bf16_by_default; style_share: 64 styled digits beside each step's 128 MNIST digits)."""
RECIPE_KEYS = (*PRESETS["default"], "style_share", "replay", "extra_repeat")
"""The settings a checkpoint records as its recipe."""
VARIANT_KEYS = ("kernel", "norm", "pool", "width")
"""The article network's variants (mnist_cnn.model.SeedNet): a checkpoint records them as its arch_options."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    presets = "\n".join(f"  {name}: " + ", ".join(f"{key}={value}" for key, value in preset.items())
                         for name, preset in PRESETS.items())
    reader = ", ".join(f"--{key.replace('_', '-')} {value}" for key, value in sequence_training.RECIPE.items())
    epilog = (f"each preset's defaults:\n{presets}\n  sequence: the number reader, its own flags "
              f"(--preset sequence --help): {reader}, --data-dir, --output")
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0], epilog=epilog,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--preset", choices=[*PRESETS, "sequence"], default="default",
                   help="recipe to start from (default: default)")
    p.add_argument("--fast", action="store_const", const="fast", dest="preset", help="same as --preset fast")
    p.add_argument("--arch", choices=ARCHS, help="network architecture")
    variant = p.add_argument_group("variants of the article's network (--arch seed; default: the article's own)")
    variant.add_argument("--kernel", type=int, choices=KERNELS, help="convolution kernel size (article: 5)")
    variant.add_argument("--norm", choices=NORMS, help="normalization after each convolution (article: none)")
    variant.add_argument("--pool", choices=POOLS, help="pooling (article: max)")
    variant.add_argument("--width", type=int, help="feature maps of the first convolution, twice as many in the "
                                                   "second (article: 16)")
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
    p.add_argument("--outlier-pool", type=int,
                   help=f"scribbles and digit pairs drawn for that (default: {OPTIONAL['outlier_pool']})")
    p.add_argument("--style-pool", type=int,
                   help="digits written and captured in styles MNIST under-represents, drawn once and added to "
                        "each step (mnist_cnn.styles; 0: off)")
    p.add_argument("--usps", action=argparse.BooleanOptionalAction, default=None,
                   help="add USPS's 7,291 training digits (real scans by other writers, mnist_cnn.data.load_usps), "
                        "each uploaded as a scan, to the styled digits of every step (default preset: on)")
    p.add_argument("--style-share", type=float,
                   help="styled digits added to each step, as a share of its MNIST digits "
                        f"(default: {OPTIONAL['style_share']})")
    p.add_argument("--train-limit", type=int, help="train on only the first N images (for quick tests)")
    p.add_argument("--extra-data", nargs="+", metavar="DIR", default=[],
                   help="also train on these labelled pictures: corrections folders (app.py --collect) or folders "
                        "of LABEL/*.png, preprocessed as the page does")
    p.add_argument("--extra-repeat", type=int,
                   help=f"times each extra picture is seen per epoch (default: {OPTIONAL['extra_repeat']})")
    p.add_argument("--replay", type=int, help="train on only N random MNIST training images besides the extra "
                   "pictures (default: all)")
    p.add_argument("--init", metavar="CHECKPOINT",
                   help="start from this checkpoint's weights (its architecture and normalization) to fine-tune")
    p.add_argument("--seed", type=int, default=0,
                   help="random seed of the pools, batches and augmentations (default: 0; the held-out images are "
                        "the same whatever the seed)")
    p.add_argument("--device", default="auto", help="auto (cuda, mps, cpu), or any torch device name")
    p.add_argument("--bf16", action=argparse.BooleanOptionalAction, default=None,
                   help="compute the forward pass in bfloat16 (weights stay float32); default: on CUDA, and on CPUs "
                        "with native bfloat16 instructions, where it about halves each step (the article preset: off)")
    p.add_argument("--data-dir", help="MNIST folder (default: $MNIST_DATA_DIR or ./data)")
    p.add_argument("--output", help="checkpoint to write (default: the shipped one for the default preset, "
                                    "checkpoints/trained-PRESET.safetensors for any other)")
    p.add_argument("--resume", action="store_true", help="continue an interrupted run from its last finished epoch")
    args = p.parse_args(argv)
    for key, value in (OPTIONAL | PRESETS[args.preset]).items():
        if getattr(args, key) is None:
            setattr(args, key, value)
    args.output = args.output or str(trained_checkpoint(args.preset))
    if args.style_share < 0:
        p.error(f"--style-share must be 0 or more, not {args.style_share}.")
    args.arch_options = {key: getattr(args, key) for key in VARIANT_KEYS if getattr(args, key) is not None}
    if args.arch_options and args.arch != "seed":
        p.error(f"--{', --'.join(args.arch_options)} choose a variant of the article's network (--arch seed), "
                f"not of {args.arch}.")
    if args.width is not None and not 1 <= args.width <= 256:
        p.error(f"--width must be between 1 and 256, not {args.width}.")
    if args.init:  # the weights come with their architecture and the normalization they were trained with
        meta = read_metadata(Path(args.init))
        args.arch, args.mean, args.std = meta["arch"], meta["mean"], meta["std"]
        args.arch_options = meta.get("arch_options", {})
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


def bf16_by_default(device: torch.device) -> bool:
    """Whether bfloat16 autocast pays on `device`: on CUDA, and on a CPU whose oneDNN has native bfloat16
    (AVX-512 BF16 or AMX; elsewhere it would be emulated, slower than float32)."""
    if device.type == "cuda":
        return True
    cpu = device.type == "cpu" and torch.backends.mkldnn.is_available()
    return cpu and torch.ops.mkldnn._is_mkldnn_bf16_supported()


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


def calibrate(model: nn.Module, norm: Normalization, held_x, held_y, test_logits, test_y) -> dict:
    """Fit the temperature on the held-out training images; report calibration there and on the test set
    (whose logits the caller has already computed)."""
    held_logits = logits_of(model, held_x, norm)
    temperature = fit_temperature(held_logits, held_y)
    return {
        "temperature": round(temperature, 5),
        "calibration": calibration_report(held_logits, held_y, temperature),
        "test_calibration": calibration_report(test_logits, test_y, temperature),
    }


def raise_keyboard_interrupt(signum, frame):
    raise KeyboardInterrupt


@dataclass
class Data:
    """The images of one run: training, held out (for choices and calibration) and test (for the report)."""

    train: tuple[torch.Tensor, torch.Tensor]
    held: tuple[torch.Tensor, torch.Tensor]
    test: tuple[torch.Tensor, torch.Tensor]
    not_digits: torch.Tensor | None = None  # extra pictures labelled "not a digit", learnt as outliers

    @property
    def check(self) -> tuple[str, torch.Tensor, torch.Tensor]:
        """What each epoch is checked on: the held-out images, or the test set when none are held out."""
        return ("heldout", *self.held) if len(self.held[0]) else ("test", *self.test)


@dataclass
class Pools:
    """Pictures drawn once per run: outliers (not one digit) and digits in other people's styles."""

    outliers: torch.Tensor | None = None
    styled: tuple[torch.Tensor, torch.Tensor] | None = None


@dataclass
class Run:
    """What changes as a run goes: the network, its optimizer and schedule, the random state, the history."""

    model: nn.Module
    net: nn.Module  # what the training steps call: the model, or the model wrapped to share gradients
    optimizer: torch.optim.Optimizer
    schedule: torch.optim.lr_scheduler.LRScheduler
    loss_fn: nn.Module
    generator: torch.Generator
    history: list[dict] = field(default_factory=list)
    epoch: int = 0
    elapsed: float = 0.0
    stopped: bool = False  # the watch asked to end the run here (see `train`)


@dataclass
class Step:
    """What a watch (see `train`) hears after each training step: the network as it is, the run's images and
    normalization, where the run stands, and the mean loss and accuracy of this epoch's steps so far."""

    model: nn.Module
    norm: Normalization
    data: Data
    epoch: int  # counted from 1
    epochs: int
    step: int  # within the epoch, counted from 1
    steps: int
    loss: float
    accuracy: float


Watch = Callable[[Step], bool]
"""Called after every training step; returning True ends the run there, keeping the network as it is."""


def load_data(args: argparse.Namespace) -> Data:
    """MNIST, with `--holdout` random training images set aside (the same ones whatever the seed: HOLDOUT_SEED),
    only `--replay` random ones of the rest when set, and the `--extra-data` pictures (`--extra-repeat` times
    each)."""
    from mnist_cnn.data import load_mnist, split_holdout

    train_x, train_y = load_mnist(args.data_dir, train=True)
    if args.train_limit:
        train_x, train_y = train_x[: args.train_limit], train_y[: args.train_limit]
    if not 0 <= args.holdout < len(train_x):
        raise MnistCnnError(f"--holdout {args.holdout} must be less than the {len(train_x)} training images.")
    (kept_x, kept_y), held = split_holdout(train_x, train_y, args.holdout)
    if args.replay and args.replay < len(kept_x):
        pick = torch.randperm(len(kept_x), generator=torch.Generator().manual_seed(args.seed + 1))[: args.replay]
        kept_x, kept_y = kept_x[pick], kept_y[pick]
    data = Data((kept_x, kept_y), held, load_mnist(args.data_dir, train=False))
    if args.extra_data:
        extra = read_all(args.extra_data)
        print(f"extra pictures: {len(extra.labels)} digits and {len(extra.not_digits)} not digits from "
              f"{', '.join(args.extra_data)} ({extra.skipped} skipped), each seen {args.extra_repeat} times an epoch")
        repeat = args.extra_repeat
        data.train = (torch.cat([kept_x, torch.from_numpy(extra.digits).repeat(repeat, 1, 1)]),
                      torch.cat([kept_y, torch.from_numpy(extra.labels).repeat(repeat)]))
        if len(extra.not_digits):
            data.not_digits = torch.from_numpy(extra.not_digits).unsqueeze(1).float().div_(255.0)
    return data


def draw_pools(args: argparse.Namespace, data: Data, world: World) -> Pools:
    """Draw the outlier pool (scribbles, pieces of scribbles, touching pairs) and the style pool (with USPS's
    scans): the style pool in processes of its own (one process in a distributed run), while this one draws the
    rest."""
    pools = Pools()
    train_x, train_y = data.train
    with ThreadPoolExecutor(1) as waiter:  # the thread only waits for the style pool's processes
        styled = None
        if args.style_pool:
            print(f"writing {args.style_pool} digits in styles MNIST under-represents")
            styled = waiter.submit(style_pool, train_x.numpy(), train_y.numpy(), args.style_pool, seed=args.seed,
                                   processes=(os.cpu_count() or 1) if world.size == 1 else 1)
        if args.outlier_weight > 0:
            print(f"drawing {args.outlier_pool} scribbles, pieces of scribbles and pairs of digits "
                  "to learn what is not one digit")
            pairs = pair_inputs(train_x.numpy(), args.outlier_pool // 3, seed=args.seed)
            pieces = piece_inputs(args.outlier_pool // 6, seed=args.seed)
            scribbles = scribble_inputs(args.outlier_pool - len(pairs) - len(pieces), seed=args.seed)
            pools.outliers = torch.from_numpy(np.concatenate([scribbles, pieces, pairs])).unsqueeze(1)
            if data.not_digits is not None:
                pools.outliers = torch.cat([pools.outliers, data.not_digits])
        scans = None
        if args.usps:
            from mnist_cnn.data import load_usps

            usps_x, usps_y = load_usps(args.data_dir, train=True)
            print(f"uploading USPS's {len(usps_y)} training digits as scans, beside the styled digits")
            scan_x, scan_y = scan_inputs(usps_x, usps_y, seed=args.seed)
            scans = (torch.from_numpy(scan_x).unsqueeze(1), torch.from_numpy(scan_y))
        if styled is not None:
            style_x, style_y = styled.result()
            pools.styled = (torch.from_numpy(style_x).unsqueeze(1), torch.from_numpy(style_y))
    if scans is not None:
        pools.styled = scans if pools.styled is None else tuple(map(torch.cat, zip(pools.styled, scans)))
    return pools


def start_run(args: argparse.Namespace, device: torch.device, images: int, world: World) -> Run:
    """A network (fresh, or `--init`'s weights) with its optimizer, learning-rate schedule and loss, for `images`
    training images shared among the world's processes, `--batch-size` images per step in all."""
    generator = torch.Generator().manual_seed(args.seed)
    model = load_checkpoint(args.init)[0] if args.init else build_model(args.arch, args.arch_options)
    model = model.to(device).to(memory_format=torch.channels_last)
    net = model
    if world.size > 1:
        net = nn.parallel.DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None)
    optimizer = make_optimizer(args, model)
    per_process = -(-images // world.size)
    schedule = make_schedule(args, optimizer, -(-per_process // per_process_batch(args, world)))
    return Run(model, net, optimizer, schedule, nn.CrossEntropyLoss(label_smoothing=args.label_smoothing), generator)


def per_process_batch(args: argparse.Namespace, world: World) -> int:
    """Each process's share of a step's `--batch-size` images."""
    return max(1, args.batch_size // world.size)


def resume(run: Run, output: Path) -> None:
    """Continue `run` from the resume state an interrupted run writing `output` left."""
    if not state_path(output).exists():
        raise MnistCnnError(f"Nothing to resume: {state_path(output)} does not exist.")
    state = torch.load(state_path(output), weights_only=True)
    run.model.load_state_dict(state["model"])
    run.optimizer.load_state_dict(state["optimizer"])
    run.schedule.load_state_dict(state["schedule"])
    run.generator.set_state(state["generator"])
    torch.set_rng_state(state["torch_rng"])
    run.epoch, run.elapsed, run.history = state["epoch"], state["elapsed"], state["history"]


def outlier_loss(logits: torch.Tensor, weight: float) -> torch.Tensor:
    """Outlier exposure: cross-entropy of the outliers' answers against equal probabilities for all ten digits."""
    return -weight * logits.log_softmax(1).mean()


def one_epoch(args, run: Run, data: Data, pools: Pools, norm: Normalization, device, world: World,
              watch: Watch | None = None):
    """One pass over the training images (this process's shard of them), each batch with its share of styled
    digits and outliers, told to `watch` after each step (which may end it: run.stopped); return the mean loss and
    the training accuracy."""
    train_x, train_y = data.train
    augment = Augment() if args.augment else None
    run.model.train()
    order = shard(torch.randperm(len(train_x), generator=run.generator), world)
    # the order is the same in every process; what each draws for its own images (styled digits, outliers,
    # distortions) is its own
    local = run.generator if world.size == 1 else torch.Generator().manual_seed(
        args.seed * 7919 + 1000 * world.rank + run.epoch)
    total_loss, correct, seen = 0.0, 0, 0
    batch = per_process_batch(args, world)
    steps = -(-len(order) // batch)
    bar = tqdm(range(steps), desc=f"epoch {run.epoch + 1}/{args.epochs}", unit="batch", leave=False,
               disable=not world.main)
    for step in bar:
        idx = order[step * batch : (step + 1) * batch]
        x, y = norm.to_float(train_x[idx]), train_y[idx]
        outlier_count = len(y) // 4
        if pools.styled is not None:
            pick = torch.randint(len(pools.styled[1]), (int(len(y) * args.style_share),), generator=local)
            x, y = torch.cat([x, pools.styled[0][pick]]), torch.cat([y, pools.styled[1][pick]])
        if augment is not None:
            x = augment(x, local)
        y = y.to(device)
        if pools.outliers is not None:
            x = torch.cat([x, outlier_batch(pools.outliers, outlier_count, augment, local)])
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=args.bf16):
            logits = run.net(norm(x).to(device).contiguous(memory_format=torch.channels_last)).float()
        loss = run.loss_fn(logits[: len(y)], y)
        if pools.outliers is not None:
            loss = loss + outlier_loss(logits[len(y) :], args.outlier_weight)
        run.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        run.optimizer.step()
        run.schedule.step()
        total_loss += loss.item() * len(y)
        correct += (logits[: len(y)].argmax(1) == y).sum().item()
        seen += len(y)
        bar.set_postfix(loss=f"{total_loss / seen:.4f}", acc=f"{correct / seen:.4f}")
        if watch is not None and watch(Step(run.model, norm, data, run.epoch + 1, args.epochs, step + 1, steps,
                                            total_loss / seen, correct / seen)):
            run.stopped = True
            break
    bar.close()
    return total_loss / seen, correct / seen


def metadata_of(args: argparse.Namespace, run: Run, device: torch.device) -> dict:
    """What the checkpoint records about the run so far (the last epoch's check accuracy included)."""
    check = {k: v for k, v in run.history[-1].items() if k.endswith("_accuracy") and k != "train_accuracy"}
    return {
        "arch": args.arch, **({"arch_options": args.arch_options} if args.arch_options else {}),
        "mean": args.mean, "std": args.std, **check,
        "epochs": run.epoch, "planned_epochs": args.epochs, "seed": args.seed, "preset": args.preset,
        "recipe": {k: getattr(args, k) for k in RECIPE_KEYS},
        **({"init": Path(args.init).name} if args.init else {}),
        **({"extra_data": [Path(d).name for d in args.extra_data]} if args.extra_data else {}),
        "train_seconds": round(run.elapsed, 1), "history": run.history, "device": str(device),
        "holdout": args.holdout, "outlier_weight": args.outlier_weight, "style_pool": args.style_pool,
        "usps": args.usps,
        "threads": torch.get_num_threads(), "bf16": args.bf16,
        "torch": torch.__version__, "torchvision": torchvision.__version__, "python": platform.python_version(),
    }


def save_epoch(run: Run, output: Path, metadata: dict) -> None:
    """Write the resume state, then the checkpoint: a kill between the two writes resumes after this epoch."""
    state = {
        "epoch": run.epoch, "elapsed": run.elapsed, "history": run.history, "model": run.model.state_dict(),
        "optimizer": run.optimizer.state_dict(), "schedule": run.schedule.state_dict(),
        "generator": run.generator.get_state(), "torch_rng": torch.get_rng_state(),
    }
    atomic_write(state_path(output), lambda tmp: torch.save(state, tmp))
    save_checkpoint(run.model, output, metadata)


def finish(args, run: Run, data: Data, norm: Normalization, metadata: dict, output: Path | None,
           started: float) -> dict:
    """Record the test accuracy (for the model card; `python -m mnist_cnn.evaluate` reports it), calibrate on
    the held-out images, write the final checkpoint with the run's wall time, and the training curve (without
    an `output`, nothing is written)."""
    test_logits = logits_of(run.model, data.test[0], norm)  # one pass over the test set serves both
    metadata["test_accuracy"] = (test_logits.argmax(1) == data.test[1]).float().mean().item()
    if args.holdout:
        metadata.update(calibrate(run.model, norm, *data.held, test_logits, data.test[1]))
        held = metadata["calibration"]
        print(f"temperature {metadata['temperature']:.3f}: expected calibration error on the held-out images "
              f"{held['ece_before'] * 100:.2f} % -> {held['ece_after'] * 100:.2f} %")
    metadata["wall_seconds"] = round(time.perf_counter() - started, 1)
    if output is not None:
        save_checkpoint(run.model, output, metadata)
        save_training_curve(run.history, output.with_suffix(".png"))
        state_path(output).unlink(missing_ok=True)
    return metadata


def train(args: argparse.Namespace, world: World | None = None, watch: Watch | None = None) -> dict:
    """Run the recipe in `args` (in this process's place in `world`, one process by default); return the final
    metadata written to the checkpoint. A `watch` hears about every step and may end the run early; with
    `args.output` None, nothing is written to disk (the Train tab: mnist_cnn.live)."""
    world = world or World()
    output, started = (Path(args.output) if args.output else None), time.perf_counter()
    device = pick_device(args.device)
    if device.type == "cuda" and world.size > 1:
        device = torch.device("cuda", world.local_rank)
    if args.bf16 is None:
        args.bf16 = bf16_by_default(device)
    torch.manual_seed(args.seed)
    data = load_data(args)
    norm = Normalization(args.mean, args.std)
    pools = draw_pools(args, data, world)
    run = start_run(args, device, len(data.train[0]), world)
    if args.resume:
        resume(run, output)
        print(f"resuming {output} after epoch {run.epoch} of {args.epochs}")
    check_name, check_x, check_y = data.check
    processes = f" x {world.size} processes" if world.size > 1 else ""
    print(f"training {args.arch} ({args.preset} preset{', from ' + args.init if args.init else ''}) on {device}"
          f"{' in bfloat16' if args.bf16 else ''}, "
          f"{torch.get_num_threads()} threads{processes}, {len(data.train[0])} images, {args.epochs} epochs; "
          f"each epoch checked on the {check_name} images")
    while run.epoch < args.epochs and not run.stopped:
        epoch_start = time.perf_counter()
        loss, train_accuracy = one_epoch(args, run, data, pools, norm, device, world, watch)
        run.epoch, run.elapsed = run.epoch + 1, run.elapsed + time.perf_counter() - epoch_start
        if world.main:
            accuracy = accuracy_of(run.model, check_x, check_y, norm)
            run.history.append({"epoch": run.epoch, "loss": loss, "train_accuracy": train_accuracy,
                                f"{check_name}_accuracy": accuracy, "elapsed": run.elapsed})
            print(f"epoch {run.epoch}/{args.epochs}: loss {loss:.4f}, train acc {train_accuracy * 100:.2f} %, "
                  f"{check_name} acc {accuracy * 100:.2f} %, {run.elapsed:.0f} s")
            metadata = metadata_of(args, run, device)
            if output is not None:
                save_epoch(run, output, metadata)
        wait_for_all(world)  # the others wait while rank 0 checks and writes
    digests = digests_of_all(run.model, world)
    if not world.main:
        return {}
    if world.size > 1:  # each process took every step with the gradients averaged over all: one network
        agree = "the same weights" if len(set(digests)) == 1 else "DIFFERENT weights"
        print(f"{world.size} processes end with {agree}: {', '.join(digests)}")
    metadata["processes"] = world.size
    metadata = finish(args, run, data, norm, metadata, output, started)
    early = " (stopped early)" if run.stopped else ""
    print(f"done: {args.arch}, {check_name} accuracy {accuracy * 100:.2f} % after {run.epoch} epochs{early}, "
          f"{run.elapsed:.0f} s of training, checkpoint {output}")
    return metadata


def main(argv: list[str] | None = None) -> int:
    signal.signal(signal.SIGTERM, raise_keyboard_interrupt)
    argv = sys.argv[1:] if argv is None else argv
    if any(a == "--preset=sequence" or (a, b) == ("--preset", "sequence") for a, b in zip(argv, [*argv[1:], ""])):
        return sequence_training.main(argv)  # another network, with its own recipe and flags
    try:
        args = parse_args(argv)  # reads --init's checkpoint
        world = join(args.device)
    except MnistCnnError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    # rank 0 speaks for all: the others print nothing (their errors still reach stderr)
    quiet = contextlib.redirect_stdout(open(os.devnull, "w")) if not world.main else contextlib.nullcontext()
    try:
        with quiet:
            train(args, world)
    except KeyboardInterrupt:
        print(f"\ninterrupted: {args.output} holds the last finished epoch; continue with --resume.", file=sys.stderr)
        return 130
    except MnistCnnError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    finally:
        leave(world)
    return 0


if __name__ == "__main__":
    sys.exit(main())
