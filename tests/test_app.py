"""The page's wiring and its API, against a running app (see conftest.app_url)."""

import base64
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw

from harness.people import stroke_digit
from harness.server import OFFLINE, start_app, stop_app
from webpage.readings import LIVE_MS, SLOWEST_MS

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def client(app_url):
    from gradio_client import Client

    return Client(app_url, verbose=False)


@pytest.fixture
def seven_png(tmp_path):
    path = tmp_path / "seven.png"
    stroke_digit(7, np.random.default_rng(3), canvas=280, width=14).save(path)
    return path


def test_predict_endpoint_returns_the_charts_label_dict(client, seven_png):
    from gradio_client import handle_file

    result = client.predict(handle_file(str(seven_png)), api_name="/predict")
    assert set(result) == {str(d) for d in range(10)}
    assert max(result, key=result.get) == "7" and abs(sum(result.values()) - 1) < 1e-4


def test_predict_base64_endpoint_takes_the_image_inline(client, seven_png):
    import base64

    from gradio_client.exceptions import AppError

    data = base64.b64encode(seven_png.read_bytes()).decode()
    for text in (data, "data:image/png;base64," + data):
        result = client.predict(text, api_name="/predict_base64")
        assert max(result, key=result.get) == "7"
    with pytest.raises(AppError, match="not valid base64"):
        client.predict("this is not base64!", api_name="/predict_base64")


def test_predict_number_endpoint_reads_each_digit(client, tmp_path):
    from gradio_client import handle_file

    from harness.people import draw_number

    path = tmp_path / "year.png"
    draw_number("1984").save(path)
    result = client.predict(handle_file(str(path)), api_name="/predict_number")
    assert result["number"] == "1984" and len(result["digits"]) == 4
    assert [max(d["probabilities"], key=d["probabilities"].get) for d in result["digits"]] == list("1984")


def test_bad_file_over_the_api_is_one_sentence_and_the_server_goes_on(client, tmp_path, seven_png):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    fake = tmp_path / "fake.png"
    fake.write_text("this is not a picture")
    with pytest.raises(AppError, match="not an image format we can read"):
        client.predict(handle_file(str(fake)), api_name="/predict")
    result = client.predict(handle_file(str(seven_png)), api_name="/predict")
    assert max(result, key=result.get) == "7"


def test_blank_image_over_the_api_says_no_digit(client, tmp_path):
    from gradio_client import handle_file
    from gradio_client.exceptions import AppError

    blank = tmp_path / "blank.png"
    Image.new("L", (200, 200), 255).save(blank)
    with pytest.raises(AppError, match="No digit"):
        client.predict(handle_file(str(blank)), api_name="/predict")


def test_readme_client_example_runs(app_url, tmp_path):
    readme = (ROOT / "README.md").read_text()
    code = re.search(r"```python\n(from gradio_client.*?)```", readme, re.S).group(1)
    code = code.replace("http://127.0.0.1:7860", app_url)
    code = code.replace("examples/drawn_7.png", str(ROOT / "examples" / "drawn_7.png"))
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip().splitlines()[-1] == "7"


def requirement_pins() -> dict[str, str]:
    """requirements.txt's pins: library -> version."""
    return dict(line.split("==") for line in (ROOT / "requirements.txt").read_text().splitlines() if "==" in line)


def test_spaces_front_matter_matches_the_pins():
    import yaml

    text = (ROOT / "README.md").read_text()
    meta = yaml.safe_load(text.split("---")[1])
    pins = requirement_pins()
    assert meta["sdk"] == "gradio" and meta["app_file"] == "app.py"
    assert meta["sdk_version"] == pins["gradio"]
    for key in ("title", "emoji", "colorFrom", "colorTo", "pinned", "license", "short_description"):
        assert key in meta
    assert len(meta["short_description"]) <= 60


def test_the_package_depends_on_the_pins_requirements_txt_lists():
    """`pip install .` and `pip install -r requirements.txt` install the same libraries at the same versions."""
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: pytest brings tomli there
        import tomli as tomllib

    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    assert dict(item.split("==") for item in declared) == requirement_pins()


def test_share_without_network_says_so_in_one_line_and_keeps_serving():
    import urllib.request

    process, url = start_app("--share", env=OFFLINE)  # the share server unreachable, online or not
    try:
        printed = [process.stdout.readline() for _ in range(2)]  # the local URL, then the share verdict
        assert urllib.request.urlopen(url, timeout=10).status == 200
    finally:
        printed += stop_app(process).splitlines()
    lines = [line for line in printed if "share" in line.lower()]
    assert len(lines) == 1 and "serving locally" in lines[0], printed


def test_bad_checkpoint_stops_the_start_with_one_line(tmp_path):
    bad = tmp_path / "bad.safetensors"
    bad.write_bytes(b"\x00" * 100)
    run = subprocess.run([sys.executable, "app.py", "--checkpoint", str(bad)], cwd=ROOT, capture_output=True,
                         text=True, timeout=120)
    assert run.returncode != 0
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Cannot start: Checkpoint") and str(bad) in lines[0]


def answer(outputs: tuple) -> dict:
    """An upload's outputs, by Answer's field names, then the inside view's under "inside" and the last drawing's
    box under "drawn"."""
    import app

    names = [f.name for f in app.fields(app.Answer)]
    return dict(zip(names, outputs)) | dict(zip(("inside", "drawn"), outputs[len(names):]))


def picture_in(html: str) -> Image.Image:
    """The picture an HTML box of the page shows (a PNG data URL)."""
    encoded = re.fullmatch(r'<img src="data:image/png;base64,([^"]+)" alt="">', html).group(1)
    return Image.open(io.BytesIO(base64.b64decode(encoded)))


def test_page_shows_the_hint_for_an_empty_canvas():
    import app

    buffer = io.BytesIO()
    Image.new("RGBA", (140, 140), "white").save(buffer, format="PNG")
    url = "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()
    hint = {"verdict": app.say("en", "hint"), "model_input": "", "naive_input": "", "naive_answer": ""}
    answer = app.read_drawing(url, False)
    assert LIVE_MS <= answer.pop("next_ms") <= SLOWEST_MS  # how long the page waits before its next live reading
    assert answer == {"number": "", "unsure": False, "digits": [],
                      "article": {"number": "", "unsure": False, "digits": []}, "page": hint, "key": None}
    assert app.read_drawing(url, True)["inside"] == {"pictures": {}, "moved": "", "units": None}  # an empty view
    assert "page" not in app.read_drawing(url, False, True)  # the pen still moves: the chart alone


def test_inside_view_computes_nothing_while_closed_and_every_layer_when_open(tmp_path):
    import app
    from harness.people import draw_number

    path = tmp_path / "three.png"
    draw_number("3").save(path)
    shown = answer(app.on_upload(str(path), False))
    current = shown["current_input"]
    assert current.shape == (28, 28)
    assert isinstance(shown["inside"], type(app.gr.skip()))
    assert isinstance(app.on_inside(False, current), type(app.gr.skip()))
    inside = app.on_inside(True, current)
    assert list(inside["pictures"]) == [elem_id for _, elem_id in app.INSIDE_VIEWS]
    for url in inside["pictures"].values():  # each a PNG the browser shows as it is
        picture = Image.open(io.BytesIO(base64.b64decode(url.removeprefix("data:image/png;base64,"))))
        assert picture.format == "PNG" and min(picture.size) >= 100
    units = inside["units"]
    assert units["head"].startswith("The network answers 3") and units["columns"] == ["unit", "activation",
                                                                                      "votes most for"]
    assert len(units["rows"]) == 8 and all(0 <= votes <= 9 for _, _, votes in units["rows"])
    moved = inside["moved"]
    assert moved.startswith("Moved left, right, up, down, the network answers ") and moved.endswith("(not moved: 3).")


def test_a_number_on_the_page_shows_each_digits_probabilities(tmp_path):
    import app
    from harness.people import draw_number

    path = tmp_path / "year.png"
    draw_number("2024").save(path)
    shown = answer(app.on_upload(str(path), True))
    assert shown["reading"]["number"] == "2024" and shown["verdict"].startswith("# 2024")
    assert shown["inside"]["units"]["head"].startswith("The network answers 2")  # the view, open, shows the first
    digits = shown["reading"]["digits"]  # what page.js draws as one small chart per digit
    assert [max(d["probabilities"], key=d["probabilities"].get) for d in digits] == list("2024")
    assert all(len(d["probabilities"]) == 10 and abs(sum(d["probabilities"].values()) - 1) < 1e-3 for d in digits)
    assert picture_in(shown["model_input"]).size == (7 * (4 * 28 + 3), 7 * 28)  # 4 inputs, 7x


def test_every_view_of_the_inside_has_its_label_and_lesson_in_both_languages():
    import app
    from webpage.text import EN, ZH

    for key, _ in app.INSIDE_VIEWS:
        assert {f"view_{key}", f"lesson_{key}"} <= set(EN) & set(ZH)


def test_the_articles_network_reads_the_same_inputs_beside_the_default_one(tmp_path):
    import app
    from harness.people import draw_number

    path = tmp_path / "year.png"
    draw_number("1984").save(path)
    reading = answer(app.on_upload(str(path), False))["reading"]
    article = reading["article"]
    assert article["number"] == "1984" and len(article["digits"]) == 4  # the article's network reads it too
    assert [d["probabilities"] for d in article["digits"]] != [d["probabilities"] for d in reading["digits"]]
    assert app.article.metadata["arch"] == "seed" and app.article.normalization.mean == 0.5


def test_a_visitors_trained_network_reads_their_drawings_and_uploads_beside_the_others(tmp_path):
    import app
    from harness.people import draw_number

    picture = io.BytesIO()
    draw_number("47").save(picture, format="PNG")
    url = "data:image/png;base64," + base64.b64encode(picture.getvalue()).decode()
    key = app.train_tab.networks.add("visitor", app.article)  # as the Train tab keeps a finished run's network
    try:
        drawn = app.read_drawing(url, False, False, key)
        assert drawn["yours"] == drawn["article"] and drawn["yours"]["number"] == "47"
        assert "yours" not in app.read_drawing(url, False, False, "someone else's key")
        path = tmp_path / "47.png"
        path.write_bytes(picture.getvalue())
        assert answer(app.on_upload(str(path), False, key))["reading"]["yours"]["number"] == "47"
    finally:
        app.on_leave(type("Request", (), {"session_hash": "visitor"})())
    assert "yours" not in app.read_drawing(url, False, False, key)  # gone with the visitor's session


def test_the_naive_view_shows_the_squashed_canvas_and_its_answer(tmp_path):
    import app

    # a small 7 in a corner of a big canvas: what the page gets right and a naive resize does not
    canvas = Image.new("RGB", (280, 280), "white")
    canvas.paste(stroke_digit(7, np.random.default_rng(3), canvas=84, width=6), (10, 10))
    path = tmp_path / "corner.png"
    canvas.save(path)
    shown = answer(app.on_upload(str(path), False))
    assert shown["verdict"].startswith("# 7")
    naive = picture_in(shown["naive_input"])
    assert naive.size == (196, 196)
    naive = np.asarray(naive.convert("L"), dtype=float)
    assert naive[:70, :70].mean() > 3 * naive[100:, 100:].mean()  # the ink stays small, in its corner
    assert re.fullmatch(r"On the naive input the network answers \*\*\d\*\* \(\d+ %\)\.", shown["naive_answer"])


def test_the_page_writes_its_answers_in_the_browsers_language(tmp_path):
    import app

    class Request:
        headers = {"accept-language": "zh-CN,zh;q=0.9,en;q=0.8"}

    path = tmp_path / "seven.png"
    stroke_digit(7, np.random.default_rng(3), canvas=280, width=14).save(path)
    shown = answer(app.on_upload(str(path), True, request=Request()))
    assert shown["verdict"].startswith("# 7\n置信度 ")
    assert shown["naive_answer"].startswith("对这个简单输入，网络的回答是")
    assert shown["inside"]["units"]["head"].startswith("网络的回答是 7")
    (tmp_path / "empty.png").touch()
    with pytest.raises(app.gr.Error) as refused:
        app.on_upload(str(tmp_path / "empty.png"), False, request=Request())
    assert refused.value.message == "图片“empty.png”是空的（0 字节）。"


@pytest.mark.parametrize("path", ["app.py", "/etc/passwd", "checkpoints/mnist_cnn.safetensors",
                                  f"../{ROOT.name}/README.md"])  # the last climbs out of the folder and back in
def test_the_server_serves_none_of_the_projects_or_systems_files(app_url, path):
    import urllib.error
    import urllib.request

    for url in (f"{app_url}/gradio_api/file={path}", f"{app_url}/file={path}"):
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                body = response.read()
        except urllib.error.HTTPError as exc:
            assert exc.code in (403, 404)
            continue
        real = Path(path) if path.startswith("/") else ROOT / path
        secret = real.read_bytes()[:256]
        assert secret not in body, f"{url} served {path}"


def test_the_largest_photo_is_answered_as_an_upload_and_as_base64_and_one_byte_more_is_not(app_url):
    from harness.hostile import phone_photo
    from harness.wire import api_call, data_url, oversized
    from mnist_cnn.preprocess import MAX_FILE_BYTES, MAX_REQUEST_BYTES

    photo = phone_photo(MAX_FILE_BYTES)  # 20 MB: a phone's photo at its largest
    for outcome in (api_call(app_url, "predict", photo), api_call(app_url, "predict_base64", data_url(photo))):
        assert outcome.kind == "answer" and max(outcome.detail, key=outcome.detail.get) == "7", outcome
    too_large = api_call(app_url, "predict_base64", data_url(photo + b"\0"))
    assert too_large.kind == "error" and "larger than 20 MB" in str(too_large.detail), too_large
    assert oversized(app_url, MAX_REQUEST_BYTES + 1).kind == "refused"  # the body limit, on the app itself
    assert oversized(app_url, MAX_REQUEST_BYTES).kind != "refused"


def test_the_launch_flags_and_environment_choose_where_the_page_listens():
    from harness.server import answers, free_port

    port = free_port()
    for args, env, host in ((["--host", "127.0.0.2", "--port", str(port)], {}, "127.0.0.2"),
                            ([], {"GRADIO_SERVER_NAME": "127.0.0.3", "GRADIO_SERVER_PORT": str(port)}, "127.0.0.3")):
        process = subprocess.Popen([sys.executable, "app.py", *args], cwd=ROOT, env={**os.environ, **env},
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            assert answers(f"http://{host}:{port}", process, 90), f"{args or env}: not served on {host}:{port}"
            assert not answers(f"http://127.0.0.1:{port}", process, 1)  # there, and nowhere else
        finally:
            stop_app(process)


def test_the_python_in_the_readmes_runs_as_written(app_url):
    code = []
    for document in ("README.md", "README.zh-CN.md", "docs/COMMANDS.md"):
        blocks = re.findall(r"```python\n(.*?)```", (ROOT / document).read_text(encoding="utf-8"), re.S)
        assert blocks, document
        code += [*blocks, f"print('{document} ran')"]
    script = "\n".join(code).replace("http://127.0.0.1:7860", app_url)  # the page the tests started
    ran = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert ran.returncode == 0, ran.stderr
    printed = ran.stdout.split()
    assert printed.count("ran") == 3 and printed.count("7") >= 5  # every snippet reads examples/drawn_7.png


def underlined_23() -> str:
    """A drawn "23" underlined in one stroke: two digits that only cutting the ink apart reads as two (close
    together: see tests/test_segment.py's drawing in progress)."""
    from harness.people import draw_number

    picture = draw_number("23", gap=0.05)
    ImageDraw.Draw(picture).line([(60, 175), (picture.width - 60, 175)], fill=0, width=12)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def test_a_drawing_in_progress_is_read_uncut_and_a_finished_one_in_full_once_for_chart_and_verdict(monkeypatch):
    import app

    url = underlined_23()
    assert len(app.read_drawing(url, False, True)["digits"]) == 1  # the pen still moves: no cutting
    real, cuts = app.classifier.read_number, []
    monkeypatch.setattr(app.classifier, "read_number", lambda image, cut=True: cuts.append(cut) or real(image, cut))
    chart = app.read_drawing(url, False)
    assert chart["number"] == "23" and chart["digits"] == real(app.image_bytes(url)).to_json()["digits"]
    page = chart["page"]  # the rest of the page, in the same answer
    assert page["verdict"].startswith("# 23\n") and set(page) == set(app.SHOWN)
    assert picture_in(page["model_input"]).size == (7 * (2 * 28 + 1), 7 * 28)
    assert page["naive_answer"].startswith("On the naive input the network answers")
    assert cuts == [True]  # one reading for the chart and the rest of the page


def test_a_correction_and_the_inside_view_are_about_the_last_drawing_until_an_upload(tmp_path, monkeypatch):
    import app
    from harness.wire import drawn_box

    drawn = drawn_box(app.read_drawing(underlined_23(), False)["key"])  # as page.js fills the hidden box
    current = app.on_inside(True, None, drawn)
    assert current["units"]["head"].startswith("The network answers 2")  # the drawing's first digit
    path = tmp_path / "seven.png"
    stroke_digit(7, np.random.default_rng(3), canvas=280, width=14).save(path)
    shown = answer(app.on_upload(str(path), False))
    assert shown["drawn"] == ""  # the upload is what the page is about now
    assert app.on_inside(True, shown["current_input"], shown["drawn"])["units"]["head"].startswith(
        "The network answers 7")
    kept = []
    monkeypatch.setattr(app, "corrections", type("Kept", (), {"add": lambda *args: kept.append(args)})())
    app.on_correct("4", shown["picture"], drawn)
    app.on_correct("1", shown["picture"], shown["drawn"])
    assert [(answer["number"], label) for *_, answer, label in kept] == [("23", "4"), ("7", "1")]
    for box in (drawn_box(None), "not JSON", drawn_box("a key the server never gave"),
                json.dumps({"picture": underlined_23()})):  # a picture sent back instead of a key is not read
        with pytest.raises(app.gr.Error, match="no answer to correct"):
            app.on_correct("4", shown["picture"], box)  # an empty canvas, or anything but a key the server gave


def test_the_drawing_route_reads_a_whole_canvas_and_refuses_more_pixels_than_any_canvas_in_one_sentence():
    import gradio as gr

    import app
    from harness.hostile import encode
    from harness.visitors import CANVAS_SIZE, drawing_so_far
    from harness.wire import data_url
    from mnist_cnn.preprocess import DRAWING_PIXELS

    assert app.read_drawing(drawing_so_far(7, 1.0), False)["number"] == "7"  # what page.js sends: half the canvas
    whole = Image.new("L", CANVAS_SIZE, 255)  # the canvas at full size, in case a page sent it so
    ImageDraw.Draw(whole).line([(250, 60), (330, 60), (280, 220)], fill=0, width=14)
    assert app.read_drawing(data_url(encode(whole, "PNG")), False)["number"] == "7"
    side = int(DRAWING_PIXELS**0.5) + 1  # a small file (3 KB) of more pixels than any canvas: refused undecoded
    with pytest.raises(gr.Error) as refused:
        app.read_drawing(data_url(encode(Image.new("L", (side, side), 255), "PNG")), False)
    assert refused.value.message == f"The image is {side}x{side} pixels; the limit is 1 megapixels."
