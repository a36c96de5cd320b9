"""Visitors replayed over HTTP: what webpage/page.js and the page's own event send for a drawing, without a browser.

A replayed visitor draws a digit in one stroke of `seconds`: while the pen moves it sends the drawing so far (a
half-size PNG, as page.js takes it) to `read_drawing`, one answer in flight, at the pace the answers set
(`next_ms`; pages from before that: one every LIVE_MS, and BUSY_MS after a declined one); at
pen-up it sends the whole drawing to `read_drawing`, whose answer carries the verdict (on a page from before that,
at the same moment to the page's stroke event too, as page.js did then); then it looks at the answer for a moment
and clears the canvas. The pictures are drawn
once, before anyone draws, so the machine's time goes to the server. Each visitor keeps one connection open, as a
browser does.

What page.js sends is read from its source and the page's config, so a visitor replays whichever page it is
pointed at: this one, or an older one run from git.
"""

import http.client
import io
import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
import numpy as np
from PIL import Image, ImageDraw

from harness.people import STROKES
from harness.server import ROOT
from harness.wire import API, READ_DRAWING, data_url, stroke_event
from mnist_cnn.styles import resample
from webpage.readings import BUSY_MS, LIVE_MS

PAGE_JS, APP_PY = (ROOT / "webpage" / "page.js").read_text(), (ROOT / "app.py").read_text()
"""The page's sources, read as text (importing app.py would build the page)."""


def number_in(source: str, pattern: str) -> float:
    """The number that `pattern`'s group catches in a source's text: one of the page's own constants."""
    return float(re.search(pattern, source, re.MULTILINE).group(1))


LIVE_S = LIVE_MS / 1000
"""How often page.js asks for an answer while the pen moves, at most (an idle server's pace)."""
SENT_SCALE = number_in(PAGE_JS, r"resolution: ([\d.]+)")
"""The scale page.js sends the drawing at (its `resolution`: half)."""
CANVAS_SIZE = tuple(int(number_in(APP_PY, rf"^{name} = (\d+)")) for name in ("CANVAS_WIDTH", "CANVAS"))
"""app.py's sketchpad, (width, height) in pixels."""
BRUSH = number_in(APP_PY, r"^BRUSH = (\d+)")
HALF_WIDTH, HALF_CANVAS, HALF_BRUSH = (round(n * SENT_SCALE) for n in (*CANVAS_SIZE, BRUSH))
"""The picture page.js sends: app.py's sketchpad (CANVAS_WIDTH x CANVAS pixels) and its BRUSH at that scale."""
FRAMES = 60
"""Pictures of a stroke drawn in advance, from its start to its end (the pen's position every 20 ms of 1.2 s)."""
LOOK = 0.8
"""Seconds a visitor looks at the answer before clearing the canvas."""


def drawing_so_far(digit: int, share: float) -> str:
    """What page.js sends for `digit` (one stroke) drawn `share` of the way: a half-size PNG data URL."""
    corner = (HALF_WIDTH / 2 - 0.275 * HALF_CANVAS, 0.225 * HALF_CANVAS)  # the digit in the middle, 0.55 as tall
    points = np.array(STROKES[digit][0]) * (0.55 * HALF_CANVAS) + corner
    xy = resample(points, max(2, int(share * 60)), upto=share)
    image = Image.new("RGB", (HALF_WIDTH, HALF_CANVAS), "white")
    if share > 0:
        ImageDraw.Draw(image).line([tuple(p) for p in xy], fill="black", width=HALF_BRUSH, joint="curve")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return data_url(buffer.getvalue())


class Strokes:
    """Every digit's stroke as page.js would send it at each moment, drawn once: `frame(digit, share)`."""

    def __init__(self, digits) -> None:
        self.frames = {d: [drawing_so_far(d, i / FRAMES) for i in range(FRAMES + 1)] for d in digits}

    def frame(self, digit: int, share: float) -> str:
        return self.frames[digit][min(FRAMES, int(share * FRAMES))]


@dataclass
class Drawing:
    """What one replayed drawing measured (times in ms from pen-up)."""

    digit: int
    live: int = 0  # answers drawn on the chart while the pen moved
    shed: int = 0  # live readings the server declined while busy (page.js then waits before asking again)
    final_ms: float = float("nan")  # pen-up to the chart's answer to the whole drawing
    verdict_ms: float = float("nan")  # pen-up to the verdict (the page's event)
    answer: str | None = None  # the number the chart ended on
    verdict: str | None = None  # the verdict's first line ("# 7", or "### Not sure")
    errors: list[str] = field(default_factory=list)


class Visitor:
    """One page's traffic: its own connection, its own sessions (the chart's and the page's events')."""

    def __init__(self, url: str, strokes: Strokes) -> None:
        self.url, self.strokes = url, strokes
        parts = urlsplit(url)
        self.host, self.port = parts.hostname, parts.port
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            self.event = stroke_event(url)  # pages before one request answered a drawing
        except LookupError:
            self.event = None
        answer = httpx.get(f"{url}/config", timeout=10)
        config = answer.json()
        # behind a balancer, the cookie that keeps a visitor on one copy (deploy/haproxy.cfg), as a browser keeps it
        self.headers = {"Content-Type": "application/json"}
        if answer.cookies:
            self.headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in answer.cookies.items())
        # pages before the drawing's own route (webpage/drawing_route.py) read drawings through a Gradio API route,
        # with as many inputs as they declared: since the Train tab a fourth, the key of the visitor's own network
        reading = next((d for d in config["dependencies"] if d.get("api_name") == "read_drawing"), None)
        self.route = READ_DRAWING if reading is None else f"{API}/run/read_drawing"
        self.inputs = 4 if reading is None else len(reading["inputs"])
        self.says_live = self.inputs > 2  # the page tells live readings from final ones
        self.chart, self.page = secrets.token_hex(8), secrets.token_hex(8)

    def post(self, path: str, body: dict, connection: http.client.HTTPConnection | None = None) -> dict:
        """POST JSON on the visitor's connection (reopened if the server closed it); the answer's JSON."""
        connection = connection or self.connection
        payload = json.dumps(body)
        for attempt in (0, 1):
            try:
                connection.request("POST", path, payload, self.headers)
                response = connection.getresponse()
                text = response.read()
                break
            except (http.client.HTTPException, OSError):
                connection.close()
                if attempt:
                    raise
        if response.status != 200:
            raise RuntimeError(f"HTTP {response.status}: {text[:200]!r}")
        return json.loads(text)

    def read(self, picture: str, live: bool) -> dict:
        """The chart's answer to a picture (`read_drawing`), as page.js asks for it."""
        data = [picture, False, live, ""][: self.inputs]
        return self.post(self.route, {"data": data, "session_hash": self.chart})["data"][0]

    def verdict(self, picture: str, connection: http.client.HTTPConnection) -> list:
        """The page's event for a picture: the verdict and the 28x28 inputs."""
        body = {"data": [picture], "event_data": None, "fn_index": self.event.fn_index,
                "trigger_id": self.event.trigger, "session_hash": self.page}
        return self.post(f"{API}/run/predict", body, connection)["data"]

    def draw(self, digit: int, seconds: float) -> Drawing:
        """Draw one digit in a stroke of `seconds`, then look at the answer and clear the canvas."""
        drawing, start = Drawing(digit), time.perf_counter()
        wait_until = start
        while (now := time.perf_counter()) - start < seconds:  # the pen moves: one answer in flight
            time.sleep(max(0.0, min(wait_until, start + seconds) - now))  # the pen lifts whatever the pace
            asked = time.perf_counter()
            if asked - start >= seconds:
                break
            try:
                answer = self.read(self.strokes.frame(digit, (asked - start) / seconds), live=True)
            except (RuntimeError, OSError, http.client.HTTPException) as exc:
                drawing.errors.append(f"live: {exc}")
                answer = {}
            if answer.get("busy"):
                drawing.shed += 1
                wait_until = time.perf_counter() + answer.get("next_ms", BUSY_MS) / 1000
            else:
                drawing.live += time.perf_counter() - start < seconds  # landed while the pen still moved
                wait_until = asked + answer.get("next_ms", LIVE_MS) / 1000
        pen_up = start + seconds
        whole = self.strokes.frame(digit, 1.0)
        if self.event:
            verdict = threading.Thread(target=self.timed_verdict, args=(whole, pen_up, drawing))
            verdict.start()  # page.js sent both at once
        try:
            answer = self.read(whole, live=False)
            drawing.final_ms = (time.perf_counter() - pen_up) * 1000
            drawing.answer = answer["number"]
            if not self.event:
                drawing.verdict_ms, drawing.verdict = drawing.final_ms, answer["page"]["verdict"].split("\n")[0]
        except (RuntimeError, OSError, http.client.HTTPException, KeyError) as exc:
            drawing.errors.append(f"final: {exc}")
        if self.event:
            verdict.join()
        time.sleep(LOOK)
        empty = self.strokes.frame(digit, 0.0)
        try:
            self.read(empty, live=False)
        except (RuntimeError, OSError, http.client.HTTPException) as exc:
            drawing.errors.append(f"clear: {exc}")
        return drawing

    def timed_verdict(self, picture: str, pen_up: float, drawing: Drawing) -> None:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            outputs = self.verdict(picture, connection)
            drawing.verdict_ms = (time.perf_counter() - pen_up) * 1000
            drawing.verdict = str(outputs[1]).split("\n")[0]
        except (RuntimeError, OSError, http.client.HTTPException) as exc:
            drawing.errors.append(f"verdict: {exc}")
        finally:
            connection.close()
