"""A public link under the public: oversized bodies, a minute of mixed traffic, 32 clients against a small queue.

Each test starts its own app, so that its memory and its queue are the test's alone.
"""

import threading
import time
from collections import Counter

import numpy as np
import pytest

from benchmarks.soak import run_soak
from harness.hostile import encode
from harness.people import stroke_digit
from harness.server import resident_mb, start_app, stop_app
from harness.wire import api_call, data_url, oversized, read_drawing

pytestmark = pytest.mark.slow


@pytest.fixture
def own_app(request):
    process, url = start_app(*getattr(request, "param", ()))
    yield process, url
    stop_app(process)


def drawn(digit: int) -> str:
    return data_url(encode(stroke_digit(digit, np.random.default_rng(digit), canvas=280, width=14), "PNG"))


def test_four_300_mb_bodies_at_once_are_refused_unread_and_the_next_drawing_is_answered(own_app):
    process, url = own_app
    assert read_drawing(url, drawn(2)).kind == "answer"  # warm: the first answer allocates what it needs
    before = resident_mb(process.pid)
    peak = [before]
    outcomes = []

    def send():
        outcomes.append(oversized(url, 300 * 2**20))

    senders = [threading.Thread(target=send) for _ in range(4)]
    for sender in senders:
        sender.start()
    while any(s.is_alive() for s in senders):
        peak[0] = max(peak[0], resident_mb(process.pid))
        time.sleep(0.02)
    assert [o.kind for o in outcomes] == ["refused"] * 4
    assert all("not read" in o.detail for o in outcomes)
    assert max(peak[0], resident_mb(process.pid)) - before <= 100  # the bound; in practice about 0 MB
    answer = read_drawing(url, drawn(5))
    assert answer.kind == "answer" and answer.detail[0]["number"] == "5"  # the chart
    assert answer.detail[0]["page"]["verdict"].startswith("# 5\n")  # and the verdict


def test_a_minute_of_mixed_traffic_loses_nothing(own_app):
    process, url = own_app
    tally, memory = run_soak(url, seconds=60, clients=8, pid=process.pid)
    assert tally.lost() == 0, dict(tally.outcomes)
    assert tally.valid_errors() == 0 and tally.busy() == 0, dict(tally.outcomes)
    assert sum(tally.outcomes["page drawing"].values()) > 100  # traffic really flowed (about 500 here)
    assert set(tally.outcomes["oversized body"]) == {"refused"}
    assert set(tally.outcomes["hostile file"]) <= {"answer", "error", "refused"}
    assert sum(tally.wrong.values()) == 0
    warm = [mb for seconds, mb in memory if seconds >= 30]  # once the first half minute has allocated what it needs
    assert len(warm) >= 2 and warm[-1] - warm[0] <= 40, memory  # the benchmark: +16 MB over the 9 minutes after


@pytest.mark.parametrize("own_app", [("--queue-size", "4")], indirect=True)
def test_32_clients_against_a_small_queue_are_answered_or_told_it_is_busy(own_app):
    process, url = own_app
    tally, _ = run_soak(url, seconds=20, clients=32, timeout=30, pid=process.pid)
    assert tally.lost() == 0, dict(tally.outcomes)  # every request came back, within 30 s
    assert tally.valid_errors() == 0, dict(tally.outcomes)
    assert tally.outcomes["page drawing"]["answer"] > 0
    assert sum(tally.outcomes[api]["answer"] for api in ("/predict", "/predict_base64", "/predict_number")) > 0
    # The soak's mix rarely has more than 4 running + 4 waiting (2 busy of about 190 here, 0 in one CI run):
    # 32 API calls released at one instant always do, and the bound must say so, at once, for the excess.
    outcomes = []
    start = threading.Barrier(32)

    def call():
        start.wait()
        outcomes.append(api_call(url, "predict_base64", drawn(3), timeout=30))

    callers = [threading.Thread(target=call) for _ in range(32)]
    for caller in callers:
        caller.start()
    for caller in callers:
        caller.join()
    burst = Counter(o.kind for o in outcomes)
    assert burst["busy"] > 0 and burst["answer"] >= 4 and burst.total() == 32, burst
    assert all(o.seconds < 2.0 for o in outcomes if o.kind == "busy"), outcomes  # told at once, not after a wait


@pytest.mark.parametrize("own_app", [("--queue-size", "0")], indirect=True)
def test_a_full_queue_answers_busy_at_once_and_the_drawing_goes_on(own_app):
    from gradio_client import Client
    from gradio_client.utils import QueueError

    process, url = own_app  # no room on the queue at all: every queued call finds it full
    busy = api_call(url, "predict_base64", drawn(3))
    assert busy.kind == "busy" and busy.seconds < 1.0, busy  # HTTP 503 at once, not a hang
    with pytest.raises(QueueError):
        Client(url, verbose=False).predict(drawn(3), api_name="/predict_base64")
    assert read_drawing(url, drawn(3)).detail[0]["number"] == "3"  # the page's drawing runs off the queue
