"""What the server keeps of what it read, so that a later event names it instead of sending it back: the finished
drawings the page answered (a correction, the inside view), and how many corrections each visitor has sent.

A visitor's page gets a key with each finished drawing's answer and sends the key, never the picture, with a
correction: so a correction is always of a picture the server itself read, and a script cannot post pictures of
its own under any label.
"""

import secrets
import threading
import time
from collections import OrderedDict

KEEP_BYTES = 16 * 2**20
"""The finished drawings kept at once, in bytes (a drawing's PNG is a few KB: thousands of them); beyond, the
oldest go first, and a correction of one of them asks the visitor to draw again."""
CORRECTIONS_PER_PAGE = 50
CORRECTIONS_PER_ADDRESS = 1000
"""Corrections one page, and one address (a class behind one router), may send in QUOTA_S; beyond, one sentence."""
QUOTA_S = 3600


class Drawings:
    """Pictures the server read, each under a key it handed out: `add(picture)` -> key, `take(key)` -> picture."""

    def __init__(self, max_bytes: int = KEEP_BYTES) -> None:
        self.max_bytes, self.bytes = max_bytes, 0
        self.by_key: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def add(self, picture: bytes) -> str:
        key = secrets.token_urlsafe(12)
        with self.lock:
            self.by_key[key] = picture
            self.bytes += len(picture)
            while self.bytes > self.max_bytes:
                self.bytes -= len(self.by_key.popitem(last=False)[1])
        return key

    def get(self, key: object) -> bytes | None:
        """The picture under `key`, or None for anything that is not a key still kept."""
        with self.lock:
            return self.by_key.get(key) if isinstance(key, str) else None


class Quota:
    """At most `limit` uses a visitor in each `window` seconds: `take(visitor)` is False once they are used up."""

    def __init__(self, limit: int, window: float = QUOTA_S, clock=time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self.used: dict[str, tuple[float, int]] = {}
        self.lock = threading.Lock()

    def take(self, visitor: str) -> bool:
        with self.lock:
            now = self.clock()
            if len(self.used) > 10_000:  # the visitors whose window has passed are forgotten
                self.used = {k: v for k, v in self.used.items() if now - v[0] < self.window}
            since, count = self.used.get(visitor, (now, 0))
            if now - since >= self.window:
                since, count = now, 0
            if count >= self.limit:
                return False
            self.used[visitor] = (since, count + 1)
            return True
