"""The server's readings of drawings: a finished drawing read once, and no live reading queued behind a crowd.

page.js sends a finished drawing to the server twice at the same moment, once for the chart (`read_drawing`) and
once for the verdict (the page's event), with the same PNG. Whichever request comes first reads it; the other waits
for that reading instead of reading again (`ReadOnce`; the latest few readings are kept, by their picture).

While the pen moves, page.js asks for the drawing so far every 80 ms. When every CPU is already reading
(`Workload`), such a live reading is declined at once (page.js keeps its chart and asks again a little later),
so that a crowd's finished drawings, which are always read, do not wait behind half-drawn ones.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Generic, TypeVar

T = TypeVar("T")
KEEP = 64
"""Readings kept: a few seconds of a crowd's finished drawings, each asked for twice within milliseconds."""


class ReadOnce(Generic[T]):
    """`get(key, read)`: `read()`'s result for `key`, computed once however many ask for it at once (a failure is
    shared by those who asked meanwhile, then forgotten)."""

    def __init__(self, keep: int = KEEP) -> None:
        self.keep = keep
        self.lock = threading.Lock()
        self.results: OrderedDict[str, Future] = OrderedDict()

    def get(self, key: str, read: Callable[[], T]) -> T:
        with self.lock:
            result = self.results.get(key)
            mine = result is None
            if mine:
                result = self.results[key] = Future()
                while len(self.results) > self.keep:
                    self.results.popitem(last=False)
            else:
                self.results.move_to_end(key)
        if mine:
            try:
                result.set_result(read())
            except Exception as exc:  # kept no longer than those waiting need it: its traceback holds the picture
                with self.lock:
                    self.results.pop(key, None)
                result.set_exception(exc)
        return result.result()


class Workload:
    """How many readings the server is working on now. `full()`: as many as it has CPUs, so a reading that can
    wait (the drawing is still in progress) is better declined than queued behind the others."""

    def __init__(self, limit: int) -> None:
        self.limit, self.now = limit, 0
        self.lock = threading.Lock()

    def full(self) -> bool:
        return self.now >= self.limit

    @contextmanager
    def counted(self) -> Iterator[None]:
        """Count one reading while it runs."""
        with self.lock:
            self.now += 1
        try:
            yield
        finally:
            with self.lock:
                self.now -= 1
