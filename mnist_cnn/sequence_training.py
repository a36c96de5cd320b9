"""Train the number reader (`mnist_cnn.sequence.SequenceNet`) with the CTC loss; `python -m mnist_cnn.train
--preset sequence` runs this.

    python -m mnist_cnn.train --preset sequence               # the shipped recipe: 18 minutes on 2 cores
    python -m mnist_cnn.train --preset sequence --minutes 2   # a quick one, for trying ideas

Each step is 64 examples made on the fly: most are numbers of 1 to 6 digits written side by side by
`sequence.compose_ink`, touching and overlapping or with gaps, the pen thicker or thinner, some in one stroke
(the pen never lifted between digits). Most numbers are of MNIST training digits (never the HOLDOUT held-out
ones); a quarter are of digits drawn from every written form `styles.written` knows (the open 4, the crossed 7),
so that the reader knows hands MNIST's writers did not have. Half the numbers are drawn black on white at the
size a canvas holds one and read by `preprocess.ink_of`, as the page hands a drawn or uploaded number to the
reader; the others are scaled straight from the written ink. A quarter of the examples are pictures of no
digit at all (training's scribbles, symbols, letters and closed shapes from `mnist_cnn.outliers`, and speckled
textures), whose target is empty, so that the reader learns to say nothing for them. Training runs for a fixed
time, not a number of epochs, because the examples never repeat; the learning rate falls linearly over its
last two thirds.
"""

import argparse
import time

import numpy as np
import torch
from PIL import Image, ImageFilter
from torch import nn

from mnist_cnn.checkpoint import save_checkpoint
from mnist_cnn.config import HOLDOUT, SEQUENCE_CHECKPOINT
from mnist_cnn.data import load_mnist, split_holdout
from mnist_cnn.outliers import SCRIBBLES, closed_shape, letter, symbol
from mnist_cnn.preprocess import ink_of
from mnist_cnn.render import to_gray_image
from mnist_cnn.sequence import BLANK, FORMAT, HEIGHT, STRIDE, SequenceNet, compose_ink, compose_strip, decode, strip
from mnist_cnn.styles import any_form

RECIPE = dict(minutes=18.0, batch_size=64, lr=2e-3, weight_decay=1e-4, negative_share=0.25, written_share=0.25,
              joined_share=0.15, page_share=0.5, seed=0)
"""The shipped reader's recipe; every value can be overridden by its flag."""
DIGITS_PER_NUMBER = {1: 0.1, 2: 0.25, 3: 0.25, 4: 0.2, 5: 0.1, 6: 0.1}
"""How often a training number has each count of digits."""
TOUCHING, GAPPED = (-0.25, 0.05), (0.0, 0.4)
"""The space between neighbouring digits, as a share of the height (negative: overlapping); 80 % of training
numbers touch or overlap."""
JOINED = (0.0, 0.3)
"""The space between digits written in one stroke: the joining line needs room to show."""
PAGE_HEIGHTS = (60, 140)
"""How tall (pixels) a number drawn on a canvas is, as `render.compose_number` writes one."""
WRITTEN_CANVAS = 112
"""Generated digits are drawn on a canvas this wide (any size will do: `side_by_side` crops and scales them)."""
TOUCHING_TEST, GAPPED_TEST = (-0.15, 0.0), (0.0, 0.5)
"""The spaces of `benchmarks.read_numbers`' two rows, at which the reader alone is measured after training."""


def speckle(rng: np.random.Generator) -> Image.Image:
    """Grains of gray over a patch: a texture, not writing. Half the patches have grains of 2 to 6 pixels; the
    others single pixels, blurred or sharp, whose grays span a random range (a file of random pixels, as a visitor
    may send one: the reader trained on the page's own ink read such noise surely as "18" without sharp ones)."""
    size = int(rng.integers(40, 320))
    grain = 1 if rng.random() < 0.5 else int(rng.integers(2, 7))
    low = int(rng.integers(0, 128))
    high = int(rng.integers(max(low + 64, 160), 257))
    cells = rng.integers(low, high, (size // grain + 1, size // grain + 1)).astype(np.uint8)
    image = Image.fromarray(cells).resize((size, size), Image.NEAREST)
    if grain == 1 and rng.random() < 0.5:
        image = image.filter(ImageFilter.GaussianBlur(float(rng.uniform(0.7, 1.5))))
    return image


NOT_DIGITS = [*SCRIBBLES.values(), symbol, letter, closed_shape, speckle]
"""What the reader learns to read as no digits."""


def not_a_number(rng: np.random.Generator) -> np.ndarray:
    """A picture of no digit, as the page sees it (`preprocess.ink_of`), scaled as the reader reads it."""
    while True:
        ink = ink_of(NOT_DIGITS[int(rng.integers(len(NOT_DIGITS)))](rng))
        if ink is not None:
            return strip(ink)


def written_digit(digit: int, rng: np.random.Generator) -> np.ndarray:
    """One digit in a random one of its written forms, as MNIST keeps digits (uint8, ink high)."""
    return 255 - np.asarray(any_form(digit, rng, WRITTEN_CANVAS).convert("L"))


def example(images: np.ndarray, labels: np.ndarray, rng: np.random.Generator, args: argparse.Namespace):
    """A training example: (strip, its digits)."""
    if rng.random() < args.negative_share:
        return not_a_number(rng), []
    count = int(rng.choice(list(DIGITS_PER_NUMBER), p=list(DIGITS_PER_NUMBER.values())))
    joined = rng.random() < args.joined_share
    gaps = JOINED if joined else TOUCHING if rng.random() < 0.8 else GAPPED
    if rng.random() < args.written_share:
        targets = [int(d) for d in rng.integers(0, 10, count)]
        digits = [written_digit(d, rng) for d in targets]
    else:
        index = rng.integers(0, len(images), count)
        digits, targets = [images[i] for i in index], [int(labels[i]) for i in index]
    if rng.random() < args.page_share:  # drawn on a canvas as the page draws a number, read as the page reads it
        ink = ink_of(to_gray_image(compose_ink(digits, rng, gaps, joined, PAGE_HEIGHTS)))
        if ink is not None:
            return strip(ink), targets
    return compose_strip(digits, rng, gaps, joined), targets


def batch_of(examples: list[tuple[np.ndarray, list[int]]]):
    """Strips padded to the widest, and CTC's targets and lengths."""
    widest = max(s.shape[1] for s, _ in examples)
    x = np.zeros((len(examples), 1, HEIGHT, widest), np.float32)
    for i, (s, _) in enumerate(examples):
        x[i, 0, :, : s.shape[1]] = s
    targets = torch.tensor([d for _, ds in examples for d in ds], dtype=torch.long)
    frames = torch.tensor([s.shape[1] // STRIDE for s, _ in examples])
    return torch.from_numpy(x), targets, frames, torch.tensor([len(ds) for _, ds in examples])


def exact_share(model: nn.Module, images: np.ndarray, labels: np.ndarray, gaps: tuple[float, float],
                n: int = 400, digits: int = 4, seed: int = 1) -> float:
    """The share of `n` composed `digits`-digit numbers the reader alone reads exactly (held-out digits)."""
    model.eval()
    rng = np.random.default_rng(seed)
    exact = 0
    for _ in range(n):
        index = rng.integers(0, len(images), digits)
        one = compose_strip([images[i] for i in index], rng, gaps)
        with torch.inference_mode():
            read = decode(model(torch.from_numpy(one)[None, None])[:, 0])
        exact += read.digits == [int(labels[i]) for i in index]
    model.train()
    return exact / n


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--preset", choices=["sequence"], default="sequence")
    p.add_argument("--data-dir", default=None, help="MNIST in torchvision's layout (default: $MNIST_DATA_DIR)")
    for key, value in RECIPE.items():
        p.add_argument(f"--{key.replace('_', '-')}", type=type(value), default=value, help=f"(default: {value})")
    p.add_argument("--output", default=str(SEQUENCE_CHECKPOINT), help=f"(default: {SEQUENCE_CHECKPOINT})")
    return p.parse_args(argv)


def train(args: argparse.Namespace) -> dict:
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    (train_x, train_y), (held_x, held_y) = split_holdout(*load_mnist(args.data_dir, train=True), HOLDOUT)
    train_x, train_y, held_x, held_y = (t.numpy() for t in (train_x, train_y, held_x, held_y))
    model = SequenceNet()
    ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)
    optimizer = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    print(f"training the number reader ({sum(p.numel() for p in model.parameters())} parameters) "
          f"for {args.minutes} minutes")
    start = time.monotonic()
    seconds = args.minutes * 60
    steps, losses = 0, []
    while (elapsed := time.monotonic() - start) < seconds:
        for group in optimizer.param_groups:
            group["lr"] = args.lr * max(0.02, min(1.0, 1.5 * (1 - elapsed / seconds)))
        x, targets, frames, lengths = batch_of(
            [example(train_x, train_y, rng, args) for _ in range(args.batch_size)])
        loss = ctc(model(x), targets, frames, lengths)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
        steps += 1
        if steps % 500 == 0:
            print(f"{elapsed:5.0f} s  step {steps}  loss {np.mean(losses[-500:]):.3f}", flush=True)
    figures = dict(
        seconds=round(time.monotonic() - start), examples=steps * args.batch_size,
        held_out_touching_4_exact=exact_share(model, held_x, held_y, TOUCHING_TEST),
        held_out_gapped_4_exact=exact_share(model, held_x, held_y, GAPPED_TEST),
    )
    metadata = {"format": FORMAT, "recipe": {k: getattr(args, k) for k in RECIPE}, "figures": figures}
    save_checkpoint(model, args.output, metadata)
    print(f"done: {figures['examples']} numbers in {figures['seconds']} s; the reader alone reads composed "
          f"held-out 4-digit numbers exactly: touching {figures['held_out_touching_4_exact'] * 100:.1f} %, "
          f"with gaps {figures['held_out_gapped_4_exact'] * 100:.1f} %; checkpoint {args.output}")
    return metadata


def main(argv: list[str] | None = None) -> int:
    train(parse_args(argv))
    return 0
