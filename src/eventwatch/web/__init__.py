"""The dashboard: the single-page app built from ``web/`` (``npm ci && npm run build``, or
``make web``) into ``eventwatch/web/static/``, served by ``eventwatch serve`` at ``/``.

Its files are served with a strict Content-Security-Policy: scripts, styles, data and images
only from the server itself (plus the origin of the optional tile layer), no inline script, no
framing. The dashboard reads its settings from ``/config.json``.

>>> from fastapi import FastAPI
>>> app = FastAPI()
>>> mount_dashboard(app)          # True when the dashboard is built
True
"""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..errors import error
from ..settings import Settings

STATIC_DIR = Path(__file__).parent / "static"


def is_built(static_dir: str | Path | None = None) -> bool:
    """Whether the dashboard has been built into ``static_dir`` (default: the package's)."""
    return (Path(static_dir or STATIC_DIR) / "index.html").is_file()


def tile_source(url: str) -> str | None:
    """The CSP source that lets the map load tiles from ``url`` (None when no tile layer is set).

    ``{s}`` subdomain templates become a wildcard host. Anything but an http(s) URL with a host
    is refused (EW120) instead of being written into the policy.

    >>> tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png")
    'https://*.tile.example.org'
    """
    url = (url or "").strip()
    if not url:
        return None
    parts = urlsplit(url.replace("{s}", "s-placeholder"))
    host = parts.hostname or ""
    ok_host = host and all(c.isalnum() or c in "-._" for c in host)
    if parts.scheme not in ("http", "https") or not ok_host or "{" in host:
        raise error("EW120", value=url)
    host = host.replace("s-placeholder", "*")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def content_security_policy(tile_url: str = "") -> str:
    """The policy sent with every dashboard file.

    >>> "script-src 'self'" in content_security_policy()
    True
    """
    img = ["'self'"]
    src = tile_source(tile_url)
    if src:
        img.append(src)
    return "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        f"img-src {' '.join(img)}",
        "connect-src 'self'",
        "font-src 'self'",
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ])


def security_headers(tile_url: str = "") -> list[tuple[bytes, bytes]]:
    """Headers added to every dashboard response (CSP, no sniffing, no referrer, no framing)."""
    return [
        (b"content-security-policy", content_security_policy(tile_url).encode()),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]


class WithHeaders:
    """ASGI wrapper that adds ``headers`` to every HTTP response of ``app``."""

    def __init__(self, app, headers: list[tuple[bytes, bytes]]):
        self.app = app
        self.headers = headers

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        names = {k for k, _ in self.headers}

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + self.headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def dashboard_config(settings: Settings) -> dict[str, Any]:
    """What the dashboard reads from ``/config.json``."""
    return {"api": "/api/v1", "tile_url": settings.tile_url or None,
            "tile_attribution": settings.tile_attribution or None}


def mount_dashboard(app, static_dir: str | Path | None = None, settings: Settings | None = None) -> bool:
    """Serve the built dashboard at ``/`` of the FastAPI ``app``, with the security headers,
    and its settings at ``/config.json``. Returns False (mounting nothing) when it is not built.

    Call it after the API routes are added: the mount at ``/`` catches every other path.
    """
    from fastapi.responses import JSONResponse
    from fastapi.staticfiles import StaticFiles

    static = Path(static_dir) if static_dir is not None else STATIC_DIR
    if not is_built(static):
        return False
    settings = settings or Settings.load()
    headers = security_headers(settings.tile_url)  # EW120 now, at start-up, for a bad tile URL
    config = dashboard_config(settings)

    def config_json():
        return JSONResponse(config, headers={k.decode(): v.decode() for k, v in headers})

    app.add_api_route("/config.json", config_json, methods=["GET"], include_in_schema=False)
    app.mount("/", WithHeaders(StaticFiles(directory=str(static), html=True), headers), name="web")
    return True
