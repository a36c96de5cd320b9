"""Scratch: page-path flag rates on non-digit drawings (seed 777), with/without the sequence reader."""
import sys
import numpy as np, torch
from benchmarks.uncertainty import page_readings
from harness.drawings import TEST_SETS
from mnist_cnn.predict import DigitClassifier
from mnist_cnn.sequence import SequenceNet
torch.set_num_threads(1)
n = int(sys.argv[1]); weights = sys.argv[2] if len(sys.argv) > 2 else None
c = DigitClassifier.from_checkpoint()
if weights:
    s = SequenceNet(); s.load_state_dict(torch.load(weights)); c.sequence = s.eval()
for index, (name, draw) in enumerate(TEST_SETS.items()):
    rng = np.random.default_rng([777, index])
    flagged, shown = page_readings(c, [draw(rng) for _ in range(n)])
    print(f"{name}: flagged {flagged.mean() * 100:.0f} %  shown {shown.most_common(3)}", flush=True)
