"""Gradio's queue, paced: it looks for new work every millisecond while requests come, and every 50 ms while none do.

Gradio 6.31's queue looks for work in a loop that sleeps `sleep_when_free` seconds between looks whenever it has
nothing to start, 1 ms by default: about 45 ms of CPU a second on an idle server, and 20 ms at the 10 ms this page
used before. Most of the page's traffic skips the queue (a drawing's readings, app.py), so it is idle most of the
time; uploads, the API and the Train tab use it. `pace` makes that sleep short (`BUSY_S`) within `AWAKE_S` of the
last request the queue was handed, so that queued requests start as soon as a worker is free, and long (`IDLE_S`)
otherwise: the first request after a quiet spell waits at most `IDLE_S` longer.

Measured here (`python -m benchmarks.crowd`, the idle line): docs/PERFORMANCE.md.
"""

import time

BUSY_S = 0.001
"""Between looks while requests come: Gradio's own pace."""
IDLE_S = 0.05
"""Between looks after a quiet `AWAKE_S`: about 10 ms of CPU a second, idle."""
AWAKE_S = 1.0
"""How long after the last request the queue keeps looking every `BUSY_S`."""


def pace(queue, busy_s: float = BUSY_S, idle_s: float = IDLE_S, awake_s: float = AWAKE_S) -> None:
    """Pace Gradio's `queue` (a gradio.queueing.Queue): its `sleep_when_free` becomes `busy_s` within `awake_s` of
    the last `push` (a request joining the queue), `idle_s` otherwise."""
    last = [time.monotonic() - awake_s]
    push = queue.push

    async def pushed(*args, **kwargs):
        last[0] = time.monotonic()
        return await push(*args, **kwargs)

    class Paced(type(queue)):
        @property
        def sleep_when_free(self) -> float:
            return busy_s if time.monotonic() - last[0] < awake_s else idle_s

        @sleep_when_free.setter
        def sleep_when_free(self, value: float) -> None:
            pass  # Gradio sets its own default when the queue is made; the pace above replaces it

    queue.push = pushed
    queue.__class__ = Paced
