"""The project's own exceptions: each carries one sentence a person can act on."""


class MnistCnnError(Exception):
    """Base class: the message is meant to be shown to a person as it is."""


class InputError(MnistCnnError):
    """An image (file, array or upload) that cannot be turned into a digit. `reason` names the sentence and
    `details` holds its parts (a file's name, a limit), for a page that says it in another language."""

    def __init__(self, message: str, reason: str | None = None, **details) -> None:
        super().__init__(message)
        self.reason, self.details = reason, details


class CheckpointError(MnistCnnError):
    """A checkpoint file that is missing, damaged or not one of ours."""


class DataUnavailable(MnistCnnError):
    """MNIST is neither on disk nor downloadable."""
