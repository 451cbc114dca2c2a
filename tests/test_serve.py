"""``quyche serve`` as people run it: a real process on a local port (contract §11).

It binds to 127.0.0.1 unless told otherwise, shares one Regulation between concurrent clients, refuses
big bodies (chunked ones too), never answers with a traceback, and writes no file.
"""

from __future__ import annotations

import hashlib
import http.client
import json
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("fastapi", reason="the web extra is not installed: pip install 'quyche[web]'")
pytest.importorskip("uvicorn", reason="the web extra is not installed: pip install 'quyche[web]'")

from live_server import LiveServer  # noqa: E402

from quyche.regulation import Regulation  # noqa: E402
from quyche.testing import event_mix  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def snapshot(*folders: Path) -> dict[str, tuple[int, int, str]]:
    out: dict[str, tuple[int, int, str]] = {}
    for folder in folders:
        for p in sorted(folder.rglob("*")):
            st = p.stat()
            digest = hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
            out[str(p)] = (st.st_size, st.st_mtime_ns, digest)
    return out


def listening(port: int) -> set[str]:
    """The local addresses listening on ``port`` (from /proc/net/tcp, hex ``0100007F`` = 127.0.0.1)."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hexport = local.rsplit(":", 1)
            if state == "0A" and int(hexport, 16) == port:
                found.add(address)
    return found


def test_serve_answers_shares_one_regulation_and_writes_nothing(tmp_path: Path, python_reg: Regulation) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    scenarios = tmp_path / "scenarios"
    shutil.copytree(ROOT / "tests" / "scenarios", scenarios)
    work = tmp_path / "work"
    work.mkdir()
    before = snapshot(rules, scenarios, work)
    events = event_mix(240)
    with LiveServer("--rules", str(rules), "--scenarios", str(scenarios), cwd=work) as server:
        if Path("/proc/net/tcp").exists():
            assert listening(server.port) == {"0100007F"}, "bound to 127.0.0.1 only"

        def client(chunk: list[dict[str, object]]) -> list[tuple[int, object]]:
            conn = http.client.HTTPConnection(server.host, server.port, timeout=30)  # one keep-alive connection
            out = []
            for ev in chunk:
                conn.request("POST", "/v1/evaluate", json.dumps(ev), {"content-type": "application/json"})
                r = conn.getresponse()
                out.append((r.status, json.loads(r.read())))
            conn.close()
            return out

        chunks = [events[i::8] for i in range(8)]
        with ThreadPoolExecutor(8) as pool:
            answers = list(pool.map(client, chunks))
        for chunk, got in zip(chunks, answers, strict=True):
            for ev, (status, data) in zip(chunk, got, strict=True):
                assert status == 200
                assert data == python_reg.evaluate(ev).model_dump(mode="json"), ev

        status, headers, body = server.request("GET", "/dieu-8.html")
        assert status == 200 and "content-security-policy" in headers and "Điều 8." in body.decode()
        form = "type=petition_received&received_by=btt_ubmttq&kind=complaint&competent_body=ubnd&id=%3Cb%3Ex%3C%2Fb%3E"
        status, _, body = server.request(
            "POST", "/su-kien.html", form.encode(), {"content-type": "application/x-www-form-urlencoded"}
        )
        assert status == 200 and 'data-party="ubnd"' in body.decode() and "&lt;b&gt;x&lt;/b&gt;" in body.decode()
        status, _, body = server.request("POST", "/v1/explain?lang=en", b'{"type": "annual_review", "year": 2024}')
        assert status == 200 and body.decode().startswith("Event: Annual evaluation")
        for path in ("/", "/en/", "/v1/articles", "/openapi.json", "/nothing"):
            server.request("GET", path)
        status, _, body = server.request("POST", "/v1/evaluate", b"{" * 2000, {"content-type": "application/json"})
        assert status == 422 and b"Traceback" not in body

        # a chunked body (no Content-Length) over the limit: refused while it streams
        conn = http.client.HTTPConnection(server.host, server.port, timeout=30)
        conn.putrequest("POST", "/v1/evaluate")
        conn.putheader("content-type", "application/json")
        conn.putheader("transfer-encoding", "chunked")
        conn.endheaders()
        try:
            for _ in range(30):
                piece = b" " * 65536
                conn.send(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            conn.send(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may close the connection as soon as it has answered
        r = conn.getresponse()
        assert r.status == 413 and json.loads(r.read())["errors"][0]["loc"] == ["body"]
        conn.close()
        status, _, _ = server.request("POST", "/v1/evaluate", b" " * 1_000_001, {"content-type": "application/json"})
        assert status == 413
    assert snapshot(rules, scenarios, work) == before, "the service wrote or changed a file"
    assert list(work.iterdir()) == []
    assert "Traceback" not in server.stderr


def test_host_option_binds_where_it_is_told() -> None:
    if not Path("/proc/net/tcp").exists():
        pytest.skip("no /proc/net/tcp on this system")
    with LiveServer(host="127.0.0.2") as server:
        assert listening(server.port) == {"0200007F"}
        status, data = server.post_json("/v1/evaluate", {"type": "annual_review", "year": 2024})
        assert status == 200 and data["lead"] == "ubnd"


def test_serve_with_a_broken_rules_folder_is_one_error_line(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules)
    (rules / "dieu_19.yaml").write_text("format: quyche/rule@1\narticle: [\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "quyche", "serve", "--port", "0", "--rules", str(rules)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 2
    assert result.stderr.startswith("error: ") and "dieu_19.yaml" in result.stderr and "Traceback" not in result.stderr


def test_the_core_imports_and_runs_without_the_web_extra(tmp_path: Path) -> None:
    # Make fastapi, uvicorn, starlette and jinja2 unimportable, then use the library and the CLI.
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\nfor name in ('fastapi', 'uvicorn', 'starlette', 'jinja2'):\n    sys.modules[name] = None\n",
        encoding="utf-8",
    )
    env = {"PYTHONPATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    code = (
        "import quyche, quyche.cli, quyche.coverage, quyche.web.catalog, quyche.web.forms;"
        "print(quyche.load().evaluate({'type': 'annual_review', 'year': 2024}).lead)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ubnd"
    serve = subprocess.run(
        [sys.executable, "-m", "quyche", "serve"], capture_output=True, text=True, env=env, timeout=120
    )
    assert serve.returncode == 2
    assert serve.stderr.strip() == (
        "error: quyche serve needs the web extra (fastapi, uvicorn, jinja2 missing): pip install 'quyche[web]'"
    )
    cov = subprocess.run(
        [sys.executable, "-m", "quyche", "coverage", str(ROOT / "tests" / "scenarios")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert cov.returncode == 0 and "rules fired by scenarios:" in cov.stdout
