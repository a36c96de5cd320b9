"""The Train tab in headless Chromium: watch a run learn, draw for the network it made, download it, wait in line,
stop, and close the page on a run."""

import json
import os
import re
import subprocess
import sys
import time

import pytest
from playwright.sync_api import expect

from harness.page import CHROMIUM_FLAGS, draw_digit, open_page, timeline

pytestmark = pytest.mark.browser
RUN = 'm mnist_cnn[.]live'  # a run's process, as pgrep -f finds it (the brackets keep pgrep from finding itself)


@pytest.fixture(scope="module")
def browser(chromium_path, mnist_dir):  # the app's runs read MNIST where the tests do ($MNIST_DATA_DIR)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def train_tab(browser, app_url, images: str = "30,000", epochs: str = "2"):
    page = open_page(browser, app_url)
    page.get_by_role("tab", name="Train").click()
    page.locator("#train-images").get_by_role("radio", name=images, exact=True).check()
    page.locator("#train-epochs").get_by_role("radio", name=epochs, exact=True).check()
    return page


def progress(page) -> str:
    return page.locator("#train-progress").inner_text()


def runs() -> int:
    return len(subprocess.run(["pgrep", "-f", RUN], capture_output=True, text=True).stdout.split())


def test_a_run_shows_it_learning_then_reads_drawings_and_its_download_is_a_checkpoint(browser, app_url, tmp_path):
    page = train_tab(browser, app_url, epochs="1")
    page.click("#train-start")
    curve = page.locator("#train-loss-curve .mark-line path").first
    expect(curve).to_be_attached(timeout=30_000)
    shapes, bars = set(), set()
    while not re.search(r"\d\d\.\d %", page.locator("#train-accuracy").inner_text()):
        shapes.add(curve.get_attribute("d"))
        bars.add(page.locator("#train-progress progress").get_attribute("value"))
        assert len(shapes) < 200, "no accuracy after a minute and more"
        time.sleep(0.3)
    assert len(shapes) >= 3 and len(bars) >= 3  # the curve and the bar moved while it learned
    assert page.locator("#train-accuracy-curve .mark-line path").count() == 2  # training and held-out images
    answers = page.locator("#train-digits .train-digit").evaluate_all("ds => ds.map(d => d.dataset.answer)")
    assert len(answers) == 12 and all(answers)
    expect(page.locator("#train-results .train-confusion td")).to_have_count(100)
    shown = float(re.search(r"(\d\d\.\d) %", page.locator("#train-accuracy").inner_text()).group(1))

    with page.expect_download() as download:
        page.click("#train-download")
    path = tmp_path / "mine.safetensors"
    download.value.save_as(path)
    evaluated = subprocess.run([sys.executable, "-m", "mnist_cnn.evaluate", "--checkpoint", str(path), "--json"],
                               capture_output=True, text=True, timeout=120)
    assert evaluated.returncode == 0, evaluated.stderr
    assert json.loads(evaluated.stdout.splitlines()[-1])["accuracy"] * 100 == pytest.approx(shown, abs=0.05)

    page.get_by_role("tab", name="Read").click()
    draw_digit(page, 3)
    yours = page.locator("#your-model")
    try:
        expect(yours.locator(".bars")).to_have_attribute("data-answer", "3", timeout=10_000)
    except AssertionError as missed:  # failed once in CI (2026-12-01), not reproduced since: say which part failed
        seen = timeline(page)
        asked = [url.rsplit("/", 1)[-1] for start, url, _ in seen["requests"] if start > seen["ups"][-1]]
        raise AssertionError(
            f"your network's chart never said 3; the page's own chart: {seen['chart'][-1:]}, the key sent with "
            f"drawings: {'set' if page.locator('#your-model-key textarea').input_value() else 'empty'}, requests "
            f"after the pen lifted: {asked}") from missed
    assert yours.locator(".bar").count() == 10
    assert page.errors == []
    page.close()


def one_training_one_in_line(browser, app_url):
    """Two pages on the Train tab: the first's network training, the second waiting in line behind it."""
    first, second = train_tab(browser, app_url), train_tab(browser, app_url)
    first.click("#train-start")
    expect(first.locator("#train-progress")).to_contain_text("Epoch 1 of 2", timeout=30_000)
    second.click("#train-start")
    expect(second.locator("#train-progress")).to_contain_text("number 1 in line")
    return first, second


def test_a_second_page_waits_in_line_and_stop_keeps_the_network_as_it_is(browser, app_url):
    first, second = one_training_one_in_line(browser, app_url)
    first.click("#train-stop")
    expect(first.locator("#train-progress")).to_contain_text("Stopped", timeout=30_000)
    expect(first.locator("#train-accuracy")).to_contain_text("%")
    expect(second.locator("#train-progress")).to_contain_text("Epoch 1 of 2", timeout=30_000)  # its turn
    second.click("#train-stop")
    expect(second.locator("#train-progress")).to_contain_text("Stopped", timeout=30_000)
    assert first.errors == second.errors == []
    first.close()
    second.close()


def test_a_page_closed_while_its_network_trains_stops_the_run_and_one_in_line_leaves_it(browser, app_url):
    running, waiting = one_training_one_in_line(browser, app_url)
    waiting.click("#train-stop")
    expect(waiting.locator("#train-progress")).to_contain_text("You left the line")
    assert runs() == 1
    running.close()
    deadline = time.monotonic() + 20
    while runs() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert runs() == 0  # a run of about 25 s, gone within moments of its page
    waiting.close()


def test_in_chinese_the_tab_and_its_run_speak_chinese(browser, app_url):
    page = open_page(browser, app_url, locale="zh-CN")
    page.get_by_role("tab", name="训练").click()
    expect(page.locator("#train-tab")).to_contain_text("自己训练文章中的网络")
    expect(page.locator("#train-norm")).to_contain_text("局部响应归一化")
    page.click("#train-start")
    expect(page.locator("#train-progress")).to_contain_text("第 1 轮", timeout=30_000)
    expect(page.locator("#train-accuracy-curve")).to_contain_text("留出的图像", timeout=10_000)  # the curves' legend
    page.click("#train-stop")
    expect(page.locator("#train-progress")).to_contain_text("停止", timeout=30_000)
    expect(page.locator("#train-accuracy")).to_contain_text("读对了")
    assert page.errors == []
    page.close()


def test_an_experiment_trains_its_pair_and_the_runs_are_compared_side_by_side(browser, app_url, tmp_path):
    page = train_tab(browser, app_url, images="5,000", epochs="1")
    page.click("#train-experiment-norm")
    expect(page.locator("#train-finding")).to_contain_text("Your runs", timeout=120_000)
    finding = page.locator("#train-finding").inner_text()
    assert "#1 no normalization" in finding and "#2 batch norm" in finding
    rows = page.locator("#train-runs tbody tr")
    expect(rows).to_have_count(2)
    assert all(re.search(r"\d\d\.\d %", text) for text in rows.all_inner_texts())
    legend = page.locator("#train-legend .train-legend-item")  # one name per line, by what differs, in view
    expect(legend).to_have_text(["#1 no normalization", "#2 batch norm"])
    assert all(item.is_visible() for item in legend.all())
    colours = legend.evaluate_all("items => items.map(item => item.dataset.colour)")
    for plot in ("loss", "accuracy"):  # one line per run, in the legend's colours
        lines = page.locator(f"#train-{plot}-curve .mark-line path")
        expect(lines).to_have_count(2)
        strokes = lines.evaluate_all("paths => paths.map(path => path.getAttribute('stroke'))")
        assert sorted(strokes) == sorted(colours)
    expect(page.locator("#train-difference")).to_contain_text("Errors in all")
    # MNIST_CNN_TRAIN_SCREENSHOT=docs/train-tab.png refreshes the README's picture: two runs compared
    page.locator("#train-tab").screenshot(path=os.environ.get("MNIST_CNN_TRAIN_SCREENSHOT")
                                          or str(tmp_path / "train-tab.png"))
    page.locator("#train-pick input").click()  # the first run's network for the Read tab
    page.get_by_role("option", name="#1 no normalization").click()
    expect(page.locator("#train-picked")).to_contain_text("now reads with run #1 no normalization")
    expect(page.locator("#train-download")).to_be_visible()
    page.get_by_role("tab", name="Read").click()
    draw_digit(page, 7)
    expect(page.locator("#your-model .bars")).to_have_attribute("data-answer", "7", timeout=10_000)
    assert page.errors == []
    page.close()


def test_in_chinese_an_experiment_says_what_the_runs_showed_in_chinese(browser, app_url, tmp_path):
    page = open_page(browser, app_url, locale="zh-CN")
    page.get_by_role("tab", name="训练").click()
    page.locator("#train-images").get_by_role("radio", name="5,000", exact=True).check()
    page.locator("#train-epochs").get_by_role("radio", name="1", exact=True).check()
    expect(page.locator("#train-experiments")).to_contain_text("最大池化还是平均池化")
    page.click("#train-experiment-pool")
    expect(page.locator("#train-finding")).to_contain_text("你的结果", timeout=120_000)
    expect(page.locator("#train-runs")).to_contain_text("平均池化")
    # MNIST_CNN_TRAIN_ZH_SCREENSHOT=docs/train-tab-zh.png refreshes the Chinese README's picture
    page.locator("#train-tab").screenshot(path=os.environ.get("MNIST_CNN_TRAIN_ZH_SCREENSHOT")
                                          or str(tmp_path / "train-tab-zh.png"))
    assert page.errors == []
    page.close()
