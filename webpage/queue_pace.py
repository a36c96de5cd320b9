"""Gradio's queue, paced: it looks for new work every millisecond while requests come, and every 50 ms while none do.

Gradio 6.31's queue runs two loops that sleep between looks whenever they have nothing to do: one for new work
(`sleep_when_free`, 1 ms by default) and one for progress to report (`progress_update_sleep_when_free`, 10 ms).
They cost an idle server about 45 ms of CPU a second, and 20 ms with the 10 ms this page used for the first. Most
of the page's traffic skips the queue (a drawing's readings: webpage/drawing_route.py), so it is idle most of the
time; uploads, the API and the Train tab use it. `pace` keeps Gradio's own pace (`BUSY_S`, `PROGRESS_BUSY_S`)
within `AWAKE_S` of the last request the queue was handed, so that queued requests start as soon as a worker is
free, and slows both loops to `IDLE_S` otherwise: the first request after a quiet spell waits at most `IDLE_S`
longer. Measured: an idle server's CPU about 20 -> 8 ms a second (docs/PERFORMANCE.md).
"""

import time

BUSY_S = 0.001
"""Between looks for work while requests come: Gradio's own pace."""
PROGRESS_BUSY_S = 0.01
"""Between looks for progress to report while requests come: Gradio's own pace."""
IDLE_S = 0.05
"""Between looks, either kind, after a quiet `AWAKE_S`."""
AWAKE_S = 1.0
"""How long after the last request the queue keeps Gradio's pace."""


def pace(queue, busy_s: float = BUSY_S, idle_s: float = IDLE_S, awake_s: float = AWAKE_S) -> None:
    """Pace Gradio's `queue` (a gradio.queueing.Queue): `sleep_when_free` becomes `busy_s` within `awake_s` of the
    last `push` (a request joining the queue) and `idle_s` otherwise, `progress_update_sleep_when_free` likewise
    PROGRESS_BUSY_S or `idle_s`."""
    last = [time.monotonic() - awake_s]
    push = queue.push

    async def pushed(*args, **kwargs):
        last[0] = time.monotonic()
        return await push(*args, **kwargs)

    def paced(busy: float) -> property:
        def now(self) -> float:
            return busy if time.monotonic() - last[0] < awake_s else idle_s

        def ignored(self, value: float) -> None:
            pass  # Gradio sets its own default when the queue is made; the pace replaces it

        return property(now, ignored)

    class Paced(type(queue)):
        sleep_when_free = paced(busy_s)
        progress_update_sleep_when_free = paced(PROGRESS_BUSY_S)

    queue.push = pushed
    queue.__class__ = Paced
