"""The one error a reader raises: the input is not an article it can read, said in words."""


class ReadError(ValueError):
    """An input that yields no article; the message says why, for the user."""
