"""The server hands freed memory back to the system now and then (glibc only)."""

import platform
import threading
import time

import pytest

from server_memory import start_trimming


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_trimming_runs_on_a_daemon_thread_and_keeps_running():
    assert start_trimming(every=0.01)
    time.sleep(0.05)  # several rounds of malloc_trim, none of which may kill the thread
    trimmers = [t for t in threading.enumerate() if t.name == "malloc-trim"]
    assert trimmers and all(t.daemon and t.is_alive() for t in trimmers)
