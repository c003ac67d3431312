"""Nothing typed is lost: leaving with unsaved input asks first, and input left in a closed tab
is offered back when the clerk returns."""

from selenium.webdriver.support.ui import WebDriverWait

from reports.models import Report

STORED = "资产管理制度健全。"
PERFORMANCE_TAB = ".editor-nav a[href$='/edit/performance/']"
TYPED = "新增固定资产 12 项，已全部登记入账。"


def open_assets(b, report):
    b.get(f"/reports/{report.pk}/edit/assets/")
    b.wait_for("#draft-banner")


def wait_for_draft(b, section: str, text: str):
    """Until the browser keeps ``text`` as the section's draft."""
    script = (
        "var text = arguments[0];"
        "return Object.keys(localStorage).filter(function (k) {"
        f"  return k.endsWith(':{section}') && localStorage.getItem(k).indexOf(text) >= 0;"
        "}).length"
    )
    WebDriverWait(b.driver, 10).until(lambda driver: driver.execute_script(script, text))


def drafts(b) -> list[str]:
    return b.driver.execute_script(
        "return Object.keys(localStorage).filter(function (k) {"
        "  return k.indexOf('perfeval.draft:') === 0; })"
    )


def leave_dialog(b):
    dialog = b.find("#leave-dialog")
    WebDriverWait(b.driver, 5).until(lambda driver: dialog.is_displayed())
    return dialog


def stored_assets() -> str:
    return Report.objects.get(year=2022).asset_management


def clerk_on_assets(browser, e2e_demo, text=STORED):
    Report.objects.filter(pk=e2e_demo.report.pk).update(asset_management=text)
    b = browser()
    b.login("clerk", "demo-clerk-2022")
    open_assets(b, e2e_demo.report)
    return b


def test_clicking_another_tab_with_unsaved_text_asks_first(browser, e2e_demo):
    b = clerk_on_assets(browser, e2e_demo)
    b.type('[name="asset_management"]', TYPED)

    b.find(PERFORMANCE_TAB).click()

    dialog = leave_dialog(b)
    assert "您有未保存的修改" in dialog.text
    assert (
        "保存后离开" in dialog.text and "不保存，离开" in dialog.text and "留在本页" in dialog.text
    )
    assert b.driver.current_url.endswith("/edit/assets/")

    # 留在本页: the text is still there, nothing saved.
    b.find('#leave-dialog [data-leave="stay"]').click()
    assert not dialog.is_displayed()
    assert b.driver.current_url.endswith("/edit/assets/")
    assert b.find('[name="asset_management"]').get_attribute("value") == TYPED
    assert b.find("#save-state").text == "有未保存的修改"
    assert stored_assets() == STORED


def test_leaving_without_saving_goes_and_keeps_nothing(browser, e2e_demo):
    b = clerk_on_assets(browser, e2e_demo)
    b.type('[name="asset_management"]', TYPED)
    wait_for_draft(b, "assets", TYPED)

    b.find(PERFORMANCE_TAB).click()
    leave_dialog(b)
    b.click_and_wait('#leave-dialog [data-leave="discard"]')

    assert b.driver.current_url.endswith("/edit/performance/")
    assert stored_assets() == STORED
    assert drafts(b) == []
    open_assets(b, e2e_demo.report)
    assert not b.find("#draft-banner").is_displayed()


def test_save_then_leave_saves_and_goes_where_the_clerk_clicked(browser, e2e_demo):
    b = clerk_on_assets(browser, e2e_demo)
    b.type('[name="asset_management"]', TYPED)

    b.find(PERFORMANCE_TAB).click()
    leave_dialog(b)
    b.find('#leave-dialog [data-leave="save"]').click()

    WebDriverWait(b.driver, 10).until(lambda d: d.current_url.endswith("/edit/performance/"))
    assert stored_assets() == TYPED
    assert drafts(b) == []


def test_signing_out_with_unsaved_text_asks_and_can_save_first(browser, e2e_demo):
    b = clerk_on_assets(browser, e2e_demo)
    b.type('[name="asset_management"]', TYPED)

    b.find("form[action$='/logout/'] button").click()
    leave_dialog(b)
    assert "退出登录" in b.text  # still signed in, on the page
    b.find('#leave-dialog [data-leave="save"]').click()

    WebDriverWait(b.driver, 10).until(lambda d: "/login/" in d.current_url)
    assert stored_assets() == TYPED


def test_save_then_leave_stays_when_the_save_is_refused(browser, e2e_demo):
    b = browser()
    b.login("clerk", "demo-clerk-2022")
    b.get(f"/reports/{e2e_demo.report.pk}/edit/money/")
    b.type('[name="income-0-actual"]', "两千四百")

    b.find(PERFORMANCE_TAB).click()
    leave_dialog(b)
    b.click_and_wait('#leave-dialog [data-leave="save"]')

    assert b.driver.current_url.endswith("/edit/money/")
    assert "尚未保存" in b.text
    assert b.find("#save-state").text == "未保存：请改正标红的栏目后再点击“保存”。"
    assert b.find('[name="income-0-actual"]').get_attribute("value") == "两千四百"
    # Still not saved: still kept in the browser, and leaving still asks.
    wait_for_draft(b, "money", "两千四百")
    b.find(PERFORMANCE_TAB).click()
    leave_dialog(b)


def test_text_left_in_a_closed_tab_is_offered_when_the_clerk_comes_back(browser, e2e_demo):
    b = clerk_on_assets(browser, e2e_demo)
    first = b.driver.current_window_handle
    b.driver.switch_to.new_window("tab")
    open_assets(b, e2e_demo.report)
    b.type('[name="asset_management"]', TYPED)
    b.driver.close()  # no save
    b.driver.switch_to.window(first)

    open_assets(b, e2e_demo.report)
    banner = b.find("#draft-banner")
    assert banner.is_displayed()
    assert "发现上次未保存的内容（" in banner.text
    assert b.find("#draft-time").text[:2] == "20"  # 2026-01-31 09:30
    # The form shows what is saved until the clerk restores.
    assert b.find('[name="asset_management"]').get_attribute("value") == STORED

    b.find("#draft-restore").click()
    assert not banner.is_displayed()
    assert b.find('[name="asset_management"]').get_attribute("value") == TYPED
    assert b.find("#section-form").get_attribute("data-dirty") == "true"
    assert b.find("#save-state").text == "有未保存的修改"

    b.click_and_wait("#section-form button[type=submit]")
    assert "已保存“资产管理”" in b.text
    assert b.find("#save-state").text == "已保存"
    assert stored_assets() == TYPED
    assert drafts(b) == []
    open_assets(b, e2e_demo.report)
    assert not b.find("#draft-banner").is_displayed()


def test_a_draft_can_be_discarded(browser, e2e_demo):
    b = clerk_on_assets(browser, e2e_demo)
    b.type('[name="asset_management"]', TYPED)
    wait_for_draft(b, "assets", TYPED)
    b.driver.get("about:blank")

    open_assets(b, e2e_demo.report)
    b.find("#draft-discard").click()

    assert not b.find("#draft-banner").is_displayed()
    assert b.find('[name="asset_management"]').get_attribute("value") == STORED
    assert drafts(b) == []


def test_rows_added_in_the_browser_come_back_with_the_draft(browser, e2e_demo):
    b = browser()
    b.login("clerk", "demo-clerk-2022")
    b.get(f"/reports/{e2e_demo.report.pk}/edit/money/")
    rows = len(b.finds('[data-formset-body="income"] tr'))
    b.find('[data-add-row="income"]').send_keys("\n")
    new = rows  # formset rows count from 0
    b.type(f'[name="income-{new}-actual"]', "12.30")
    b.type(f'[name="income-{new}-description"]', "上年结转")
    wait_for_draft(b, "money", "上年结转")
    b.driver.get("about:blank")

    b.get(f"/reports/{e2e_demo.report.pk}/edit/money/")
    assert len(b.finds('[data-formset-body="income"] tr')) == rows
    b.find("#draft-restore").click()

    assert len(b.finds('[data-formset-body="income"] tr')) == rows + 1
    assert b.find(f'[name="income-{new}-actual"]').get_attribute("value") == "12.30"
    assert b.find(f'[name="income-{new}-description"]').get_attribute("value") == "上年结转"


def test_input_kept_over_an_expired_session_still_counts_as_unsaved(browser, e2e_demo):
    b = clerk_on_assets(browser, e2e_demo)
    b.type('[name="asset_management"]', TYPED)
    b.driver.delete_cookie("sessionid")  # the session ran out while the clerk typed
    b.click_and_wait("#section-form button[type=submit]")
    b.type("#id_username", "clerk")
    b.type("#id_password", "demo-clerk-2022")
    b.click_and_wait("button[type=submit]")

    assert b.driver.current_url.endswith("/edit/assets/")
    assert "已恢复您上次提交但未保存的内容" in b.text
    assert b.find('[name="asset_management"]').get_attribute("value") == TYPED
    assert b.find("#save-state").text == "未保存：请核对后再点击“保存”。"
    b.find(PERFORMANCE_TAB).click()
    leave_dialog(b)
    assert stored_assets() == STORED
