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
