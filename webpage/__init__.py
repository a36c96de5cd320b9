"""The page's own parts, around app.py: its script and style sheets, its words in two languages, visitors'
corrections, the drawing's own route and how the server shares out its readings of drawings (fairly among visitors,
none queued behind a crowd), the Train tab's line, the pictures it draws as data URLs, what it keeps of the drawings
it read (kept.py), Gradio's queue paced (queue_pace.py), and the server's guards (the request-body limit, uploads
only, visitors' addresses, memory kept in check).

`mnist_cnn` does the machine learning and never imports this package; app.py builds the page from both.
"""
