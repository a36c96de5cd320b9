"""The "before" page for benchmarks/stroke_latency.py: Gradio's default sketchpad wiring.

    python -m benchmarks.baseline_app --port P

A default `gr.Sketchpad()` (800x800 canvas, WebP, progress shown) with `.change(fn)` calling the
same classifier: what a first version of the page would do. Not part of the product.
"""

import argparse

import gradio as gr

from mnist_cnn.predict import DigitClassifier

classifier = DigitClassifier.from_checkpoint()


def predict(value):
    result = classifier.predict(value["composite"]) if value and value.get("composite") is not None else None
    return None if result is None or result.digit is None else result.probabilities


with gr.Blocks(analytics_enabled=False) as demo:
    sketchpad = gr.Sketchpad(elem_id="sketchpad")
    chart = gr.Label(num_top_classes=10, elem_id="probabilities")
    sketchpad.change(predict, sketchpad, chart)

if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    demo.launch(server_port=parser.parse_args().port, quiet=True)
