"""The pages as files: the switch, headers, vendored assets, size, and the README's query.

No browser and no store: the routes are static, so the app is called in-process.
"""

from __future__ import annotations

import glob
import hashlib
import json
import re
import tomllib
from pathlib import Path

import httpx
import pytest

from qai_graph.api.auth import new_key
from qai_graph.app import create_app
from qai_graph.config import MemoryConfig
from qai_graph.web.routes import STATIC

ROOT = Path(__file__).resolve().parents[2]
VENDOR = STATIC / "vendor"
PAGES = ("/overlay", "/dashboard")
KEY_ENTRY = new_key("reader")[1]


async def get(config: MemoryConfig, path: str) -> httpx.Response:
    """GET ``path`` from the app built for ``config`` (static routes need no lifespan)."""
    transport = httpx.ASGITransport(app=create_app(config))
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        return await http.get(path)


@pytest.mark.parametrize(
    ("settings", "served"),
    [
        ({}, True),  # development mode: on
        ({"pages": False}, False),
        ({"api_keys": KEY_ENTRY}, False),  # keys configured: off unless asked
        ({"api_keys": KEY_ENTRY, "pages": True}, True),
    ],
)
async def test_pages_are_switched_by_qai_memory_pages(
    settings: dict[str, object], served: bool
) -> None:
    config = MemoryConfig(dynamodb_endpoint="http://127.0.0.1:9", **settings)  # type: ignore[arg-type]
    for path in (*PAGES, "/static/pages/qai.js"):
        answer = await get(config, path)
        assert answer.status_code == (200 if served else 404), path


def test_the_pages_setting_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QAI_MEMORY_PAGES", "false")
    assert MemoryConfig().pages_enabled is False
    monkeypatch.setenv("QAI_MEMORY_PAGES", "true")
    monkeypatch.setenv("QAI_MEMORY_API_KEYS", KEY_ENTRY)
    assert MemoryConfig().pages_enabled is True
    monkeypatch.delenv("QAI_MEMORY_PAGES")
    assert MemoryConfig().pages_enabled is False


async def test_pages_are_static_and_fenced_to_their_origin() -> None:
    config = MemoryConfig(dynamodb_endpoint="http://127.0.0.1:9")
    for path in PAGES:
        answer = await get(config, path)
        policy = answer.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "connect-src 'self'" in policy
        assert "'unsafe-eval'" not in policy
        assert answer.headers["referrer-policy"] == "no-referrer"
        # Every script and stylesheet comes from this service.
        assets = re.findall(r'(?:src|href)="([^"]+)"', answer.text)
        assert assets and not [a for a in assets if "//" in a], assets
        for asset in assets:
            if not asset.startswith("data:"):
                assert (await get(config, "/" + asset)).status_code == 200, asset


def own_files(page: str) -> list[Path]:
    """A page's HTML and the files of ours it loads (vendored ones excluded)."""
    html = STATIC / "pages" / f"{page}.html"
    refs = re.findall(r'(?:src|href)="static/(pages/[^"]+)"', html.read_text())
    return [html, *(STATIC / ref for ref in refs)]


@pytest.mark.parametrize("page", ["overlay", "dashboard"])
def test_each_page_is_under_100_kb_of_own_code(page: str) -> None:
    files = own_files(page)
    assert len(files) >= 3, files
    assert sum(f.stat().st_size for f in files) < 100 * 1024


def test_the_dashboard_sends_the_documented_dashboard_query() -> None:
    readme = (ROOT / "docs" / "api.md").read_text()
    documented = re.search(r"```graphql\n(query Dashboard.*?\n})\n```", readme, re.S)
    source = (STATIC / "pages" / "dashboard.js").read_text()
    sent = re.search(r"const DASHBOARD = `(.*?)`;", source, re.S)
    assert documented and sent
    assert sent.group(1).split() == documented.group(1).split()
    assert source.count("players(") == 1, "the list is read only by the documented query"


def test_vendored_files_are_npms_with_their_licences() -> None:
    manifest = json.loads((VENDOR / "MANIFEST.json").read_text())
    assert {"graphiql", "react", "react-dom", "graphql-ws", "@graphiql/plugin-explorer"} <= set(
        manifest
    )
    on_disk = {p.relative_to(VENDOR).as_posix() for p in VENDOR.rglob("*") if p.is_file()}
    listed = {"MANIFEST.json"}
    for name, package in manifest.items():
        folder = VENDOR / package["folder"]
        assert package["folder"].endswith(package["version"]), name
        assert any(f.startswith("LICENSE") for f in package["files"]), f"{name} has no licence"
        for filename, digest in package["files"].items():
            listed.add(f"{package['folder']}/{filename}")
            assert hashlib.sha256((folder / filename).read_bytes()).hexdigest() == digest
    assert on_disk == listed, "vendor/ holds exactly what scripts/vendor-web-assets wrote"


def test_the_static_files_are_package_data() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["qai_graph"]
    package = ROOT / "qai_graph"
    matched = {
        Path(p) for pattern in patterns for p in glob.glob(str(package / pattern), recursive=True)
    }
    files = {p for p in STATIC.rglob("*") if p.is_file()}
    assert files and files <= matched, sorted(str(f) for f in files - matched)


@pytest.mark.parametrize("settings", [{}, {"pages": False}, {"api_keys": KEY_ENTRY}])
async def test_the_index_lists_what_the_service_serves(settings: dict[str, object]) -> None:
    """`GET /` is a page naming every path a newcomer needs, whatever the switches."""
    config = MemoryConfig(dynamodb_endpoint="http://127.0.0.1:9", **settings)  # type: ignore[arg-type]
    answer = await get(config, "/")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/html")
    assert answer.headers["content-security-policy"].startswith("default-src 'self'")
    for path in ("/graphql", "/dashboard", "/overlay", "/mcp", "/metrics", "/healthz"):
        assert f">{path}<" in answer.text or f"<code>{path}</code>" in answer.text, path
    assert "curl -s http://127.0.0.1/graphql" in answer.text  # the address it was asked on
    style = await get(config, "/static/index.css")
    assert style.status_code == 200 and style.headers["content-type"].startswith("text/css")
