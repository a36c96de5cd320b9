"""A finished drawing is read once for the chart and the verdict; a busy server knows it is busy."""

import threading

import pytest

from webpage.readings import ReadOnce, Workload


def test_two_asking_for_the_same_picture_at_once_share_one_reading():
    once, started, release, reads = ReadOnce(), threading.Event(), threading.Event(), []

    def read():
        reads.append(1)
        started.set()
        release.wait(5)  # the first reading is still going when the second asks
        return "23"

    answers = []
    first = threading.Thread(target=lambda: answers.append(once.get("picture", read)))
    first.start()
    started.wait(5)
    second = threading.Thread(target=lambda: answers.append(once.get("picture", read)))
    second.start()
    release.set()
    first.join(5)
    second.join(5)
    assert answers == ["23", "23"] and reads == [1]
    assert once.get("another picture", lambda: "7") == "7"


def test_an_unreadable_picture_is_not_kept_and_only_the_latest_readings_are():
    once = ReadOnce(keep=2)

    def unreadable():
        raise ValueError("not a picture")

    with pytest.raises(ValueError, match="not a picture"):
        once.get("junk", unreadable)
    assert "junk" not in once.results  # its traceback holds the picture: not kept for later
    once.get("a", lambda: 1)
    once.get("b", lambda: 2)
    assert list(once.results) == ["a", "b"]  # "junk" went first
    assert once.get("a", lambda: 3) == 1


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
