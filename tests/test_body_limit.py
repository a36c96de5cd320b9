"""BodyLimit on a small app: oversized bodies get 413 and one sentence before the app reads them."""

import json

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from webpage.body_limit import TOO_MANY_VALUES, BodyLimit

LIMIT = 1000


@pytest.fixture
def client():
    seen = []

    async def echo(request):
        body = await request.body()
        seen.append(len(body))
        return JSONResponse({"length": len(body)})

    app = Starlette(routes=[Route("/", echo, methods=["POST", "GET"])],
                    middleware=[Middleware(BodyLimit, limit=LIMIT)])
    with TestClient(app) as test_client:
        test_client.seen = seen
        yield test_client


def pieces(total: int, size: int = 100):
    for start in range(0, total, size):
        yield b"x" * min(size, total - start)


def test_bodies_up_to_the_limit_reach_the_app_whole(client):
    assert client.post("/", content=b"x" * LIMIT).json() == {"length": LIMIT}
    assert client.post("/", content=pieces(LIMIT)).json() == {"length": LIMIT}  # chunked, no length
    assert client.get("/").json() == {"length": 0}
    assert client.seen == [LIMIT, LIMIT, 0]


def test_a_declared_length_over_the_limit_is_refused_unread(client):
    response = client.post("/", content=b"x" * (LIMIT + 1))
    assert response.status_code == 413
    sentence = response.json()["error"]
    assert sentence.endswith("it was not read.") and ". " not in sentence  # one sentence
    assert client.seen == []


def test_a_chunked_body_is_refused_once_it_passes_the_limit(client):
    response = client.post("/", content=pieces(50 * LIMIT))
    assert response.status_code == 413
    assert "not read" in json.loads(response.text)["error"]
    assert client.seen == []


def big_client(seen: list) -> TestClient:
    """An app like `client`'s that takes bodies of 100 times the limit."""

    async def echo(request):
        seen.append(len(await request.body()))
        return JSONResponse({})

    return TestClient(Starlette(routes=[Route("/", echo, methods=["POST"])],
                                middleware=[Middleware(BodyLimit, limit=100 * LIMIT)]))


def test_a_json_body_of_many_values_or_deep_nesting_is_refused_unparsed_and_a_large_string_is_not():
    seen = []
    with big_client(seen) as client:
        for body in (b"[" + b"0," * 20_000 + b"0]", b"[" * 300 + b"]" * 300):
            response = client.post("/", content=body, headers={"Content-Type": "application/json"})
            assert response.status_code == 400 and response.json()["error"] == TOO_MANY_VALUES
            response = client.post("/", content=(body[i:i + 100] for i in range(0, len(body), 100)))  # chunked
            assert response.status_code == 400
        picture = b'{"data": ["data:image/png;base64,' + b"A" * 90 * LIMIT + b'"]}'
        assert client.post("/", content=picture).status_code == 200  # one long string: a picture
    assert seen == [len(picture)]


def test_an_upload_is_not_counted_and_chunked_is_read_whatever_its_case():
    seen = []
    with big_client(seen) as client:
        assert client.post("/", files={"files": ("a.txt", b"," * 50 * LIMIT)}).status_code == 200
        request = client.build_request("POST", "/", content=pieces(200 * LIMIT))
        request.headers["Transfer-Encoding"] = "Chunked"
        assert client.send(request).status_code == 413
