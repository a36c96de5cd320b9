"""Gradio's queue looks for work quickly while requests come and rarely while none do (webpage/queue_pace.py)."""

import inspect
import time

import gradio as gr
import gradio.queueing
import gradio.routes

from webpage.queue_pace import PROGRESS_BUSY_S, pace


def reverse(text: str) -> str:
    return text[::-1]


def test_gradio_still_reads_the_pace_and_hands_requests_to_push():
    assert "self.sleep_when_free" in inspect.getsource(gradio.queueing.Queue.start_processing)
    assert "self.progress_update_sleep_when_free" in inspect.getsource(gradio.queueing.Queue.start_progress_updates)
    assert "_queue.push(" in inspect.getsource(gradio.routes)


def test_a_request_wakes_the_queue_and_a_quiet_spell_puts_it_back_to_sleep():
    from gradio_client import Client

    with gr.Blocks() as demo:
        gr.api(reverse, api_name="reverse")
    demo.queue()
    pace(demo._queue, busy_s=0.001, idle_s=0.2, awake_s=2.0)
    demo.launch(prevent_thread_lock=True, quiet=True)
    try:
        assert demo._queue.sleep_when_free == demo._queue.progress_update_sleep_when_free == 0.2  # nobody asked yet
        client = Client(demo.local_url, verbose=False)
        assert client.predict("paced", api_name="/reverse") == "decap"  # answered through the queue
        assert demo._queue.sleep_when_free == 0.001  # within two seconds of that request
        assert demo._queue.progress_update_sleep_when_free == PROGRESS_BUSY_S
        time.sleep(2.1)
        assert demo._queue.sleep_when_free == demo._queue.progress_update_sleep_when_free == 0.2
    finally:
        demo.close()


def test_the_pages_queue_is_paced():
    import app
    from webpage.queue_pace import BUSY_S, IDLE_S

    assert app.demo._queue.sleep_when_free in (BUSY_S, IDLE_S)
    app.demo._queue.sleep_when_free = 0.5  # what Gradio does when it makes a queue: the pace stands
    assert app.demo._queue.sleep_when_free in (BUSY_S, IDLE_S)
