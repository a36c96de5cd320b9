"""Refuse request bodies that are larger than any real input, before they are read into memory.

A public page takes its drawings as text: without a bound, one 300 MB request body is read whole
before anything looks at it, and a few at once take the host down. `BodyLimit` wraps the app (every
route: the page's events, uploads, the API) and answers 413 with one sentence instead:
- at once, without reading a byte of the body, when Content-Length says it is too large;
- for a body sent in chunks without a length, as soon as the bytes received pass the limit (the
  chunks are held until then, so the app never sees part of an oversized body).
"""

import json

REFUSAL = "The request is larger than {mb} MB, more than any drawing or picture this app reads; it was not read."


class BodyLimit:
    """ASGI middleware: HTTP 413 and one sentence for a request body over `limit` bytes."""

    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        if length is not None:
            if int(length) > self.limit:  # the server has already refused a Content-Length that is not a number
                return await self.refuse(send)
            return await self.app(scope, receive, send)
        if b"chunked" not in headers.get(b"transfer-encoding", b""):
            return await self.app(scope, receive, send)
        messages, size = [], 0
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            size += len(message.get("body", b""))
            if size > self.limit:
                return await self.refuse(send)
            if not message.get("more_body", False):
                break

        async def replay():
            return messages.pop(0) if messages else await receive()

        return await self.app(scope, replay, send)

    async def refuse(self, send) -> None:
        body = json.dumps({"error": REFUSAL.format(mb=self.limit // 2**20)}).encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})
