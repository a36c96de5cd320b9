"""The drawing's own route: page.js's readings of the canvas, answered without Gradio's event machinery.

A drawing's readings are most of a busy server's requests: about 15 while the pen moves and one when it lifts.
Through Gradio's `/gradio_api/run/...` route each cost about 1.4 ms of CPU on top of the reading (its session
state, its components' pre- and postprocessing, its bookkeeping); this plain route costs about 0.5 ms. It takes
the same body as that route and gives the same answer: POST {"data": [picture, inside, live, yours]} ->
{"data": [answer]}. A picture that cannot be read, or a body that is not what page.js sends, gets HTTP 400 and
{"error": one sentence}.
"""

import logging
from collections.abc import Callable

import gradio as gr
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

PATH = "/read_drawing"
"""Where page.js asks, relative to the page."""
NOT_A_DRAWING = ('The request is not a drawing to read: send {"data": [a PNG data URL, whether the inside view is '
                 'open, whether the pen still moves, your network\'s key]}.')
FAILED = "The server could not read this drawing."


def drawing_route(read: Callable[..., dict]) -> Route:
    """A POST route at PATH that answers `read(picture, inside, live, yours, request=...)` in a worker thread
    (app.py's read_drawing: the request says the visitor's language)."""

    async def answer(request: Request) -> JSONResponse:
        try:
            data = (await request.json())["data"]
            if not (isinstance(data, list) and 1 <= len(data) <= 4 and isinstance(data[0], str)
                    and all(isinstance(flag, bool) for flag in data[1:3])
                    and (len(data) < 4 or data[3] is None or isinstance(data[3], str))):
                raise TypeError
        except (ValueError, TypeError, KeyError, UnicodeDecodeError):
            return JSONResponse({"error": NOT_A_DRAWING}, status_code=400)
        picture, inside, live, yours = (data + [False, False, None])[:4]
        try:
            return JSONResponse({"data": [await run_in_threadpool(read, picture, inside, live, yours,
                                                                  request=request)]})
        except gr.Error as exc:
            return JSONResponse({"error": exc.message}, status_code=400)
        except Exception:  # one sentence to the visitor, never a traceback; the traceback to the server's log
            logging.getLogger(__name__).exception("reading a drawing failed")
            return JSONResponse({"error": FAILED}, status_code=500)

    return Route(PATH, answer, methods=["POST"])
