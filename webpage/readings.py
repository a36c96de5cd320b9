"""The server's readings of drawings under load: a crowd gets fewer live answers, never a late final one.

While the pen moves, page.js asks for the drawing so far, one reading in flight, and waits as long as the last
answer said (`next_ms`) before asking again. `LivePace` says how long: LIVE_MS while the server has time to spare,
longer while it is busier than BUSY_CORES, so that a crowd's live charts take a bounded share of the server;
finished drawings are always read. A live reading that still arrives while every worker of the drawing's route is
reading (as many as the process may use CPUs: webpage/fair_share.py) is declined at once, and the page waits
BUSY_MS.
"""

import os
import threading
import time
from collections.abc import Callable

LIVE_MS = 80
"""The shortest wait between a page's live readings (from asking for one to asking for the next): an idle
server's pace, about 12 answers a second while the pen moves."""
SLOWEST_MS = 800
"""The longest: even a crowded server answers a stroke once or twice while the pen moves."""
BUSY_MS = 240
"""The wait after a live reading declined because every CPU was reading."""
BUSY_CORES = 0.5
"""The CPU time a second (in cores) above which the server slows the live pace. One server process reads about one
drawing at a time, however many cores it has: most of a reading is Python that holds the interpreter's lock (on 2
cores, 64 visitors drawing at once kept it at 0.6-0.7 of a core's time). So the pace slows at half a core: a crowd
gets fewer live answers and its drawings cost less CPU, while the answers after pen-up come as soon as before
(`python -m benchmarks.crowd --wiring live before`, docs/PERFORMANCE.md); copies of the app use more cores
(docs/DEPLOY.md)."""
LOOK_S = 0.2
"""How often the pace is set again from the CPU time the process used since the last time."""


class LivePace:
    """How long a page waits between live readings, from how busy the server has been: LIVE_MS while it uses less
    than `cores` of CPU time a second; beyond, the wait grows with the CPU time it uses (and falls with it), up to
    SLOWEST_MS. Every LOOK_S the CPU time is measured (`cpu_clock`: the process's), and the wait moves by the
    square root of used over `cores`, so that a crowd finds a steady pace in a second or two without swinging."""

    def __init__(self, cores: float = BUSY_CORES, clock: Callable[[], float] = time.monotonic,
                 cpu_clock: Callable[[], float] = time.process_time) -> None:
        self.cores, self.clock, self.cpu_clock = cores, clock, cpu_clock
        self.wait, self.since, self.used = float(LIVE_MS), clock(), cpu_clock()
        self.lock = threading.Lock()

    def next_ms(self) -> int:
        """The wait before a page's next live reading, in ms."""
        with self.lock:
            now = self.clock()
            if now - self.since >= LOOK_S:
                used = self.cpu_clock()
                busy = (used - self.used) / (now - self.since)
                self.wait = min(SLOWEST_MS, max(LIVE_MS, self.wait * (busy / self.cores) ** 0.5))
                self.since, self.used = now, used
            return round(self.wait)


def usable_cpus() -> int:
    """The CPUs this process may run on: all of the machine's, or the ones it was pinned to (`taskset`, a
    container's cpuset), as when several copies share a machine (docs/DEPLOY.md)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS and Windows have no affinity to ask
        return os.cpu_count() or 1
