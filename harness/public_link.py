"""One hostile visitor against a public link: each attack of issue 44's table, from one address on loopback, bounded
in time and traffic, and what it did to the server and to the honest visitors beside it.

Shared by tests/test_public_link.py (one test per attack, each with the limit it must hold) and
benchmarks/public_link.py (the table, for this page and for the page before these limits). Every attack here asks
only what a small script could; none needs the page's own code beyond its wire format (harness/wire.py).
"""

import asyncio
import functools
import http.client
import io
import json
import secrets
import socket
import statistics
import threading
import time
from urllib.parse import urlsplit

import httpx
from PIL import Image

from harness.server import ROOT, resident_mb
from harness.visitors import Strokes, Visitor
from harness.wire import API, READ_DRAWING, api_call, data_url, page_event_named, read_drawing
from webpage.runs import EXPERIMENTS

HEALTH = "/healthz"
"""The cheap route probed while an attack runs (404 on a page that has none: still a request the loop answers)."""


@functools.cache
def bomb_png(side: int = 7000) -> bytes:
    """A PNG of `side` x `side` 16-bit grey pixels, all black: 144 KB that decode to 98 MB (issue 44's picture)."""
    buffer = io.BytesIO()
    Image.new("I;16", (side, side)).save(buffer, format="PNG", compress_level=9)
    return buffer.getvalue()


@functools.cache
def largest_png() -> bytes:
    """A 4000x4000 RGBA PNG with a line on it: the largest picture of its kind the server decodes (16 megapixels)."""
    image = Image.new("RGBA", (4000, 4000), (255, 255, 255, 255))
    image.paste((0, 0, 0, 255), (1900, 800, 2100, 3200))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


class Watch:
    """While an attack runs: the server's resident memory every 10 ms, and HEALTH asked every 50 ms on a connection
    of its own (the seconds each answer took). `rise_mb`: the peak over the memory before; `worst_s`: the slowest."""

    def __init__(self, url: str, pid: int | None = None, probe: str = HEALTH) -> None:
        self.url, self.pid, self.probe = url, pid, probe
        self.before = resident_mb(pid) if pid else 0.0
        self.peak, self.probes, self.running = self.before, [], True
        self.threads = [threading.Thread(target=self.sample, daemon=True),
                        threading.Thread(target=self.ask, daemon=True)]

    def __enter__(self) -> "Watch":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.running = False
        for thread in self.threads:
            thread.join()

    def sample(self) -> None:
        while self.running and self.pid:
            self.peak = max(self.peak, resident_mb(self.pid))
            time.sleep(0.01)

    def ask(self) -> None:
        with httpx.Client(timeout=30) as client:
            while self.running:
                start = time.perf_counter()
                try:
                    client.get(self.url + self.probe)
                except httpx.HTTPError:
                    pass
                self.probes.append(time.perf_counter() - start)
                time.sleep(0.05)

    @property
    def rise_mb(self) -> float:
        return self.peak - self.before

    @property
    def worst_s(self) -> float:
        return max(self.probes, default=0.0)


def pictures_at_once(url: str, pid: int | None, picture: bytes, count: int) -> tuple[list[tuple[str, float]], Watch]:
    """`count` copies of `picture` at once, half to the drawing's route and half through /predict_base64 (its plain
    HTTP call, waited for on its event stream), while memory and HEALTH are watched: each one's outcome ("answer",
    "error" with a sentence, "refused", "busy", "failed" or "timeout") and seconds, and the Watch."""
    text, outcomes, ready = data_url(picture), [None] * count, threading.Barrier(count)

    def send(i: int) -> None:
        ready.wait()
        if i % 2:
            outcomes[i] = api_call(url, "predict_base64", text, timeout=60)
        else:
            outcomes[i] = read_drawing(url, text, timeout=60)

    with Watch(url, pid) as watch:
        threads = [threading.Thread(target=send, args=(i,)) for i in range(count)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        time.sleep(0.3)
    return [(o.kind, o.seconds) for o in outcomes], watch


def drawing_request(host: str, port: int, body: bytes) -> bytes:
    return (f"POST {READ_DRAWING} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def _flood(url: str, in_flight: int, seconds: float, body: bytes, counts: dict) -> None:
    parts = urlsplit(url)
    request = drawing_request(parts.hostname, parts.port, body)
    deadline = time.monotonic() + seconds

    async def one() -> None:
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        try:
            while time.monotonic() < deadline:
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length"))
                await reader.readexactly(length)
                status = int(head.split()[1])
                counts[status] = counts.get(status, 0) + 1
                if b"connection: close" in head.lower():
                    writer.close()
                    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        except (OSError, asyncio.IncompleteReadError):
            counts["broken"] = counts.get("broken", 0) + 1
        finally:
            writer.close()

    await asyncio.gather(*(one() for _ in range(in_flight)))


def flood(url: str, in_flight: int, seconds: float) -> dict:
    """One address keeps `in_flight` finished drawings in flight on the drawing's route for `seconds`, each
    connection sending its next as soon as the last is answered, naming no page, as a small script would; meanwhile
    a visitor on a page of their own draws a digit after another (harness/visitors.py), and HEALTH and the page's
    /config are probed. The flood's answers by status, the visitor's final answers (ms from pen-up) and the slowest
    probe of each."""
    seven = (ROOT / "examples" / "drawn_7.png").read_bytes()
    body = json.dumps({"data": [data_url(seven), False, False, ""]}).encode()
    counts, finals, strokes = {}, [], Strokes([3, 7])
    visitor = Visitor(url, strokes)
    stop = threading.Event()

    def draw() -> None:
        time.sleep(0.5)  # the flood first
        while not stop.is_set():
            drawing = visitor.draw(3, 1.2)
            if drawing.errors:
                finals.append(float("inf"))
            else:
                finals.append(drawing.final_ms)

    drawer = threading.Thread(target=draw)
    with Watch(url) as watch, Watch(url, probe="/config") as config:
        drawer.start()
        asyncio.run(_flood(url, in_flight, seconds, body, counts))
        stop.set()
        drawer.join()
    return {"flood": counts, "finals_ms": finals, "final_p50_ms": statistics.median(finals) if finals else None,
            "worst_probe_s": watch.worst_s, "worst_config_s": config.worst_s}


TRAIN_BUTTONS = ("train-start", *(f"train-experiment-{name}" for name in EXPERIMENTS))
"""The Train tab's buttons that start runs: Train, and each experiment's (its pair of runs)."""


def train_event(url: str, button: str = "train-start") -> tuple[int, int]:
    """The click event of one of the Train tab's buttons (its elem_id), as the page calls it: (fn_index,
    trigger id)."""
    config = httpx.get(f"{url}/config", timeout=10).json()
    ids = [component["id"] for component in config["components"] if component.get("props", {}).get("elem_id") == button]
    for dependency in config["dependencies"]:
        if ids and [ids[0], "click"] in dependency["targets"]:
            return dependency["id"], ids[0]
    raise LookupError(f"the page has no {button} event")


def join_training(url: str, event: tuple[int, int], session: str, client: httpx.Client) -> int:
    """Ask to train the tab's defaults in `session` through the queue, as the page does (`event`: train_event's);
    the HTTP status."""
    fn_index, trigger = event
    choices = [5, "none", "max", 16, "adam", 0.001, 2, 30000]
    body = {"data": choices, "event_data": None, "fn_index": fn_index, "trigger_id": trigger,
            "session_hash": session}
    return client.post(f"{url}{API}/queue/join", json=body).status_code


def stop_training(url: str, sessions: list[str]) -> None:
    """Press Stop in each session (the tab's stop event, off the queue)."""
    stop = page_event_named(url, "on_train_stop")
    with httpx.Client(timeout=10) as client:
        for session in sessions:
            client.post(f"{url}{API}/run/predict", json={"data": [], "event_data": None, "fn_index": stop.fn_index,
                                                         "trigger_id": stop.trigger, "session_hash": session})


def train_calls(url: str, count: int, buttons: tuple[str, ...] = ("train-start",)) -> dict:
    """`count` calls of the Train tab's events (those of `buttons`, in turn; TRAIN_BUTTONS has them all) from one
    address, each in a session of its own, then one /predict_base64 call: the train calls' statuses and the API
    call's Outcome. Stops what was started."""
    sessions, events = [secrets.token_hex(6) for _ in range(count)], [train_event(url, b) for b in buttons]
    with httpx.Client(timeout=10) as client:
        statuses = [join_training(url, events[i % len(events)], session, client) for i, session in enumerate(sessions)]
    seven = (ROOT / "examples" / "drawn_7.png").read_bytes()
    answer = api_call(url, "predict_base64", data_url(seven), timeout=20)
    stop_training(url, sessions)
    return {"train_statuses": statuses, "api": answer}


def closed_while_training(url: str, after_s: float = 6.0, timeout: float = 90) -> dict:
    """A page trains a network, and once its curves move, the page is closed (its heartbeat and event streams cut,
    as a closed tab cuts them); HEALTH is probed from before the close to `after_s` after it. The slowest probe
    after the close, and whether the run had started."""
    session = secrets.token_hex(6)
    parts = urlsplit(url)
    heartbeat = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    heartbeat.request("GET", f"{API}/heartbeat/{session}")
    heartbeat.getresponse()
    with httpx.Client(timeout=timeout) as client:
        status = join_training(url, train_event(url), session, client)
    stream = http.client.HTTPConnection(parts.hostname, parts.port, timeout=timeout)
    stream.request("GET", f"{API}/queue/data?session_hash={session}")
    response, steps, deadline = stream.getresponse(), 0, time.monotonic() + timeout
    while steps < 3 and time.monotonic() < deadline:  # three updates of the curves: the run is going
        line = response.readline()
        if not line:
            break
        steps += b"process_generating" in line and b"train-sentence" in line and b"<progress" in line
    with Watch(url) as watch:
        for connection in (stream, heartbeat):
            connection.sock.shutdown(socket.SHUT_RDWR)
            connection.close()
        time.sleep(after_s)
    return {"join": status, "started": steps >= 3, "worst_probe_s": watch.worst_s}


def large_bodies(url: str) -> dict:
    """JSON nested 5,000 levels deep to the drawing's route, and a 24 MB JSON array to it and to the queue's join
    route, while HEALTH is probed: each answer's status and text, and the slowest probe."""
    deep = b'{"data": ' + b"[" * 5000 + b"]" * 5000 + b"}"
    array = b"[" + b"0," * (12 * 2**20 - 1) + b"0]"
    answers = {}
    with Watch(url) as watch, httpx.Client(timeout=60) as client:
        time.sleep(0.3)
        for name, route, body in (("deep", READ_DRAWING, deep), ("array", READ_DRAWING, array),
                                  ("array to the queue", f"{API}/queue/join", array)):
            try:
                answered = client.post(url + route, content=body, headers={"Content-Type": "application/json"})
                answers[name] = (answered.status_code, answered.text)
            except httpx.HTTPError as exc:
                answers[name] = (0, f"no answer: {exc}")
        time.sleep(0.3)
    return {"answers": answers, "worst_probe_s": watch.worst_s}


def server_paths(url: str) -> dict:
    """A server path as the image of /predict and /predict_number, a plain string as gradio_client sends one:
    a system file, a missing file, and an image of the project's own (outside the uploads). Each one's Outcome."""
    image = str(ROOT / "examples" / "drawn_7.png")
    return {(api, path): api_call(url, api, path, timeout=20)
            for api in ("predict", "predict_number") for path in ("/etc/hostname", "/nonexistent/x.png", image)}


def slow_headers(url: str, connections: int, limit_s: float) -> list[float]:
    """`connections` connections that send a request's headers a byte every second: how long each stayed open
    (limit_s for those still open then)."""
    parts = urlsplit(url)
    socks = []
    for _ in range(connections):
        sock = socket.create_connection((parts.hostname, parts.port))
        sock.sendall(f"GET / HTTP/1.1\r\nHost: {parts.hostname}\r\n".encode())
        socks.append(sock)
    start, open_for = time.monotonic(), [None] * connections
    while time.monotonic() - start < limit_s and None in open_for:
        for i, sock in enumerate(socks):
            if open_for[i] is not None:
                continue
            try:
                sock.sendall(b"X")
                sock.settimeout(0.001)
                if sock.recv(1024) == b"":
                    open_for[i] = time.monotonic() - start
            except TimeoutError:
                pass
            except OSError:
                open_for[i] = time.monotonic() - start
        time.sleep(1.0)
    for sock in socks:
        sock.close()
    return [limit_s if t is None else t for t in open_for]

