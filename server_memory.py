"""Give the memory a long-running server has freed back to the operating system, now and then.

The page's work runs on many threads; glibc's allocator keeps what they free in per-thread arenas, so a
server's resident memory creeps up under steady traffic while Python's own heap stays flat (measured:
`benchmarks/soak.py`). `malloc_trim` hands the free pages back. Elsewhere than glibc this does nothing.
"""

import ctypes
import ctypes.util
import threading
import time


def start_trimming(every: float = 30.0) -> bool:
    """Call glibc's malloc_trim every `every` seconds on a daemon thread; False where there is no glibc."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim = libc.malloc_trim
    except (OSError, AttributeError):
        return False

    def loop() -> None:
        while True:
            time.sleep(every)
            trim(0)

    threading.Thread(target=loop, name="malloc-trim", daemon=True).start()
    return True
