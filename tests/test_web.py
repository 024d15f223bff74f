"""The dashboard's serving side: Content-Security-Policy, /config.json, the tile URL check, and
guards over the front-end source (no HTML built from strings, no inline script)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from eventwatch.errors import EventwatchError
from eventwatch.server import create_app
from eventwatch.settings import Settings
from eventwatch.web import content_security_policy, is_built, mount_dashboard, tile_source

ROOT = Path(__file__).resolve().parents[1]
WEB_SRC = ROOT / "web" / "src"


@pytest.fixture
def static(tmp_path):
    d = tmp_path / "static"
    d.mkdir()
    (d / "index.html").write_text('<!doctype html><title>eventwatch</title><script type="module" src="app.js"></script>')
    (d / "app.js").write_text("console.log('dashboard')")
    return d


def test_tile_source_accepts_http_templates_and_refuses_the_rest():
    assert tile_source("") is None
    assert tile_source("https://tiles.example.org/{z}/{x}/{y}.png") == "https://tiles.example.org"
    assert tile_source("https://{s}.tile.example.org/{z}/{x}/{y}.png") == "https://*.tile.example.org"
    assert tile_source("http://localhost:8080/{z}/{x}/{y}.png") == "http://localhost:8080"
    for bad in ("javascript:alert(1)", "data:image/png;base64,AAAA", "tiles/{z}/{x}/{y}.png",
                "https://evil.org; script-src *", "https://{z}.example.org/x.png"):
        with pytest.raises(EventwatchError) as e:
            tile_source(bad)
        assert e.value.code == "EW120"


def test_policy_allows_only_the_server_itself():
    csp = content_security_policy()
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp and "http" not in csp
    assert "frame-ancestors 'none'" in csp
    with_tiles = content_security_policy("https://{s}.tile.example.org/{z}/{x}/{y}.png")
    assert "img-src 'self' https://*.tile.example.org" in with_tiles
    assert "script-src 'self';" in with_tiles  # tiles never widen where scripts come from


def test_dashboard_files_carry_the_policy_and_the_api_still_answers(tmp_path, static):
    app = create_app(str(tmp_path / "w.duckdb"), static_dir=static, settings=Settings.load(db=str(tmp_path / "w.duckdb")))
    with TestClient(app) as c:
        page = c.get("/")
        assert page.status_code == 200 and "<title>eventwatch</title>" in page.text
        assert page.headers["content-security-policy"] == content_security_policy()
        assert page.headers["x-content-type-options"] == "nosniff"
        assert page.headers["x-frame-options"] == "DENY"
        assert c.get("/app.js").headers["content-security-policy"].startswith("default-src 'none'")
        cfg = c.get("/config.json")
        assert cfg.json() == {"api": "/api/v1", "tile_url": None, "tile_attribution": None}
        v = c.get("/api/v1/version")
        assert v.status_code == 200 and v.json()["api"] == "v1"
        missing = c.get("/api/v1/no-such-thing")
        assert missing.status_code == 404 and missing.json()["code"] == "EW106"


def test_tile_layer_setting_reaches_config_and_policy(tmp_path, static):
    s = Settings.load(db=str(tmp_path / "t.duckdb"), tile_url="https://tiles.example.org/{z}/{x}/{y}.png",
                      tile_attribution="<b>Example</b> tiles")
    app = create_app(s.db, static_dir=static, settings=s)
    with TestClient(app) as c:
        cfg = c.get("/config.json").json()
        assert cfg["tile_url"] == "https://tiles.example.org/{z}/{x}/{y}.png"
        assert cfg["tile_attribution"] == "<b>Example</b> tiles"  # the page shows it as text
        assert "img-src 'self' https://tiles.example.org" in c.get("/").headers["content-security-policy"]


def test_a_bad_tile_url_stops_the_server_at_start(tmp_path, static):
    s = Settings.load(db=str(tmp_path / "b.duckdb"), tile_url="javascript:alert(1)")
    with pytest.raises(EventwatchError) as e:
        create_app(s.db, static_dir=static, settings=s)
    assert e.value.code == "EW120"


def test_without_a_build_nothing_is_mounted(tmp_path):
    from fastapi import FastAPI

    empty = tmp_path / "empty"
    empty.mkdir()
    assert not is_built(empty)
    assert mount_dashboard(FastAPI(), empty) is False
    app = create_app(str(tmp_path / "n.duckdb"), static_dir=empty, settings=Settings.load(db=str(tmp_path / "n.duckdb")))
    with TestClient(app) as c:
        assert "content-security-policy" not in c.get("/").headers  # the API's JSON pointer instead


def _sources():
    files = sorted(WEB_SRC.rglob("*.js"))
    assert len(files) >= 10, "the dashboard's source is in web/src"
    return files


def test_front_end_never_builds_html_from_strings():
    # article text and every API string must reach the page as text nodes
    forbidden = re.compile(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function\(")
    hits = [f"{p.relative_to(ROOT)}:{i}: {line.strip()}" for p in _sources()
            for i, line in enumerate(p.read_text().splitlines(), 1)
            if forbidden.search(line) and not line.strip().startswith(("//", "*", "/*"))]
    assert hits == []


def test_leaflet_overlays_get_nodes_not_markup():
    # Leaflet inserts a *string* tooltip/popup as HTML: every bind* call must pass a node or a function
    calls = [(p, m.group(0)) for p in _sources()
             for m in re.finditer(r"bind(Tooltip|Popup)\(([^,)]*)", p.read_text())]
    assert calls, "the map binds tooltips and popups"
    for p, call in calls:
        arg = call.split("(", 1)[1].strip()
        assert arg.startswith(("h(", "()", "(")), f"{p.name}: {call} may pass a string"


def test_index_page_has_no_inline_script_or_style():
    html = (WEB_SRC / "index.html").read_text()
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "<style" not in html and " style=" not in html
    assert re.findall(r"\son[a-z]+\s*=", html) == []  # no inline event handlers


def test_nothing_is_loaded_from_elsewhere():
    for p in [*_sources(), WEB_SRC / "index.html", WEB_SRC / "style.css"]:
        text = p.read_text()
        urls = re.findall(r"""["'(]\s*((?:https?:)?//[^"')\s]+)""", text)
        urls = [u for u in urls if u != "http://www.w3.org/2000/svg"]  # a namespace name, not a fetch
        assert urls == [], f"{p.name} refers to {urls}"


@pytest.mark.slow
def test_demo_ingests_watches_and_prints_url_and_key(tmp_path):
    import shutil

    import eventwatch
    from eventwatch.store import Store

    corpus = tmp_path / "articles"
    corpus.mkdir()
    for name in ("s001.txt", "s002.txt", "s003.txt"):
        shutil.copy(ROOT / "samples" / "articles" / name, corpus / name)
    db = str(tmp_path / "demo.duckdb")
    lines: list[str] = []
    first = eventwatch.demo([corpus], db=db, assets=ROOT / "samples" / "assets.geojson", port=8123,
                            serve_it=False, out=lines.append)
    assert first["url"] == "http://127.0.0.1:8123/"
    assert first["report"]["added"] == 3 and first["report"]["events"] > 0
    assert any(line.startswith("5 sample assets watched") for line in lines)
    assert any(line.startswith("alerts: ") for line in lines)  # incidents matched against the assets
    assert f"Dashboard: {first['url']}  (Ctrl-C stops it)" in lines
    assert any(first["key"] in line for line in lines)
    lines.clear()
    again = eventwatch.demo([corpus], db=db, assets=ROOT / "samples" / "assets.geojson", serve_it=False,
                            out=lines.append)
    assert again["report"]["added"] == 0 and again["report"]["duplicates"] == 3
    assert not any("assets watched" in line for line in lines)  # imported once
    with Store(db) as store:
        assert store.check_key(first["key"]) is None  # the previous demo key is revoked
        assert store.check_key(again["key"])["role"] == "analyst"
        assert len(store.assets()) == 5


def test_api_docs_page_loads_swagger_ui_from_this_server_only(tmp_path):
    """FastAPI's default /docs page pulls Swagger UI from a CDN; ours serves it from the build."""
    from eventwatch.web import STATIC_DIR

    if not is_built():
        pytest.skip("dashboard not built (make web)")
    with TestClient(create_app(str(tmp_path / "d.duckdb"))) as client:
        r = client.get("/docs")
        assert r.status_code == 200 and "SwaggerUIBundle" in r.text
        urls = re.findall(r'(?:src|href)="([^"]+)"', r.text) + re.findall(r"url: '([^']+)'", r.text)
        assert urls and all(u.startswith("/") and not u.startswith("//") for u in urls), urls
        assert "cdn" not in r.text.lower()
        for u in urls:
            assert client.get(u).status_code == 200, u
        assert client.get("/redoc").status_code == 404  # ReDoc would load from a CDN too: not served
    # without the build, /docs says how to build it, in the error envelope
    with TestClient(create_app(str(tmp_path / "e.duckdb"), static_dir=tmp_path / "none")) as client:
        r = client.get("/docs")
        assert r.status_code == 404 and r.json()["code"] == "EW121"
    assert (STATIC_DIR / "docs-assets" / "LICENSE").is_file()  # the licence travels with the copy
