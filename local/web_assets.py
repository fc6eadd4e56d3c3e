"""The agent workspace (`web/dist`, built by `make run`) served beside the API: `index.html` at `/`,
the hashed bundles under `/assets/`. Files are looked up by name in the build output, never joined
from the request path, so nothing outside `web/dist` can be read."""

import mimetypes
from pathlib import Path

from local.api_gateway import error_response
from local.http_adapter import HttpResponse

WEB_DIST = Path(__file__).resolve().parent.parent / "web" / "dist"
ASSETS_PREFIX = "/assets/"
# Hashed file names never change content, so the browser may keep them; index.html must be revalidated.
IMMUTABLE = "public, max-age=31536000, immutable"

NOT_BUILT_PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8"><title>Casetrail</title></head>
<body><main><h1>The agent workspace is not built</h1>
<p>It needs Node.js 20 and npm from this machine: install them and run <code>make run</code> again.
The API answers at its paths all the same (see <a href="/docs">/docs</a>).</p></main></body></html>
"""


def serves(path: str) -> bool:
    return path in ("/", "/index.html") or path.startswith(ASSETS_PREFIX)


def respond(path: str) -> HttpResponse:
    if path.startswith(ASSETS_PREFIX):
        return _asset(path[len(ASSETS_PREFIX):])
    index = WEB_DIST / "index.html"
    if not index.is_file():
        return HttpResponse(200, (("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-cache")), NOT_BUILT_PAGE)
    return HttpResponse(200, (("Content-Type", "text/html; charset=utf-8"), ("Cache-Control", "no-cache")), index.read_bytes())


def _asset(name: str) -> HttpResponse:
    folder = WEB_DIST / "assets"
    assets = {p.name: p for p in folder.iterdir() if p.is_file()} if folder.is_dir() else {}
    if name not in assets:
        return error_response(404, "NOT_FOUND", "No such asset")
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return HttpResponse(200, (("Content-Type", content_type), ("Cache-Control", IMMUTABLE)), assets[name].read_bytes())
