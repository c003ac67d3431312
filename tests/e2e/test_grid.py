"""The 自评表 grid works like the sheet it replaces: a block pasted from Excel fills its rows,
the header and row labels stay in view, values show in full, a refused save says 未保存."""

from decimal import Decimal as D

from selenium.webdriver.common.keys import Keys

from scoring.models import Indicator, IndicatorResult

# Three rows as Excel puts them on the clipboard: cells split by tabs, rows ended by CRLF, a
# cell with a line break quoted.
BLOCK = [
    ("≥95%", "96.5%", "0.5", "预算编制较为准确。"),
    ("100%", "98%", "0.25", '个别项目"调整"较晚。'),
    ("按时完成", "已完成", "0", "第一季度\n未按时报送。"),
]


def excel_text(rows) -> str:
    def cell(value: str) -> str:
        if any(ch in value for ch in '\t\n"'):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join("\t".join(cell(v) for v in row) + "\r\n" for row in rows)


def grid_rows(b) -> list[int]:
    """The level-3 indicators' keys in table order."""
    return [
        int(tr.get_attribute("id").removeprefix("row-")) for tr in b.finds(".score-grid tbody tr")
    ]


def put_on_clipboard(b, text: str):
    b.driver.execute_cdp_cmd(
        "Browser.grantPermissions",
        {"origin": b.url, "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]},
    )
    written = b.driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "navigator.clipboard.writeText(arguments[0]).then("
        "  function () { done('ok'); }, function (e) { done(String(e)); });",
        text,
    )
    assert written == "ok"


def value(b, name: str) -> str:
    return b.find(f'[name="{name}"]').get_attribute("value")


def clerk_on_scores(browser, e2e_demo, width=1280):
    b = browser(width)
    b.login("clerk", "demo-clerk-2022")
    b.get(f"/reports/{e2e_demo.report.pk}/edit/scores/")
    b.wait_for("[data-paste-grid]")
    return b


def test_a_three_row_block_pasted_from_excel_fills_the_three_rows(browser, e2e_demo):
    b = clerk_on_scores(browser, e2e_demo)
    keys = grid_rows(b)
    first, after = keys[2:5], keys[5]
    untouched = value(b, f"r{after}_target")
    put_on_clipboard(b, excel_text(BLOCK))

    field = b.find(f'[name="r{first[0]}_target"]')
    # Clear of the sticky save bar, wherever the grid starts on the page.
    b.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", field)
    field.click()
    field.send_keys(Keys.CONTROL, "v")

    for key, (target, actual, score, deviation) in zip(first, BLOCK, strict=True):
        assert value(b, f"r{key}_target") == target
        assert value(b, f"r{key}_actual") == actual
        assert value(b, f"r{key}_score") == score
        assert value(b, f"r{key}_deviation") == deviation
    assert value(b, f"r{after}_target") == untouched
    assert b.find("#grid-paste-status").text.startswith("已粘贴 3 行 × 4 列")
    assert b.find("#section-form").get_attribute("data-dirty") == "true"

    b.click_and_wait("#section-form button[type=submit]")
    assert "已保存“自评表”" in b.text
    saved = {r.indicator_id: r for r in IndicatorResult.objects.filter(indicator_id__in=first)}
    assert [saved[k].target for k in first] == ["≥95%", "100%", "按时完成"]
    assert [saved[k].score for k in first] == [D("0.5"), D("0.25"), D("0")]
    assert saved[first[2]].deviation.splitlines() == ["第一季度", "未按时报送。"]


def test_a_single_value_pastes_into_the_focused_cell_only(browser, e2e_demo):
    b = clerk_on_scores(browser, e2e_demo)
    one, below = grid_rows(b)[:2]
    before = value(b, f"r{below}_target")
    put_on_clipboard(b, "≥98%\r\n")  # one cell copied from Excel

    field = b.find(f'[name="r{one}_target"]')
    field.click()
    field.send_keys(Keys.CONTROL, "a")
    field.send_keys(Keys.CONTROL, "v")

    assert value(b, f"r{one}_target") == "≥98%"
    assert value(b, f"r{below}_target") == before


SCROLLED = """
var box = arguments[0], r = box.getBoundingClientRect();
var head = box.querySelector('thead th').getBoundingClientRect();
var row = Array.from(box.querySelectorAll('tbody tr')).find(function (tr) {
  return tr.getBoundingClientRect().top > head.bottom; });
var label = row.querySelector('.l3');
return {top: box.scrollTop, left: box.scrollLeft, boxTop: r.top, boxLeft: r.left,
  headTop: head.top, labelLeft: label.getBoundingClientRect().left,
  label: label.textContent, page: document.documentElement.scrollWidth,
  view: window.innerWidth};
"""


def test_the_header_stays_at_the_top_while_the_grid_scrolls_down(browser, e2e_demo):
    b = clerk_on_scores(browser, e2e_demo)
    box = b.find(".grid-wrap")
    b.driver.execute_script("arguments[0].scrollTop = 2500;", box)

    seen = b.driver.execute_script(SCROLLED, box)

    assert seen["top"] > 1000
    assert abs(seen["headTop"] - seen["boxTop"]) <= 2
    assert seen["label"].strip()


def test_the_indicator_labels_stay_at_the_left_while_the_grid_scrolls_sideways(browser, e2e_demo):
    b = clerk_on_scores(browser, e2e_demo, width=1024)
    box = b.find(".grid-wrap")
    b.driver.execute_script(
        "arguments[0].scrollTop = 1200; arguments[0].scrollLeft = arguments[0].scrollWidth;", box
    )

    seen = b.driver.execute_script(SCROLLED, box)

    assert seen["left"] > 50
    # 一级指标 6.5rem and 二级指标 11rem stay before it, whatever the scroll.
    assert abs(seen["labelLeft"] - seen["boxLeft"] - 17.5 * 16) <= 3
    assert seen["page"] <= seen["view"]


def test_the_grid_scrolls_inside_its_box_at_phone_width(browser, e2e_demo):
    b = clerk_on_scores(browser, e2e_demo)
    b.driver.set_window_size(390, 900)
    box = b.find(".grid-wrap")
    b.driver.execute_script("arguments[0].scrollLeft = 300;", box)

    sizes = b.driver.execute_script(
        "var box = arguments[0], label = box.querySelector('tbody .l3');"
        "return {page: document.documentElement.scrollWidth, view: window.innerWidth,"
        "  left: box.scrollLeft, labelLeft: label.getBoundingClientRect().left,"
        "  boxLeft: box.getBoundingClientRect().left};",
        box,
    )
    assert sizes["view"] <= 400
    assert sizes["page"] <= sizes["view"]
    assert sizes["left"] > 0
    assert abs(sizes["labelLeft"] - sizes["boxLeft"]) <= 2  # the 三级指标 stays in sight


def test_a_long_indicator_value_shows_in_full(browser, e2e_demo):
    b = clerk_on_scores(browser, e2e_demo)
    key = grid_rows(b)[0]
    text = "向政府交办环保问题督办件 12 件，全部按期办结并书面反馈，群众满意率不低于 95%"
    b.type(f'[name="r{key}_target"]', text)
    b.click_and_wait("#section-form button[type=submit]")
    assert "已保存“自评表”" in b.text

    box = b.find(f'[name="r{key}_target"]')
    assert box.get_attribute("value") == text
    size = b.driver.execute_script(
        "var s = getComputedStyle(arguments[0]);"
        "return {client: arguments[0].clientHeight, scroll: arguments[0].scrollHeight,"
        "  line: parseFloat(s.lineHeight)};",
        box,
    )
    assert size["scroll"] <= size["client"] + 1  # nothing hidden
    assert size["client"] > 2 * size["line"]  # it grew to several lines


def test_a_narrative_box_grows_with_its_text(browser, e2e_demo):
    b = browser()
    b.login("clerk", "demo-clerk-2022")
    b.get(f"/reports/{e2e_demo.report.pk}/edit/assets/")
    box = b.find('[name="asset_management"]')
    before = box.size["height"]
    b.type('[name="asset_management"]', "\n".join(f"第 {n} 段：资产管理情况。" for n in range(30)))

    size = b.driver.execute_script(
        "return {client: arguments[0].clientHeight, scroll: arguments[0].scrollHeight};", box
    )
    assert box.size["height"] > 3 * before
    assert size["scroll"] <= size["client"] + 1


def test_a_score_above_its_weight_is_not_saved(browser, e2e_demo):
    b = clerk_on_scores(browser, e2e_demo)
    row = Indicator.objects.get(framework=e2e_demo.report.framework, name="预算执行规范性")
    stored = IndicatorResult.objects.get(indicator=row).score
    b.type(f'[name="r{row.pk}_score"]', "9")

    b.click_and_wait("#section-form button[type=submit]")

    assert "已保存" not in b.text
    assert "尚未保存" in b.text
    assert "未保存：得分超过分值 4 分，请填写不超过 4 分的得分。" in b.find(f"#row-{row.pk}").text
    assert "is-invalid" in b.find(f'[name="r{row.pk}_score"]').get_attribute("class")
    assert b.find("#save-state").text == "未保存：请改正标红的栏目后再点击“保存”。"
    assert value(b, f"r{row.pk}_score") == "9"
    assert IndicatorResult.objects.get(indicator=row).score == stored


def test_enter_in_a_value_goes_to_the_same_column_of_the_next_row(browser, e2e_demo):
    b = clerk_on_scores(browser, e2e_demo)
    one, two = grid_rows(b)[:2]
    b.find(f'[name="r{one}_target"]').send_keys(Keys.END, "!", Keys.ENTER)

    active = b.driver.switch_to.active_element
    assert active.get_attribute("name") == f"r{two}_target"
    assert "\n" not in value(b, f"r{one}_target")
