"""Path converters that never hand a view a number the database cannot hold.

Django's ``int`` takes any run of digits; a 30-digit id or year then overflows SQLite's
integers (a 500). These match only what the data can be: ids of at most 18 digits (below
the 64-bit limit) and four-digit years; anything else is simply not a URL of the site (404).
"""

import re


class BoundedConverter:
    regex = ""

    @classmethod
    def is_valid(cls, value) -> bool:
        """Whether ``value`` (from a looser pattern, a query string or a form) would match."""
        return re.fullmatch(cls.regex, str(value)) is not None


class IdConverter(BoundedConverter):
    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


class YearConverter(BoundedConverter):
    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return f"{int(value):04d}"
