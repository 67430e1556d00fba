"""The one error of the pictures and the interactive view: a request that cannot be drawn."""


class DrawError(ValueError):
    """A request that cannot be drawn (unknown layout, format, measure, kind or status; an empty view)."""
