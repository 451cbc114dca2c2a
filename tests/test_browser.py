"""The explorer in a real browser: Debian's headless Chromium driven by Playwright (no browser download).

``quyche serve`` runs as a subprocess on a free local port; the test opens the contents, goes to
Article 8, submits the form with a complaint and reads the lead in the page, switches to English, and
opens the static site (``quyche site``) from disk. Screenshots go to ``tests/output/screenshots/``
(look at them: they are what a legal officer sees). Without Chromium the tests are skipped: install it
with ``apt-get install -y chromium`` (``.ci/run`` does so when it runs as root).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = os.environ.get("QUYCHE_CHROMIUM", "/usr/bin/chromium")
if not Path(CHROMIUM).exists():
    pytest.skip(
        f"no Chromium at {CHROMIUM}: install Debian's package (apt-get install -y chromium) to run the browser tests",
        allow_module_level=True,
    )
pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: pip install -e '.[dev]'")
pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'quyche[web]'")

from live_server import LiveServer  # noqa: E402
from playwright.sync_api import Page, sync_playwright  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "tests" / "output" / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-default-apps",
]
HEADER_COLOUR = "getComputedStyle(document.querySelector('header.site')).backgroundColor"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    with LiveServer("--scenarios", str(ROOT / "tests" / "scenarios")) as s:
        yield s


@pytest.fixture(scope="module")
def browser_page(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Page, list[str], list[str]]]:
    SHOTS.mkdir(parents=True, exist_ok=True)
    profile = tmp_path_factory.mktemp("chromium-profile")  # a fresh user-data dir
    with sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            headless=True,
            args=ARGS,
            viewport={"width": 1280, "height": 900},
            locale="vi-VN",
        )
        page = context.new_page()
        requests: list[str] = []
        console: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        page.on("console", lambda m: console.append(f"{m.type}: {m.text}"))
        page.set_default_timeout(30_000)
        yield page, requests, console
        context.close()


def shot(page: Page, name: str, *, full: bool = False) -> Path:
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full)
    assert path.stat().st_size > 10_000, f"{path} looks empty"
    return path


def local_only(requests: list[str], server: LiveServer | None = None) -> None:
    allowed = ("file://", server.url + "/") if server else ("file://",)
    strays = [u for u in requests if not u.startswith(allowed) and not u.startswith("data:")]
    assert strays == [], f"requests outside the local server: {strays}"


def test_legal_officer_reads_article_8_and_tries_a_complaint(
    server: LiveServer, browser_page: tuple[Page, list[str], list[str]]
) -> None:
    page, requests, console = browser_page
    page.goto(server.url + "/")
    assert page.locator("h1").inner_text().startswith("Quy chế phối hợp công tác giữa Đoàn đại biểu Quốc hội tỉnh")
    assert page.evaluate(HEADER_COLOUR) == "rgb(138, 28, 28)"  # the stylesheet loaded
    shot(page, "01-index")

    page.get_by_role("link", name="Điều 8. Phối hợp tiếp nhận").click()
    page.wait_for_url("**/dieu-8.html")
    assert page.locator("h1").inner_text().startswith("Điều 8. Phối hợp tiếp nhận, xử lý và giám sát")
    rule = page.locator("article.rule#dieu_08\\.answer_citizen")
    assert "theo luật" in rule.inner_text() and "Luật Tiếp công dân 42/2013/QH13" in rule.inner_text()
    assert page.locator(".article-scenarios tbody tr").count() >= 10
    assert page.locator(".article-scenarios .fail").count() == 0
    shot(page, "02-article-8")
    rule.scroll_into_view_if_needed()
    shot(page, "03-article-8-rule-with-law-basis")

    page.get_by_role("link", name="Thử áp dụng cho một sự kiện").click()
    page.select_option("#type", "petition_received")  # the small script submits the choice
    page.wait_for_selector("form.event")
    page.select_option("#f-received_by", "btt_ubmttq")
    page.select_option("#f-kind", "complaint")
    page.select_option("#f-competent_body", "ubnd")
    page.fill("#f-date", "2024-03-04")
    page.fill("#f-id", "HS-2024-0012")
    shot(page, "04-form-filled")
    page.click("#evaluate")
    page.wait_for_selector("#lead")
    lead = page.locator("#lead")
    assert lead.get_attribute("data-party") == "ubnd"
    assert "Cơ quan chủ trì: Ủy ban nhân dân tỉnh" in lead.inner_text()
    assert "Ban Thường trực Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh" in page.locator("#coordinating").inner_text()
    assert page.locator(".why-not > li").count() > 5
    assert page.evaluate("location.hash") == "#result"  # the page opens at the result
    shot(page, "05-form-result")
    page.evaluate("document.getElementById('why-not').scrollIntoView()")
    shot(page, "06-form-why-not")

    page.goto(server.url + "/dieu-8.html")
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/dieu-8.html")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text().startswith("Article 8. Receiving, handling and supervising")
    assert "from national law" in page.locator("article.rule#dieu_08\\.answer_citizen").inner_text()
    shot(page, "07-article-8-en")

    page.goto(server.url + "/en/su-kien.html?type=petition_received")
    page.select_option("#f-received_by", "doan_dbqh")
    page.select_option("#f-kind", "denunciation")
    page.select_option("#f-competent_body", "central")
    page.click("#evaluate")
    page.wait_for_selector("#lead")
    # a case within central competence is handled, forwarded and followed up by the body that received it
    assert page.locator("#lead").get_attribute("data-party") == "doan_dbqh"
    assert "Provincial National Assembly Delegation" in page.locator("#lead").inner_text()
    shot(page, "08-form-result-en-central")

    page.goto(server.url + "/en/su-kien.html?type=annual_review")
    page.fill("#f-year", "2031")
    page.click("#evaluate")
    page.wait_for_selector("#lead")
    assert page.locator("#lead").get_attribute("data-party") == ""
    assert "No lead body" in page.locator("#lead").inner_text()
    assert "review_year_unscheduled" in page.locator(".result .warnings").inner_text()
    shot(page, "09-form-result-en-no-lead")

    local_only(requests, server)
    assert not [c for c in console if "Content Security Policy" in c or c.startswith("error")], console


def test_event_id_with_a_script_is_shown_as_text(server: LiveServer, browser_page: tuple[Page, list[str], Any]) -> None:
    page, _, _ = browser_page
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(server.url + "/su-kien.html?type=annual_review")
    page.fill("#f-year", "2024")
    page.fill("#f-id", "<script>alert(1)</script>")
    page.click("#evaluate")
    page.wait_for_selector("#event-id")
    assert page.locator("#event-id").inner_text() == "<script>alert(1)</script>"
    assert dialogs == []
    shot(page, "09-script-id-as-text")


def test_static_site_opens_from_disk(tmp_path: Path, browser_page: tuple[Page, list[str], Any]) -> None:
    page, requests, _ = browser_page
    out = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "quyche", "site", str(out)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    requests.clear()
    page.goto((out / "index.html").as_uri())
    assert page.evaluate(HEADER_COLOUR) == "rgb(138, 28, 28)"  # the stylesheet loaded
    page.get_by_role("link", name="Chương II. Nội dung phối hợp").click()
    page.wait_for_url("**/chuong-2.html")
    page.get_by_role("link", name="Điều 8. Phối hợp tiếp nhận").first.click()
    page.wait_for_url("**/dieu-8.html")
    assert page.locator("h1").inner_text().startswith("Điều 8.")
    shot(page, "10-site-article-8-from-disk")
    page.get_by_role("link", name="English").click()
    page.wait_for_url("**/en/dieu-8.html")
    assert page.locator("h1").inner_text().startswith("Article 8.")
    page.get_by_role("link", name="Try an event").click()
    assert "The form needs the quyche server" in page.locator(".notice").inner_text()
    shot(page, "11-site-form-needs-server")
    local_only(requests)
    shutil.rmtree(out)
