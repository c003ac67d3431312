"""On a phone (390 px wide) no page scrolls sideways: a wide table scrolls inside its own box.

The pages are tests/e2e/site_pages.py's table, as every role.
"""

import pytest

from tests.e2e.site_pages import CLERK, ROLES, Site, open_page, sign_in

PHONE = 390  # CSS pixels: an iPhone 12–15's width


def phone(b):
    """Make the window a phone's: 390 px wide, touch, meta viewport honoured. (Chromium's
    window itself cannot be narrower than 500 px.) A phone widens its layout viewport to fit
    what overflows, so the page is measured against the documentElement's client width."""
    b.driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": PHONE, "height": 844, "deviceScaleFactor": 1, "mobile": True},
    )
    return b


# What sticks out past the window's right edge, for the failure message: the outermost
# elements reaching past it (not those inside a box that fits and scrolls or clips them),
# each named by tag, id and classes.
OVERFLOW = """
const width = document.documentElement.clientWidth;
const inBox = element => {
  for (let box = element.parentElement; box && box !== document.body; box = box.parentElement) {
    const clips = getComputedStyle(box).overflowX !== 'visible';
    if (clips && box.getBoundingClientRect().right <= width + 1) return true;
  }
  return false;
};
const wide = [...document.querySelectorAll('body *')].filter(element => {
  const box = element.getBoundingClientRect();
  return box.width > 0 && box.right > width + 1 && !inBox(element);
});
const outermost = wide.filter(element => !wide.includes(element.parentElement));
return {
  scrollWidth: document.documentElement.scrollWidth,
  clientWidth: width,
  culprits: outermost.slice(0, 5).map(element => {
    const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '') +
      [...element.classList].map(c => '.' + c).join('');
    return name + ' (' + Math.round(element.getBoundingClientRect().right) + ' px)';
  }),
};
"""


def sideways(b) -> str:
    """What makes the page wider than the window, or "" when it fits."""
    found = b.driver.execute_script(OVERFLOW)
    if found["scrollWidth"] <= found["clientWidth"] == PHONE:
        return ""
    return f"{found['scrollWidth']} px in {found['clientWidth']} px: " + ", ".join(
        found["culprits"]
    )


@pytest.mark.parametrize("role", ROLES)
def test_no_page_scrolls_sideways_on_a_phone(browser, e2e_demo, role):
    site = Site(e2e_demo)
    b = phone(browser())
    sign_in(b, role)

    failing = {}
    for stage in site.stages():
        for page, path in site.pages(role):
            open_page(b, page, path)
            if found := sideways(b):
                failing[f"{stage}: {page.name} {path}"] = found

    assert not failing, "\n".join(f"{where}: {found}" for where, found in failing.items())


def test_a_department_name_on_the_home_page_keeps_whole_words_on_a_phone(browser, e2e_demo):
    """The department's name gets at least five characters a line, not one."""
    b = phone(browser())
    sign_in(b, CLERK)
    b.get("/")

    cell = b.find(".report-list .report-department")
    line_height = float(
        b.driver.execute_script(
            "return parseFloat(getComputedStyle(arguments[0]).lineHeight)", cell
        )
    )
    lines = round(cell.size["height"] / line_height)
    assert cell.text == "浏阳市人大常委会机关"
    assert lines <= 2, f"{len(cell.text)} characters on {lines} lines"


def test_the_check_finds_a_page_wider_than_the_phone(browser, e2e_demo):
    """The walk above can fail: an element wider than the window is found and named."""
    b = phone(browser())
    sign_in(b, CLERK)
    b.get("/")
    assert sideways(b) == ""

    b.driver.execute_script(
        "const wide = document.createElement('div'); wide.id = 'too-wide';"
        "wide.style.width = '600px'; wide.textContent = 'x';"
        "document.querySelector('main').append(wide);"
    )

    assert "div#too-wide" in sideways(b)
