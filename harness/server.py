"""Start and stop the app (or another Gradio script) on a free port, for the tests and the benchmarks."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

_CLOSED = "http://127.0.0.1:9"
OFFLINE = {"HTTP_PROXY": _CLOSED, "HTTPS_PROXY": _CLOSED, "http_proxy": _CLOSED, "https_proxy": _CLOSED,
           "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost"}
"""Environment for a process that must not reach the internet, online or not: every outside request goes
through a proxy on a closed port (httpx and urllib honour these), loopback goes direct."""


class AppDidNotStart(RuntimeError):
    """The app exited or did not serve in time; the message holds what it printed."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_app(*args: str, env: dict | None = None, timeout: float = 90, command: tuple[str, ...] = ("app.py",),
              cpus: set[int] | None = None, log: Path | None = None):
    """Start `python app.py` (or `python *command*`) on a free port, on the CPUs `cpus` only if given (as `taskset`
    pins it), what it prints into the file `log` if given; return (process, url) once it serves."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, *command, "--port", str(port), *args], cwd=ROOT, env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE if log is None else log.open("w"), stderr=subprocess.STDOUT, text=True,
        preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None,
    )
    url = f"http://127.0.0.1:{port}"
    if answers(url, process, timeout):
        return process, url
    if process.poll() is not None:
        printed = log.read_text() if log is not None else process.stdout.read()
        raise AppDidNotStart(f"{' '.join(command)} exited with {process.returncode}: {printed}")
    process.kill()
    raise AppDidNotStart(f"{' '.join(command)} did not serve {url} within {timeout} s")


def app_at(commit: str) -> tuple[str, ...]:
    """The command that runs the page as it was at `commit`, written from git to a temporary folder: its page runs
    on its own packages and checkpoint (a script's folder comes first on Python's path)."""
    folder = Path(tempfile.mkdtemp())
    archive = subprocess.run(["git", "archive", commit], cwd=ROOT, capture_output=True)
    if archive.returncode != 0:
        raise SystemExit(f"cannot read commit {commit} from git: {archive.stderr.decode().strip()}")
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive.stdout, check=True)
    return (str(folder / "app.py"),)


def start_balancer(copies: list[str], timeout: float = 30, env: dict | None = None,
                   config: Path | None = None) -> tuple[subprocess.Popen, str]:
    """HAProxy with deploy/haproxy.cfg (or `config`) in front of two running copies (their URLs), on a free port, its
    other settings from `env` (HEADERS_TIMEOUT, ADDRESS_RATE, ...) or the file's defaults; return (process, url) once
    it serves the page."""
    haproxy = shutil.which("haproxy") or "/usr/sbin/haproxy"
    ports = {f"COPY{i}": url.rsplit(":", 1)[1] for i, url in enumerate(copies, start=1)}
    port = free_port()
    process = subprocess.Popen([haproxy, "-db", "-f", str(config or ROOT / "deploy" / "haproxy.cfg")],
                               env={**os.environ, **ports, "PORT": str(port), **(env or {})}, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    if not answers(f"{url}/config", process, timeout):
        process.kill()
        raise AppDidNotStart(f"HAProxy did not serve {url} within {timeout} s: {process.stdout.read().decode()}")
    return process, url


def answers(url: str, process: subprocess.Popen, timeout: float) -> bool:
    """Whether `url` answered within `timeout` seconds while `process` (the one meant to serve it) kept running."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            urllib.request.urlopen(url, timeout=2)
            return True
        except OSError:
            time.sleep(0.3)
    return False


def resident_mb(pid: int) -> float:
    """A process's resident memory in MB (Linux)."""
    return int(Path(f"/proc/{pid}/status").read_text().split("VmRSS:")[1].split()[0]) / 1024


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds a process has used so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def stop_app(process) -> str:
    """Stop the app and return everything it printed."""
    process.terminate()
    try:
        out, _ = process.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return out
