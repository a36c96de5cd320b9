"""Shared fixtures. Tests that need MNIST or a browser skip with a reason locally and fail when CI=true."""

import os
import shutil
from pathlib import Path

import pytest

from harness.server import AppDidNotStart, start_app, stop_app
from mnist_cnn.config import DEFAULT_CHECKPOINT
from mnist_cnn.data import resolve_data_dir

IN_CI = os.environ.get("CI", "").lower() == "true"


def unavailable(reason: str) -> None:
    """Skip on a person's machine; fail in CI, where nothing may skip silently."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this is a failure, not a skip)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def mnist_dir() -> Path:
    """The MNIST folder ($MNIST_DATA_DIR or ./data), which must already hold the raw files."""
    path = resolve_data_dir()
    if not (path / "MNIST" / "raw" / "t10k-images-idx3-ubyte").exists():
        unavailable(f"MNIST not found in {path}; set MNIST_DATA_DIR to a folder holding MNIST/raw")
    return path


@pytest.fixture(scope="session")
def mnist_test(mnist_dir):
    """The MNIST test set as (uint8 images, labels)."""
    from mnist_cnn.data import load_mnist

    return load_mnist(mnist_dir, train=False)


@pytest.fixture(scope="session")
def classifier():
    """The shipped model, loaded once."""
    from mnist_cnn.predict import DigitClassifier

    return DigitClassifier.from_checkpoint(DEFAULT_CHECKPOINT)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Chromium for Playwright: $PLAYWRIGHT_CHROMIUM_EXECUTABLE, then /usr/bin/chromium, then Playwright's own."""
    candidates = [os.environ.get("PLAYWRIGHT_CHROMIUM_EXECUTABLE"), "/usr/bin/chromium", shutil.which("chromium")]
    for candidate in candidates:
        if candidate and Path(candidate).exists():
            return candidate
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as p:
            own = p.chromium.executable_path
        if Path(own).exists():
            return own
    except Exception:
        pass
    unavailable("no Chromium found: apt-get install -y chromium, or set PLAYWRIGHT_CHROMIUM_EXECUTABLE")


@pytest.fixture(scope="session")
def app_url():
    """One running app for the API and browser tests."""
    try:
        process, url = start_app()
    except AppDidNotStart as exc:
        pytest.fail(str(exc))
    yield url
    stop_app(process)
