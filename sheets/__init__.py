"""The 自评表 as a spreadsheet, both ways: measuring an upload before it is parsed, reading a
clerk's sheet, matching it to a framework, importing it through the writers, and writing a
report's sheet in the official layout."""
