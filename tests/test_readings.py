"""A busy server knows it is busy."""

import pytest

from webpage.readings import Workload


def test_the_workload_is_full_while_as_many_readings_run_as_it_allows():
    workload = Workload(2)
    with workload.counted():
        assert not workload.full()
        with workload.counted():
            assert workload.full()
        assert not workload.full()
    with pytest.raises(RuntimeError), workload.counted():
        raise RuntimeError("a reading that failed")
    assert workload.now == 0  # a failed reading is counted out too


def test_a_copy_pinned_to_one_cpu_reads_as_if_it_had_one():
    import os
    import subprocess
    import sys

    from harness.server import ROOT

    pinned = subprocess.run([sys.executable, "-c", "from webpage.readings import usable_cpus; print(usable_cpus())"],
                            cwd=ROOT, capture_output=True, text=True, check=True,
                            preexec_fn=lambda: os.sched_setaffinity(0, {min(os.sched_getaffinity(0))}))
    assert pinned.stdout.strip() == "1"
