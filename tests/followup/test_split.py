"""Cutting a report's 存在的主要问题 into items (no database)."""

from followup.split import chinese_number, measures_matched, problems_split

SEED_PROBLEMS = (
    "预算编制准确性有待提高，加强预算绩效管理，提高财政资金使用效益和绩效评价。"
    "部分项目支出编制需进一步明确、精细化。"
)
SEED_IMPROVEMENTS = "\n".join(
    [
        "（一）细化预算编制工作，提升预算管理水平。",
        "深化预算编制改革，健全支出标准体系。",
        "（二）强化绩效管理意识，全面细化绩效目标。",
        "进一步强化绩效管理的责任意识。",
    ]
)


def test_the_seed_s_problems_are_two_sentences():
    assert problems_split(SEED_PROBLEMS) == [
        "预算编制准确性有待提高，加强预算绩效管理，提高财政资金使用效益和绩效评价。",
        "部分项目支出编制需进一步明确、精细化。",
    ]


def test_items_marked_yi_shi_er_shi_are_cut_at_the_markers_and_end_as_sentences():
    text = "存在以下问题：一是预算编制不够精准；二是绩效目标不够细化；三是支出进度偏慢。"
    assert problems_split(text) == ["预算编制不够精准。", "绩效目标不够细化。", "支出进度偏慢。"]


def test_a_numbered_part_keeps_its_body_paragraphs():
    assert problems_split(SEED_IMPROVEMENTS) == [
        "细化预算编制工作，提升预算管理水平。\n深化预算编制改革，健全支出标准体系。",
        "强化绩效管理意识，全面细化绩效目标。\n进一步强化绩效管理的责任意识。",
    ]


def test_arabic_numbers_with_a_point_or_a_comma_are_markers_but_decimals_are_not():
    text = "1. 预算执行率偏低。\n2、资产管理不规范，闲置率2.5%。\n3．档案不全。"
    assert problems_split(text) == [
        "预算执行率偏低。",
        "资产管理不规范，闲置率2.5%。",
        "档案不全。",
    ]


def test_the_outer_numbering_wins_over_the_inner_one():
    text = "一、预算管理\n（一）编制粗放。\n（二）执行偏慢。\n二、绩效管理\n目标不够细化。"
    assert problems_split(text) == [
        "预算管理\n（一）编制粗放。\n（二）执行偏慢。",
        "绩效管理\n目标不够细化。",
    ]


def test_paragraphs_without_numbers_are_one_item_each_and_empty_ones_are_dropped():
    text = "预算编制不够精准。执行偏慢。\r\n\r\n  \n绩效目标不够细化。\n"
    assert problems_split(text) == ["预算编制不够精准。执行偏慢。", "绩效目标不够细化。"]


def test_a_preamble_that_is_no_introduction_is_an_item_of_its_own():
    text = "预算管理仍有不足。（一）编制粗放；（二）执行偏慢。"
    assert problems_split(text) == ["预算管理仍有不足。", "编制粗放。", "执行偏慢。"]


def test_no_text_gives_no_items():
    assert problems_split("") == []
    assert problems_split(" \n ") == []


def test_a_number_out_of_sequence_is_not_a_marker():
    assert problems_split("支出进度偏慢，三是指第三季度。") == ["支出进度偏慢，三是指第三季度。"]


def test_measures_match_part_by_part_when_both_texts_are_numbered_alike():
    problems = "一是预算编制不够精准；二是绩效目标不够细化。"
    assert measures_matched(problems, SEED_IMPROVEMENTS, 2) == [
        "细化预算编制工作，提升预算管理水平。\n深化预算编制改革，健全支出标准体系。",
        "强化绩效管理意识，全面细化绩效目标。\n进一步强化绩效管理的责任意识。",
    ]


def test_every_problem_gets_the_whole_measure_text_when_the_texts_differ_in_numbering():
    assert measures_matched(SEED_PROBLEMS, SEED_IMPROVEMENTS, 2) == [SEED_IMPROVEMENTS] * 2


def test_chinese_numbers_up_to_the_twenties_are_read():
    numbers = ("一", "十", "十二", "二十", "二十三")
    assert [chinese_number(n) for n in numbers] == [1, 10, 12, 20, 23]
