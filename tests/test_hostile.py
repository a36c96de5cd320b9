"""Hostile and odd inputs through the Python API, the CLI and the server: one sentence each, nothing breaks."""

import json
import subprocess
import sys

import pytest

from harness.hostile import BAD_ARRAYS, HOSTILE
from mnist_cnn.errors import InputError


def outcome(classifier, data: bytes):
    try:
        result = classifier.predict(data)
    except InputError as exc:
        message = str(exc)
        assert message.endswith(".") and "\n" not in message and "Traceback" not in message
        return "error"
    return "blank" if result.digit is None else "unsure" if result.unsure else result.digit


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_file_gets_its_expected_answer(classifier, name):
    data, expected = HOSTILE[name]()
    got = outcome(classifier, data)
    assert got == expected, f"{name}: got {got}, expected {expected}"  # a digit only when it is sure


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_file_read_as_a_number_gets_the_same_answer(classifier, name):
    data, expected = HOSTILE[name]()
    try:
        reading = classifier.read_number(data)
        got = "unsure" if reading.unsure else reading.number
    except InputError:
        got = "error"
    single = {"error": "error", "blank": "", "unsure": "unsure"}.get(expected, str(expected))
    assert got == single, f"{name}: got {got!r}, expected {single!r}"


@pytest.mark.parametrize("name", BAD_ARRAYS)
def test_bad_arrays_get_our_own_error(classifier, name):
    with pytest.raises(InputError):
        classifier.predict(BAD_ARRAYS[name])


def test_cli_reports_each_bad_file_as_a_json_error_line(tmp_path):
    files = []
    for name in ("zero-byte file", "truncated JPEG", "PNG claiming 60000x60000", "CMYK JPEG"):
        path = tmp_path / (name.replace(" ", "_") + ".png")
        path.write_bytes(HOSTILE[name]()[0])
        files.append(str(path))
    run = subprocess.run([sys.executable, "-m", "mnist_cnn.predict", "--json", *files], capture_output=True,
                         text=True, timeout=120)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    lines = [json.loads(line) for line in run.stdout.splitlines()]
    assert [set(line) for line in lines[:3]] == [{"file", "error"}] * 3
    assert lines[3]["digit"] == 3


def test_server_answers_normally_after_every_hostile_file(app_url, tmp_path):
    from gradio_client import Client, handle_file
    from gradio_client.exceptions import AppError

    client = Client(app_url, verbose=False)
    good = tmp_path / "good.png"
    good.write_bytes(HOSTILE["palette PNG"]()[0])
    for name in ("zero-byte file", "SVG renamed .png", "truncated PNG", "PNG claiming 60000x60000", "all white"):
        path = tmp_path / (name.replace(" ", "_") + ".png")
        path.write_bytes(HOSTILE[name]()[0])
        with pytest.raises(AppError) as error:
            client.predict(handle_file(str(path)), api_name="/predict")
        assert "Traceback" not in str(error.value) and len(str(error.value).splitlines()) <= 2
        probabilities = client.predict(handle_file(str(good)), api_name="/predict")
        assert max(probabilities, key=probabilities.get) == "3"
