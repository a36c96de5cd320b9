"""The server hands freed memory back to the system now and then (glibc only)."""

import platform
import subprocess
import sys
import textwrap

import pytest

from harness.server import ROOT

# Run in a process of its own: the trimming thread freezes that process's objects and runs as long as it does.
TRIMMING = textwrap.dedent("""
    import gc, threading, time, weakref
    from server_memory import limit_fragmentation, start_trimming

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


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_glibc_takes_the_limits_and_trimming_collects_cycles_on_a_daemon_thread():
    ran = subprocess.run([sys.executable, "-c", TRIMMING], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert ran.returncode == 0, ran.stderr
