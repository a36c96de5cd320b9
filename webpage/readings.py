"""The server's readings of drawings under load: no live reading queued behind a crowd.

While the pen moves, page.js asks for the drawing so far every 80 ms. When every CPU the process may use is
already reading (`Workload`), such a live reading is declined at once (page.js keeps its chart and asks again a
little later), so that a crowd's finished drawings, which are always read, do not wait behind half-drawn ones.
"""

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager


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


def usable_cpus() -> int:
    """The CPUs this process may run on: all of the machine's, or the ones it was pinned to (`taskset`, a
    container's cpuset), as when several copies share a machine (docs/DEPLOY.md)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity to ask
        return os.cpu_count() or 1
