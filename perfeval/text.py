"""Text as it is stored and compared, whoever typed it."""


def plain_text(value) -> str:
    """``value`` as text with its lines ending in LF (browsers send CR LF) and no space around
    it; "" for None."""
    return "" if value is None else str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
