"""The drawing's own route: page.js's body in, the reading's answer out, one sentence for anything else."""

import re

import gradio as gr
from starlette.applications import Starlette
from starlette.testclient import TestClient

from webpage.assets import PAGE_JS
from webpage.drawing_route import FAILED, NOT_A_DRAWING, PATH, drawing_route


def client(read) -> TestClient:
    return TestClient(Starlette(routes=[drawing_route(read)]))


def test_page_js_asks_the_route_where_it_is():
    assert "/" + re.search(r'const READ = new URL\("([^"]+)"', PAGE_JS).group(1) == PATH


def test_a_drawing_is_read_with_what_page_js_sends_and_in_the_visitors_language():
    asked = []

    def read(picture, inside, live, yours, request):
        asked.append((picture, inside, live, yours, request.headers.get("accept-language")))
        return {"number": "7"}

    answered = client(read).post(PATH, json={"data": ["data:image/png;base64,AA==", True, False, "key"]},
                                 headers={"Accept-Language": "zh-CN"})
    assert answered.status_code == 200 and answered.json() == {"data": [{"number": "7"}]}
    assert asked == [("data:image/png;base64,AA==", True, False, "key", "zh-CN")]
    client(read).post(PATH, json={"data": ["picture"]})  # the flags left out: a finished drawing, view closed
    assert asked[-1][:4] == ("picture", False, False, None)


def test_anything_but_a_drawing_gets_one_sentence_and_nothing_is_read():
    read = []
    for body in (b"not JSON", b'{"no": "data"}', b'{"data": "picture"}', b'{"data": []}', b'{"data": [7]}',
                 b'{"data": ["picture", "yes"]}', b'{"data": ["picture", true, false, 3]}',
                 b'{"data": ["picture", true, false, null, "more"]}', b"\xff\xfe"):
        answered = client(lambda *args, **kwargs: read.append(args)).post(PATH, content=body)
        assert answered.status_code == 400 and answered.json() == {"error": NOT_A_DRAWING}, body
    assert read == []


def test_an_unreadable_picture_gets_its_sentence_and_a_failure_no_traceback():
    def unreadable(*args, **kwargs):
        raise gr.Error("The picture is not a PNG.", print_exception=False)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug, with a traceback that names the server's files")

    answered = client(unreadable).post(PATH, json={"data": ["picture", False, False, None]})
    assert answered.status_code == 400 and answered.json() == {"error": "The picture is not a PNG."}
    answered = TestClient(Starlette(routes=[drawing_route(broken)]), raise_server_exceptions=False).post(
        PATH, json={"data": ["picture"]})
    assert answered.status_code == 500 and answered.json() == {"error": FAILED}
