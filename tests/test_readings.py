"""A busy server knows it is busy, and slows the live pace of a crowd."""

import pytest

from webpage.readings import BUSY_CORES, LIVE_MS, LOOK_S, SLOWEST_MS, LivePace


class Clocks:
    """A wall clock and a CPU clock that a test moves: `run(seconds, cores)` passes `seconds` while the process
    uses `cores` of CPU time a second."""

    def __init__(self) -> None:
        self.wall = self.cpu = 0.0

    def run(self, seconds: float, cores: float) -> None:
        self.wall += seconds
        self.cpu += seconds * cores


def paces(pace: LivePace, clocks: Clocks, seconds: float, cores: float) -> list[int]:
    """The waits the pace gives, asked every LOOK_S for `seconds` while the process uses `cores`."""
    waits = []
    for _ in range(round(seconds / LOOK_S)):
        clocks.run(LOOK_S, cores)
        waits.append(pace.next_ms())
    return waits


def test_the_live_pace_slows_while_the_server_is_busy_and_comes_back_when_it_is_not():
    clocks = Clocks()
    pace = LivePace(clock=lambda: clocks.wall, cpu_clock=lambda: clocks.cpu)
    assert paces(pace, clocks, 2, BUSY_CORES / 2) == [LIVE_MS] * 10  # time to spare: the fastest pace
    crowded = paces(pace, clocks, 2, 4 * BUSY_CORES)  # four times busier than the pace allows
    assert crowded == sorted(crowded) and crowded[0] > LIVE_MS  # slower at once, and slower still while it lasts
    assert crowded[-1] == SLOWEST_MS  # up to the slowest pace, no further
    assert paces(pace, clocks, 2, BUSY_CORES)[-1] == SLOWEST_MS  # as busy as allowed: the pace holds
    assert paces(pace, clocks, 2, 0.0)[-1] == LIVE_MS  # the crowd has gone: the fastest pace again


def test_the_live_pace_settles_where_the_crowd_uses_what_it_allows():
    clocks = Clocks()
    pace = LivePace(clock=lambda: clocks.wall, cpu_clock=lambda: clocks.cpu)
    demand = 3 * BUSY_CORES  # a crowd asking at the fastest pace would use this; at a slower pace, less
    wait = LIVE_MS
    for _ in range(50):
        clocks.run(LOOK_S, demand * LIVE_MS / wait)
        wait = pace.next_ms()
    assert wait == pytest.approx(3 * LIVE_MS, rel=0.05)  # a third of the readings: as busy as allowed


def test_a_copy_pinned_to_one_cpu_reads_as_if_it_had_one():
    import os
    import subprocess
    import sys

    from harness.server import ROOT

    pinned = subprocess.run([sys.executable, "-c", "from webpage.readings import usable_cpus; print(usable_cpus())"],
                            cwd=ROOT, capture_output=True, text=True, check=True,
                            preexec_fn=lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}))
    assert pinned.stdout.strip() == "1"
