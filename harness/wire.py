"""Requests as they travel on the wire, for the tests and the soak benchmark: the page's own requests
(its chart's `read_drawing` and, on pages from before, its stroke event, which gradio_client does not
call), the API through
Gradio's plain HTTP routes (`/call/NAME`, one event stream per call, as curl users call it), and
bodies too large to read.

Each call returns an `Outcome`: what came back, sorted into the kinds the soak counts.
"""

import base64
import json
import secrets
import select
import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from webpage.drawing_route import PATH as READ_DRAWING

API = "/gradio_api"


@dataclass
class Outcome:
    """kind: "answer" (the app's outputs), "error" (the app's one sentence), "busy" (HTTP 503: queue
    full), "refused" (HTTP 413), "timeout", or "failed" (anything else: a broken connection, a 500)."""

    kind: str
    detail: object = None
    seconds: float = 0.0


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


@dataclass
class Event:
    """One of the page's events, as the browser calls it."""

    fn_index: int
    trigger: int
    inputs: int


def stroke_event(url: str) -> Event:
    """The page's stroke event, read from the page's config."""
    return page_event_named(url, "on_stroke")


def page_event_named(url: str, name: str) -> Event:
    """One of the page's events (off the queue), by its function's name, read from the page's config."""
    config = httpx.get(f"{url}/config", timeout=10).json()
    for dependency in config["dependencies"]:
        if dependency.get("api_name") == name:
            if dependency.get("queue") is not False:
                raise LookupError(f"the page's {name} event is on the queue; page_event sends it off the queue")
            return Event(dependency["id"], dependency["targets"][0][0], len(dependency["inputs"]))
    raise LookupError(f"the page has no {name} event")


def page_event(url: str, event: Event, text: str, timeout: float = 30, session: str | None = None,
               others: list | None = None) -> Outcome:
    """Send `text` (a canvas PNG as a data URL, or the event's first input) through one of the page's events as
    the browser does: one request off the queue, in `session` (a new one by default). The event's other inputs
    are `others`, or left to their defaults (the session's state)."""
    others = others if others is not None else [None] * (event.inputs - 1)
    return _run(url, "predict", {"data": [text, *others], "event_data": None, "fn_index": event.fn_index,
                                 "trigger_id": event.trigger, "session_hash": session or secrets.token_hex(6)},
                timeout)


def drawn_box(key: str | None) -> str:
    """What page.js puts in the page's hidden #drawn box once a drawing is answered, as far as the server reads it
    (a correction, the inside view): the key the server gave the drawing with its answer (None for an empty canvas)."""
    return json.dumps({"key": key})


def read_drawing(url: str, picture: str, inside: bool = False, timeout: float = 30, live: bool = False,
                 page: str | None = None) -> Outcome:
    """Ask the page's own `read_drawing` route (webpage/drawing_route.py) for its answer to a canvas PNG (a data
    URL), as page.js does: `inside`, with the inside view, as when it is open; `live`, a drawing still in progress
    (the finished drawing by default); from the page named `page` (a new one by default)."""
    return _post(f"{url}{READ_DRAWING}", {"data": [picture, inside, live, ""],
                                          "session_hash": page or secrets.token_hex(8)}, timeout)


def _run(url: str, name: str, body: dict, timeout: float) -> Outcome:
    """POST to a Gradio /run/ route (off the queue): one request, the answer in its response."""
    return _post(f"{url}{API}/run/{name}", body, timeout)


def _post(address: str, body: dict, timeout: float) -> Outcome:
    """POST JSON; the answer's "data", or the one sentence of an "error" (Gradio's 500, the drawing route's 400)."""
    start = time.perf_counter()
    try:
        ran = httpx.post(address, json=body, timeout=timeout)
    except httpx.TimeoutException:
        return Outcome("timeout", None, time.perf_counter() - start)
    except httpx.HTTPError as exc:
        return Outcome("failed", repr(exc), time.perf_counter() - start)
    if ran.status_code == 200:
        return Outcome("answer", ran.json()["data"], time.perf_counter() - start)
    error = ran.json().get("error") if ran.headers.get("content-type", "").endswith("json") else None
    kind = "error" if ran.status_code in (400, 500) and error else _kind_of(ran.status_code)
    return Outcome(kind, error or ran.text, time.perf_counter() - start)


def api_call(url: str, api_name: str, value, timeout: float = 30) -> Outcome:
    """Call an API endpoint with one input (text, or bytes uploaded first as a file) over plain HTTP."""
    start = time.perf_counter()
    try:
        with httpx.Client(timeout=timeout) as client:
            if isinstance(value, bytes):
                uploaded = client.post(f"{url}{API}/upload", files={"files": ("image.png", value, "image/png")})
                if uploaded.status_code != 200:
                    return Outcome(_kind_of(uploaded.status_code), uploaded.text, time.perf_counter() - start)
                value = {"path": uploaded.json()[0], "meta": {"_type": "gradio.FileData"}}
            called = client.post(f"{url}{API}/call/{api_name}", json={"data": [value]})
            if called.status_code != 200:
                return Outcome(_kind_of(called.status_code), called.text, time.perf_counter() - start)
            event = None
            with client.stream("GET", f"{url}{API}/call/{api_name}/{called.json()['event_id']}") as stream:
                for line in stream.iter_lines():
                    if line.startswith("event:"):
                        event = line[6:].strip()
                    elif line.startswith("data:") and event in ("complete", "error"):
                        data = json.loads(line[5:])
                        kind = "answer" if event == "complete" else "error"
                        return Outcome(kind, data[0] if kind == "answer" else data, time.perf_counter() - start)
    except httpx.TimeoutException:
        return Outcome("timeout", None, time.perf_counter() - start)
    except httpx.HTTPError as exc:
        return Outcome("failed", repr(exc), time.perf_counter() - start)
    return Outcome("failed", "the event stream ended without an answer", time.perf_counter() - start)


def _kind_of(status: int) -> str:
    return {413: "refused", 429: "refused", 503: "busy"}.get(status, "failed")


def oversized(url: str, size: int, route: str = f"{API}/queue/join", chunked: bool = False,
              timeout: float = 30) -> Outcome:
    """POST a body of `size` bytes of junk to `route`, sent 1 MB at a time the way a slow client would,
    and stop sending as soon as the server answers. With `chunked`, no Content-Length is given."""
    start = time.perf_counter()
    parts = urlsplit(url)
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {size}"
    head = f"POST {route} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n{framing}\r\n\r\n"
    piece = b"x" * 2**20
    if chunked:
        piece = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
    reply = b""
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(head.encode())
        sent = 0
        try:
            while sent < size and not select.select([sock], [], [], 0)[0]:
                sock.sendall(piece)
                sent += 2**20
            if chunked and sent >= size:
                sock.sendall(b"0\r\n\r\n")
        except OSError:
            pass  # the server answered and closed while the body was still going out
        try:
            while b"\r\n\r\n" not in reply or len(reply) < reply.index(b"\r\n\r\n") + 4 + _length(reply):
                data = sock.recv(65536)
                if not data:
                    break
                reply += data
        except TimeoutError:
            return Outcome("timeout", None, time.perf_counter() - start)
        except OSError as exc:
            return Outcome("failed", repr(exc), time.perf_counter() - start)
    if not reply.startswith(b"HTTP/1.1 "):
        return Outcome("failed", reply[:200], time.perf_counter() - start)
    body = reply.split(b"\r\n\r\n", 1)[1].decode(errors="replace")
    return Outcome(_kind_of(int(reply.split()[1])), body, time.perf_counter() - start)


def _length(reply: bytes) -> int:
    for line in reply.split(b"\r\n\r\n", 1)[0].split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            return int(value)
    return 0
