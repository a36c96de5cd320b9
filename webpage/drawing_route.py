"""The drawing's own route: page.js's readings of the canvas, answered without Gradio's event machinery, within
limits that one visitor cannot push past; and the balancer's health check.

A drawing's readings are most of a busy server's requests: about 15 while the pen moves and one when it lifts.
Through Gradio's `/gradio_api/run/...` route each cost about 1.4 ms of CPU on top of the reading (its session
state, its components' pre- and postprocessing, its bookkeeping); this plain route costs about 0.5 ms. It takes
the same body as that route and gives the same answer: POST {"data": [picture, inside, live, yours],
"session_hash": the page's own name} -> {"data": [answer]}.

Its limits, each answered at once with one sentence ({"error": ...}) and tested in tests/test_public_link.py:
- bytes: a body over DRAWING_BYTES gets 413 unread (a canvas's PNG is a few KB), from webpage/body_limit.py's
  BodyLimit, which app.py gives `LIMITS`; a picture over the drawing's pixels gets 400 before it is decoded
  (mnist_cnn.preprocess.DRAWING_PIXELS);
- shape: anything but page.js's body, deep nesting and non-JSON included, gets 400 and one line in the log at most;
- concurrency and rate: readings are shared fairly among addresses and their pages (webpage/fair_share.py); one
  page's second reading in flight, or an address's beyond ADDRESS_IN_FLIGHT, gets 429 with Retry-After (after
  REFUSE_AFTER_S), which page.js honours; a live reading while every worker reads is declined at once
  (`declined`: {"busy": true, ...});
- who: anyone who can load the page, as the page itself; the route reads nothing but the picture it is sent.
The event loop only routes: bodies are small and checked before they are parsed, readings run on the workers.

HEALTH is the balancer's check (deploy/haproxy.cfg): answered on the event loop with no work at all, so no crowd of
readings can starve it (the page's /config is 70 KB of JSON built each time).
"""

import asyncio
import json
import logging
from collections.abc import Callable

import gradio as gr
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

from webpage.addresses import Addresses
from webpage.body_limit import structure
from webpage.fair_share import RETRY_AFTER_S, FairShare, Refused

PATH = "/read_drawing"
"""Where page.js asks, relative to the page."""
HEALTH = "/healthz"
DRAWING_BYTES = 2**20
"""The largest body the route reads: a canvas's PNG as base64 is a few KB, a noisy 1-megapixel one under 1 MB."""
PAGE_NAME = 64
"""The longest page name (`session_hash`) kept; page.js's are 16 characters."""
NOT_A_DRAWING = ('The request is not a drawing to read: send {"data": [a PNG data URL, whether the inside view is '
                 'open, whether the pen still moves, your network\'s key]}.')
TOO_LARGE = f"The request is larger than a drawing ({DRAWING_BYTES // 2**10} KB); it was not read."
FAILED = "The server could not read this drawing."
REFUSE_AFTER_S = 0.5
"""How long a reading beyond its visitor's share waits for its 429. A page never gets one (it keeps one reading in
flight); a script that keeps 200 in flight and sends each again as soon as it is refused made the server refuse
2,400 a second, its event loop busy with nothing else, and an honest visitor's answer wait behind them. Waiting
costs the server nothing but an idle connection, and brings such a script down to 400 requests a second."""
LIMITS = {PATH: (DRAWING_BYTES, TOO_LARGE)}
"""The route's own body limit and its sentence, for BodyLimit's `smaller`."""
REFUSED = {"page": "This page is already waiting for a reading; ask again once it is answered.",
           "address": "Too many readings from your address are waiting; please try again in a second."}


def drawing_of(body: bytes) -> tuple[list, str]:
    """page.js's body: its data (picture, inside, live, yours) and the page's name; a ValueError for anything else.
    The drawing's body holds a handful of values, so one with more is refused before it is parsed."""
    if structure(body)[0] > 32:
        raise ValueError
    try:
        sent = json.loads(body)
    except RecursionError:
        raise ValueError from None
    data = sent["data"]
    if not (isinstance(data, list) and 1 <= len(data) <= 4 and isinstance(data[0], str)
            and all(isinstance(flag, bool) for flag in data[1:3])
            and (len(data) < 4 or data[3] is None or isinstance(data[3], str))):
        raise TypeError
    page = sent.get("session_hash")
    return (data + [False, False, None])[:4], page[:PAGE_NAME] if isinstance(page, str) else ""


def drawing_route(read: Callable[..., dict], share: FairShare, declined: Callable[[], dict],
                  addresses: Addresses) -> Route:
    """A POST route at PATH that answers `read(picture, inside, live, yours, request=...)` on `share`'s workers
    in the visitor's turn (app.py's read_drawing: the request says the visitor's language); a live reading while
    every worker reads gets `declined()` at once."""

    async def answer(request: Request) -> JSONResponse:
        try:
            (picture, inside, live, yours), page = drawing_of(await request.body())
        except (ValueError, TypeError, KeyError, AttributeError, UnicodeDecodeError):
            return JSONResponse({"error": NOT_A_DRAWING}, status_code=400)
        if live and share.busy():
            return JSONResponse({"data": [declined()]})
        try:
            return JSONResponse({"data": [await share.run(addresses.of(request), page, read, picture, inside, live,
                                                          yours, request)]})
        except Refused as refused:
            await asyncio.sleep(REFUSE_AFTER_S)  # a script that asks again at once does so at this pace, not the loop's
            return JSONResponse({"error": REFUSED[refused.reason]}, status_code=429,
                                headers={"Retry-After": str(RETRY_AFTER_S)})
        except gr.Error as exc:
            return JSONResponse({"error": exc.message}, status_code=400)
        except Exception:  # one sentence to the visitor, never a traceback; the traceback to the server's log
            logging.getLogger(__name__).exception("reading a drawing failed")
            return JSONResponse({"error": FAILED}, status_code=500)

    return Route(PATH, answer, methods=["POST"])


def health_route() -> Route:
    """GET HEALTH: "ok", from the event loop itself."""

    async def healthy(request: Request) -> PlainTextResponse:
        return PlainTextResponse("ok")

    return Route(HEALTH, healthy, methods=["GET", "HEAD"])
