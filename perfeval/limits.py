"""Every size limit of perfeval in one place: free text, uploads and the sheets inside them.

Each is generous for a real report (the published 浏阳 report runs to some 17,000 characters
in all; a real 自评表 has well under 100 rows and 15 columns) and small enough that no input
can tie up a worker or its memory. README.md lists them for users. Plain numbers, no Django
(the upload measurement imports them); ``perfeval.fields.LimitedTextField`` holds text to them.
"""

# Free text, in characters.
NARRATIVE_MAX_CHARS = 20_000  # one narrative section of a report, a project's 实施内容和成效
ROW_TEXT_MAX_CHARS = 2_000  # 偏差及原因分析, 不采用建议得分的理由 of one indicator or group
COMMENT_MAX_CHARS = 2_000  # a reviewer's or clerk's comment on a transition

# Uploads of a filled 自评表 (.xlsx), measured before the workbook is parsed.
UPLOAD_MAX_BYTES = 5 * 1024 * 1024  # the file as uploaded
UPLOAD_MAX_UNPACKED_BYTES = 30 * 1024 * 1024  # all of its parts, unpacked
UPLOAD_MAX_PARTS = 500  # files inside the archive
# XML tags (each "<") in all of its parts: openpyxl builds a tree of most parts, ~100 bytes and
# ~1 µs an element, so 30 MB of "<a/>" would take 750 MB; a real 自评表 has a few thousand.
UPLOAD_MAX_TAGS = 1_000_000
# Cells stored in all of its sheets, empty formatted ones included: openpyxl and the reader take
# some 25 µs a cell (2,000 rows × 60 columns took 4.8 s on a busy 2-core machine); a real 自评表
# has a few hundred, the benchmark's 1000-row one some 10,000.
UPLOAD_MAX_CELLS = 50_000
SHEET_MAX_ROWS = 2_000  # rows of one worksheet
SHEET_MAX_COLUMNS = 60  # columns of one worksheet (BH)
SHEET_MAX_MERGES = 5_000  # merged ranges of one worksheet
