"""Give the memory a long-running server has freed back to the operating system, now and then.

The page's work runs on many threads; glibc's allocator keeps what they free in per-thread arenas, so a
server's resident memory creeps up under steady traffic while Python's own heap stays flat (measured:
`benchmarks/soak.py`). `malloc_trim` hands the free pages back. Elsewhere than glibc this does nothing.

Much of what a request leaves behind is in reference cycles (Gradio's events, the requests they hold
and their pictures), which Python frees only at a full garbage collection, and those are rare in a
process holding a model and a page: Python starts one only when the objects that survived since
number a quarter of those it already holds, hundreds of thousands here.
So the objects alive when the server starts (the model, the page, the libraries) are frozen out of
every collection, and each trim first collects what is left.

And glibc's own habits are tamed before the server's threads start (`limit_fragmentation`): by default
it raises its mmap threshold each time a big block is freed, so later pictures and arrays land in the
heaps, where the small objects living beside them keep the pages from ever being given back; and it
gives each busy thread a heap of its own (up to 8 per core).

Last, Gradio 6.31 never forgets a session that used its queue: it keeps the session's set of pending
events, empty once they are done, and the message queue its finished stream read from (up to 2,000 of
those). Every HTTP API call is a session of its own, so a public server's tables grow without end;
`ForgetFinished` drops the finished sessions every few seconds.

What each of these measured to do, with the soak's traffic (`benchmarks/soak.py`): the "Memory" item of
docs/ROBUSTNESS.md.
"""

import ctypes
import ctypes.util
import gc
import threading
import time
from collections.abc import Callable

M_MMAP_THRESHOLD, M_ARENA_MAX = -3, -8  # mallopt's parameter numbers (glibc's malloc.h)
MMAP_THRESHOLD = 512 * 1024
"""Blocks this big or bigger (a photo's pixels, a large canvas) get pages of their own, handed back when freed. A
drawing's own arrays (a 140x140 canvas in float64 is 157 KB) stay below it: pages mapped and unmapped for each
of them cost a live reading about 1 ms of CPU in page faults (128 KB measured 9.3 ms a reading, 512 KB 8.1)."""
ARENAS = 2
"""How many heaps glibc may keep for the server's threads."""


def glibc(function: str):
    """One of glibc's functions, or None where the C library is not glibc."""
    try:
        return getattr(ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6"), function)
    except (OSError, AttributeError):
        return None


def limit_fragmentation() -> bool:
    """Fix glibc's mmap threshold at MMAP_THRESHOLD and its heaps at ARENAS, for the allocations from now on;
    call it before the server's threads start. False where there is no glibc."""
    mallopt = glibc("mallopt")
    if mallopt is None:
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)) and bool(mallopt(M_ARENA_MAX, ARENAS))


def start_trimming(every: float = 30.0) -> bool:
    """Every `every` seconds on a daemon thread, collect the garbage made since the server started and call
    glibc's malloc_trim; False where there is no glibc (nothing is started then)."""
    trim = glibc("malloc_trim")
    if trim is None:
        return False
    gc.collect()
    gc.freeze()  # what is alive now lives as long as the server: no collection needs to look at it again

    def loop() -> None:
        while True:
            time.sleep(every)
            gc.collect()
            trim(0)

    threading.Thread(target=loop, name="malloc-trim", daemon=True).start()
    return True


FORGET_EVERY = 5.0
"""Seconds between two sweeps of the sessions whose events are all done (see ForgetFinished)."""


def forget_finished(queue) -> int:
    """Drop what Gradio's queue keeps of sessions with no event pending and no message left to read: the
    empty set of their pending events and their drained message queue. Gradio makes both anew when such a
    session sends another event. Return how many sessions were forgotten."""
    pending, messages = queue.pending_event_ids_session, queue.pending_messages_per_session
    done = [session for session, events in pending.items()
            if not events and (session not in messages or messages[session].empty())]
    for session in done:
        del pending[session]
        messages.pop(session, None)
    return len(done)


class ForgetFinished:
    """ASGI middleware: at most every FORGET_EVERY seconds, before a request goes on, run `forget_finished` on the
    queue `queue()` returns. It runs on the server's event loop, between the steps where Gradio itself reads and
    writes those sessions, so no stream is cut short. (One narrow case remains: a client that disconnects just
    after its stream sent the last message, once a sweep has run, makes Gradio look up the message queue the
    sweep dropped; the answer was already delivered, and the server logs a KeyError.)"""

    def __init__(self, app, queue: Callable[[], object]):
        self.app, self.queue, self.next = app, queue, 0.0

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and time.monotonic() >= self.next:
            self.next = time.monotonic() + FORGET_EVERY
            forget_finished(self.queue())
        await self.app(scope, receive, send)
