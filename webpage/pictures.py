"""Pictures the server draws (uint8 arrays) as PNG data URLs: page.js and HTML blocks show them without a file."""

import base64
import io

import numpy as np
from PIL import Image


def picture_url(picture: np.ndarray) -> str:
    """A picture (uint8 array, gray or RGB) as a PNG data URL."""
    buffer = io.BytesIO()
    Image.fromarray(picture).save(buffer, format="PNG", compress_level=1)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def picture_html(picture: np.ndarray) -> str:
    """A picture (uint8 array) as an HTML image, for a gr.HTML box."""
    return f'<img src="{picture_url(picture)}" alt="">'
