"""The dashboard in a real browser: Debian's Chromium, driven by Playwright, against a real
`eventwatch serve` app over the sample articles plus one article whose text carries markup.

Checks what a user sees: markers on the map, the timeline, evidence highlighted in the article,
a case, the alerts inbox with its key, and that article text is shown as text (never run).
Needs `/usr/bin/chromium` (`apt-get install chromium`; .ci/run installs it) and the built
dashboard (`make web`). Screenshots go to a temporary folder (printed with -s).
"""
from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

import eventwatch
from eventwatch.store import Store
from eventwatch.web import is_built

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
# the flags Chromium needs on a machine with no network and as root, and nothing it would fetch
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

# written for this test: a report whose sentences quote markup
XSS_ARTICLE = """Police detain two men after attack on Karachi office
12 March 2024

KARACHI, March 12 (Reuters) - Pakistani police arrested two men on Tuesday over a grenade attack on a logistics office in Karachi, officials said.

Police arrested a third man who had painted <script>window.__xss=1</script> on the office wall, a police spokesman said.

A second line on the wall read <img src=x onerror="window.__xss=2"> according to the investigators.

The men were charged with terrorism on Wednesday, a police spokesman said.
"""
SCRIPT_TEXT = "<script>window.__xss=1</script>"
IMG_TEXT = '<img src=x onerror="window.__xss=2">'


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serves(url: str, token: str, path: str) -> bool:
    """Whether the server has this endpoint (EW106 is its answer for a route it does not have)."""
    import httpx

    r = httpx.get(url + path, headers={"Authorization": f"Bearer {token}"}, timeout=30)
    return not (r.status_code == 404 and r.json().get("code") == "EW106")


def _start(app):
    """Run ``app`` with uvicorn in a thread on a free loopback port; returns (stop, url)."""
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started:
        assert time.time() < deadline, "the server did not start"
        time.sleep(0.05)

    def stop():
        server.should_exit = True
        thread.join(30)  # a thread left running at exit would be killed inside DuckDB

    return stop, f"http://127.0.0.1:{port}"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if not os.path.exists(CHROMIUM):
        pytest.skip("Debian's chromium is not installed (apt-get install -y chromium; .ci/run does it)")
    if not is_built():
        pytest.skip("the dashboard is not built: run `make web` (npm ci && npm run build in web/)")
    from eventwatch.server import create_app

    d = tmp_path_factory.mktemp("dashboard")
    corpus = d / "articles"
    shutil.copytree(ROOT / "samples" / "articles", corpus)
    (corpus / "zz_markup.txt").write_text(XSS_ARTICLE, encoding="utf-8")
    db = str(d / "dash.duckdb")
    # the sample assets, watched before ingest so that ingest raises their alerts
    assert len(eventwatch.assets_import(ROOT / "samples" / "assets.geojson", db=db).added) == 5
    report = eventwatch.ingest([corpus], db=db)
    assert report.added == 33 and not report.drops
    with Store(db) as store:
        xss = [a for a in store.articles() if a.text.find(SCRIPT_TEXT) >= 0]
        assert len(xss) == 1
        xss_events = store.events(article_id=xss[0].id)
        sample = next(a for a in store.articles() if a.id != xss[0].id and len(store.events(article_id=a.id)) >= 3)
        sample_event = store.events(article_id=sample.id)[1]
    _, token = eventwatch.create_key("browser test", "analyst", db=db)
    alerts = 0
    if hasattr(Store, "incidents"):  # alerts are raised from incidents: with them, there must be some
        eventwatch.alerts_scan(db=db, deliver=False)
        with Store(db) as store:
            alerts = store.count_alerts(status="new")
        assert alerts >= 1, "the sample articles report attacks near the sample assets"

    app = create_app(db, open_reads=True)
    stop, url = _start(app)
    yield SimpleNamespace(url=url, db=db, token=token, app=app, alerts=alerts, incidents=hasattr(Store, "incidents"),
                          serves=lambda path: _serves(url, token, path), xss=xss[0], xss_events=xss_events,
                          sample=sample, sample_event=sample_event, shots=d / "screenshots")
    stop()


@pytest.fixture(scope="module")
def browser(served):
    sync_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright (the test extra)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, served):
    ctx = browser.new_context(viewport={"width": 1300, "height": 950})
    # the page may talk to its own server only: anything else would be a fetch from elsewhere
    outside = []
    ctx.route("**/*", lambda route: route.continue_() if route.request.url.startswith(served.url)
              else (outside.append(route.request.url), route.abort()))
    pg = ctx.new_page()
    pg.problems = []  # CSP violations and script errors
    pg.on("console", lambda m: pg.problems.append(m.text) if m.type == "error" and "Failed to load resource" not in m.text else None)
    pg.on("pageerror", lambda e: pg.problems.append(str(e)))
    yield pg
    ctx.close()
    assert outside == [], f"the dashboard fetched from elsewhere: {outside}"


def _shot(pg, served, name: str) -> Path:
    served.shots.mkdir(exist_ok=True)
    path = served.shots / f"{name}.png"
    pg.screenshot(path=str(path))
    print(f"screenshot: {path}")
    return path


def test_map_shows_markers_timeline_and_list(page, served):
    resp = page.goto(served.url + "/#/")
    assert "script-src 'self'" in resp.headers["content-security-policy"]
    page.wait_for_selector("path.ew-marker", timeout=20000)
    markers = page.locator("path.ew-marker")
    assert markers.count() >= 10
    # coloured by QuadClass: material conflict and verbal cooperation both occur in the samples
    assert page.locator("path.ew-marker.quad-4").count() >= 1
    assert page.locator("path.ew-marker.quad-1").count() >= 1
    page.wait_for_selector("table.list tbody tr")
    assert page.locator("canvas#timeline").bounding_box()["height"] > 100
    assert "without coordinates" in page.locator(".map-status").inner_text()
    page.locator("path.ew-marker").first.click(force=True)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert popup.locator("a").count() >= 1  # to the evidence or the case
    page.wait_for_timeout(400)  # the popup's fade-in, for the screenshot
    _shot(page, served, "map")
    assert page.problems == []


def test_filters_narrow_the_map_and_list(page, served):
    page.goto(served.url + "/#/?show=events")
    page.wait_for_selector("table.list tbody tr")
    everything = int(page.locator(".listbox h2").inner_text().split("(")[1].rstrip(")"))
    page.fill(".filters input[name=country]", "pak")
    page.click(".filters button[type=submit]")
    from playwright.sync_api import expect

    # (wait_for_function would evaluate a string: the page's CSP forbids that, as it should)
    expect(page.locator(".listbox h2")).not_to_have_text(f"Events ({everything})")
    assert "country=PAK" in page.evaluate("location.hash")
    shown = int(page.locator(".listbox h2").inner_text().split("(")[1].rstrip(")"))
    assert 0 < shown < everything
    rows = page.locator("table.events tbody tr")
    dates = [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())]
    assert dates == sorted(dates, reverse=True)  # newest first
    for i in range(min(rows.count(), 10)):
        cells = rows.nth(i).locator("td")
        assert "PAK" in cells.nth(1).inner_text() + cells.nth(3).inner_text()
    assert page.problems == []


def test_a_timeline_bar_filters_to_its_period(page, served):
    page.goto(served.url + "/#/?show=events")
    page.wait_for_selector("table.events tbody tr")
    box = page.locator("canvas#timeline").bounding_box()
    for pct in range(3, 100, 2):  # along the chart until a bar is hit
        page.mouse.click(box["x"] + box["width"] * pct / 100, box["y"] + box["height"] * 0.6)
        if "since=" in page.evaluate("location.hash"):
            break
    query = dict(x.split("=") for x in page.evaluate("location.hash").split("?")[1].split("&"))
    assert query["since"] <= query["until"]
    from playwright.sync_api import expect

    # the view is drawn again for the new address: wait for it, not for the old table
    expect(page.locator("input[name=since]")).to_have_value(query["since"])
    page.wait_for_selector("table.events tbody tr")
    for d in page.locator("table.events tbody tr td:first-child").all_inner_texts():
        assert query["since"] <= d <= query["until"]
    assert page.problems == []


def test_article_text_with_markup_is_shown_as_text(page, served):
    page.goto(f"{served.url}/#/article/{served.xss.id}")
    page.wait_for_selector(".article-text mark.ev")
    text = page.locator(".article-text").inner_text()
    assert SCRIPT_TEXT in text and IMG_TEXT in text  # the literal markup, visible
    assert page.evaluate("typeof window.__xss") == "undefined"  # and never run
    assert page.locator(".article-text script, .article-text img, main img").count() == 0
    # the event whose evidence sentence quotes the script is highlighted around it, as text
    quoting = [e for e in served.xss_events if SCRIPT_TEXT in e.sentence]
    assert quoting
    mark = page.locator("mark.ev", has_text=SCRIPT_TEXT).first
    assert mark.count() == 1
    page.goto(f"{served.url}/#/?show=events&text=__xss")
    page.wait_for_selector("table.events tbody tr")
    assert SCRIPT_TEXT in page.locator("table.events").inner_text()
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert page.problems == []


def test_evidence_is_highlighted_at_its_span(page, served):
    ev = served.sample_event
    page.goto(f"{served.url}/#/article/{served.sample.id}?event={ev.event_id}")
    selected = page.locator("mark.ev.selected")
    selected.first.wait_for()
    # the selected marks together are exactly the event's sentence at its span
    shown = "".join(selected.all_inner_texts())
    assert shown == served.sample.text[ev.span[0]:ev.span[1]]
    assert page.locator(".article-events li.selected").count() == 1
    assert page.locator("mark.ev").count() >= 3
    _shot(page, served, "article")
    assert page.problems == []


def test_case_view(page, served):
    if not served.serves("/api/v1/incidents"):
        page.goto(served.url + "/#/cases")
        page.wait_for_selector(".notice")
        assert "not available on this server" in page.locator(".notice").inner_text()
        return
    # the map shows incidents now, and a marker's popup opens its case
    page.goto(served.url + "/#/")
    page.wait_for_selector("path.ew-marker", timeout=20000)
    assert page.locator(".segmented a.active").inner_text() == "Incidents"
    page.locator("path.ew-marker").last.click(force=True)  # the smallest, drawn on top
    page.locator(".leaflet-popup-content a", has_text="Open the case").click()
    page.wait_for_selector(".case-timeline li")
    assert page.evaluate("location.hash").startswith("#/case/inc-")
    # a case whose suspects were arrested (the Karachi bombing sample reports the arrests)
    page.goto(served.url + "/#/cases?status=arrested")
    page.wait_for_selector("table.incidents tbody tr a")
    assert set(page.locator("table.incidents .status").all_inner_texts()) == {"arrested"}
    page.locator("table.incidents tbody tr a").first.click()
    page.wait_for_selector(".case-timeline li")
    reached = page.locator(".case .status-strip li.reached").all_inner_texts()
    assert reached == ["open", "arrested"]
    assert page.locator(".case-timeline li.stage-arrest").count() >= 1
    assert page.locator(".case-timeline li.stage-report").count() >= 1
    assert page.locator(".case-timeline blockquote.evidence mark.trigger").count() >= 1
    _shot(page, served, "case")
    page.locator(".case-timeline li.stage-arrest a.more").first.click()
    page.wait_for_selector("mark.ev.selected")
    assert page.locator(".article-events li.selected").count() == 1
    assert page.problems == []


def test_alerts_inbox_and_key(page, served):
    page.goto(served.url + "/#/alerts")
    page.fill("#apikey", served.token)
    page.click("#apikey-save")
    assert page.evaluate("sessionStorage.getItem('eventwatch.apiKey')") == served.token
    assert page.evaluate("localStorage.length") == 0  # the key lives as long as the tab
    assert page.input_value("#apikey") == ""
    assert "key set" in page.locator("#keystate").inner_text()
    if not served.serves("/api/v1/alerts"):
        page.wait_for_selector(".notice")
        assert "not available on this server" in page.locator(".notice").inner_text()
        return
    if not served.alerts:  # this build raises no alerts (no incidents): the inbox says so
        page.wait_for_selector(".notice")
        assert page.locator(".notice").inner_text() == "No new alerts."
        return
    page.wait_for_selector("li.alert-card")
    assert page.locator("li.alert-card").count() == served.alerts
    card = page.locator("li.alert-card.status-new").first
    alert_id = card.get_attribute("data-alert")
    card.locator("button.ack").click()
    page.wait_for_selector(f"li.alert-card.status-acknowledged[data-alert='{alert_id}']")
    import httpx

    r = httpx.get(f"{served.url}/api/v1/alerts", params={"status": "acknowledged"},
                  headers={"Authorization": f"Bearer {served.token}"})
    assert alert_id in [a["alert_id"] for a in r.json()["items"]]
    _shot(page, served, "alerts")
    assert page.problems == []


def test_assets_view(page, served):
    page.goto(served.url + "/#/assets")
    page.wait_for_selector("table.assets tbody tr")
    rows = page.locator("table.assets tbody tr")
    assert rows.count() == 5
    assert "Dasu hydropower project" in page.locator("table.assets").inner_text()
    assert page.locator("path.ew-asset").count() >= 4  # every asset with a geometry is on the map
    assert page.locator("input[name=as_of]").input_value() <= "2026-12-31"
    if served.incidents:
        # five weeks after the Gwadar attacks of January 2025 the port is the most exposed asset
        page.goto(served.url + "/#/assets?as_of=2025-02-15")
        page.wait_for_selector("text=(chosen)")  # the view drawn for the new date, not the last one
        page.wait_for_selector("table.assets tbody tr")
        first = page.locator("table.assets tbody tr").first
        assert first.get_attribute("data-asset") == "gwadar-port"
        assert float(first.locator("td.risk").inner_text()) > 0
        first.locator("svg.spark").wait_for()  # its score over the past year
        assert "Gwadar" in first.locator("td").last.inner_text()  # the incidents behind the score
    _shot(page, served, "assets")
    assert page.problems == []


def test_dyad_view(page, served):
    import httpx

    page.goto(served.url + "/#/dyad/CHN/PAK")
    page.wait_for_selector("table.events tbody tr")
    assert page.locator("canvas#dyad-chart").bounding_box()["height"] > 100
    for row in page.locator("table.events tbody tr").all()[:10]:
        cells = row.locator("td")
        pair = {cells.nth(1).inner_text()[:3], cells.nth(3).inner_text()[:3]}
        assert pair == {"CHN", "PAK"}
    _shot(page, served, "dyad")
    if served.serves("/api/v1/dyads/CHN/PAK"):
        assert page.locator("h1").inner_text() == "China ↔ Pakistan"
        assert page.locator("table.totals tbody tr").count() == 3  # each direction and both
        # a period clicked in the chart lists exactly the events the report counted in it
        box = page.locator("canvas#dyad-chart").bounding_box()
        # the chart may still be animating its bars in: sweep again (lower too) until a bar takes the click
        for attempt in range(4):
            page.wait_for_timeout(250 * attempt)
            for pct in range(3, 100, 2):
                page.mouse.click(box["x"] + box["width"] * pct / 100, box["y"] + box["height"] * (0.35, 0.6)[attempt % 2])
                if "period=" in page.evaluate("location.hash"):
                    break
            if "period=" in page.evaluate("location.hash"):
                break
        assert "period=" in page.evaluate("location.hash"), "no bar of the dyad chart took a click"
        label = page.evaluate("location.hash").split("period=")[1].split("&")[0]
        report = httpx.get(f"{served.url}/api/v1/dyads/CHN/PAK", headers={"Authorization": f"Bearer {served.token}"}).json()
        counted = next(p for p in report["periods"] if p["period"] == label)["both"]["event_ids"]["events"]
        page.wait_for_selector(f"text=Events counted in {label}")
        shown = page.locator("table.events tbody tr").evaluate_all("rows => rows.map(r => r.dataset.event)")
        assert sorted(shown) == sorted(counted)
    assert page.problems == []


def test_a_server_without_open_reads_asks_for_the_key(browser, served):
    from eventwatch.server import create_app

    # the same database, served again without open reads: every request needs the key
    app = create_app(served.app.state.eventwatch.store, open_reads=False)
    stop, url = _start(app)
    try:
        pg = browser.new_page(viewport={"width": 1300, "height": 950})
        pg.goto(url + "/#/?show=events")
        pg.wait_for_selector("#keybox.needed")
        assert pg.locator("#keystate").inner_text() == "this server needs a key"
        assert pg.locator("path.ew-marker").count() == 0
        pg.fill("#apikey", "ew_000000000000_not-a-key")
        pg.click("#apikey-save")
        pg.wait_for_selector("#keystate.bad")
        assert pg.locator("#keystate").inner_text() == "key refused: enter another"
        pg.fill("#apikey", served.token)
        pg.click("#apikey-save")
        pg.wait_for_selector("path.ew-marker", timeout=20000)
        assert pg.locator("#keybox.needed").count() == 0
        pg.close()
    finally:
        stop()


def test_an_empty_database_says_how_to_fill_it(browser, served, tmp_path):
    from eventwatch.server import create_app

    stop, url = _start(create_app(str(tmp_path / "empty.duckdb"), open_reads=True))
    try:
        pg = browser.new_page()
        problems = []
        pg.on("pageerror", lambda e: problems.append(str(e)))
        pg.goto(url + "/#/")
        pg.wait_for_selector(".listbox .notice")
        assert "eventwatch ingest" in pg.locator(".listbox .notice").inner_text()
        assert "No incidents have been built" in pg.locator("#view > .notice").inner_text()
        assert pg.locator("path.ew-marker").count() == 0
        pg.goto(url + "/#/alerts")
        pg.wait_for_selector("#view .notice")
        assert pg.locator("#view .notice").inner_text() == "No new alerts."
        pg.close()
        assert problems == []
    finally:
        stop()
