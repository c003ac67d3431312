"""Browser tests: the system Chromium and chromedriver (Debian packages), driven by Selenium."""

import os
import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

from reports.demo.load import demo_load

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
SCREENSHOTS = Path(os.environ.get("PERFEVAL_SCREENSHOT_DIR", "var/screenshots"))
# As root on a closed network: no sandbox, and none of Chromium's calls home.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    # Bootstrap scrolls smoothly unless the user asks for reduced motion: a click computed
    # during a smooth scroll lands beside its element (a flaky "click intercepted").
    "--force-prefers-reduced-motion",
)


class Browser:
    """A Chromium window with the few moves the tests need."""

    def __init__(self, live_server_url: str, width: int = 1280, height: int = 1000):
        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        for flag in (*FLAGS, f"--window-size={width},{height}"):
            options.add_argument(flag)
        # Keep the console (CSP refusals are reported there) for console_messages().
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
        self.driver = webdriver.Chrome(
            service=webdriver.ChromeService(executable_path=CHROMEDRIVER), options=options
        )
        self.url = live_server_url

    def get(self, path: str):
        self.driver.get(self.url + path)

    def find(self, selector: str):
        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def finds(self, selector: str):
        return self.driver.find_elements(By.CSS_SELECTOR, selector)

    def wait_for(self, selector: str, timeout: float = 10):
        return WebDriverWait(self.driver, timeout).until(
            EC.presence_of_element_located((By.CSS_SELECTOR, selector))
        )

    def click_and_wait(self, selector: str):
        """Click something that loads a new page, and wait until it has."""
        old = self.find("html")
        self.find(selector).click()

        def replaced(driver) -> bool:
            try:
                old.is_enabled()
            except WebDriverException:
                # Stale, or chromedriver's "node does not belong to the document" when it
                # asks in the middle of the swap: either way the old page is gone.
                return True
            return False

        WebDriverWait(self.driver, 10).until(replaced)
        WebDriverWait(self.driver, 10).until(
            lambda driver: driver.execute_script("return document.readyState") == "complete"
        )

    def type(self, selector: str, text: str):
        field = self.find(selector)
        field.clear()
        field.send_keys(text)

    @property
    def text(self) -> str:
        return self.find("body").text

    def login(self, username: str, password: str, next: str | None = "/"):
        """Sign in and open ``next`` (the home page); with None, the page the role lands on
        (perfeval.landing: the admin's queue for reviewers and administrators)."""
        self.get("/accounts/login/" + (f"?next={next}" if next else ""))
        self.type("#id_username", username)
        self.type("#id_password", password)
        self.click_and_wait("button[type=submit]")
        assert "/login/" not in self.driver.current_url, f"{username} could not sign in"
        if next:
            assert "退出登录" in self.text

    def screenshot(self, name: str, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        if full_page:
            height = self.driver.execute_script("return document.documentElement.scrollHeight")
            width = self.driver.get_window_size()["width"]
            self.driver.set_window_size(width, min(height + 150, 6000))
        self.driver.save_screenshot(str(path))
        return path

    def console_messages(self) -> list[str]:
        """What the page wrote to the console since the last call."""
        return [entry["message"] for entry in self.driver.get_log("browser")]

    def quit(self):
        self.driver.quit()


@pytest.fixture
def e2e_demo(transactional_db, django_db_serialized_rollback):
    # Transactional tests empty the database afterwards; serialized rollback brings back
    # what migrations put there (the standard framework, the role groups).
    return demo_load()


@pytest.fixture
def browser(live_server, e2e_demo):
    opened = []

    def make(width: int = 1280) -> Browser:
        b = Browser(live_server.url, width=width)
        opened.append(b)
        return b

    yield make
    for b in opened:
        b.quit()
