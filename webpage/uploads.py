"""Only what was given is read: the API and the page's upload box read a file only if it was uploaded to this
server (it lies in Gradio's upload folder), never a file named by its path on the server.

Gradio hands a function the path of each file a client uploaded; a client can also send any string, or a file
object naming any path. Without this check, `/predict` read any image on the server's disk and told which files
exist ("... is not a file" against "... is not an image"). Every path that is not an upload gets one and the same
sentence, whether or not it exists.
"""

from pathlib import Path

import gradio as gr
from gradio.utils import get_upload_folder

NOT_UPLOADED = ("Send the picture itself (gradio_client's handle_file uploads it, or send it as base64 to "
                "/predict_base64): this server reads no file by its path.")


def uploaded(image: object) -> str:
    """The path of an uploaded file (a path string or Gradio's file object); a gr.Error sentence for any other path."""
    path = image.get("path") if isinstance(image, dict) else image
    try:
        resolved = Path(path).resolve()
        inside = resolved.is_relative_to(Path(get_upload_folder()).resolve())
    except (TypeError, ValueError, OSError):
        inside = False
    if not inside:
        raise gr.Error(NOT_UPLOADED, print_exception=False)
    return str(resolved)
