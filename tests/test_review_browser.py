"""The review pages in a real browser: headless Chromium, no network, from file:// URLs.

Needs Debian's `chromium` and `chromium-driver` (`.ci/run` installs them) and selenium (the test
extra); ZH_EXTRACTOR_CHROMIUM and ZH_EXTRACTOR_CHROMEDRIVER point elsewhere. Skips, saying why,
where no browser can be started.
"""

from __future__ import annotations

import io
import os
import shutil

import pytest

from extractor.review import report_page

from .conftest import CORPUS

ARTICLE = CORPUS / "003_db721301c3884bac.txt"


def _find(env: str, *names: str) -> str | None:
    for name in ([os.environ[env]] if os.environ.get(env) else names):
        path = shutil.which(name) or (name if os.path.isfile(name) else None)
        if path:
            return path
    return None


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    try:
        from selenium import webdriver
        from selenium.common.exceptions import WebDriverException
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        pytest.skip("browser test skipped: selenium is not installed (pip install '.[test]')")
    binary = _find("ZH_EXTRACTOR_CHROMIUM", "chromium", "/usr/bin/chromium", "chromium-browser")
    driver_path = _find("ZH_EXTRACTOR_CHROMEDRIVER", "chromedriver", "/usr/bin/chromedriver")
    if not binary or not driver_path:
        pytest.skip("browser test skipped: no headless Chromium here "
                    "(apt-get install chromium chromium-driver; .ci/run does this)")
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
                "--disable-default-apps", "--disable-extensions", "--window-size=1400,1000",
                "--proxy-server=http://127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND",
                f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    os.environ.setdefault("SE_AVOID_STATS", "true")
    try:
        driver = webdriver.Chrome(service=Service(driver_path), options=options)
    except WebDriverException as exc:  # installed but broken is a failure, not a skip
        pytest.fail(f"Chromium ({binary}, {driver_path}) did not start: {exc.msg}")
    driver.set_page_load_timeout(20)
    yield driver
    driver.quit()


def _errors(driver) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def _distinct_colours(png: bytes) -> int:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as img:
        return len(img.convert("RGB").getcolors(maxcolors=1 << 20) or ())


def test_article_page_card_filters_and_screenshot(browser, pipe, tmp_path):
    from selenium.webdriver.common.by import By

    review = pipe.review(ARTICLE.read_text(encoding="utf-8"), "003")
    page = review.save(tmp_path / "article.html")
    browser.get(page.as_uri())
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0

    # a click on a highlighted target quantity shows its card, its indicator and its table row
    q = next(m for m in review.marks if m.text == "突破8000亿元")
    seg = browser.find_element(By.CSS_SELECTOR, f'.zhx-text [data-ids~="{q.id}"]')
    seg.click()
    card = browser.find_element(By.CSS_SELECTOR, ".zhx-card")
    assert card.is_displayed()
    assert "800,000,000,000" in card.text and "新签约项目总额" in card.text and "unit.money.cny" in card.text
    lit = browser.find_elements(By.CSS_SELECTOR, ".zhx-text .zhx-rel-ind")
    assert "".join(e.text for e in lit) == q.record["indicator"]
    assert browser.find_elements(By.CSS_SELECTOR, ".zhx-text .zhx-rel-subj")
    row = browser.find_element(By.CSS_SELECTOR, "tr.zhx-row-sel")
    assert row.get_attribute("data-id") == q.id

    # filters: targets only, then by indicator
    rows = "return [...document.querySelectorAll('.zhx-records tbody tr')].filter(r => !r.hidden).length"
    assert browser.execute_script(rows) == len(review.marks)
    browser.find_element(By.CSS_SELECTOR, '[data-filter="flag"][data-key="target"]').click()
    targets = sum(m.is_target for m in review.marks)
    assert browser.execute_script(rows) == targets
    assert browser.find_element(By.CSS_SELECTOR, ".zhx-count").text == f"{targets} of {len(review.marks)}"
    browser.find_element(By.CSS_SELECTOR, '[data-filter="contains"][data-key="ind"]').send_keys("新签约")
    assert browser.execute_script(rows) == sum(m.is_target and "新签约" in m.what() for m in review.marks) > 0

    # a row jumps to its place in the text
    other = next(m for m in review.marks if m.type == "quantity" and m.kind == "target" and m is not q)
    browser.find_element(By.CSS_SELECTOR, '[data-filter="contains"][data-key="ind"]').clear()
    browser.execute_script("arguments[0].dispatchEvent(new Event('input'))",
                           browser.find_element(By.CSS_SELECTOR, '[data-filter="contains"]'))
    browser.find_element(By.CSS_SELECTOR, f'tr[data-id="{other.id}"]').click()
    assert other.text in browser.find_element(By.CSS_SELECTOR, ".zhx-card").text
    sel = browser.find_elements(By.CSS_SELECTOR, ".zhx-text .zhx-sel")
    assert "".join(e.text for e in sel) == other.text

    shot = tmp_path / "article.png"
    assert browser.save_screenshot(str(shot))
    assert _distinct_colours(shot.read_bytes()) > 20, "the screenshot is blank"
    assert _errors(browser) == []


def test_report_page_filters_and_exports(browser, tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.select import Select

    from extractor.review import load_records

    records_path = tmp_path / "records.jsonl"
    from typer.testing import CliRunner

    import cli

    assert CliRunner().invoke(cli.app, ["extract", str(CORPUS), "-o", str(records_path), "-q"]).exit_code == 0
    records, errors = load_records([records_path])
    page = tmp_path / "report.html"
    page.write_text(report_page(records, errors=errors), encoding="utf-8")
    browser.get(page.as_uri())
    assert browser.execute_script("return performance.getEntriesByType('resource').length") == 0

    targets = [r for r in records if r["type"] == "quantity" and r["kind"] == "target"]
    rows = "return [...document.querySelectorAll('.zhx-records tbody tr')].filter(r => !r.hidden).length"
    assert browser.execute_script(rows) == len(targets)
    subject = max({r["subject"] for r in targets}, key=lambda s: sum(r["subject"] == s for r in targets))
    Select(browser.find_element(By.CSS_SELECTOR, '[data-key="subject"]')).select_by_value(subject)
    expected = sum(r["subject"] == subject for r in targets)
    assert browser.execute_script(rows) == expected
    csv = browser.execute_script("return document.getElementById('zhx-report').zhx.csv()")
    lines = csv.strip("\r\n").split("\r\n")
    assert lines[0].startswith("subject,period,period_norm,indicator,value") and len(lines) == expected + 1
    assert all(subject in line for line in lines[1:])
    browser.find_element(By.CSS_SELECTOR, '[data-filter="include"]').click()
    statements = sum(r["type"] == "target" and r.get("subject") == subject for r in records)
    assert browser.execute_script(rows) == expected + statements
    assert _distinct_colours(browser.get_screenshot_as_png()) > 20
    assert _errors(browser) == []


def test_two_notebook_views_on_one_page_work_apart(browser, pipe, tmp_path):
    """As in a notebook: two outputs side by side, each with its own script and card."""
    from selenium.webdriver.common.by import By

    one = pipe.review("力争新签约项目总额突破8000亿元。")
    two = pipe.review("今年上半年货邮吞吐量49.5万吨。")
    page = tmp_path / "notebook.html"
    page.write_text('<!DOCTYPE html><meta charset="utf-8"><body>'
                    f"{one._repr_html_()}<p>next cell</p>{two._repr_html_()}", encoding="utf-8")
    browser.get(page.as_uri())
    roots = browser.find_elements(By.CSS_SELECTOR, "div.zhx")
    assert len(roots) == 2
    roots[1].find_element(By.CSS_SELECTOR, ".zhx-text .zhx-q").click()
    cards = [r.find_element(By.CSS_SELECTOR, ".zhx-card") for r in roots]
    assert not cards[0].is_displayed() and cards[1].is_displayed()
    assert "495,000,000 kg" in cards[1].text
    assert _errors(browser) == []
