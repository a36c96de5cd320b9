"""Calibration: make "90 % sure" right nine times in ten.

Networks trained with cross-entropy (and label smoothing) state probabilities that are too high or too
low. Temperature scaling divides the logits by one number T, fitted to minimise the negative
log-likelihood on images training never used; it changes no prediction, only how sure each one is.
The expected calibration error (ECE) measures the gap between stated confidence and accuracy.
"""

import torch
import torch.nn.functional as F


def fit_temperature(logits: torch.Tensor, labels: torch.Tensor) -> float:
    """The temperature T > 0 that minimises the NLL of softmax(logits / T) on these labels."""
    log_t = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.LBFGS([log_t], lr=0.1, max_iter=200, line_search_fn="strong_wolfe")

    def closure():
        optimizer.zero_grad()
        loss = F.cross_entropy(logits / log_t.exp(), labels)
        loss.backward()
        return loss

    optimizer.step(closure)
    return float(log_t.detach().exp())


def expected_calibration_error(probs: torch.Tensor, labels: torch.Tensor, bins: int = 15) -> float:
    """Mean |accuracy - confidence| over equal-width confidence bins, weighted by how many predictions fall in each."""
    confidence, predicted = probs.max(1)
    correct = (predicted == labels).float()
    edges = torch.linspace(0, 1, bins + 1)
    error = torch.zeros(())
    for low, high in zip(edges[:-1], edges[1:]):
        in_bin = (confidence > low) & (confidence <= high)
        if in_bin.any():
            error += in_bin.float().mean() * (correct[in_bin].mean() - confidence[in_bin].mean()).abs()
    return float(error)


def calibration_report(logits: torch.Tensor, labels: torch.Tensor, temperature: float) -> dict:
    """NLL and ECE of these logits before and after dividing by `temperature`."""
    before, after = logits.softmax(1), (logits / temperature).softmax(1)
    return {
        "images": len(labels),
        "nll_before": round(float(F.cross_entropy(logits, labels)), 5),
        "nll_after": round(float(F.cross_entropy(logits / temperature, labels)), 5),
        "ece_before": round(expected_calibration_error(before, labels), 5),
        "ece_after": round(expected_calibration_error(after, labels), 5),
    }
