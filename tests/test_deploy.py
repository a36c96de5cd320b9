"""deploy/haproxy.cfg: two copies of the page behind HAProxy, as docs/DEPLOY.md runs them. A page and an API
client work through the balancer, and when the copy serving a page stops, the page's next drawing is answered by
the other copy."""

import os
import shutil

import httpx
import numpy as np
import pytest
from playwright.sync_api import expect

from harness.page import CHROMIUM_FLAGS, draw_digit, open_page, wait_for_label
from harness.people import stroke_digit
from harness.public_link import slow_headers
from harness.server import start_app, start_balancer, stop_app
from tests.conftest import unavailable

pytestmark = pytest.mark.browser


@pytest.fixture
def balanced(request):
    """Two copies of the app and HAProxy in front of them: (balancer URL, {cookie value: copy process}); the
    balancer's settings from the test's `balancer` mark, if any."""
    if not (shutil.which("haproxy") or os.path.exists("/usr/sbin/haproxy")):
        unavailable("no HAProxy found: apt-get install -y haproxy")
    copies = [start_app("--trusted-proxy", "127.0.0.1"), start_app("--trusted-proxy", "127.0.0.1")]
    settings = request.node.get_closest_marker("balancer")
    balancer, url = start_balancer([url for _, url in copies], env=settings.kwargs if settings else None)
    try:
        yield url, {f"copy{i}": process for i, (process, _) in enumerate(copies, start=1)}
    finally:
        balancer.terminate()
        balancer.wait(10)
        for process, _ in copies:
            if process.poll() is None:
                stop_app(process)


def test_a_page_and_an_api_client_through_the_balancer_and_a_copy_lost(balanced, chromium_path, tmp_path):
    from gradio_client import Client, handle_file
    from playwright.sync_api import sync_playwright

    url, copies = balanced
    seven = tmp_path / "seven.png"
    stroke_digit(7, np.random.default_rng(3), canvas=280, width=14).save(seven)
    probabilities = Client(url, verbose=False).predict(handle_file(str(seven)), api_name="/predict")  # the queue
    assert max(probabilities, key=probabilities.get) == "7"

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS)
        page = open_page(browser, url)
        draw_digit(page, 3)
        assert wait_for_label(page, "3")[0] == "3"
        expect(page.locator("#verdict h1")).to_have_text("3", timeout=10_000)
        served_by = {c["name"]: c["value"] for c in page.context.cookies()}["mnistcnn"]
        stop_app(copies[served_by])  # the copy this page's session lives in goes away

        page.locator("#sketchpad button[aria-label='Clear canvas']").click()
        draw_digit(page, 1)
        assert wait_for_label(page, "1", timeout=20)[0] == "1"  # the chart, from the other copy
        expect(page.locator("#verdict h1")).to_have_text("1", timeout=20_000)  # and the verdict
        browser.close()
    probabilities = Client(url, verbose=False).predict(handle_file(str(seven)), api_name="/predict")
    assert max(probabilities, key=probabilities.get) == "7"  # a new API client, on the copy left


@pytest.mark.balancer(HEADERS_TIMEOUT="2s", ADDRESS_RATE="60")
def test_the_balancer_closes_slow_headers_and_refuses_an_address_past_its_rate(balanced):
    url, _ = balanced
    open_for = slow_headers(url, connections=20, limit_s=15)
    assert max(open_for) < 6, open_for  # closed once their headers are late (old config: all open after 48 s)
    with httpx.Client(timeout=10) as client:
        answers = [client.get(f"{url}/healthz") for _ in range(100)]
    statuses = [answer.status_code for answer in answers]
    assert statuses[:20] == [200] * 20 and 429 in statuses[-20:]  # (the balancer's own start asked a few)
    refused = answers[-1]
    assert refused.json()["error"].endswith("try again in a few seconds.") and refused.headers["retry-after"] == "10"
