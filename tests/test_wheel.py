"""The wheel ships the rule files: built, installed in a fresh environment outside the checkout, it loads."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_installed_outside_the_checkout_loads_the_bundled_rules(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    (wheel,) = wheels.glob("quyche-*.whl")
    env_dir = tmp_path / "env"
    venv.create(env_dir, with_pip=True)
    bin_dir = env_dir / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    # The dependencies (pydantic, durable-rules …) come from this test's environment, read-only; quyche
    # itself only from the wheel (a path listed in a .pth file does not run that folder's .pth files).
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    work = tmp_path / "elsewhere"
    work.mkdir()
    code = (
        "import quyche, pathlib; reg = quyche.load();"
        "assert 'site-packages' in quyche.__file__, quyche.__file__;"
        "assert pathlib.Path(quyche.__file__).with_name('py.typed').exists();"
        "import quyche.coverage as c; s = c.bundled_scenarios_dir();"
        "assert s is not None and 'site-packages' in str(s) and len(list(s.glob('*.yaml'))) > 10, s;"
        "assert (pathlib.Path(quyche.__file__).parent / 'web' / 'templates' / 'article.html').is_file();"
        "assert (pathlib.Path(quyche.__file__).parent / 'web' / 'static' / 'quyche.css').is_file();"
        "d = reg.evaluate({'type': 'annual_review', 'year': 2025});"
        "print(reg.engine, len(reg.articles), d.lead)"
    )
    out = subprocess.run([str(python), "-c", code], cwd=work, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["durable", "23", "btt_ubmttq"]
    example = work / "event.yaml"
    example.write_text("type: amendment_proposed\nproposed_by: tt_hdnd\n", encoding="utf-8")
    cli = subprocess.run([str(bin_dir / "quyche"), "explain", str(example)], cwd=work, capture_output=True, text=True)
    assert cli.returncode == 0, cli.stderr
    assert "Thường trực Hội đồng nhân dân tỉnh (tt_hdnd)" in cli.stdout
    # the maintenance commands refuse to write into site-packages (issue 14 item 8)
    tools = subprocess.run(
        [str(python), "-m", "quyche.tools", "docs"], cwd=work, capture_output=True, text=True, timeout=120
    )
    assert tools.returncode == 2, tools.stdout + tools.stderr
    assert "is an installed package" in tools.stderr and "wrote nothing" in tools.stderr
    assert not (Path(site) / "docs").exists()
    # what the installed package offers: the decision's schema, the events reference, help without docs paths
    assert (Path(site) / "quyche" / "schemas" / "decision.schema.json").is_file()
    events = subprocess.run([str(bin_dir / "quyche"), "events", "petition_received"], capture_output=True, text=True)
    assert events.returncode == 0 and "Ngày tiếp nhận đơn." in events.stdout
