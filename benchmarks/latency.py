"""Where the time goes per request: in-process prediction (a drawing, and a 12-megapixel phone photo of a page),
the model alone, the API against the protocol's floor (a text echo served by the same Gradio), throughput, and
cold start.

    python -m benchmarks.latency [--repeat 200] [--api-calls 100] [--clients 8] [--seconds 5] [--rounds 3]

The API is served by a process of its own (the app's page and two echoes, `--serve`), so that the clients' threads
do not share its interpreter. Throughput is measured in rounds, each call in turn for `--seconds` within a round,
and each figure is the median of the rounds: this machine's speed drifts within a minute, and the ratio of two
calls is fairest when they are measured side by side.
"""

import argparse
import base64
import io
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import gradio as gr
import numpy as np
import torch
from PIL import Image

from harness import photos
from harness.people import stroke_digit
from harness.server import ROOT, start_app, stop_app
from mnist_cnn.explain import look_inside
from mnist_cnn.predict import DigitClassifier
from mnist_cnn.preprocess import preprocess

# what these figures measure (benchmarks.freshness): files beyond the imports, and the networks read
MEASURES = ("app.py",)
NETWORKS = ("DEFAULT_CHECKPOINT", "ARTICLE_CHECKPOINT", "SEQUENCE_CHECKPOINT")


def summary(times_s: list[float]) -> str:
    ms = sorted(t * 1000 for t in times_s)
    p95 = ms[min(len(ms) - 1, int(0.95 * len(ms)))]
    return f"min {ms[0]:.2f}, p50 {statistics.median(ms):.2f}, p95 {p95:.2f}, max {ms[-1]:.2f} ms (n={len(ms)})"


def timed(fn, repeat: int) -> list[float]:
    for _ in range(5):
        fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def in_process(repeat: int) -> None:
    classifier = DigitClassifier.from_checkpoint()
    canvas = np.asarray(stroke_digit(7, np.random.default_rng(0), canvas=800))  # 800x800 RGBA, like the sketchpad
    model_input = preprocess(canvas)
    batch = classifier.normalization.to_model_input(model_input)
    for threads in (1, torch.get_num_threads()):
        torch.set_num_threads(threads)
        print(f"[{threads} torch thread(s)]")
        print(f"  predict(800x800 RGBA canvas): {summary(timed(lambda: classifier.predict(canvas), repeat))}")
        print(f"  read_number(the same canvas): {summary(timed(lambda: classifier.read_number(canvas), repeat))}")
        inside = timed(lambda: look_inside(classifier.model, classifier.normalization, model_input), repeat)
        print(f"  look_inside (the open view):  {summary(inside)}")
        print(f"  preprocess only:              {summary(timed(lambda: preprocess(canvas), repeat))}")
        with torch.inference_mode():
            model_only = timed(lambda: classifier.model(batch), repeat)
        print(f"  model only (1 image):         {summary(model_only)}")
        if threads == 1:
            page = statistics.median(timed(lambda: classifier.read_number(canvas), repeat)) * 1000
            photo = photo_row(classifier, max(10, repeat // 10))
            print(f"headline: model alone, one image (1 thread, p50) | {statistics.median(model_only) * 1000:.2f} ms")
            print(f"headline: the page's path on an 800x800 canvas (read_number, 1 thread, p50) | {page:.2f} ms")
            print(f"headline: the page's path on a 12-megapixel phone photo of a notebook page (read_number, JPEG "
                  f"bytes, 1 thread, p50) | {photo:.0f} ms")


def photo_row(classifier: DigitClassifier, repeat: int) -> float:
    """Print the page's path on a 12-megapixel phone photo, from its JPEG bytes; return its p50 in ms."""
    photo, written = twelve_megapixel_photo()
    reading = classifier.read_number(photo)
    times = timed(lambda: classifier.read_number(photo), repeat)
    print(f"  read_number(a 4000x3000 JPEG photo of a page, {len(photo) / 1e6:.1f} MB, {written} written, read "
          f"{reading.number}{' unsure' if reading.unsure else ''}): {summary(times)}")
    return statistics.median(times) * 1000


def twelve_megapixel_photo() -> tuple[bytes, str]:
    """A phone's 12-megapixel JPEG of a notebook page on a desk with a small digit on it (`harness.photos`, its
    digit drawn by `harness.people.stroke_digit`), and the digit written."""
    rng = np.random.default_rng(0)
    digit = 255 - np.asarray(stroke_digit(4, rng, canvas=280, width=24).convert("L").resize((28, 28), Image.BOX))
    page = photos.photo([digit], photos.KINDS["small digit"], rng).convert("RGB")
    buffer = io.BytesIO()
    page.resize((4000, 3000), Image.Resampling.BICUBIC).save(buffer, format="JPEG", quality=90)
    return buffer.getvalue(), "4"


def echo(text: str) -> str:
    """The protocol's floor: a request that does no work."""
    return text


def echo_file(image: gr.FileData) -> str:
    """The floor for a request that carries a file: upload it, do no work."""
    return Path(image["path"]).name


def serve_with_echo(port: int) -> None:
    """Serve the app's page plus the two echoes on `port`, with the app's queue, until stopped."""
    import app
    from webpage.queue_pace import pace

    with gr.Blocks(analytics_enabled=False) as bench:
        app.demo.render()
        gr.api(echo, api_name="echo")
        gr.api(echo_file, api_name="echo_file")
    bench.queue(default_concurrency_limit=app.CONCURRENCY)
    pace(bench._queue)  # as app.py paces its own
    bench.launch(server_port=port, quiet=True)


def api(calls: int, clients: int, seconds: float, rounds: int, image: str) -> None:
    """The API's figures, against the page and its echoes served by a process of their own."""
    server, url = start_app("--serve", command=("-m", "benchmarks.latency"))
    try:
        api_figures(url, calls, clients, seconds, rounds, image)
    finally:
        stop_app(server)


def api_figures(url: str, calls: int, clients: int, seconds: float, rounds: int, image: str) -> None:
    from gradio_client import Client, handle_file

    client = Client(url, verbose=False)
    echo = timed(lambda: client.predict("hello", api_name="/echo"), calls)
    pred = timed(lambda: client.predict(handle_file(image), api_name="/predict"), calls)
    inline = base64.b64encode(Path(image).read_bytes()).decode()
    pred_inline = timed(lambda: client.predict(inline, api_name="/predict_base64"), calls)
    echo_file_times = timed(lambda: client.predict(handle_file(image), api_name="/echo_file"), calls)
    print(f"  /echo      (text, the floor): {summary(echo)}")
    print(f"  /echo_file (upload, no work): {summary(echo_file_times)}")
    print(f"  /predict:                     {summary(pred)}")
    print(f"  /predict_base64:              {summary(pred_inline)}")
    for name, times, floor in (("/predict", pred, echo), ("/predict", pred, echo_file_times),
                               ("/predict_base64", pred_inline, echo)):
        gap = (statistics.median(times) - statistics.median(floor)) * 1000
        print(f"  {name} - {'/echo_file' if floor is echo_file_times else '/echo'} at p50: {gap:.1f} ms")
    calls_by_name = {"echo": lambda c: c.predict("hello", api_name="/echo"),
                     "echo of the base64 PNG": lambda c: c.predict(inline, api_name="/echo"),
                     "echo_file": lambda c: c.predict(handle_file(image), api_name="/echo_file"),
                     "predict": lambda c: c.predict(handle_file(image), api_name="/predict"),
                     "predict_base64": lambda c: c.predict(inline, api_name="/predict_base64")}
    measured: dict[str, list[float]] = {name: [] for name in calls_by_name}
    for _ in range(rounds):
        for name, call in calls_by_name.items():
            measured[name].append(throughput(url, call, clients, seconds))
    rates = {name: statistics.median(figures) for name, figures in measured.items()}
    for name, figures in measured.items():
        print(f"  {clients} concurrent clients, {rounds} rounds of {seconds:g} s, {name}: {rates[name]:.1f} calls/s "
              f"(rounds {', '.join(f'{f:.1f}' for f in figures)})")
    # each against Gradio's echo of the same payload: the work the app adds to what the protocol costs
    inline_ratio = rates["predict_base64"] / rates["echo of the base64 PNG"]
    file_ratio = rates["predict"] / rates["echo_file"]
    print(f"headline: API throughput against Gradio's echo of the same payload ({clients} clients) | "
          f"/predict_base64 {inline_ratio:.2f}x, /predict {file_ratio:.2f}x")


def throughput(url: str, call, clients: int, seconds: float) -> float:
    from gradio_client import Client

    done, errors = [0], [0]
    stop = time.monotonic() + seconds

    def worker():
        client = Client(url, verbose=False)
        while time.monotonic() < stop:
            try:
                call(client)
                done[0] += 1
            except Exception:
                errors[0] += 1

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors[0]:
        print(f"    ({errors[0]} errors)")
    return done[0] / seconds


def cold_start(image: str) -> None:
    """Seconds from `python app.py` to the first answered /predict, and the server's resident memory."""
    from gradio_client import Client, handle_file

    from harness.server import free_port

    port = free_port()
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            try:
                Client(f"http://127.0.0.1:{port}", verbose=False).predict(handle_file(image), api_name="/predict")
                break
            except Exception:
                time.sleep(0.1)
        elapsed = time.perf_counter() - start
        rss = int(Path(f"/proc/{process.pid}/status").read_text().split("VmRSS:")[1].split()[0]) / 1024
        print(f"  python app.py -> first /predict answered: {elapsed:.1f} s; resident memory {rss:.0f} MB")
        print(f"headline: cold start, `python app.py` to the first answer | {elapsed:.1f} s, {rss:.0f} MB resident")
    finally:
        process.terminate()
        process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--api-calls", type=int, default=100)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=5, help="each call's turn in a round of throughput")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of throughput (each figure: their median)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["inprocess", "api", "coldstart"])
    parser.add_argument("--serve", action="store_true", help="only serve the page and the echoes (on --port)")
    parser.add_argument("--port", type=int, default=7860, help="with --serve: the port")
    args = parser.parse_args()
    if args.serve:
        serve_with_echo(args.port)
        return 0
    print(f"machine: {os.cpu_count()} cores, torch {torch.__version__}, {torch.get_num_threads()} threads by default")
    print(f"command: python -m benchmarks.latency --repeat {args.repeat} --api-calls {args.api_calls} "
          f"--clients {args.clients} --seconds {args.seconds:g} --rounds {args.rounds}")
    image = str(Path(tempfile.mkdtemp()) / "seven.png")
    stroke_digit(7, np.random.default_rng(0), canvas=280, width=14).save(image)
    if "coldstart" not in args.skip:
        print("cold start:")
        cold_start(image)
    if "inprocess" not in args.skip:
        print("in process:")
        in_process(args.repeat)
    if "api" not in args.skip:
        print("through gradio_client:")
        api(args.api_calls, args.clients, args.seconds, args.rounds, image)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
