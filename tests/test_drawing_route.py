"""The drawing's own route: page.js's body in, the reading's answer out, one sentence for anything else, and each
of its limits (bytes, shape, a page's and an address's share) exceeded once."""

import asyncio
import re

import gradio as gr
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.testclient import TestClient

from mnist_cnn.preprocess import MAX_REQUEST_BYTES
from webpage.addresses import Addresses
from webpage.assets import PAGE_JS
from webpage.body_limit import BodyLimit
from webpage.drawing_route import (
    DRAWING_BYTES,
    FAILED,
    HEALTH,
    LIMITS,
    NOT_A_DRAWING,
    PATH,
    REFUSED,
    TOO_LARGE,
    drawing_route,
    health_route,
)
from webpage.fair_share import RETRY_AFTER_S, FairShare

BUSY = {"busy": True, "next_ms": 240}


def client(read, share: FairShare | None = None, addresses: Addresses | None = None,
           limited: bool = False) -> TestClient:
    """The route alone; `limited`: behind BodyLimit with the route's own limit, as app.py serves it."""
    route = drawing_route(read, share or FairShare(2), lambda: BUSY, addresses or Addresses())
    middleware = [Middleware(BodyLimit, limit=MAX_REQUEST_BYTES, smaller=LIMITS)] if limited else []
    return TestClient(Starlette(routes=[route, health_route()], middleware=middleware),
                      raise_server_exceptions=False)


def test_page_js_asks_the_route_where_it_is_and_names_its_page():
    assert "/" + re.search(r'const READ = new URL\("([^"]+)"', PAGE_JS).group(1) == PATH
    assert "session_hash: PAGE" in PAGE_JS and 'getResponseHeader("Retry-After")' in PAGE_JS


def test_a_drawing_is_read_with_what_page_js_sends_and_in_the_visitors_language():
    asked = []

    def read(picture, inside, live, yours, request):
        asked.append((picture, inside, live, yours, request.headers.get("accept-language")))
        return {"number": "7"}

    answered = client(read).post(PATH, json={"data": ["data:image/png;base64,AA==", True, False, "key"],
                                             "session_hash": "page"}, headers={"Accept-Language": "zh-CN"})
    assert answered.status_code == 200 and answered.json() == {"data": [{"number": "7"}]}
    assert asked == [("data:image/png;base64,AA==", True, False, "key", "zh-CN")]
    client(read).post(PATH, json={"data": ["picture"]})  # the flags left out: a finished drawing, view closed
    assert asked[-1][:4] == ("picture", False, False, None)


def test_anything_but_a_drawing_gets_one_sentence_and_nothing_is_read():
    read = []
    for body in (b"not JSON", b'{"no": "data"}', b'{"data": "picture"}', b'{"data": []}', b'{"data": [7]}',
                 b'{"data": ["picture", "yes"]}', b'{"data": ["picture", true, false, 3]}',
                 b'{"data": ["picture", true, false, null, "more"]}', b"\xff\xfe", b"[]", b'"text"',
                 b"[" * 5000 + b"]" * 5000, b'{"data": ' + b"[" * 20 + b"]" * 20 + b"}",
                 b"[" + b"0," * 100_000 + b"0]"):
        answered = client(lambda *args, **kwargs: read.append(args)).post(PATH, content=body)
        assert answered.status_code == 400 and answered.json() == {"error": NOT_A_DRAWING}, body[:40]
    assert read == []


def test_a_body_larger_than_a_drawing_is_refused_unread_declared_or_not():
    read = []
    for body in (b"x" * (DRAWING_BYTES + 1), (b"x" * 1024 for _ in range(DRAWING_BYTES // 1024 + 1))):
        answered = client(lambda *args, **kwargs: read.append(args), limited=True).post(PATH, content=body)
        assert answered.status_code == 413 and answered.json() == {"error": TOO_LARGE}
    assert read == []


def test_an_unreadable_picture_gets_its_sentence_and_a_failure_no_traceback():
    def unreadable(*args, **kwargs):
        raise gr.Error("The picture is not a PNG.", print_exception=False)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug, with a traceback that names the server's files")

    answered = client(unreadable).post(PATH, json={"data": ["picture", False, False, None]})
    assert answered.status_code == 400 and answered.json() == {"error": "The picture is not a PNG."}
    answered = client(broken).post(PATH, json={"data": ["picture"]})
    assert answered.status_code == 500 and answered.json() == {"error": FAILED}


def test_a_live_reading_while_every_worker_reads_is_declined_at_once_and_a_finished_one_is_read():
    share = FairShare(1)
    share.running = 1  # the one worker is reading
    read = []
    declined = client(lambda *args: read.append(args) or {"number": "7"}, share).post(
        PATH, json={"data": ["picture", False, True]})
    assert declined.json() == {"data": [BUSY]} and read == []
    share.running = 0
    assert client(lambda *args: {"number": "7"}, share).post(PATH, json={"data": ["picture", False, True]}).json() \
        == {"data": [{"number": "7"}]}


def test_a_second_reading_from_one_page_or_one_too_many_from_an_address_gets_429_and_retry_after():
    share = FairShare(2, address_limit=2)
    share.pages["testclient", "page"] = 1  # this page's reading is in flight
    answered = client(lambda *args: {"number": "7"}, share).post(
        PATH, json={"data": ["picture"], "session_hash": "page"})
    assert answered.status_code == 429 and answered.json() == {"error": REFUSED["page"]}
    assert answered.headers["retry-after"] == str(RETRY_AFTER_S)
    share.addresses["testclient"] = 2  # the address's share is in flight, from other pages
    answered = client(lambda *args: {"number": "7"}, share).post(
        PATH, json={"data": ["picture"], "session_hash": "another page"})
    assert answered.status_code == 429 and answered.json() == {"error": REFUSED["address"]}


def test_the_health_check_answers_while_every_worker_reads():
    share = FairShare(1)
    share.running = 1
    assert client(lambda *args: {}, share).get(HEALTH).text == "ok"


def test_readings_are_shared_in_turn_among_addresses_and_their_pages_not_first_come_first_served():
    served = []

    async def crowd():
        share = FairShare(1)
        gate = asyncio.Event()
        loop = asyncio.get_running_loop()

        def read(name):
            if name == "first":
                asyncio.run_coroutine_threadsafe(gate.wait(), loop).result()
            served.append(name)

        first = asyncio.create_task(share.run("a", "p0", read, "first"))
        await asyncio.sleep(0.05)
        # address a's pages ask first, many of them; then b's and c's one page each
        waiting = [share.run("a", f"p{i}", read, f"a{i}") for i in range(1, 5)]
        waiting += [share.run("b", "q", read, "b"), share.run("c", "r", read, "c")]
        tasks = [asyncio.create_task(w) for w in waiting]
        await asyncio.sleep(0.05)
        gate.set()
        await asyncio.gather(first, *tasks)
        assert share.running == 0 and not share.pages and not share.addresses and not share.waiting

    asyncio.run(crowd())
    assert served == ["first", "a1", "b", "c", "a2", "a3", "a4"]


def test_a_visitors_address_comes_from_x_forwarded_for_only_through_a_trusted_proxy():
    class Request:
        def __init__(self, peer, forwarded=None):
            self.client = type("Client", (), {"host": peer})()
            self.headers = {"x-forwarded-for": forwarded} if forwarded else {}

    direct, behind = Addresses(), Addresses(["10.0.0.1"])
    assert direct.of(Request("203.0.113.9", "198.51.100.7")) == "203.0.113.9"  # anyone can write the header
    assert behind.of(Request("10.0.0.1", "198.51.100.7")) == "198.51.100.7"
    assert behind.of(Request("10.0.0.1", "1.2.3.4, 198.51.100.7")) == "198.51.100.7"  # the hop our proxy added
    assert behind.of(Request("10.0.0.1")) == "10.0.0.1"
    assert behind.of(Request("203.0.113.9", "198.51.100.7")) == "203.0.113.9"  # not through our proxy
