"""The 自评表 as a spreadsheet, both ways: measuring an upload before it is parsed, reading a
clerk's sheet, matching it to a framework, importing it through the writers, and writing a
report's sheet in the official layout.

- ``cells.py``: cell values and parsing (names, weights, numbers, percents), ``Problem``, and
  the one rule for text no spreadsheet takes for a formula (``formula_like``).
- ``measure.py``: the upload measured before openpyxl opens it.
- ``read.py``: which sheet is the 自评表, read through ``grid.py`` (the sheet's cells),
  ``header.py`` (the header block), ``table.py`` (the indicator table) and ``lines.py``
  (the 收支明细 sheet) into ``reading.py``'s values.
- ``importer.py``: the import service, with ``matching.py`` (rows to a framework),
  ``framework.py`` (a framework from the sheet), ``money.py`` (the money lines),
  ``writes.py`` (writing through the writers) and ``preview.py`` (what changed).
- ``export.py``: a report written as the official 自评表.
"""
