import json
import subprocess
import sys

from mnist_cnn.config import DEFAULT_CHECKPOINT


def test_shipped_checkpoint_scores_at_least_99_6_percent_on_mnist_test(mnist_dir, tmp_path):
    # guards the model card's 99.66 % (n = 10,000, one standard error 0.06 points): the evaluation is
    # deterministic, so the margin of one standard error only absorbs arithmetic differences between machines
    png = tmp_path / "confusion.png"
    run = subprocess.run(
        [sys.executable, "-m", "mnist_cnn.evaluate", "--checkpoint", str(DEFAULT_CHECKPOINT), "--data-dir",
         str(mnist_dir), "--json", "--confusion-png", str(png)],
        capture_output=True, text=True, timeout=300,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["n"] == 10_000
    assert result["accuracy"] >= 0.996
    assert set(result["per_class"]) == {str(d) for d in range(10)}
    assert min(result["per_class"].values()) >= 0.99
    assert sum(map(sum, result["confusion"])) == 10_000
    assert "confusion" in run.stdout and png.stat().st_size > 1000
