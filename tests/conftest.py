"""Shared fixtures. Tests that need MNIST or a browser skip with a reason locally and fail when CI=true."""

import os
import shutil
from pathlib import Path

import pytest

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


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(*args: str, env: dict | None = None, timeout: float = 90, script: str = "app.py"):
    """Start `python app.py` on a free port; return (process, url) once it serves, or fail with its output."""
    import subprocess
    import sys
    import time
    import urllib.request

    port = free_port()
    root = Path(__file__).resolve().parent.parent
    process = subprocess.Popen(
        [sys.executable, script, "--port", str(port), *args], cwd=root, env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"{script} exited with {process.returncode}: {process.stdout.read()}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return process, url
        except OSError:
            time.sleep(0.3)
    process.kill()
    pytest.fail(f"{script} did not serve {url} within {timeout} s")


def stop_app(process) -> str:
    """Stop the app and return everything it printed."""
    process.terminate()
    try:
        out, _ = process.communicate(timeout=20)
    except Exception:
        process.kill()
        out, _ = process.communicate()
    return out


@pytest.fixture(scope="session")
def app_url():
    """One running app for the API and browser tests."""
    process, url = start_app()
    yield url
    stop_app(process)
