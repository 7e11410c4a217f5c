"""Errors the CLI turns into one-sentence messages."""


class ScrapesearchError(Exception):
    """Base class: the message is one sentence meant for the user."""


class ExtractError(ScrapesearchError):
    """One input could not be turned into an Article; it is skipped with this reason."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason
