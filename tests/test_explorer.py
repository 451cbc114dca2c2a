"""The explorer for legal staff (contract §11): pages, the event form, escaping, and ``quyche site``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Annotated, Literal

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'quyche[web]'")

from click.testing import CliRunner  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from pydantic import Field  # noqa: E402

from quyche.cli import main  # noqa: E402
from quyche.events import EVENT_TYPES, FIELD_SPECS, _field_specs  # noqa: E402
from quyche.events_base import EventBase  # noqa: E402
from quyche.labels import label  # noqa: E402
from quyche.regulation import Regulation  # noqa: E402
from quyche.web.app import create_app  # noqa: E402
from quyche.web.catalog import Catalog  # noqa: E402
from quyche.web.forms import event_fields, event_from_form  # noqa: E402
from quyche.web.site import site_files  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "tests" / "scenarios"
XSS = "<script>alert(1)</script>"


class Links(HTMLParser):
    """The href/src/action of every element, and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.scripts: list[dict[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src", "action") and value is not None:
                self.links.append(value)
        if tag == "script":
            self.scripts.append(dict(attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Links:
    p = Links()
    p.feed(html)
    return p


@pytest.fixture(scope="module")
def client(python_reg: Regulation) -> Iterator[TestClient]:
    with TestClient(create_app(python_reg, [SCENARIOS]), raise_server_exceptions=False) as c:
        yield c


# -- pages ---------------------------------------------------------------------------------------------


def test_index_lists_every_chapter_and_article(client: TestClient, python_reg: Regulation) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    links = parse(page.text).links
    for ch in python_reg.chapters:
        assert f"chuong-{ch.number}.html" in links
    for art in python_reg.articles:
        assert f"dieu-{art.number}.html" in links
    assert "Chương II. Nội dung phối hợp" in page.text
    assert 'lang="vi"' in page.text and "en/index.html" in links
    assert client.get("/index.html").text == page.text


def test_article_8_shows_text_rules_conditions_badges_and_scenarios(client: TestClient, python_reg: Regulation) -> None:
    page = client.get("/dieu-8.html").text
    article = next(a for a in python_reg.articles if a.number == 8)
    assert f"Điều 8. {article.title_vi}" in page
    assert "Nội dung điều (diễn giải, không phải văn bản ký)" in page
    for rule in python_reg.compiled.checked.rules:
        if rule.article == 8:
            assert f'id="{rule.id}"' in page
    assert "theo luật" in page and "Luật Tiếp công dân 42/2013/QH13, Điều 28 khoản 1" in page
    assert "suy luận, cần đối chiếu văn bản ký" in page
    assert "Áp dụng khi:" in page and "loại đơn là khiếu nại" in page
    assert "Tố cáo gửi Thường trực HĐND ngày 26/4/2024" in page  # a scenario of tests/scenarios/dieu_08.yaml
    assert "✓ Đạt" in page and "✗ Không đạt" not in page
    n = sum(1 for r in python_reg.compiled.checked.rules if r.article == 8)
    assert re.search(rf"{n}/{n} quy định của điều có kịch bản kiểm thử; \d+ kịch bản \(\d+ đạt, 0 không đạt\)", page)


def test_the_citizen_is_told_not_sent_documents_on_the_article_page(client: TestClient) -> None:
    """As in quyche explain: the citizen (and the public) under "Thông báo, công khai", never under "Gửi để biết"."""
    page = client.get("/dieu-8.html").text
    card = page.split("dieu_08.competent_party_settles", 1)[1].split("</dl>", 1)[0]
    assert "<dt>Thông báo, công khai</dt>" in card and label("citizen") in card
    assert "<dt>Gửi để biết</dt>" not in card


def test_english_pages_mirror_the_vietnamese_ones(client: TestClient) -> None:
    en = client.get("/en/dieu-8.html")
    assert en.status_code == 200
    assert 'lang="en"' in en.text and "Article 8. Receiving, handling and supervising" in en.text
    assert "from national law" in en.text and "inferred; check against the signed text" in en.text
    links = parse(en.text).links
    assert "../dieu-8.html" in links and "../static/quyche.css" in links
    assert client.get("/en/").status_code == 200
    assert client.get("/en", follow_redirects=False).headers["location"] == "/en/"


def test_chapter_pages(client: TestClient) -> None:
    page = client.get("/chuong-6.html").text
    assert "Chương VI." in page and "dieu-19.html" in page and "dieu-20.html" in page
    assert client.get("/chuong-9.html").status_code == 404
    assert client.get("/dieu-24.html").status_code == 404
    missing = client.get("/en/nothing.html")
    assert missing.status_code == 404 and "Page not found" in missing.text and '<base href="/en/">' in missing.text


def test_pages_load_nothing_from_elsewhere_and_no_inline_script(client: TestClient) -> None:
    for path in ("/", "/dieu-8.html", "/en/chuong-2.html", "/su-kien.html?type=petition_received"):
        parsed = parse(client.get(path).text)
        for link in parsed.links:
            assert not re.match(r"^(https?:)?//", link), (path, link)
        for script in parsed.scripts:
            assert script.get("src"), f"inline script on {path}"
        assert "style=" not in client.get(path).text


# -- the form --------------------------------------------------------------------------------------------


def test_the_form_offers_every_event_type_and_every_field(client: TestClient) -> None:
    page = client.get("/su-kien.html").text
    for event_type in EVENT_TYPES:
        assert f'value="{event_type}"' in page
    for event_type, specs in FIELD_SPECS.items():
        page = client.get("/su-kien.html", params={"type": event_type}).text
        for name in specs:
            assert f'name="{name}"' in page, (event_type, name)


def test_a_complaint_submitted_through_the_form(client: TestClient, python_reg: Regulation) -> None:
    form = {
        "type": "petition_received",
        "received_by": "btt_ubmttq",
        "kind": "complaint",
        "competent_body": "ubnd",
        "date": "2024-03-04",
        "round": "",
        "complex": "",
        "id": "HS-2024-0012",
    }
    page = client.post("/su-kien.html", data=form)
    assert page.status_code == 200
    decision = python_reg.evaluate({k: v for k, v in form.items() if v})
    assert decision.lead == "ubnd"
    assert 'data-party="ubnd"' in page.text and f"<strong>{label('ubnd')}</strong>" in page.text
    assert "Căn cứ áp dụng" in page.text and "Quy định không áp dụng và lý do" in page.text
    assert "Chưa đáp ứng:</span> loại đơn là tố cáo" in page.text  # why dieu_08.denunciation_* did not fire
    assert "sự kiện nêu: loại đơn: khiếu nại" in page.text
    assert "trong thời hạn 10 ngày làm việc kể từ" in page.text
    assert 'value="btt_ubmttq" selected' in page.text  # the form keeps what was entered
    assert "citizen" in decision.notified  # told the result: under "Thông báo, công khai", as quyche explain has it
    informed = page.text.split('<dd id="informed">', 1)[1].split("</dd>", 1)[0]
    sent = page.text.split('<dd id="notified">', 1)[1].split("</dd>", 1)[0]
    assert label("citizen") in informed and label("citizen") not in sent
    assert "<dt>Thông báo, công khai</dt>" in page.text and "Ngày làm căn cứ áp dụng" in page.text
    english = client.post("/en/su-kien.html", data=form).text
    assert "Lead body (chủ trì): <strong>Provincial People&#39;s Committee</strong>" in english
    assert "Rules that did not apply, and why" in english


def test_the_form_reports_an_invalid_event_like_the_library(client: TestClient) -> None:
    page = client.post("/su-kien.html", data={"type": "petition_received", "received_by": "ubnd"})
    assert page.status_code == 422
    assert "Sự kiện chưa hợp lệ" in page.text and "kind: field required" in page.text
    bad_type = client.get("/su-kien.html", params={"type": "petition"})
    assert bad_type.status_code == 422 and "did you mean" in bad_type.text
    bad_year = client.post("/su-kien.html", data={"type": "annual_review", "year": "hai nghìn"})
    assert bad_year.status_code == 422 and "year" in bad_year.text


def test_a_form_with_too_many_fields_is_refused(client: TestClient) -> None:
    body = "type=annual_review&" + "&".join(f"x{i}=1" for i in range(2000))
    page = client.post("/su-kien.html", content=body, headers={"content-type": "application/x-www-form-urlencoded"})
    assert page.status_code == 422 and "too many form fields" in page.text


def test_event_from_form_types_values_as_the_models_expect() -> None:
    pairs = [("type", "petition_received"), ("round", "2"), ("complex", "true"), ("remote_area", "false"), ("x", "y")]
    assert event_from_form("petition_received", pairs) == {
        "type": "petition_received",
        "round": 2,
        "complex": True,
        "remote_area": False,
    }
    pairs = [("articles", "8"), ("articles", "19"), ("proposed_by", "ubnd"), ("date", "")]
    assert event_from_form("amendment_proposed", pairs) == {
        "type": "amendment_proposed",
        "articles": [8, 19],
        "proposed_by": "ubnd",
    }
    assert event_from_form("annual_review", [("year", "2024")]) == {"type": "annual_review", "year": 2024}
    assert event_from_form("annual_review", [("year", "x")]) == {"type": "annual_review", "year": "x"}


def test_a_new_field_and_its_descriptions_appear_without_new_html(
    python_reg: Regulation, monkeypatch: pytest.MonkeyPatch
) -> None:
    class InspectionVisit(EventBase):
        """A test-only event type with documented fields."""

        type: Literal["inspection_visit"]
        visited: Annotated[
            Literal["ubnd", "tt_hdnd"],
            Field(
                description="the body visited",
                json_schema_extra={"description_vi": "cơ quan được đến làm việc"},
            ),
        ]
        visit_date: Annotated[str | None, Field(description="free text")] = None

    monkeypatch.setitem(EVENT_TYPES, "inspection_visit", InspectionVisit)
    monkeypatch.setitem(FIELD_SPECS, "inspection_visit", _field_specs(InspectionVisit))
    names = [f.name for f in event_fields("inspection_visit")]
    assert names == ["visited", "visit_date", "date", "id"]
    with TestClient(create_app(python_reg, []), raise_server_exceptions=False) as c:
        vi = c.get("/su-kien.html", params={"type": "inspection_visit"}).text
        en = c.get("/en/su-kien.html", params={"type": "inspection_visit"}).text
    assert 'name="visited"' in vi and 'name="visit_date"' in vi
    assert "cơ quan được đến làm việc" in vi and "the body visited" in en
    assert '<option value="tt_hdnd">Thường trực Hội đồng nhân dân tỉnh</option>' in vi


# -- escaping --------------------------------------------------------------------------------------------


def test_an_event_id_with_a_script_shows_as_text(client: TestClient) -> None:
    form = {"type": "annual_review", "year": "2024", "id": XSS}
    page = client.post("/su-kien.html", data=form).text
    assert XSS not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert client.get("/su-kien.html", params={"type": XSS}).text.count("<script>") == 0


def test_a_scenario_name_with_markup_shows_as_text(python_reg: Regulation, tmp_path: Path) -> None:
    (tmp_path / "x.yaml").write_text(
        "scenarios:\n"
        '  - name: "<img src=x onerror=alert(1)> UBND tỉnh chủ trì năm 2024"\n'
        "    event: {type: annual_review, year: 2024}\n"
        "    expect: {lead: ubnd}\n",
        encoding="utf-8",
    )
    with TestClient(create_app(python_reg, [tmp_path]), raise_server_exceptions=False) as c:
        page = c.get("/dieu-19.html").text
        api = c.get("/v1/articles/19").json()
    assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
    assert api["scenarios"][0]["name"].startswith("<img src=x")  # JSON carries the text as it is


# -- the catalog's why-not -------------------------------------------------------------------------------


def test_every_rule_of_the_type_either_fired_or_is_explained(python_reg: Regulation) -> None:
    catalog = Catalog(python_reg, [])
    for event in (
        {"type": "petition_received", "received_by": "ubnd", "kind": "denunciation", "competent_body": "ubnd"},
        {"type": "annual_review", "year": 2031},
    ):
        ev = catalog.evaluate(event)
        fired = {f.rule.id for f in ev.fired}
        not_fired = {n.rule.id for n in ev.not_fired}
        of_type = {r.id for r in python_reg.compiled.checked.rules if event["type"] in r.event_types}
        assert fired | not_fired == of_type and not fired & not_fired
        assert fired == {t.rule for t in ev.decision.trace}
        for n in ev.not_fired:
            assert n.failed, n.rule.id  # each says which condition the event did not meet


# -- quyche site -----------------------------------------------------------------------------------------


def test_site_writes_a_page_per_chapter_and_article_with_relative_links(tmp_path: Path, python_reg: Regulation) -> None:
    out = tmp_path / "site"
    result = CliRunner().invoke(main, ["site", str(out), "--scenarios", str(SCENARIOS)])
    assert result.exit_code == 0, result.output
    for prefix in ("", "en/"):
        assert (out / f"{prefix}index.html").is_file()
        for ch in python_reg.chapters:
            assert (out / f"{prefix}chuong-{ch.number}.html").is_file()
        for art in python_reg.articles:
            assert (out / f"{prefix}dieu-{art.number}.html").is_file()
    assert (out / "static" / "quyche.css").is_file()
    for page in out.rglob("*.html"):
        parsed = parse(page.read_text(encoding="utf-8"))
        assert not parsed.scripts, page
        for link in parsed.links:
            assert not link.startswith("/") and "://" not in link, (page, link)
            path, _, fragment = link.partition("#")
            target = (page.parent / path).resolve()
            assert target.is_file(), (page, link)
            if fragment:
                assert f'id="{fragment}"' in target.read_text(encoding="utf-8"), (page, link)
    form = (out / "su-kien.html").read_text(encoding="utf-8")
    assert "quyche serve" in form and "<form" not in form
    assert "received_by" in form  # the fields of each type, for reading


def test_site_files_match_the_served_pages(python_reg: Regulation, client: TestClient) -> None:
    files = site_files(python_reg, [SCENARIOS])
    served = client.get("/dieu-8.html").text
    static = files["dieu-8.html"].decode("utf-8")
    assert static == served  # the same page, with the same relative links


def test_site_reports_an_unwritable_folder(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = CliRunner().invoke(main, ["site", str(blocker / "sub")])
    assert result.exit_code == 2 and result.stderr.startswith("error: cannot write the site to ")
    assert "Traceback" not in result.output
