"""Scratch: benchmarks.read_numbers' measure (held-out) with and without the sequence reader."""
import sys
import numpy as np
import torch
from benchmarks.read_numbers import GAPS, read_numbers
from mnist_cnn.config import HOLDOUT
from mnist_cnn.data import load_mnist, split_holdout
from mnist_cnn.predict import DigitClassifier
from mnist_cnn.sequence import SequenceNet

torch.set_num_threads(1)
n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
weights = sys.argv[2] if len(sys.argv) > 2 else None
digits = int(sys.argv[3]) if len(sys.argv) > 3 else 4
classifier = DigitClassifier.from_checkpoint()
if weights:
    seq = SequenceNet()
    seq.load_state_dict(torch.load(weights))
    classifier.sequence = seq.eval()
_, (images, labels) = split_holdout(*load_mnist("/work/shared/data", train=True), HOLDOUT)
for name, gaps in GAPS.items():
    r = read_numbers(classifier, images.numpy(), labels.numpy(), n, digits, gaps, 0)
    print(name, {k: round(v, 4) for k, v in r.items()}, flush=True)
