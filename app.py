"""The page: draw or upload a digit (or a whole number) and watch the CNN's probabilities, live.

    python app.py [--host H] [--port P] [--share] [--checkpoint FILE] [--collect DIR [--collect-limit N]]
                  [--queue-size N] [--trusted-proxy ADDRESS ...]

All the machine learning lives in the mnist_cnn package and the page's own parts (script, style, words, guards)
in the webpage package; this file is layout and event wiring.
"""

import argparse
import base64
import binascii
import contextlib
import io
import json
import os
import sys
from dataclasses import dataclass, fields
from pathlib import Path

import gradio as gr
import numpy as np
import torch
from starlette.middleware import Middleware

from mnist_cnn.config import ARTICLE_CHECKPOINT, NOT_A_DIGIT, SEQUENCE_CHECKPOINT
from mnist_cnn.errors import CheckpointError, InputError
from mnist_cnn.explain import look_inside
from mnist_cnn.live import CHOICES, TAB_DEFAULTS
from mnist_cnn.predict import NO_DIGIT, DigitClassifier, Prediction, Reading
from mnist_cnn.preprocess import DRAWING_PIXELS, MAX_FILE_BYTES, MAX_REQUEST_BYTES, load, naive_input, preprocess
from webpage.addresses import Addresses
from webpage.assets import CHART_CSS, PAGE_CSS, PAGE_JS, in_page
from webpage.body_limit import BodyLimit
from webpage.corrections import LABELS, MAX_ENTRIES, Corrections, Full
from webpage.drawing_route import LIMITS, drawing_route, health_route
from webpage.fair_share import FairShare
from webpage.kept import CORRECTIONS_PER_ADDRESS, CORRECTIONS_PER_PAGE, Drawings, Quota
from webpage.pictures import picture_html, picture_url
from webpage.queue_pace import pace
from webpage.readings import BUSY_MS, LivePace, usable_cpus
from webpage.runs import EXPERIMENTS
from webpage.server_memory import ForgetFinished, limit_fragmentation, start_trimming
from webpage.text import ENGLISH, TEXTS, language, say, unreadable
from webpage.training import TabView, TrainTab
from webpage.uploads import uploaded

HERE = Path(__file__).resolve().parent
EXAMPLES = sorted(str(p) for p in (HERE / "examples").glob("*.*") if p.suffix in {".png", ".jpg"})
I18N = gr.I18n(**TEXTS)  # every fixed text on the page, in the browser's language (webpage/text.py)
CANVAS_WIDTH = 560  # the sketchpad's pixels: room for a number of four or five digits side by side
CANVAS = 280  # its height: a single digit drawn as tall as before the canvas grew is read as before
BRUSH = 14  # pixels wide, on the CANVAS_WIDTH x CANVAS sketchpad
# One request is a millisecond of model time; a single thread per request serves several visitors at once.
TORCH_THREADS = 1
CONCURRENCY = 4
# Requests waiting beyond the ones being served; when full, a visitor reads "busy, try again" and an API
# client gets HTTP 503 at once, instead of everyone waiting longer and longer.
QUEUE_SIZE = 64
# Gradio keeps each visitor's session (about 70 KB for this page: its own copy of the page's configuration)
# until newer ones push it out, the least recently active first; a page holds one, its events' (page.js's
# readings use the drawing's own route, which keeps none). 300 bounds that memory at about 20 MB and is several
# times the visitors these CPUs serve at once; a visitor pushed out keeps drawing and reading as before (only an
# upload's inside view waits for the view to be closed and opened again).
SESSIONS = 300
# Gradio records every queued event for its monitoring summary, the latest 10,000 by default (a few MB, which
# a public link keeps adding to until the 10,000th event); the latest 1,000 say as much.
ANALYTICS_EVENTS = 1000
# Pictures the page shows are files in Gradio's cache: every 10 minutes, those older than an hour go.
CACHE_CLEANUP = (600, 3600)
PICTURE = {"show_label": True, "container": True}  # the 28x28 pictures: HTML boxes (a data URL each) with a label


class RawImage(gr.Image):
    """An image box that hands the uploaded file over untouched: Gradio's own decoding would turn a
    damaged or disguised file into a silent error, while mnist_cnn explains what is wrong with it."""

    def get_block_name(self) -> str:
        return "image"

    def preprocess(self, payload) -> str | None:
        return None if payload is None else uploaded(payload.path)


def load_classifier(path: str | None, reader: Path | None = SEQUENCE_CHECKPOINT) -> DigitClassifier:
    """Load the model (and the number reader) once at start; stop with one clear line if a checkpoint is missing
    or bad."""
    try:
        return DigitClassifier.from_checkpoint(path, reader)
    except CheckpointError as exc:
        sys.exit(f"Cannot start: {exc}")


def enlarged(model_inputs: list[np.ndarray], scale: int = 7) -> str:
    """The 28x28 model inputs side by side, each pixel a `scale` x `scale` square, as an HTML picture."""
    strip = np.hstack([np.pad(x, ((0, 0), (0, 1)), constant_values=0.25) for x in model_inputs])[:, :-1]
    return picture_html(np.kron((strip * 255).astype(np.uint8), np.ones((scale, scale), np.uint8)))


def verdict(result: Prediction, doubt: str | None, lang: str) -> str:
    """One digit in words: the digit and its confidence, or why none is asserted."""
    percent = f"{result.confidence * 100:.0f}"
    if doubt or result.unsure:
        why = say(lang, doubt) if doubt else say(lang, "unsure", digit=result.digit, percent=percent)
        return f"### {say(lang, 'not_sure')}\n{why}"
    return f"# {result.digit}\n{say(lang, 'confidence', percent=f'{result.confidence * 100:.1f}')}"


def number_verdict(reading: Reading, lang: str) -> str:
    """A whole number in words, ? for each digit the network is unsure of."""
    number = "".join("?" if d.unsure else str(d.digit) for d in reading.digits)
    note = f"\n{say(lang, 'question_mark')}" if reading.unsure else ""
    return f"# {number}\n{say(lang, 'digits_read', count=len(reading.digits))}{note}"


@dataclass
class Answer:
    """What the page shows for one reading; each field fills the component of the same name in `page`."""

    reading: dict | None = None  # what the charts show (page.js draws them): see `chart_reading`
    verdict: str = I18N("hint")
    model_input: str = ""  # the 28x28 inputs the network read, as an HTML picture
    naive_input: str = ""  # the naive 28x28 input, likewise
    naive_answer: str = ""
    picture: bytes | str | None = None  # the picture read (its bytes, or an upload's path): what a correction keeps
    current_input: np.ndarray | None = None  # what the inside view looks at (last: see on_upload)

    def values(self) -> tuple:
        return tuple(getattr(self, f.name) for f in fields(self))

    def words_and_pictures(self, lang: str) -> dict:
        """What page.js hands to the page's components after a drawing (`SHOWN`), as JSON."""
        hint = self.verdict if isinstance(self.verdict, str) else say(lang, "hint")
        return {name: hint if name == "verdict" else getattr(self, name) for name in SHOWN}


SHOWN = ("verdict", "model_input", "naive_input", "naive_answer")
"""Answer's fields that a finished drawing's answer carries for page.js to show (read_drawing's "page")."""


def chart_reading(reading: Reading, yours: str | None = None) -> dict:
    """What page.js draws: the reading as /predict_number answers it, under "article" the article's network's
    reading of the same 28x28 inputs and, when `yours` is the key of the visitor's network (the Train tab), that
    network's reading of them under "yours"."""
    inputs = [d.model_input for d in reading.digits]
    answer = reading.to_json()
    for name, network in (("article", article), ("yours", train_tab.networks.get(yours))):
        if network is not None:
            answer[name] = Reading(network.judge_all(inputs) if inputs else [], reading.doubt).to_json()
    return answer


def naive_view(image, lang: str) -> tuple[str, str]:
    """The naive 28x28 input for a picture and the network's answer on it, in words."""
    x = naive_input(image)
    answer = classifier.judge(x)
    return enlarged([x]), say(lang, "naive_answer", digit=answer.digit, percent=f"{answer.confidence * 100:.0f}")


def show(reading: Reading, image, lang: str, charts: bool = True, yours: str | None = None) -> Answer:
    """The page's outputs for one reading of a picture; without `charts`, the charts' reading is skipped (page.js
    draws it from read_drawing's answer) and the other networks are not run for it."""
    digits = reading.digits
    charts_reading = chart_reading(reading, yours) if charts else gr.skip()
    if not digits:
        return Answer(reading=charts_reading)
    naive, naive_answer = naive_view(image, lang)
    inputs = [d.model_input for d in digits]
    words = verdict(digits[0], reading.doubt, lang) if len(digits) == 1 else number_verdict(reading, lang)
    return Answer(reading=charts_reading, verdict=words, model_input=enlarged(inputs), naive_input=naive,
                  naive_answer=naive_answer, picture=image, current_input=inputs[0])


@contextlib.contextmanager
def said_in_one_sentence(lang: str = ENGLISH):
    """Turn unreadable input into a visible one-sentence message instead of a traceback."""
    try:
        yield
    except InputError as exc:
        raise gr.Error(unreadable(lang, exc), print_exception=False) from None


def read(image, lang: str = ENGLISH) -> Reading:
    """Read the digit or number in a picture; a gr.Error sentence if it cannot be read."""
    with said_in_one_sentence(lang):
        return classifier.read_number(image)


def read_drawn(picture: bytes, lang: str, live: bool = False):
    """Read a drawing page.js sent (a PNG's bytes, no larger than a canvas: DRAWING_PIXELS), decoded once: the
    reading and the decoded picture. While the pen moves (`live`), touching strokes are not cut apart: the chart
    follows the pen at a fraction of the cost. A finished drawing is read in full."""
    with said_in_one_sentence(lang):
        image = load(picture, max_pixels=DRAWING_PIXELS)
        return classifier.read_number(image, cut=not live), image


def page_language(request: gr.Request | None) -> str:
    """The language the visitor's browser asks for (webpage/text.py); English when unknown."""
    return language(request.headers.get("accept-language") if request else None)


def image_bytes(data_url: str) -> bytes:
    """The bytes of a `data:image/...;base64,` URL (or of bare base64); a gr.Error if it is neither."""
    payload = data_url.split(",", 1)[1] if data_url.startswith("data:") else data_url
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise gr.Error("The image text is not valid base64.", print_exception=False) from None


# The inside view, one picture each, in the page's order: (field of explain.Inside, elem_id); the picture's label
# and lesson are the texts "view_<field>" and "lesson_<field>" in webpage/text.py. page.js draws the view from
# `inside_view`'s JSON, which comes with the chart's answer while the pen moves (so the view follows the chart)
# and through the hidden `inside` output after an upload or when the view is opened.
INSIDE_VIEWS = (
    ("input", "inside-input"),
    ("saliency", "saliency"),
    ("kernels", "kernels"),
    ("first_maps", "first-maps"),
    ("second_maps", "second-maps"),
    ("pooled", "pooled"),
    ("moved", "moved"),
)


def inside_view(model_input: np.ndarray | None, lang: str) -> dict:
    """What page.js shows in the inside view for a 28x28 input: each layer's picture (a PNG data URL, under the
    element id of INSIDE_VIEWS), the sentence on the moved inputs' answers, and the strongest hidden units as a
    table (a sentence above it, its column names, its rows). Without an input, an empty view."""
    if model_input is None:
        return {"pictures": {}, "moved": "", "units": None}
    inside = look_inside(classifier.model, classifier.normalization, model_input)
    return {
        "pictures": {elem_id: picture_url(getattr(inside, key)) for key, elem_id in INSIDE_VIEWS},
        "moved": say(lang, "moved_answers", answers=", ".join(map(str, inside.moved_answers)), digit=inside.digit),
        "units": {"head": say(lang, "units_head", digit=inside.digit),
                  "columns": say(lang, "units_columns").split(" | "),
                  "rows": [[u.index, f"{u.activation:.2f}", u.votes_for] for u in inside.units]},
    }


def drawn_picture(drawn: str | None, lang: str) -> bytes | None:
    """The drawing the page last showed an answer for, named by the key read_drawing handed out with that answer,
    which page.js puts in the hidden `drawn` box: its PNG as the server read it, or None when the canvas was empty;
    a gr.Error sentence for anything else (a key the server no longer keeps, or never gave)."""
    try:
        key = json.loads(drawn)["key"]
    except (ValueError, TypeError, KeyError):
        key = False
    if key is None:
        return None
    picture = drawings.get(key)
    if picture is None:
        raise gr.Error(say(lang, "nothing_to_correct"), print_exception=False)
    return picture


def on_inside(is_open: bool, model_input: np.ndarray | None, drawn: str | None = None,
              request: gr.Request | None = None):
    """The inside view for the current input (see `inside_view`): the last drawing's first digit (`drawn`), else the
    last upload's; nothing is computed while the view is closed."""
    if not is_open:
        return gr.skip()
    lang = page_language(request)
    if drawn:
        picture = drawn_picture(drawn, lang)
        digits = read(picture, lang).digits if picture else []
        model_input = digits[0].model_input if digits else None
    return inside_view(model_input, lang)


def read_drawing(data_url: str, inside: bool, live: bool = False, yours: str | None = None, request=None) -> dict:
    """The answer to a PNG of the canvas, sent by page.js to its own route (webpage/drawing_route.py, off Gradio's
    events; `request` says the visitor's language) while the pen moves (`live`) and after each change: the
    reading as /predict_number gives it (no digits for an empty canvas), the article's network's reading under
    "article", the visitor's own network's under "yours" (`yours`: its key, from the Train tab), when `inside`
    (the view is open) the inside view of the first digit under "inside" and, for a finished drawing, the rest of
    the page under "page" (the verdict, the 28x28 inputs, the naive view: `SHOWN`), all from one reading. Off the
    queue: about 5 ms, 8 for a finished drawing, 12 with the inside view. Every answer says how long the page waits
    before its next live reading ("next_ms", from how busy the server is); a live reading while every CPU is
    reading is declined at once: {"busy": true} (webpage/readings.py)."""
    lang = page_language(request)
    picture = image_bytes(data_url)
    reading, image = read_drawn(picture, lang, live)
    answer = chart_reading(reading, yours) | {"next_ms": live_pace.next_ms()}
    if inside:
        answer["inside"] = inside_view(reading.digits[0].model_input if reading.digits else None, lang)
    if not live:
        answer["page"] = show(reading, image, lang, charts=False).words_and_pictures(lang)
        answer["key"] = drawings.add(picture) if reading.digits else None  # what a correction names
    return answer


def declined() -> dict:
    """The answer to a live reading while every worker reads: no reading, and a longer wait before the next."""
    return {"busy": True, "next_ms": max(BUSY_MS, live_pace.next_ms())}


def on_upload(path: str | None, is_open: bool, yours: str | None = None, request: gr.Request | None = None):
    """An uploaded, pasted or example picture, and its inside view while open; removing it clears the answer. The
    last drawing is forgotten (`drawn`): the upload is what a correction or the inside view is about now."""
    lang = page_language(request)
    answer = show(Reading([]) if path is None else read(path, lang), path, lang, yours=yours)
    return (*answer.values(), on_inside(is_open, answer.current_input, request=request), "")


def on_correct(label: str | None, picture: bytes | str | None, drawn: str | None = None,
               request: gr.Request | None = None) -> str:
    """Keep a visitor's correction of the current answer (with --collect): the last drawing (`drawn`), else the last
    upload (`picture`); one sentence back, thanks or why not."""
    lang = page_language(request)
    if label not in LABELS:
        raise gr.Error(say(lang, "pick_label"), print_exception=False)
    if drawn:
        picture = drawn_picture(drawn, lang)
    if picture is None:
        raise gr.Error(say(lang, "nothing_to_correct"), print_exception=False)
    if request is not None and not (page_corrections.take(request.session_hash)
                                    and address_corrections.take(addresses.of(request))):
        raise gr.Error(say(lang, "corrections_quota"), print_exception=False)
    try:
        data = picture if isinstance(picture, bytes) else Path(picture).read_bytes()
    except OSError:
        raise gr.Error(say(lang, "picture_gone"), print_exception=False) from None
    with said_in_one_sentence(lang):
        answer, model_input = classifier.read_number(data).to_json(), preprocess(data)
    try:
        corrections.add(data, model_input, answer, label)
    except Full:
        raise gr.Error(say(lang, "corrections_full"), print_exception=False) from None
    return say(lang, "thanks", label=say(lang, "not_a_digit") if label == NOT_A_DIGIT else label)


def train_event(experiment: str | None = None):
    """The Train button's event, or an experiment's (a pair of runs one after the other, webpage/runs.py): train the
    article's network as the visitor chose and show it learn (webpage/training.py), its place in line first when
    another run is going."""

    def on_train(kernel, norm, pool, width, optimizer, lr, epochs, images, request: gr.Request):
        choices = dict(kernel=kernel, norm=norm, pool=pool, width=width, optimizer=optimizer, lr=lr, epochs=epochs,
                       images=images)
        yield from train_tab.train(choices, request.session_hash, addresses.of(request), page_language(request),
                                   experiment)

    return on_train


def on_pick(number, request: gr.Request):
    """A kept run chosen: the Read tab asks its network from now on, and the download is its."""
    return train_tab.pick(request.session_hash, number, page_language(request))


def on_compare(first, second, request: gr.Request) -> str:
    """Where two kept runs' errors differ."""
    return train_tab.compare(request.session_hash, first, second, page_language(request))


def on_train_stop(request: gr.Request) -> None:
    """Stop: the visitor's run ends, keeping its network, or the visitor leaves the line."""
    train_tab.stop(request.session_hash)


def on_leave(request: gr.Request) -> None:
    """The visitor's page is closed: their run stops and their network goes."""
    train_tab.forget(request.session_hash)


def file_path(image: gr.FileData | str) -> str:
    """The path of a file uploaded with the call; one sentence for any other (webpage/uploads.py)."""
    return uploaded(image)


def probabilities(image) -> dict[str, float]:
    """The API's answer: the probability of each digit, as the chart shows them; a gr.Error if there is no digit."""
    with said_in_one_sentence():
        result = classifier.predict(image)
    if result.digit is None:
        raise gr.Error(result.message, print_exception=False)
    return result.probabilities


def predict(image: gr.FileData | str) -> dict[str, float]:
    """One image (file) -> the probability of each digit, as the page's chart shows them."""
    return probabilities(file_path(image))


def predict_base64(image: str) -> dict[str, float]:
    """One image as base64 text (or a data URL) -> the probability of each digit, without a file upload."""
    return probabilities(image_bytes(image))


def predict_number(image: gr.FileData | str) -> dict:
    """One image (file) of digits side by side -> {"number", "unsure", "digits": [each digit's answer]}."""
    reading = read(file_path(image))
    if not reading.digits:
        raise gr.Error(NO_DIGIT, print_exception=False)
    return reading.to_json()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", help="address to listen on (default: $GRADIO_SERVER_NAME or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: $GRADIO_SERVER_PORT or 7860)")
    parser.add_argument("--share", action="store_true", help="also open a public gradio.live link")
    parser.add_argument("--checkpoint", help="checkpoint to serve (default: the shipped one)")
    parser.add_argument("--collect", metavar="DIR",
                        help="let visitors correct wrong answers, and keep each correction in DIR (default: off)")
    parser.add_argument("--collect-limit", type=int, default=MAX_ENTRIES,
                        help=f"corrections DIR may hold before more are refused (default {MAX_ENTRIES})")
    parser.add_argument("--queue-size", type=int, default=QUEUE_SIZE,
                        help=f"requests that may wait for a worker before visitors are told to try again "
                             f"(default {QUEUE_SIZE})")
    parser.add_argument("--trusted-proxy", nargs="+", default=[], metavar="ADDRESS",
                        help="a balancer in front of this copy (its address as this copy sees it): a visitor's "
                             "address comes from its X-Forwarded-For (default: none, the connection's own address)")
    return parser.parse_args(argv)


ARGS = parse_args() if __name__ == "__main__" else parse_args([])
classifier = load_classifier(ARGS.checkpoint)
article = load_classifier(ARTICLE_CHECKPOINT, reader=None)  # the article's network cuts numbers alone
corrections = Corrections(ARGS.collect, classifier.path, ARGS.collect_limit) if ARGS.collect else None
train_tab = TrainTab()
live_pace, addresses = LivePace(), Addresses(ARGS.trusted_proxy)
readings = FairShare(usable_cpus())  # the drawing route's workers, each visitor in turn (webpage/fair_share.py)
drawings = Drawings()  # finished drawings the page answered, by the key a correction or the inside view names
page_corrections, address_corrections = Quota(CORRECTIONS_PER_PAGE), Quota(CORRECTIONS_PER_ADDRESS)
torch.set_num_threads(TORCH_THREADS)
ARTICLE_CHART = '<div class="answer"></div><div class="bars"></div>'  # page.js fills both in


with gr.Blocks(title="mnist-cnn: handwritten digit recognition", analytics_enabled=False,
               delete_cache=CACHE_CLEANUP) as demo:
    gr.Markdown(I18N("intro"), elem_id="intro")
    with gr.Tabs():
        with gr.Tab(I18N("read_tab"), elem_id="read-tab"):
            with gr.Row():
                with gr.Column(elem_id="drawing", scale=3):
                    with gr.Tab(I18N("draw_tab")):
                        sketchpad = gr.Sketchpad(
                            elem_id="sketchpad",
                            canvas_size=(CANVAS_WIDTH, CANVAS),
                            brush=gr.Brush(default_size=BRUSH, colors=["#000000"], color_mode="fixed"),
                            format="png",
                            layers=False,
                            transforms=(),
                            label=I18N("draw_here"),
                        )
                    with gr.Tab(I18N("upload_tab")):
                        upload = RawImage(elem_id="upload", type="filepath", sources=["upload", "clipboard"],
                                          label=I18N("upload"))
                        if EXAMPLES:
                            gr.Examples(EXAMPLES, inputs=upload, label=I18N("examples"))
                with gr.Column(elem_id="answer", scale=2):
                    page = {
                        "verdict": gr.Markdown(Answer.verdict, elem_id="verdict"),
                        "chart": gr.HTML('<div class="bars"></div>', elem_id="probabilities", label=I18N("chart"),
                                         show_label=True, container=True, css_template=CHART_CSS),
                    }
            with gr.Row(elem_id="comparison"):
                page["model_input"] = gr.HTML(elem_id="model-input", label=I18N("model_input"), **PICTURE)
                with gr.Column():
                    page["naive_input"] = gr.HTML(elem_id="naive-input", label=I18N("naive"), **PICTURE)
                    page["naive_answer"] = gr.Markdown(elem_id="naive-answer")
                with gr.Column():
                    gr.HTML(ARTICLE_CHART, elem_id="article-model", label=I18N("article"), show_label=True,
                            container=True, css_template=CHART_CSS)
                with gr.Column(visible=False) as your_chart:  # shown once the visitor has trained a network
                    gr.HTML(ARTICLE_CHART, elem_id="your-model", label=I18N("your_model"), show_label=True,
                            container=True, css_template=CHART_CSS)
            with gr.Row():
                gr.Markdown(I18N("why_preprocessing"))
                gr.Markdown(I18N("compare"))
            if corrections is not None:  # only when the owner collects: otherwise no control to send anything
                with gr.Row(elem_id="correction"):
                    gr.Markdown(I18N("collect_note"))
                    right_label = gr.Radio([(d, d) for d in LABELS[:-1]] + [(I18N("not_a_digit"), NOT_A_DIGIT)],
                                           label=I18N("right_label"), elem_id="right-label")
                    with gr.Column():
                        send = gr.Button(I18N("send_correction"), elem_id="send-correction")
                        correction_status = gr.Markdown(elem_id="correction-status")
            with gr.Accordion(I18N("inside"), open=False, elem_id="feature-maps") as inside_accordion:
                gr.Markdown(I18N("inside_intro"))
                for key, elem_id in INSIDE_VIEWS:  # page.js puts each picture in its box
                    gr.HTML(f'<div class="inside-picture" data-view="{elem_id}"></div>', elem_id=elem_id,
                            label=I18N(f"view_{key}"), show_label=True, container=True)
                    gr.Markdown(I18N(f"lesson_{key}"))
                    if key == "moved":
                        gr.HTML('<p class="inside-moved"></p>', elem_id="moved-answers")
                gr.HTML('<div class="inside-units"></div>', elem_id="units")
                gr.Markdown(I18N("lesson_units"))
        with gr.Tab(I18N("train_tab"), elem_id="train-tab"):
            gr.Markdown(I18N("train_intro"))
            choice = {}
            with gr.Row():
                choice["kernel"] = gr.Radio([(f"{k}x{k}", k) for k in CHOICES["kernel"]], label=I18N("kernel_choice"))
                choice["norm"] = gr.Radio([(I18N(f"norm_{n}"), n) for n in CHOICES["norm"]], label=I18N("norm_choice"))
                choice["pool"] = gr.Radio([(I18N(f"pool_{n}"), n) for n in CHOICES["pool"]], label=I18N("pool_choice"))
                choice["width"] = gr.Radio(list(CHOICES["width"]), label=I18N("width_choice"))
            with gr.Row():
                choice["optimizer"] = gr.Radio([(I18N(f"optimizer_{n}"), n) for n in CHOICES["optimizer"]],
                                               label=I18N("optimizer_choice"))
                choice["lr"] = gr.Radio(list(CHOICES["lr"]), label=I18N("lr_choice"))
                choice["epochs"] = gr.Radio(list(CHOICES["epochs"]), label=I18N("epochs_choice"))
                choice["images"] = gr.Radio([(f"{n:,}", n) for n in CHOICES["images"]], label=I18N("images_choice"))
            for key, control in choice.items():
                control.value, control.elem_id = TAB_DEFAULTS[key], f"train-{key}"
            with gr.Row():
                train_start = gr.Button(I18N("train_start"), variant="primary", elem_id="train-start")
                train_stop = gr.Button(I18N("train_stop"), elem_id="train-stop")
            tab = {"progress": gr.HTML(elem_id="train-progress", label=I18N("train_progress"))}
            gr.Markdown(I18N("train_curves"))
            tab["legend"] = gr.HTML(elem_id="train-legend")
            with gr.Row(elem_id="train-plot"):
                for name in ("loss", "accuracy"):
                    tab[f"{name}_plot"] = gr.LinePlot(x="seconds", y=name, color="series", label=I18N(f"plot_{name}"),
                                                      elem_id=f"train-{name}-curve", height=320)
            with gr.Row():
                tab["kernels"] = gr.HTML(elem_id="train-kernels", label=I18N("train_kernels"), show_label=True,
                                         container=True)
                tab["digits"] = gr.HTML(elem_id="train-digits", label=I18N("train_digits"), show_label=True,
                                        container=True)
            tab["accuracy"] = gr.Markdown(elem_id="train-accuracy", label=I18N("train_accuracy"))
            with gr.Column(elem_id="train-experiments"):  # one pair of runs each, and what the visitor's showed
                gr.Markdown(I18N("experiments_head"))
                experiments = {name: gr.Button(I18N(f"experiment_{name}"), size="sm",
                                               elem_id=f"train-experiment-{name}") for name in EXPERIMENTS}
                tab["finding"] = gr.Markdown(elem_id="train-finding")
            gr.Markdown(I18N("runs_head"))
            tab["runs"] = gr.HTML(elem_id="train-runs")
            with gr.Row():
                tab["pick"] = gr.Dropdown([], label=I18N("run_pick"), elem_id="train-pick")
                tab["compare"] = gr.Dropdown([], label=I18N("run_compare"), elem_id="train-compare")
            picked = gr.Markdown(elem_id="train-picked")
            tab["difference"] = gr.HTML(elem_id="train-difference")
            tab["results"] = gr.HTML(elem_id="train-results")
            tab["download"] = gr.DownloadButton(I18N("train_download"), elem_id="train-download", visible=False)
    # page.js puts a finished drawing's answer here, as JSON: read_drawing's "page" part and the drawing itself
    drawn = gr.Textbox(elem_id="drawn", visible="hidden")
    page["reading"] = gr.JSON(visible="hidden", elem_id="reading")
    page["picture"] = gr.State(None)
    page["current_input"] = gr.State(None)
    inside_open = gr.State(False)
    inside = gr.JSON(visible="hidden", elem_id="inside")  # the inside view after an upload or on opening it
    tab["your_key"] = gr.Textbox(visible="hidden", elem_id="your-model-key")  # page.js sends it with each drawing
    tab["your_chart"] = your_chart
    outputs = [page[f.name] for f in fields(Answer)]
    private = {"show_progress": "hidden", "api_visibility": "private"}
    # A drawing is answered by read_drawing alone (page.js asks it, off the queue): after each change its answer
    # carries the verdict, the 28x28 inputs and the naive view, which page.js hands to those components here, in
    # the browser (no second request).
    drawn.change(None, inputs=drawn, outputs=[page[name] for name in SHOWN], js=in_page("pageOutputs"), **private)
    upload.change(on_upload, inputs=[upload, inside_open, tab["your_key"]], outputs=[*outputs, inside, drawn],
                  **private)
    inside_accordion.expand(lambda: True, outputs=inside_open, **private).success(
        on_inside, inputs=[inside_open, page["current_input"], drawn], outputs=inside, **private)
    inside_accordion.collapse(lambda: False, outputs=inside_open, **private)
    page["reading"].change(None, inputs=page["reading"], js=in_page("showReading"), **private)
    inside.change(None, inputs=inside, js=in_page("showInside"), **private)
    # Each visitor's run streams its progress; a few visitors wait in line (webpage/training.py), the others are
    # told at once that it is full: the event never waits in Gradio's queue (no concurrency limit), so calls of it
    # cannot fill the queue that uploads and the API share. Stop and a closed page reach the run through the
    # visitor's session.
    train_outputs = [tab[f.name] for f in fields(TabView)]
    train_start.click(train_event(), inputs=list(choice.values()), outputs=train_outputs,
                      concurrency_limit=None, concurrency_id="train", show_progress="minimal",
                      show_progress_on=tab["progress"], api_name="train", api_visibility="undocumented")
    for name, button in experiments.items():
        button.click(train_event(name), inputs=list(choice.values()), outputs=train_outputs,
                     concurrency_limit=None, concurrency_id="train", show_progress="minimal",
                     show_progress_on=tab["progress"], api_visibility="private")
    train_stop.click(on_train_stop, queue=False, **private)
    tab["pick"].input(on_pick, inputs=tab["pick"], outputs=[tab["your_key"], tab["download"], picked], **private)
    for picked in (tab["pick"], tab["compare"]):
        picked.input(on_compare, inputs=[tab["pick"], tab["compare"]], outputs=tab["difference"], **private)
    demo.unload(on_leave)
    if corrections is not None:
        send.click(on_correct, inputs=[right_label, page["picture"], drawn], outputs=correction_status, queue=False,
                   **private)
    gr.api(predict, api_name="predict")
    gr.api(predict_base64, api_name="predict_base64")
    gr.api(predict_number, api_name="predict_number")
    demo.load(None, js=PAGE_JS)

os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", str(ANALYTICS_EVENTS))  # read when the queue is made
demo.queue(default_concurrency_limit=CONCURRENCY, max_size=ARGS.queue_size)
pace(demo._queue)  # quick to start queued requests while they come, cheap while none do (webpage/queue_pace.py)


def launch(args: argparse.Namespace) -> None:
    """Serve the page; with --share, report in one line whether the public link could be made."""
    limit_fragmentation()
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # Gradio explains a failed share link in many lines
            demo.launch(server_name=args.host, server_port=args.port, share=args.share, max_file_size=MAX_FILE_BYTES,
                        show_error=False, prevent_thread_lock=True, quiet=True, state_session_capacity=SESSIONS,
                        i18n=I18N, css=PAGE_CSS,
                        app_kwargs={"routes": [drawing_route(read_drawing, readings, declined, addresses),
                                               health_route()],
                                    "middleware": [Middleware(BodyLimit, limit=MAX_REQUEST_BYTES, smaller=LIMITS),
                                                   Middleware(ForgetFinished, queue=lambda: demo._queue)]})
    except OSError as exc:
        sys.exit(f"Cannot start: {exc}")
    start_trimming()
    print(f"* Running on local URL:  {demo.local_url}", flush=True)
    if args.share:
        if demo.share_url:
            print(f"* Running on public URL: {demo.share_url}", flush=True)
        else:
            print("* Could not create a public share link (Gradio's share server is unreachable); "
                  "serving locally only.", flush=True)
    demo.block_thread()


if __name__ == "__main__":
    launch(ARGS)
