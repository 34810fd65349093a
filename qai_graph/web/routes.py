"""The pages' routes: the index at /, GraphiQL's page and assets, /overlay and /dashboard.

Nothing here reads memory. The pages are files; their data comes only through
/graphql with the caller's key, so serving them reveals nothing (with keys configured, a
page without a key shows a key prompt and no data). Each page is sent with a
Content-Security-Policy that lets it load from and talk to its own origin only, so no
request leaves the host even if a vendored script tried. Static folders, mounted only
when something needs them::

    static/index.*  the index at / (what the service serves), always on
    static/vendor/  npm packages, pinned, with licences (scripts/vendor-web-assets)
    static/ide/     GraphiQL's page and its glue          (when GraphiQL is on)
    static/pages/   overlay and dashboard, shared qai.js  (when QAI_MEMORY_PAGES is on)
"""

from __future__ import annotations

import functools
import html
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).resolve().parent / "static"

# 'self' covers same-origin ws:/wss: in CSP 3. Inline styles: React and CodeMirror set
# style attributes; scripts stay external files only.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-cache",
}


def _page(path: Path) -> Response:
    return FileResponse(path, media_type="text/html; charset=utf-8", headers=PAGE_HEADERS)


async def index(request: Request) -> Response:
    """What the service serves, with a first query: a newcomer's `GET /` is not a 404.
    The query names this service's own address, as the browser reached it."""
    base = html.escape(str(request.base_url).rstrip("/"))
    page = _index_template().replace("{base}", base)
    return HTMLResponse(page, headers=PAGE_HEADERS)


@functools.cache
def _index_template() -> str:
    return (STATIC / "index.html").read_text(encoding="utf-8")


async def index_css(request: Request) -> Response:
    """The index's stylesheet (a file of its own: the CSP allows no inline style tag)."""
    return FileResponse(STATIC / "index.css", media_type="text/css", headers=PAGE_HEADERS)


def graphiql_page() -> Response:
    """GraphiQL's HTML, loading only the package's own assets."""
    return _page(STATIC / "ide" / "graphiql.html")


async def overlay(request: Request) -> Response:
    """The stream overlay (an OBS browser source)."""
    return _page(STATIC / "pages" / "overlay.html")


async def dashboard(request: Request) -> Response:
    """The read-only dashboard."""
    return _page(STATIC / "pages" / "dashboard.html")


def web_routes(*, graphiql: bool, pages: bool) -> list[BaseRoute]:
    """The routes to mount: GraphiQL's assets when ``graphiql``, the pages when ``pages``."""
    routes: list[BaseRoute] = [
        Route("/", index, methods=["GET"]),
        Route("/static/index.css", index_css, methods=["GET"]),
    ]
    if graphiql or pages:
        routes.append(Mount("/static/vendor", StaticFiles(directory=STATIC / "vendor")))
    if graphiql:
        routes.append(Mount("/static/ide", StaticFiles(directory=STATIC / "ide")))
    if pages:
        routes += [
            Mount("/static/pages", StaticFiles(directory=STATIC / "pages")),
            Route("/overlay", overlay, methods=["GET"]),
            Route("/dashboard", dashboard, methods=["GET"]),
        ]
    return routes
