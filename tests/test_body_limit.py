"""BodyLimit on a small app: oversized bodies get 413 and one sentence before the app reads them."""

import json

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.responses import JSONResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from webpage.body_limit import BodyLimit

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
