"""``quyche site OUT``: the explorer's pages as static files, for reading offline.

The same pages as the service, with relative links, so ``OUT/index.html`` opens from disk; the form
page lists the event types and their fields and says the form itself needs ``quyche serve``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from quyche.errors import QuycheError
from quyche.regulation import Regulation
from quyche.web.catalog import Catalog
from quyche.web.render import Renderer, static_files


def site_files(regulation: Regulation, scenario_paths: Sequence[str | Path] = ()) -> dict[str, bytes]:
    """Every file of the static site, by path relative to its folder."""
    renderer = Renderer(Catalog(regulation, scenario_paths), served=False)
    files = {path: html.encode("utf-8") for path, html in renderer.pages().items()}
    for name, data in static_files().items():
        if not name.endswith(".js"):  # the form's script is not needed offline
            files[f"static/{name}"] = data  # the English pages link ../static/
    return files


def write_site(regulation: Regulation, scenario_paths: Sequence[str | Path], out: Path) -> list[Path]:
    """Write the static site into ``out`` (created if needed; files of the same name are replaced)."""
    files = site_files(regulation, scenario_paths)
    written: list[Path] = []
    try:
        for rel, data in sorted(files.items()):
            target = out / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written.append(target)
    except OSError as exc:
        raise QuycheError(f"cannot write the site to {out}: {exc.strerror or exc}") from None
    return written
