"""The JSON API of ``quyche serve`` (contract §11), through FastAPI's test client.

Every answer is compared with the library's own (``Regulation.evaluate``, ``explain``, ``InvalidEvent``);
the OpenAPI description is checked against the pydantic models it must come from.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'quyche[web]'")

from fastapi.testclient import TestClient  # noqa: E402

from quyche import Decision, InvalidEvent  # noqa: E402
from quyche.explain import explain  # noqa: E402
from quyche.regulation import Regulation  # noqa: E402
from quyche.testing import event_mix, events, invalid_events  # noqa: E402
from quyche.web.app import CSP, MAX_BODY, create_app  # noqa: E402
from quyche.web.catalog import ArticleView  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "tests" / "scenarios"
COMPLAINT = {"type": "petition_received", "received_by": "btt_ubmttq", "kind": "complaint", "competent_body": "ubnd"}


@pytest.fixture(scope="module", params=["python", "durable"])
def served(request: pytest.FixtureRequest, python_reg: Regulation, durable_reg: Regulation) -> Iterator[Any]:
    reg = python_reg if request.param == "python" else durable_reg
    with TestClient(create_app(reg, [SCENARIOS]), raise_server_exceptions=False) as client:
        yield client, reg


@pytest.fixture(scope="module")
def client(python_reg: Regulation) -> Iterator[TestClient]:
    with TestClient(create_app(python_reg, [SCENARIOS]), raise_server_exceptions=False) as c:
        yield c


def library_errors(reg: Regulation, event: Any) -> list[dict[str, Any]]:
    with pytest.raises(InvalidEvent) as info:
        reg.evaluate(event)
    return [{"loc": list(e["loc"]), "msg": e["msg"]} for e in info.value.errors]


# -- POST /v1/evaluate ---------------------------------------------------------------------------------


def test_evaluate_is_the_library_decision_for_a_mix_of_events(served: Any) -> None:
    client, reg = served
    for event in event_mix(60):
        response = client.post("/v1/evaluate", json=event)
        assert response.status_code == 200, (event, response.text)
        assert response.headers["content-type"] == "application/json"
        assert response.json() == reg.evaluate(event).model_dump(mode="json"), event


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event=events())
def test_evaluate_matches_the_library_for_any_valid_event(
    client: TestClient, python_reg: Regulation, event: Any
) -> None:
    response = client.post("/v1/evaluate", json=event)
    assert response.status_code == 200, response.text
    assert response.json() == python_reg.evaluate(event).model_dump(mode="json")


@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(event=invalid_events())
def test_invalid_event_is_422_with_the_library_errors(client: TestClient, python_reg: Regulation, event: Any) -> None:
    try:
        body = json.dumps(event)
    except (TypeError, ValueError):
        return  # not expressible as JSON: the HTTP body cannot carry it
    response = client.post("/v1/evaluate", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    data = response.json()
    assert set(data) == {"errors"} and data["errors"]
    assert all(set(e) == {"loc", "msg"} and isinstance(e["loc"], list) for e in data["errors"])
    assert data["errors"] == library_errors(python_reg, json.loads(body))


def test_evaluate_as_of(client: TestClient, python_reg: Regulation) -> None:
    event = {"type": "annual_review", "year": 2023}
    response = client.post("/v1/evaluate", params={"as_of": "2026-01-01"}, json=event)
    assert response.status_code == 200
    assert response.json() == python_reg.evaluate(event, as_of="2026-01-01").model_dump(mode="json")
    assert [w["code"] for w in response.json()["warnings"]] == ["outside_validity"]
    bad = client.post("/v1/evaluate", params={"as_of": "2024-02-30"}, json=event)
    assert bad.status_code == 422
    assert bad.json() == {"errors": [{"loc": ["as_of"], "msg": "not a valid calendar date: '2024-02-30'"}]}


@pytest.mark.parametrize(
    ("body", "needle"),
    [
        (b"", "empty"),
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "expected a mapping"),
        (b'"annual_review"', "expected a mapping"),
        (b'{"type": "annual_reviw", "year": 2024}', "did you mean 'annual_review'"),
        (b'{"type": "annual_review", "year": 2024, "colour": "red"}', "colour: unknown field"),
        (b"[" * 100_000, "not valid JSON"),
    ],
)
def test_malformed_bodies_are_422_without_traceback(client: TestClient, body: bytes, needle: str) -> None:
    response = client.post("/v1/evaluate", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    text = response.text
    assert needle in text and "Traceback" not in text and 'File "' not in text
    assert all(set(e) == {"loc", "msg"} for e in response.json()["errors"])


# -- POST /v1/explain ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_explain_is_the_library_text(client: TestClient, python_reg: Regulation, lang: str) -> None:
    event = {**COMPLAINT, "date": "2024-03-04", "id": "HS-1"}
    response = client.post("/v1/explain", params={"lang": lang}, json=event)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    decision = python_reg.evaluate(event)
    assert response.text == explain(decision, lang, regulation=python_reg, event=event)  # type: ignore[arg-type]


def test_explain_defaults_to_vietnamese_and_rejects_other_languages(client: TestClient) -> None:
    response = client.post("/v1/explain", json={"type": "annual_review", "year": 2024})
    assert response.text.startswith("Sự việc: ")
    bad = client.post("/v1/explain", params={"lang": "fr"}, json={"type": "annual_review", "year": 2024})
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["lang"]


# -- GET /v1/articles ----------------------------------------------------------------------------------


def test_articles_list_every_article_with_its_rules(client: TestClient, python_reg: Regulation) -> None:
    response = client.get("/v1/articles")
    assert response.status_code == 200
    data = response.json()
    assert [a["number"] for a in data] == [a.number for a in python_reg.articles]
    for item in data:
        ArticleView.model_validate(item)
        expected = [
            r.id
            for r in sorted(python_reg.compiled.checked.rules, key=lambda r: r.order[2])
            if r.article == item["number"]
        ]
        assert sorted(r["id"] for r in item["rules"]) == sorted(expected)
    rule_ids = {r["id"] for a in data for r in a["rules"]}
    assert rule_ids == set(python_reg.compiled.checked.by_id)


def test_article_8_has_its_scenarios_provenance_and_conditions(client: TestClient) -> None:
    data = client.get("/v1/articles/8").json()
    assert data["title_vi"].startswith("Phối hợp tiếp nhận, xử lý")
    names = {s["name"] for s in data["scenarios"]}
    assert any(n.startswith("Khiếu nại gửi Đoàn ĐBQH tỉnh nhưng thuộc thẩm quyền UBND tỉnh") for n in names)
    assert all(s["passed"] for s in data["scenarios"])
    assert data["coverage"]["rules"] == len(data["rules"]) and data["coverage"]["rules_fired"] == len(data["rules"])
    answer = next(r for r in data["rules"] if r["id"] == "dieu_08.answer_citizen")
    assert answer["provenance"]["source"] == "law" and "42/2013/QH13" in answer["provenance"]["basis"]
    assert answer["provenance"]["badge_vi"] == "theo luật"
    assert answer["responsibilities"][0]["deadline_vi"].startswith("trong thời hạn 10 ngày làm việc")
    forward = next(r for r in data["rules"] if r["id"] == "dieu_08.forward")
    assert "cơ quan tiếp nhận khác cơ quan có thẩm quyền giải quyết" in forward["condition_vi"]
    assert forward["exceptions"] == ["dieu_08.denunciation_transfer"]
    settle = next(r for r in data["rules"] if r["id"] == "dieu_08.complaint_settlement")
    assert settle["table"]["keys"] == ["round", "complex", "remote_area"]
    rows = settle["table"]["rows"]
    assert ["1", "true", "true", "60"] in rows and ["2", "true", "true", "70"] in rows
    assert forward["provenance"]["badge_vi"] == "suy luận, cần đối chiếu văn bản ký"


def test_unknown_article_is_404_and_a_bad_number_422(client: TestClient) -> None:
    missing = client.get("/v1/articles/99")
    assert missing.status_code == 404 and missing.json()["errors"][0]["loc"] == ["n"]
    bad = client.get("/v1/articles/eight")
    assert bad.status_code == 422 and bad.json()["errors"][0]["loc"] == ["n"]


# -- the OpenAPI description ---------------------------------------------------------------------------


def test_openapi_describes_the_endpoints_with_the_real_models(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    assert {"/v1/evaluate", "/v1/explain", "/v1/articles", "/v1/articles/{n}"} <= set(spec["paths"])
    assert not any(p.endswith(".html") or p.startswith("/static") for p in spec["paths"])
    schemas = spec["components"]["schemas"]
    evaluate = spec["paths"]["/v1/evaluate"]["post"]
    ok = evaluate["responses"]["200"]["content"]["application/json"]["schema"]
    assert ok == {"$ref": "#/components/schemas/Decision"}
    assert set(schemas["Decision"]["properties"]) == set(Decision.model_fields)
    body = evaluate["requestBody"]["content"]["application/json"]["schema"]
    union = body if "oneOf" in body else schemas[body["$ref"].rsplit("/", 1)[1]]
    from quyche.events import EVENT_TYPES

    assert set(union["discriminator"]["mapping"]) == set(EVENT_TYPES)
    assert schemas["PetitionReceived"]["properties"]["kind"]["enum"] == [
        "complaint",
        "denunciation",
        "feedback",
        "recommendation",
    ]
    invalid = evaluate["responses"]["422"]["content"]["application/json"]["schema"]
    assert invalid == {"$ref": "#/components/schemas/ErrorResponse"}
    assert "413" in evaluate["responses"]
    explain_ = spec["paths"]["/v1/explain"]["post"]
    assert "text/plain" in explain_["responses"]["200"]["content"]
    assert {p["name"] for p in explain_["parameters"]} == {"lang", "as_of"}
    articles = spec["paths"]["/v1/articles"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert articles["items"] == {"$ref": "#/components/schemas/ArticleView"}
    assert set(schemas["ArticleView"]["properties"]) == set(ArticleView.model_fields)


def test_no_interactive_docs_that_would_load_scripts_from_the_internet(client: TestClient) -> None:
    assert client.get("/docs").status_code == 404
    assert client.get("/redoc").status_code == 404


# -- limits, errors and headers --------------------------------------------------------------------------


def test_body_over_the_limit_is_413(client: TestClient) -> None:
    response = client.post("/v1/evaluate", content=b" " * (MAX_BODY + 1), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert response.json()["errors"][0]["loc"] == ["body"]
    at_limit = b'{"type": "annual_review", "year": 2024}'.ljust(MAX_BODY)
    response = client.post("/v1/evaluate", content=at_limit, headers={"content-type": "application/json"})
    assert response.status_code == 200 and response.json()["lead"] == "ubnd"


def test_chunked_body_over_the_limit_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"type": "annual_review", "year": 2024, "id": "'
        for _ in range(11):
            yield b"x" * 100_000
        yield b'"}'

    response = client.post("/v1/evaluate", content=chunks(), headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "content-length" not in {k.lower() for k in response.request.headers}


def test_an_internal_error_is_a_bare_500(python_reg: Regulation, monkeypatch: pytest.MonkeyPatch) -> None:
    app = create_app(python_reg, [])

    def boom(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("secret detail /etc/passwd")

    with TestClient(app, raise_server_exceptions=False) as c:
        monkeypatch.setattr(app.state, "regulation", type("R", (), {"evaluate": boom})())
        response = c.post("/v1/evaluate", json={"type": "annual_review", "year": 2024})
        monkeypatch.setattr(app.state, "catalog", type("C", (), {"evaluate": boom})())
        page = c.post("/su-kien.html", data={"type": "annual_review", "year": "2024"})
    for r in (response, page):
        assert r.status_code == 500
        assert r.json() == {"errors": [{"loc": [], "msg": "internal error"}]}
        assert "secret" not in r.text and "Traceback" not in r.text
        assert r.headers["content-security-policy"] == CSP


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/", None),
        ("GET", "/en/dieu-8.html", None),
        ("GET", "/static/quyche.css", None),
        ("GET", "/openapi.json", None),
        ("GET", "/v1/articles/8", None),
        ("POST", "/v1/evaluate", b'{"type": "annual_review", "year": 2024}'),
        ("POST", "/v1/evaluate", b"{}"),
        ("POST", "/v1/evaluate", b" " * (MAX_BODY + 1)),
        ("GET", "/no-such-page.html", None),
        ("GET", "/v1/nothing", None),
        ("DELETE", "/v1/evaluate", None),
    ],
)
def test_every_response_has_the_security_headers(
    client: TestClient, method: str, path: str, body: bytes | None
) -> None:
    response = client.request(method, path, content=body, headers={"content-type": "application/json"})
    assert response.headers["content-security-policy"] == CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "DENY"
    assert "traceback" not in response.text.lower()
    if path.startswith("/v1") and response.status_code >= 400:
        assert set(response.json()) == {"errors"}


def test_csp_allows_nothing_from_elsewhere() -> None:
    directives = dict(d.strip().split(" ", 1) for d in CSP.split(";"))
    assert directives["default-src"] == "'none'"
    for name in ("script-src", "style-src", "img-src", "form-action"):
        assert directives[name] == "'self'"
    assert "unsafe-inline" not in CSP and "http" not in CSP


@pytest.mark.parametrize("content_type", [None, "application/x-www-form-urlencoded", "text/plain"])
def test_the_event_body_is_json_whatever_the_content_type(client: TestClient, content_type: str | None) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = client.post("/v1/evaluate", content=b'{"type": "annual_review", "year": 2025}', headers=headers)
    assert response.status_code == 200 and response.json()["lead"] == "btt_ubmttq"


# -- POST /v1/track ------------------------------------------------------------------------------------

CASE: dict[str, Any] = {
    "case": "HS-2024-0012",
    "event": {
        **COMPLAINT,
        "date": "2024-03-04",
        "transfer_receipt_date": "2024-03-08",
        "acceptance_date": "2024-03-15",
    },
    "done": [
        {"party": "btt_ubmttq", "duty": "forward_petition", "on": "2024-03-07"},
        {"party": "ubnd", "duty": "accept_complaint", "on": "2024-03-25"},
    ],
    "today": "2024-04-20",
}


def test_track_is_the_library_case_status(served: Any) -> None:
    client, reg = served
    response = client.post("/v1/track", json=CASE)
    assert response.status_code == 200, response.text
    expected = reg.track(CASE)
    assert response.json() == expected.model_dump(mode="json")
    statuses = {(d["party"], d["duty"]): d["status"] for d in response.json()["duties"]}
    assert statuses[("btt_ubmttq", "forward_petition")] == "met"
    assert statuses[("ubnd", "accept_complaint")] == "late"  # 10 days from 08/03 end 18/03; done 25/03
    assert "overdue" in statuses.values()  # the answer to the citizen, not done by 20/04


def test_track_today_in_the_query_overrides_the_case(client: TestClient, python_reg: Regulation) -> None:
    response = client.post("/v1/track", params={"today": "2024-03-10"}, json=CASE)
    assert response.status_code == 200, response.text
    assert response.json() == python_reg.track(CASE, today="2024-03-10").model_dump(mode="json")
    assert response.json()["today"] == "2024-03-10"


@pytest.mark.parametrize(
    ("case", "loc", "needle"),
    [
        (
            {**CASE, "done": [{"party": "ubnd", "duty": "forward_petitio", "on": "2024-03-07"}]},
            ["done", 0],
            "did you mean",
        ),
        ({**CASE, "event": {**CASE["event"], "kind": "complain"}}, ["event", "kind"], "complaint"),
        (
            {**CASE, "event": {**CASE["event"], "acceptance_date": "2024-03-01"}},
            ["event", "acceptance_date"],
            "before",
        ),
        ({**CASE, "donee": []}, ["donee"], "did you mean 'done'"),
        ({"done": []}, ["event"], "required"),
    ],
)
def test_a_bad_case_is_422_with_the_library_errors(
    client: TestClient, python_reg: Regulation, case: dict[str, Any], loc: list[Any], needle: str
) -> None:
    response = client.post("/v1/track", json=case)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    with pytest.raises(InvalidEvent) as info:
        python_reg.track(case)
    assert errors == [{"loc": list(e["loc"]), "msg": e["msg"]} for e in info.value.errors]
    assert errors[0]["loc"][: len(loc)] == loc and needle in errors[0]["msg"], errors


def test_track_is_in_the_openapi_description(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    track = spec["paths"]["/v1/track"]["post"]
    assert track["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/CaseStatus"
    }
    body = track["requestBody"]["content"]["application/json"]["schema"]
    assert body["$ref"] == "#/components/schemas/CaseBody"
    assert set(spec["components"]["schemas"]["CaseBody"]["properties"]) == {"case", "event", "done", "today"}
    assert {p["name"] for p in track["parameters"]} == {"today"}
