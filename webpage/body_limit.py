"""Refuse request bodies that are larger, or hold more values, than any real input, before the app reads them.

A public page takes its drawings as text: without a bound, one 300 MB request body is read whole before anything
looks at it, and a few at once take the host down; and a JSON body of millions of small values (or nested thousands
of levels deep) holds the server's event loop while it is parsed, 1.6 s for 24 MB, or fails with a traceback.
`BodyLimit` wraps the app (every route: the page's events, uploads, the API) and answers with one sentence instead:
- 413 at once, without reading a byte of the body, when Content-Length says it is too large; for a body sent in
  chunks without a length, as soon as the bytes received pass the limit;
- 400 for a body other than an upload (multipart) with more than MAX_VALUES commas, colons and brackets, or more
  than MAX_NESTING brackets: the app's JSON bodies hold a handful of values (a picture is one base64 string), so
  they are counted as the chunks arrive, at a few microseconds each, and such a body is never parsed.
A body other than an upload is held until it is whole (so the app never sees part of a refused one). A route may
have a smaller limit of its own, and its own sentence (`smaller`: the drawing's route takes 1 MB), held here too, so
that such a body is refused before it is read, not after the 29 MB that every route may take.
"""

import json

REFUSAL = "The request is larger than {mb:.1f} MB, more than any drawing or picture this app reads; it was not read."
TOO_MANY_VALUES = "The request holds more values than any request this app reads; it was not read."
MAX_VALUES = 10_000
"""Commas, colons and brackets a JSON body may hold (the page's largest, the Train tab's choices, holds about 40)."""
MAX_NESTING = 256
"""Opening brackets a JSON body may hold: deeper nesting than Python's parser takes never reaches it."""


def structure(chunk: bytes) -> tuple[int, int]:
    """A chunk's commas, colons and brackets, and its opening brackets."""
    opening = chunk.count(b"[") + chunk.count(b"{")
    return opening + chunk.count(b",") + chunk.count(b":"), opening


class BodyLimit:
    """ASGI middleware: HTTP 413 for a body over `limit` bytes, 400 for one holding too many values; one sentence."""

    def __init__(self, app, limit: int, values: int = MAX_VALUES, nesting: int = MAX_NESTING,
                 smaller: dict[str, tuple[int, str]] | None = None):
        self.app, self.limit, self.values, self.nesting = app, limit, values, nesting
        self.smaller = smaller or {}  # path -> (its limit in bytes, the sentence for a body over it)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        limit, too_large = self.smaller.get(scope["path"], (self.limit, REFUSAL.format(mb=self.limit / 1e6)))
        length = headers.get(b"content-length")
        if length is not None and int(length) > limit:  # the server has refused a length that is not a number
            return await refuse(send, 413, too_large)
        chunked = b"chunked" in headers.get(b"transfer-encoding", b"").lower()
        upload = headers.get(b"content-type", b"").lower().startswith(b"multipart/")
        if (length is None or upload) and not chunked:
            return await self.app(scope, receive, send)
        messages, size, values, opening = [], 0, 0, 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body = message.get("body", b"")
            size += len(body)
            if size > limit:
                return await refuse(send, 413, too_large)
            if not upload:
                more, deeper = structure(body)
                values, opening = values + more, opening + deeper
                if values > self.values or opening > self.nesting:
                    return await refuse(send, 400, TOO_MANY_VALUES)
            if not message.get("more_body", False):
                break

        async def replay():
            return messages.pop(0) if messages else await receive()

        return await self.app(scope, replay, send)


async def refuse(send, status: int, sentence: str) -> None:
    body = json.dumps({"error": sentence}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
