"""The one error a reader raises: the input is not an article it can read, said in words."""


class ReadError(ValueError):
    """An input that yields no article; the message says why, for the user."""

    def __init__(self, message: str, source: str = "") -> None:
        super().__init__(message)
        self.source = source
        """Which input (a file, or a record of one: ``file.jsonl#3``), where the reader knows it."""
