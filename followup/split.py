"""A report's 存在的主要问题 (or 改进措施) cut into single items, without Django.

The text is read as people write it: numbered parts first (一是/二是…, （一）（二）…, 一、二、…,
1. 2. / 1、2、 / （1）（2）), each running to the next marker with its body paragraphs; without
numbers, one item per paragraph; a single paragraph, one item per sentence (。！？).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from perfeval.text import plain_text

CHINESE_DIGITS = "一二三四五六七八九十"
_HAN = f"[{CHINESE_DIGITS}]{{1,3}}"
# Where a marker may stand: at the start, after a line break or after punctuation (a number
# inside a sentence, "第一是" or "2.5 万元", is not a marker).
_BOUNDARY = r"(?:^|(?<=[\n：:；;。！？!?，,\s]))"
# Each family of markers, with its number as group 1. Families of the start of a paragraph
# only where the same sign also occurs inside sentences ("一、二、三类").
MARKER_FAMILIES: tuple[re.Pattern[str], ...] = (
    re.compile(rf"{_BOUNDARY}({_HAN})是"),
    re.compile(rf"{_BOUNDARY}[（(]({_HAN})[）)]"),
    re.compile(rf"(?:^|(?<=\n))\s*({_HAN})、"),
    re.compile(rf"{_BOUNDARY}[（(](\d{{1,2}})[）)]"),
    re.compile(rf"{_BOUNDARY}(\d{{1,2}})(?:[.．](?!\d)|、)"),
)
SENTENCE_END = re.compile(r"(?<=[。！？!?])[”’」』）)]*")
# What may close a part cut before the next marker: a sentence's mark replaces it.
_SEPARATORS = "；;，,、 \t\n"
_ENDS = "。！？!?”’」』）)"


@dataclass(frozen=True)
class Numbered:
    """A text cut at its numbered markers: what stands before the first, and the parts."""

    preamble: str
    parts: list[str]


def chinese_number(text: str) -> int:
    """一 → 1, 十 → 10, 十二 → 12, 二十三 → 23 (the numbers markers use)."""
    if text.isdigit():
        return int(text)
    if "十" not in text:
        return CHINESE_DIGITS.index(text) + 1
    tens, _, units = text.partition("十")
    value = (CHINESE_DIGITS.index(tens) + 1 if tens else 1) * 10
    return value + (CHINESE_DIGITS.index(units) + 1 if units else 0)


def _numbered_run(pattern: re.Pattern[str], text: str) -> list[re.Match[str]]:
    """The markers of one family numbered 1, 2, 3 … in order; others are not markers."""
    run: list[re.Match[str]] = []
    for match in pattern.finditer(text):
        try:
            number = chinese_number(match.group(1))
        except ValueError:
            continue
        if number == len(run) + 1:
            run.append(match)
    return run


def _closed(part: str) -> str:
    """A part cut from running text, ending as a sentence does."""
    part = part.strip()
    trimmed = part.rstrip(_SEPARATORS)
    if trimmed and trimmed != part and not trimmed.endswith(tuple(_ENDS)):
        return f"{trimmed}。"
    return trimmed


def numbered_parts(text: str) -> Numbered | None:
    """The text cut at the outermost family of numbered markers with at least two of them
    (the one whose first marker comes first), or None when it is not numbered."""
    text = plain_text(text)
    runs = [run for pattern in MARKER_FAMILIES if len(run := _numbered_run(pattern, text)) >= 2]
    if not runs:
        return None
    run = min(runs, key=lambda found: (found[0].start(), -len(found)))
    parts = []
    for index, match in enumerate(run):
        end = run[index + 1].start() if index + 1 < len(run) else len(text)
        part = _closed(text[match.end() : end])
        if part:
            parts.append(part)
    return Numbered(preamble=text[: run[0].start()].strip(), parts=parts)


def sentences(text: str) -> list[str]:
    """A paragraph's sentences, each with its closing mark."""
    cuts = [match.end() for match in SENTENCE_END.finditer(text)]
    pieces, start = [], 0
    for cut in [*cuts, len(text)]:
        pieces.append(text[start:cut].strip())
        start = cut
    return [piece for piece in pieces if piece]


def problems_split(text: str) -> list[str]:
    """The single problems of a 存在的主要问题 text, in order; empty ones dropped.

    A preamble before the first numbered marker is kept as an item unless it only introduces
    the list (ends with a colon, "主要存在以下问题：").
    """
    text = plain_text(text)
    if not text:
        return []
    numbered = numbered_parts(text)
    if numbered is not None:
        preamble = numbered.preamble
        lead = [] if not preamble or preamble.endswith(("：", ":")) else [preamble]
        return [*lead, *numbered.parts]
    paragraphs = [line.strip() for line in text.split("\n") if line.strip()]
    if len(paragraphs) > 1:
        return paragraphs
    return sentences(paragraphs[0])


def measures_matched(problems: str, improvements: str, count: int) -> list[str]:
    """The starting 改进措施 of each of ``count`` problems: the matching numbered part of
    ``improvements`` when both texts are numbered into the same number of parts (and the
    problems have no preamble item), else the whole text for each."""
    whole = plain_text(improvements)
    problem_parts = numbered_parts(problems)
    measure_parts = numbered_parts(improvements)
    if (
        problem_parts is not None
        and measure_parts is not None
        and len(problem_parts.parts) == len(measure_parts.parts) == count
    ):
        return list(measure_parts.parts)
    return [whole] * count
