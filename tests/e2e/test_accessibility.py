"""Every page of every role passes axe-core with no serious or critical violation.

axe-core is the copy bundled in the ``axe-core-python`` package (a test dependency): loaded
into the page by the driver, never from a CDN. The pages are tests/e2e/site_pages.py's table.
"""

import pytest
from axe_core_python.base import AXE_SCRIPT

from tests.e2e.site_pages import ADMIN, ROLES, Site, open_page, sign_in

BLOCKING = ("serious", "critical")

RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ['violations']})
  .then(results => done(results.violations))
  .catch(error => done([{id: 'axe-error', impact: 'critical', help: String(error), nodes: []}]));
"""


def violations(b) -> list[str]:
    """The page's serious and critical violations, one line a rule: what, how many, where
    (the first few elements), and why for the first of them."""
    b.driver.execute_script(AXE_SCRIPT)
    b.driver.set_script_timeout(120)  # a big admin page under load takes a while
    found = []
    for rule in b.driver.execute_async_script(RUN_AXE):
        if rule["impact"] not in BLOCKING:
            continue
        nodes = rule["nodes"]
        where = ", ".join(" ".join(map(str, node["target"])) for node in nodes[:3])
        first = nodes[0] if nodes else {"html": "", "any": []}
        why = "; ".join(check["message"] for check in first.get("any", [])[:1])
        found.append(
            f"{rule['id']} ({rule['impact']}) x{len(nodes)}: {rule['help']}: {where}"
            f"{' …' if len(nodes) > 3 else ''} | {first['html'][:160]} | {why}"
        )
    return found


@pytest.mark.parametrize("role", ROLES)
def test_no_page_has_a_serious_or_critical_accessibility_violation(browser, e2e_demo, role):
    site = Site(e2e_demo)
    b = browser()
    sign_in(b, role)

    failing = {}
    for stage in site.stages():
        for page, path in site.pages(role):
            open_page(b, page, path)
            if found := violations(b):
                failing[f"{stage}: {page.name} {path}"] = found

    assert not failing, "\n".join(
        f"{where}\n  " + "\n  ".join(found) for where, found in failing.items()
    )


def test_the_check_finds_a_violation_when_there_is_one(browser, e2e_demo):
    """The walk above can fail: a text box without a label is reported as critical."""
    b = browser()
    sign_in(b, ADMIN)
    b.get("/")
    assert violations(b) == []

    b.driver.execute_script(
        "document.querySelector('main').insertAdjacentHTML('beforeend', '<input type=text>')"
    )

    assert any(v.startswith("label (critical)") for v in violations(b))
