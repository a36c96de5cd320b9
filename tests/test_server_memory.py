"""The server hands freed memory back to the system now and then (glibc only)."""

import platform
import subprocess
import sys
import textwrap
import time

from harness.server import ROOT
from tests.conftest import unavailable

# Run in a process of its own: the trimming thread freezes that process's objects and runs as long as it does.
TRIMMING = textwrap.dedent("""
    import gc, threading, time, weakref
    from webpage.server_memory import limit_fragmentation, start_trimming

    class Cycle:
        pass

    assert limit_fragmentation()  # glibc took the fixed mmap threshold and the two heaps
    assert start_trimming(every=0.01)
    assert gc.get_freeze_count() > 0  # what was alive at the start is left out of every collection
    gc.disable()  # from here on only the trimming thread collects garbage
    garbage = Cycle()
    garbage.itself, garbage.picture = garbage, bytes(10_000_000)  # a cycle, as Gradio's events and requests make
    gone = weakref.ref(garbage)
    del garbage
    time.sleep(0.2)  # several rounds, none of which may kill the thread
    trimmers = [t for t in threading.enumerate() if t.name == "malloc-trim"]
    assert trimmers and all(t.daemon and t.is_alive() for t in trimmers)
    assert gone() is None, "the trimming thread did not collect a reference cycle"
""")


def test_glibc_takes_the_limits_and_trimming_collects_cycles_on_a_daemon_thread():
    if platform.libc_ver()[0] != "glibc":  # CI runs on glibc: there, a missing glibc is a failure, not a skip
        unavailable("malloc_trim is glibc's: this C library has none")
    ran = subprocess.run([sys.executable, "-c", TRIMMING], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr


def test_gradio_forgets_sessions_whose_events_are_done(monkeypatch):
    # Gradio 6.31 keeps every session that used its queue; ForgetFinished drops the finished ones. This reads
    # Gradio's own bookkeeping, so a Gradio that renames it fails here, loudly.
    import gradio as gr
    from starlette.middleware import Middleware

    from harness.server import free_port
    from harness.wire import api_call
    from webpage import server_memory

    def shout(text: str) -> str:
        return text.upper()

    monkeypatch.setattr(server_memory, "FORGET_EVERY", 0.0)  # sweep before every request
    with gr.Blocks() as demo:
        gr.api(shout, api_name="shout")
    demo.queue()
    demo.launch(server_port=free_port(), prevent_thread_lock=True, quiet=True,
                app_kwargs={"middleware": [Middleware(server_memory.ForgetFinished, queue=lambda: demo._queue)]})
    try:
        url = demo.local_url.rstrip("/")
        answers = [api_call(url, "shout", f"call {i}") for i in range(5)]  # each call a session of its own
        assert [(a.kind, a.detail) for a in answers] == [("answer", f"CALL {i}") for i in range(5)]
        queue = demo._queue
        # Gradio strikes an event from its session's pending set just after streaming its answer, on the server's
        # own thread: the client can hold the answer a moment before that (seen once in CI)
        deadline = time.monotonic() + 5
        while any(queue.pending_event_ids_session.values()) and time.monotonic() < deadline:
            time.sleep(0.01)
        # swept before each request: only the last call's session, done after the last sweep, is left
        assert len(queue.pending_event_ids_session) <= 1 and len(queue.pending_messages_per_session) <= 1
        server_memory.forget_finished(queue)
        assert queue.pending_event_ids_session == {} and len(queue.pending_messages_per_session) == 0
        # a session whose event is still pending is kept
        queue.pending_event_ids_session["busy"] = {"event"}
        assert server_memory.forget_finished(queue) == 0 and "busy" in queue.pending_event_ids_session
    finally:
        demo.close()
