"""The page: draw or upload a digit and watch the CNN's ten probabilities, live.

    python app.py [--host H] [--port P] [--share] [--checkpoint FILE]

All the machine learning lives in the mnist_cnn package; this file is layout and event wiring.
"""

import argparse
import base64
import binascii
import contextlib
import io
import sys
from pathlib import Path

import gradio as gr
import numpy as np
import torch
from PIL import Image

from mnist_cnn.errors import CheckpointError, InputError
from mnist_cnn.predict import DigitClassifier, Prediction
from mnist_cnn.preprocess import MAX_FILE_BYTES

HERE = Path(__file__).resolve().parent
EXAMPLES = sorted(str(p) for p in (HERE / "examples").glob("*.*") if p.suffix in {".png", ".jpg"})
HINT = "Draw a digit (0-9) on the canvas, or upload a picture of one."
CANVAS = 280
# One request is a millisecond of model time; a single thread per request serves several visitors at once.
TORCH_THREADS = 1
CONCURRENCY = 4

# Runs once in the browser when the page loads. Two fixes to Gradio's sketchpad:
# - it starts (and returns after "clear") with no tool selected, ignoring strokes: pick the brush;
# - with a change or input listener attached, it encodes and uploads three full-size PNG layers
#   after every stroke, which costs most of a second. Instead, on each change of the drawing
#   (stroke, undo, clear) a half-size PNG of the picture goes to a hidden textbox, whose change
#   event sends it to the server. The sketchpad itself has no listener, so it uploads nothing.
PAGE_JS = """
() => {
  let hooked = null;
  const send = () => {
    const editor = window.editor;
    const box = document.querySelector("#stroke-data textarea");
    if (!editor || !editor.app || !box) return;
    const canvas = editor.app.renderer.extract.canvas({target: editor.image_container, resolution: 0.5});
    box.value = canvas.toDataURL("image/png");
    box.dispatchEvent(new Event("input", {bubbles: true}));
  };
  const watch = () => {
    const root = document.querySelector("#sketchpad");
    const brush = root && root.querySelector("button[aria-label='Brush']");
    if (brush && root.textContent.match(/select the draw tool/i)) brush.click();
    if (window.editor && window.editor !== hooked) {
      hooked = window.editor;
      hooked.on("change", send);
    }
  };
  new MutationObserver(watch).observe(document.body, {childList: true, subtree: true, characterData: true});
  watch();
}
"""


class RawImage(gr.Image):
    """An image box that hands the uploaded file over untouched: Gradio's own decoding would turn a
    damaged or disguised file into a silent error, while mnist_cnn explains what is wrong with it."""

    def get_block_name(self) -> str:
        return "image"

    def preprocess(self, payload) -> str | None:
        return None if payload is None else payload.path


def load_classifier(path: str | None) -> DigitClassifier:
    """Load the model once at start; stop with one clear line if the checkpoint is missing or bad."""
    try:
        return DigitClassifier.from_checkpoint(path)
    except CheckpointError as exc:
        sys.exit(f"Cannot start: {exc}")


def enlarged(model_input: np.ndarray, size: int = 196) -> Image.Image:
    """The 28x28 model input blown up with nearest-neighbour pixels, so each pixel shows as a square."""
    return Image.fromarray((model_input * 255).astype(np.uint8)).resize((size, size), Image.Resampling.NEAREST)


def verdict(result: Prediction) -> str:
    """The answer in words: the digit and its confidence, or the hint when there is no digit."""
    if result.digit is None:
        return f"### {HINT}"
    return f"# {result.digit}\nconfidence {result.confidence * 100:.1f} %"


def show(result: Prediction):
    """The page's three outputs for one prediction: chart, verdict, model input."""
    if result.digit is None:
        return None, verdict(result), None
    return result.probabilities, verdict(result), enlarged(result.model_input)


def recognize(image) -> Prediction:
    """Predict, turning unreadable input into a visible one-sentence message."""
    try:
        return classifier.predict(image)
    except InputError as exc:
        raise gr.Error(str(exc), print_exception=False) from None


def image_bytes(data_url: str) -> bytes:
    """The bytes of a `data:image/...;base64,` URL (or of bare base64); a gr.Error if it is neither."""
    payload = data_url.split(",", 1)[1] if data_url.startswith("data:") else data_url
    try:
        return base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise gr.Error("The image text is not valid base64.", print_exception=False) from None


def on_stroke(data_url: str | None):
    """A PNG of the canvas, sent by the browser right after each stroke, undo or clear."""
    if not data_url:
        return gr.skip(), gr.skip(), gr.skip()
    return show(recognize(image_bytes(data_url)))


def on_upload(path: str | None):
    """An uploaded, pasted or example picture; removing it clears the answer."""
    if path is None:
        return show(Prediction(digit=None, confidence=0.0))
    return show(recognize(path))


def probabilities(image) -> dict[str, float]:
    """The API's answer: the probability of each digit, as the chart shows them; a gr.Error if there is no digit."""
    result = recognize(image)
    if result.digit is None:
        raise gr.Error(result.message, print_exception=False)
    return result.probabilities


def predict(image: gr.FileData | str) -> dict[str, float]:
    """One image (file) -> the probability of each digit, as the page's chart shows them."""
    return probabilities(image["path"] if isinstance(image, dict) else image)


def predict_base64(image: str) -> dict[str, float]:
    """One image as base64 text (or a data URL) -> the probability of each digit, without a file upload."""
    return probabilities(image_bytes(image))


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", help="address to listen on (default: $GRADIO_SERVER_NAME or 127.0.0.1)")
    parser.add_argument("--port", type=int, help="port (default: $GRADIO_SERVER_PORT or 7860)")
    parser.add_argument("--share", action="store_true", help="also open a public gradio.live link")
    parser.add_argument("--checkpoint", help="checkpoint to serve (default: the shipped one)")
    return parser.parse_args(argv)


ARGS = parse_args() if __name__ == "__main__" else parse_args([])
classifier = load_classifier(ARGS.checkpoint)
torch.set_num_threads(TORCH_THREADS)

with gr.Blocks(title="mnist-cnn: handwritten digit recognition", analytics_enabled=False) as demo:
    gr.Markdown(
        "# Handwritten digit recognition\n"
        "Draw a digit: the network answers after every stroke. Or upload a picture or photo of one. "
        "The small square shows the 28x28 image the network actually sees."
    )
    with gr.Row():
        with gr.Column():
            with gr.Tab("Draw"):
                sketchpad = gr.Sketchpad(
                    elem_id="sketchpad",
                    canvas_size=(CANVAS, CANVAS),
                    brush=gr.Brush(default_size=14, colors=["#000000"], color_mode="fixed"),
                    format="png",
                    layers=False,
                    transforms=(),
                    label="Draw here",
                )
            with gr.Tab("Upload"):
                upload = RawImage(
                    elem_id="upload", type="filepath", sources=["upload", "clipboard"], label="Picture of a digit"
                )
                if EXAMPLES:
                    gr.Examples(EXAMPLES, inputs=upload, label="Examples (click one)")
        with gr.Column():
            answer = gr.Markdown(f"### {HINT}", elem_id="verdict")
            chart = gr.Label(num_top_classes=10, elem_id="probabilities", label="Probabilities")
            model_input = gr.Image(elem_id="model-input", label="What the network sees (28x28)",
                                   interactive=False, format="png", height=200, buttons=[])
    stroke_data = gr.Textbox(elem_id="stroke-data", visible="hidden")
    outputs = [chart, answer, model_input]
    private = {"show_progress": "hidden", "api_visibility": "private"}
    stroke_data.change(on_stroke, inputs=stroke_data, outputs=outputs, trigger_mode="always_last", **private)
    upload.change(on_upload, inputs=upload, outputs=outputs, **private)
    gr.api(predict, api_name="predict")
    gr.api(predict_base64, api_name="predict_base64")
    demo.load(None, js=PAGE_JS)

demo.queue(default_concurrency_limit=CONCURRENCY)


def launch(args: argparse.Namespace) -> None:
    """Serve the page; with --share, report in one line whether the public link could be made."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):  # Gradio explains a failed share link in many lines
            demo.launch(server_name=args.host, server_port=args.port, share=args.share, max_file_size=MAX_FILE_BYTES,
                        show_error=False, prevent_thread_lock=True, quiet=True)
    except OSError as exc:
        sys.exit(f"Cannot start: {exc}")
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
