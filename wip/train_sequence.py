"""Scratch: train SequenceNet with CTC on composed strips; evaluate count/sequence accuracy on held-out strips."""
import sys
import time

import numpy as np
import torch
from torch import nn

from mnist_cnn.config import HOLDOUT
from mnist_cnn.data import load_mnist, split_holdout
from mnist_cnn.sequence import BLANK, STRIDE, SequenceNet, compose_strip, decode

torch.set_num_threads(2)
minutes = float(sys.argv[1]) if len(sys.argv) > 1 else 2
out = sys.argv[2] if len(sys.argv) > 2 else "/tmp/b/seq.pt"
(train_x, train_y), (held_x, held_y) = split_holdout(*load_mnist("/work/shared/data", train=True), HOLDOUT)
train_x, train_y, held_x, held_y = train_x.numpy(), train_y.numpy(), held_x.numpy(), held_y.numpy()
rng = np.random.default_rng(0)


from mnist_cnn.outliers import SCRIBBLES, closed_shape, letter, symbol
from mnist_cnn.preprocess import ink_of
from mnist_cnn.sequence import strip

NOT_DIGITS = [*SCRIBBLES.values(), symbol, letter, closed_shape]
NEGATIVE_SHARE = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0


def negative(rng):
    """A scribble, symbol, letter or closed shape from training's own generators: no digits."""
    while True:
        ink = ink_of(NOT_DIGITS[int(rng.integers(len(NOT_DIGITS)))](rng))
        if ink is not None:
            return strip(ink), []


def example(images, labels, rng):
    if rng.random() < NEGATIVE_SHARE:
        return negative(rng)
    k = int(rng.choice([1, 2, 3, 4, 5, 6], p=[0.1, 0.25, 0.25, 0.2, 0.1, 0.1]))
    gaps = (-0.25, 0.05) if rng.random() < 0.8 else (0.0, 0.4)
    index = rng.integers(0, len(images), k)
    return compose_strip([images[i] for i in index], rng, gaps), [int(labels[i]) for i in index]


def batch_of(examples):
    widest = max(s.shape[1] for s, _ in examples)
    x = np.zeros((len(examples), 1, 32, widest), np.float32)
    for i, (s, _) in enumerate(examples):
        x[i, 0, :, : s.shape[1]] = s
    targets = torch.tensor([d for _, ds in examples for d in ds], dtype=torch.long)
    return (torch.from_numpy(x), targets, torch.tensor([s.shape[1] // STRIDE for s, _ in examples]),
            torch.tensor([len(ds) for _, ds in examples]))


def evaluate(model, n=400, k=4, gaps=(-0.15, 0.0), seed=1):
    model.eval()
    r = np.random.default_rng(seed)
    exact = count = 0
    for _ in range(n):
        index = r.integers(0, len(held_x), k)
        s = compose_strip([held_x[i] for i in index], r, gaps)
        with torch.inference_mode():
            lp = model(torch.from_numpy(s)[None, None])[:, 0]
        read = decode(lp, 1.0, 0.0)
        truth = [int(held_y[i]) for i in index]
        exact += read.digits == truth
        count += len(read.digits) == k
    model.train()
    return exact / n, count / n


model = SequenceNet()
print(sum(p.numel() for p in model.parameters()), "parameters")
ctc = nn.CTCLoss(blank=BLANK, zero_infinity=True)
opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
start = time.monotonic()
deadline = start + minutes * 60
step, seen, losses = 0, 0, []
while time.monotonic() < deadline:
    left = (deadline - time.monotonic()) / (minutes * 60)
    for g in opt.param_groups:
        g["lr"] = 2e-3 * max(0.02, min(1.0, left * 1.5))
    x, targets, in_lens, tgt_lens = batch_of([example(train_x, train_y, rng) for _ in range(64)])
    lp = model(x)
    loss = ctc(lp, targets, in_lens, tgt_lens)
    opt.zero_grad()
    loss.backward()
    opt.step()
    losses.append(float(loss))
    step += 1
    seen += 64
    if step % 200 == 0:
        print(f"{time.monotonic() - start:.0f}s step {step} seen {seen} loss {np.mean(losses[-200:]):.3f}", flush=True)
print(f"{seen / (time.monotonic() - start):.0f} strips/s")
print("touching 4-digit (exact, count):", evaluate(model))
print("gaps 4-digit:", evaluate(model, gaps=(0.0, 0.5)))
print("single:", evaluate(model, k=1, gaps=(0, 0)))
torch.save(model.state_dict(), out)
