"""Visitors' corrections: kept whole by Gradio's flagging, bounded, safe with many visitors at once, and read back
for training and scoring (mnist_cnn.extra_data, evaluate --data)."""

import csv
import io
import json
import secrets
import threading
from pathlib import Path

import numpy as np
import pytest

from harness.people import stroke_digit
from harness.server import start_app, stop_app
from harness.wire import data_url, drawn_box, page_event, page_event_named, read_drawing
from mnist_cnn.config import CORRECTION_COLUMNS, CORRECTIONS_FILE, DEFAULT_CHECKPOINT
from mnist_cnn.errors import MnistCnnError
from mnist_cnn.extra_data import read_labelled
from webpage.corrections import Corrections, Full
from webpage.text import ENGLISH, say


def png_of(digit: int, seed: int = 0) -> bytes:
    buffer = io.BytesIO()
    stroke_digit(digit, np.random.default_rng(seed), canvas=280, width=14).save(buffer, format="PNG")
    return buffer.getvalue()


def rows(folder: Path) -> list[dict]:
    with open(folder / CORRECTIONS_FILE, newline="", encoding="utf-8") as table:
        return list(csv.DictReader(table))


def test_a_correction_keeps_every_field_and_the_folder_reads_back_for_training(tmp_path):
    kept = Corrections(tmp_path, DEFAULT_CHECKPOINT)
    for label, digit in (("7", 7), ("1", 7), ("not a digit", 3)):
        kept.add(png_of(digit), np.zeros((28, 28), dtype=np.float32), {"number": str(digit)}, label)
    table = rows(tmp_path)
    assert [row["label"] for row in table] == ["7", "1", "not a digit"]
    for row in table:
        assert set(CORRECTION_COLUMNS) | {"timestamp"} <= set(row)
        assert Path(row["drawing"]).is_file() and Path(row["input"]).is_file()
        assert Path(row["drawing"]).resolve().is_relative_to(tmp_path.resolve())
        assert json.loads(row["answer"])["number"] in {"7", "3"} and len(row["checkpoint"]) == 16
    labelled = read_labelled(tmp_path)
    assert labelled.labels.tolist() == [7, 1] and labelled.digits.shape == (2, 28, 28)
    assert labelled.not_digits.shape == (1, 28, 28) and labelled.digits.dtype == np.uint8
    assert Corrections(tmp_path, DEFAULT_CHECKPOINT).entries == 3  # a restarted server counts what is there


def test_the_cap_refuses_the_next_correction_and_keeps_the_rest(tmp_path):
    kept = Corrections(tmp_path, DEFAULT_CHECKPOINT, max_entries=2)
    kept.add(png_of(1), None, {}, "1")
    kept.add(png_of(2), None, {}, "2")
    with pytest.raises(Full, match="full"):
        kept.add(png_of(3), None, {}, "3")
    assert len(rows(tmp_path)) == 2


def test_the_byte_cap_refuses_and_a_restarted_server_counts_the_bytes_kept(tmp_path):
    picture = png_of(4)
    kept = Corrections(tmp_path, DEFAULT_CHECKPOINT, max_bytes=2 * len(picture))
    kept.add(picture, None, {}, "4")
    with pytest.raises(Full, match="full"):  # a second would pass the cap: its picture, the table and the answer
        kept.add(picture, None, {}, "4")
    assert len(rows(tmp_path)) == 1
    restarted = Corrections(tmp_path, DEFAULT_CHECKPOINT, max_bytes=2 * len(picture))
    assert restarted.bytes >= len(picture)
    with pytest.raises(Full, match="full"):
        restarted.add(picture, None, {}, "4")
    assert len(rows(tmp_path)) == 1 and Corrections(tmp_path, DEFAULT_CHECKPOINT).add(picture, None, {}, "4") == 2


def test_a_torn_last_row_and_unreadable_pictures_are_skipped(tmp_path):
    kept = Corrections(tmp_path, DEFAULT_CHECKPOINT)
    kept.add(png_of(4), None, {}, "4")
    kept.add(b"not a picture", None, {}, "5")
    with open(tmp_path / CORRECTIONS_FILE, "a", encoding="utf-8") as table:
        table.write(str(tmp_path / "drawing" / "x" / "drawing.png") + ",")  # a write cut short
    labelled = read_labelled(tmp_path)
    assert labelled.labels.tolist() == [4] and labelled.skipped == 1


def test_a_folder_of_label_subfolders_reads_too_and_an_empty_one_says_so(tmp_path):
    for digit in (2, 9):
        (tmp_path / "pics" / str(digit)).mkdir(parents=True)
        (tmp_path / "pics" / str(digit) / "a.png").write_bytes(png_of(digit))
    assert sorted(read_labelled(tmp_path / "pics").labels.tolist()) == [2, 9]
    (tmp_path / "empty").mkdir()
    with pytest.raises(MnistCnnError, match="no readable labelled pictures"):
        read_labelled(tmp_path / "empty")


def test_eight_visitors_correcting_at_once_lose_nothing_and_the_cap_holds(tmp_path):
    folder = tmp_path / "corrections"
    process, url = start_app("--collect", str(folder), "--collect-limit", "400")
    try:
        correct = page_event_named(url, "on_correct")
        failures = []

        sessions = [secrets.token_hex(8) for _ in range(8)]

        def visitor(digit: int) -> None:
            session = sessions[digit]
            picture = data_url(png_of(digit, seed=digit))
            for _ in range(50):
                shown = read_drawing(url, picture, page=session)
                key = shown.detail[0]["key"] if shown.kind == "answer" else None
                kept = page_event(url, correct, str(digit), session=session, others=[None, drawn_box(key)])
                if shown.kind != "answer" or kept.kind != "answer":
                    failures.append((shown, kept))

        visitors = [threading.Thread(target=visitor, args=(digit,)) for digit in range(8)]
        for thread in visitors:
            thread.start()
        for thread in visitors:
            thread.join()
        assert failures == []
        table = rows(folder)
        assert len(table) == 400
        assert sorted(int(row["label"]) for row in table) == sorted(list(range(8)) * 50)
        assert all(Path(row["drawing"]).is_file() and row["timestamp"] and row["checkpoint"] for row in table)
        assert len(read_labelled(folder).labels) == 400  # none torn
        key = read_drawing(url, data_url(png_of(3))).detail[0]["key"]
        refused = page_event(url, correct, "3", others=[None, drawn_box(key)])
        assert refused.kind == "error"
        assert refused.detail == "The corrections folder is full; this correction was not kept."
        again = page_event(url, correct, "3", session=sessions[0], others=[None, drawn_box(key)])
        assert again.kind == "error" and again.detail == say(ENGLISH, "corrections_quota")  # the page's quota
        sent_back = page_event(url, correct, "3", others=[None, json.dumps({"picture": data_url(png_of(3))})])
        assert sent_back.kind == "error" and "no answer to correct" in sent_back.detail  # only what it read
    finally:
        stop_app(process)
