"""The REST API: every endpoint against a store of hand-made events, keys and roles, filters and
pagination at their edges, the error envelope, ingest, OpenAPI, and `eventwatch serve` owning its file."""
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from pathlib import Path

import httpx
import pytest

warnings.filterwarnings("ignore", message=".*httpx2.*")
from fastapi.routing import APIRoute  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402

from eventwatch.errors import EventwatchError  # noqa: E402
from eventwatch.server import MAX_LIMIT, build_router, create_app  # noqa: E402
from eventwatch.serving import serve_file  # noqa: E402
from eventwatch.settings import Settings  # noqa: E402
from eventwatch.store import Store  # noqa: E402
from eventwatch.text import prepare  # noqa: E402
from test_store import (AFG_COP, IND_GOV, ISB, KAB, PAK_GOV, PAK_MIL, fill, make_article,  # noqa: E402
                        make_event)

ROOT = Path(__file__).resolve().parents[1]
ENVELOPE = {"ok", "error", "code", "status", "hint"}
SEEN_ERRORS: list = []  # every error response any test got: all must carry the envelope


class Client(TestClient):
    """A TestClient that checks the error envelope on every 4xx/5xx answer it gets."""

    def request(self, *args, **kwargs):
        r = super().request(*args, **kwargs)
        if r.status_code >= 400:
            body = r.json()
            assert set(body) == ENVELOPE, body
            assert body["ok"] is False and body["status"] == r.status_code
            assert body["code"].startswith("EW") and body["error"] and body["hint"]
            SEEN_ERRORS.append((r.request.method, r.request.url.path, r.status_code, body["code"]))
        return r




@pytest.fixture
def store():
    with Store(":memory:") as s:
        fill(s)
        yield s


@pytest.fixture
def keys(store):
    out = {}
    for role in ("reader", "analyst", "admin"):
        out[role] = store.create_key(f"{role}-user", role)[1]
    return out


def auth(token):
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def client(store, keys):
    return Client(create_app(store))


@pytest.fixture
def reader(client, keys):
    client.headers.update(auth(keys["reader"]))
    return client


# ---- service ----------------------------------------------------------------------------------------------

def test_health_and_version_need_no_key(client):
    assert client.get("/api/v1/health").json() == {"ok": True, "status": "ok"}
    v = client.get("/api/v1/version").json()
    assert v["api"] == "v1" and v["schema_version"] >= 4 and v["version"]


# ---- events -----------------------------------------------------------------------------------------------

def test_events_list_is_the_store_query_in_the_list_envelope(reader, store):
    body = reader.get("/api/v1/events").json()
    assert set(body) == {"items", "total", "limit", "offset"}
    assert (body["total"], body["limit"], body["offset"]) == (5, 100, 0)  # the negated event is left out
    assert body["items"] == [e.to_dict() for e in store.events()]
    assert list(body["items"][0]) == list(store.events()[0].to_dict())  # the to_dict layout, in order


@pytest.mark.parametrize("params, filters", [
    ({"country": "afg"}, {"country": "afg"}),
    ({"source": "IND"}, {"source": "IND"}),
    ({"target": "PAK"}, {"target": "PAK"}),
    ({"dyad": "PAK,IND"}, {"dyad": ("PAK", "IND")}),
    ({"code": "19"}, {"code": "19"}),
    ({"root": "11"}, {"root": "11"}),
    ({"since": "2024-03-05", "until": "2024-03-06"}, {"since": "2024-03-05", "until": "2024-03-06"}),
    ({"text": "SHELLED"}, {"text": "SHELLED"}),
    ({"mode": "reference"}, {"mode": "reference"}),
    ({"include_negated": "true"}, {"include_negated": True}),
    ({"article_id": "isb1", "include_negated": "1"}, {"article_id": "isb1", "include_negated": True}),
    ({"country": "PAK", "root": "19", "order": "-date"}, {"country": "PAK", "root": "19", "order": "-date"}),
])
def test_every_event_filter(reader, store, params, filters):
    body = reader.get("/api/v1/events", params=params).json()
    want = store.events(**filters)
    assert want, "the filter should match something in the fixture"
    assert [e["event_id"] for e in body["items"]] == [e.event_id for e in want]
    assert body["total"] == len(want)


def test_filters_that_match_nothing(reader):
    body = reader.get("/api/v1/events", params={"dyad": "CHN,USA"}).json()
    assert body == {"items": [], "total": 0, "limit": 100, "offset": 0}


def test_pages_are_stable_and_cover_every_event_once(reader, store):
    everything = [e.event_id for e in store.events(include_negated=True)]
    seen = []
    for offset in range(0, 8, 2):
        body = reader.get("/api/v1/events", params={"limit": 2, "offset": offset, "include_negated": True}).json()
        assert body["total"] == 6 and body["limit"] == 2 and body["offset"] == offset
        seen += [e["event_id"] for e in body["items"]]
    assert seen == everything
    again = reader.get("/api/v1/events", params={"limit": 2, "offset": 2, "include_negated": True}).json()
    assert [e["event_id"] for e in again["items"]] == everything[2:4]
    far = reader.get("/api/v1/events", params={"offset": 10**6}).json()
    assert far["items"] == [] and far["total"] == 5
    assert reader.get("/api/v1/events", params={"limit": MAX_LIMIT}).json()["limit"] == MAX_LIMIT


@pytest.mark.parametrize("params, status, code", [
    ({"limit": 0}, 422, "EW105"),
    ({"limit": MAX_LIMIT + 1}, 422, "EW105"),
    ({"limit": "ten"}, 422, "EW105"),
    ({"offset": -1}, 422, "EW105"),
    ({"offset": 10**20}, 422, "EW105"),
    ({"since": "2024-02-30"}, 400, "EW041"),
    ({"until": "yesterday"}, 400, "EW041"),
    ({"dyad": "PAK"}, 400, "EW041"),
    ({"dyad": "PAK,IND,AFG"}, 400, "EW041"),
    ({"mode": "rumour"}, 422, "EW105"),
    ({"order": "random"}, 422, "EW105"),
    ({"include_negated": "perhaps"}, 422, "EW105"),
])
def test_bad_filters_and_pages_are_refused_with_the_envelope(reader, params, status, code):
    r = reader.get("/api/v1/events", params=params)
    assert (r.status_code, r.json()["code"]) == (status, code)
    name = next(iter(params))
    assert name in r.json()["error"]


def test_one_event(reader, store):
    e = store.events(article_id="isb1")[1]
    assert reader.get(f"/api/v1/events/{e.event_id}").json() == e.to_dict()
    r = reader.get("/api/v1/events/isb1:9:9")
    assert r.status_code == 404 and r.json()["code"] == "EW104" and "isb1:9:9" in r.json()["error"]


def test_summary_is_the_store_summary(reader, store):
    assert reader.get("/api/v1/summary").json() == store.summary()


# ---- articles ---------------------------------------------------------------------------------------------

def test_articles_list_without_text_and_one_article_with_it(reader, store):
    body = reader.get("/api/v1/articles").json()
    assert body["total"] == 3 and [a["id"] for a in body["items"]] == ["isb1", "del1", "kab1"]
    assert "text" not in body["items"][0] and body["items"][0]["title"] == "Pakistan summons Indian envoy"
    page = reader.get("/api/v1/articles", params={"limit": 1, "offset": 1}).json()
    assert [a["id"] for a in page["items"]] == ["del1"] and page["total"] == 3
    one = reader.get("/api/v1/articles/isb1").json()
    assert one == store.article("isb1").to_dict()
    assert one["text"] == ISB and one["blocks"] == [[0, len(ISB), "body"]]
    r = reader.get("/api/v1/articles/nope")
    assert r.status_code == 404 and r.json()["code"] == "EW104"


# ---- access control ---------------------------------------------------------------------------------------

READS = ["/api/v1/events", "/api/v1/events/isb1:0:0", "/api/v1/articles", "/api/v1/articles/isb1", "/api/v1/summary"]


@pytest.mark.parametrize("path", READS)
def test_reads_need_a_key(client, keys, path):
    r = client.get(path)
    assert r.status_code == 401 and r.json()["code"] == "EW100" and r.headers["www-authenticate"] == "Bearer"
    r = client.get(path, headers=auth("ew_0000_wrong"))
    assert r.status_code == 401 and r.json()["code"] == "EW101"
    assert client.get(path, headers=auth(keys["reader"])).status_code == 200
    assert client.get(path, headers={"X-API-Key": keys["reader"]}).status_code == 200


def test_bad_tokens_of_every_shape_fail(client, keys):
    good = keys["reader"]
    key_id = good.split("_")[1]
    for bad in ["", "x", "ew_", "ew__", f"ew_{key_id}", f"ew_{key_id}_", f"ew_{key_id}_{'A' * 43}",
                good[:-1] + ("A" if good[-1] != "A" else "B"), good.replace("ew_", "xx_"), "ew_\u00e9_\u00e9".encode("latin-1")]:
        r = client.get("/api/v1/events", headers={"X-API-Key": bad} if bad else {})
        assert r.status_code == 401, bad
    assert client.get("/api/v1/events", headers={"Authorization": f"Basic {good}"}).status_code == 401


def test_roles(client, keys):
    one = {"text": "NAIROBI, May 16 (Reuters) - Kenyan police arrested two men.", "id": "k1"}
    r = client.post("/api/v1/ingest", json=one, headers=auth(keys["reader"]))
    assert r.status_code == 403 and r.json()["code"] == "EW102"
    assert "reader" in r.json()["error"] and "analyst" in r.json()["error"]
    r = client.get("/api/v1/keys", headers=auth(keys["analyst"]))
    assert r.status_code == 403 and "admin" in r.json()["hint"]
    assert client.get("/api/v1/keys", headers=auth(keys["admin"])).status_code == 200
    assert client.get("/api/v1/events", headers=auth(keys["admin"])).status_code == 200  # roles include lower ones


def test_keys_endpoints_create_list_and_revoke(client, keys):
    admin = auth(keys["admin"])
    r = client.post("/api/v1/keys", json={"name": "bob", "role": "analyst"}, headers=admin)
    assert r.status_code == 201
    new = r.json()
    assert new["key"]["role"] == "analyst" and new["key"]["active"] and new["token"].startswith("ew_")
    listed = client.get("/api/v1/keys", headers=admin).json()
    assert listed["total"] == 4 and all("hash" not in k and "salt" not in k for k in listed["items"])
    assert new["token"] not in json.dumps(listed)
    assert client.get("/api/v1/events", headers=auth(new["token"])).status_code == 200
    r = client.delete(f"/api/v1/keys/{new['key']['id']}", headers=admin)
    assert r.status_code == 200 and r.json()["active"] is False and r.json()["revoked_at"]
    r = client.get("/api/v1/events", headers=auth(new["token"]))  # revoked: refused at once
    assert r.status_code == 401 and r.json()["code"] == "EW101"
    assert client.delete("/api/v1/keys/nope", headers=admin).status_code == 404
    r = client.post("/api/v1/keys", json={"name": "eve", "role": "root"}, headers=admin)
    assert r.status_code == 422 and r.json()["code"] == "EW105"


def test_revoked_key_fails_everywhere(client, store, keys):
    key_id = keys["analyst"].split("_")[1]
    store.revoke_key(key_id)
    for method, path in [("GET", "/api/v1/events"), ("POST", "/api/v1/ingest")]:
        r = client.request(method, path, headers=auth(keys["analyst"]), json={"articles": []})
        assert r.status_code == 401 and r.json()["code"] == "EW101"


def test_open_reads_only_for_local_callers_of_a_loopback_server(store, keys):
    app = create_app(store, open_reads=True)
    local = Client(app, client=("127.0.0.1", 50000))
    assert local.get("/api/v1/events").json()["total"] == 5
    assert local.get("/api/v1/articles/isb1").status_code == 200
    r = local.post("/api/v1/ingest", json={"articles": []})  # writes still need a key
    assert r.status_code == 401 and r.json()["code"] == "EW100"
    assert local.get("/api/v1/keys").status_code == 401
    remote = Client(app, client=("192.0.2.7", 50000))
    assert remote.get("/api/v1/events").status_code == 401
    closed = Client(create_app(store), client=("127.0.0.1", 50000))  # not chosen by the admin
    assert closed.get("/api/v1/events").status_code == 401
    for host in ("0.0.0.0", "192.0.2.7", "::"):
        with pytest.raises(EventwatchError) as exc:
            create_app(store, open_reads=True, host=host)
        assert exc.value.code == "EW109"
    create_app(store, open_reads=True, host="::1")


# ---- ingest -----------------------------------------------------------------------------------------------

KENYA = ("NAIROBI, May 16 (Reuters) - Kenyan police arrested two men on Thursday over a grenade attack "
         "on a bus station in the city, a police spokesman said.")


def test_ingest_reports_each_bad_item_and_goes_on(client, store, keys):
    stored = prepare(KENYA, id="ken1", published="2024-05-16")
    store.add(stored, [])
    before = store.count_events(include_negated=True)
    batch = {"articles": [{"id": "x1"}, 7, {"id": "x2", "text": "GAZA, May 3 - Text.", "published": "someday"},
                          {"id": "ken1", "text": KENYA, "published": "2024-05-16"}, {"html": "   "}]}
    r = client.post("/api/v1/ingest", json=batch, headers=auth(keys["analyst"]))
    assert r.status_code == 200
    rep = r.json()
    assert (rep["added"], rep["duplicates"], rep["events"]) == (0, 1, 0)
    assert [(d["path"], d["code"]) for d in rep["drops"]] == [
        ("articles[0]", "EW008"), ("articles[1]", "EW105"), ("articles[2]", "EW011"), ("articles[4]", "EW008")]
    assert all(d["message"] and d["hint"] for d in rep["drops"])
    assert store.count_events(include_negated=True) == before
    assert len(store.drops()) == 4  # recorded like the CLI's drops


def test_ingest_request_errors(client, keys):
    h = auth(keys["analyst"])
    r = client.post("/api/v1/ingest", json={"text": KENYA, "articles": [{"text": KENYA}]}, headers=h)
    assert r.status_code == 422 and r.json()["code"] == "EW105"
    r = client.post("/api/v1/ingest", json={"articles": "all of them"}, headers=h)
    assert r.status_code == 422
    r = client.post("/api/v1/ingest", content=b"{not json", headers={**h, "Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["code"] == "EW105"
    r = client.post("/api/v1/ingest", json=[1, 2], headers=h)
    assert r.status_code == 422
    r = client.post("/api/v1/ingest", json={"articles": []}, headers=h)
    assert r.status_code == 200 and r.json()["added"] == 0 and r.json()["drops"] == []


def test_ingest_batch_limit(store, keys):
    client = Client(create_app(store, settings=Settings.load(api_max_batch=3)))
    r = client.post("/api/v1/ingest", json={"articles": [{"id": str(i)} for i in range(4)]},
                    headers=auth(keys["analyst"]))
    assert r.status_code == 413 and r.json()["code"] == "EW112" and "3" in r.json()["hint"]


@pytest.mark.slow
def test_ingest_extracts_and_stores_a_good_item_next_to_a_bad_one(client, store, keys):
    batch = {"articles": [{"id": "ken2", "text": KENYA, "published": "2024-05-16", "title": "Two held"},
                          {"id": "bad", "text": ""}]}
    rep = client.post("/api/v1/ingest", json=batch, headers=auth(keys["analyst"])).json()
    assert rep["added"] == 1 and rep["events"] >= 1 and [d["path"] for d in rep["drops"]] == ["articles[1]"]
    evs = client.get("/api/v1/events", params={"article_id": "ken2"}, headers=auth(keys["reader"])).json()
    assert evs["total"] == rep["events"] and evs["items"][0]["source"]["country"] == "KEN"
    assert client.get("/api/v1/articles/ken2", headers=auth(keys["reader"])).json()["title"] == "Two held"
    again = client.post("/api/v1/ingest", json=batch["articles"][0], headers=auth(keys["analyst"])).json()
    assert again["duplicates"] == 1 and again["added"] == 0


# ---- errors everywhere ------------------------------------------------------------------------------------

def test_unknown_routes_and_methods_answer_the_envelope(client, keys):
    r = client.get("/api/v1/nothing-here")
    assert r.status_code == 404 and r.json()["code"] == "EW106"
    r = client.delete("/api/v1/events", headers=auth(keys["admin"]))
    assert r.status_code == 405 and r.json()["code"] == "EW107"
    r = client.put("/api/v1/ingest", json={})
    assert r.status_code == 405


def test_every_error_seen_carried_the_envelope():
    # runs after the tests above in this module: the Client checked each of their error answers
    codes = {c for *_, c in SEEN_ERRORS}
    assert {"EW100", "EW101", "EW102", "EW104", "EW105", "EW106", "EW107", "EW041"} <= codes


def test_a_crash_answers_500_with_the_envelope_and_no_trace(store, keys, monkeypatch):
    def broken(*a, **k):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(Store, "summary", broken)
    client = Client(create_app(store), raise_server_exceptions=False)
    r = client.get("/api/v1/summary", headers=auth(keys["reader"]))
    assert r.status_code == 500 and r.json()["code"] == "EW113"
    assert "secret internals" not in r.text and "Traceback" not in r.text


# ---- concurrency ------------------------------------------------------------------------------------------

def test_concurrent_reads_and_writes_each_on_its_own_cursor(store, keys):
    app = create_app(store)
    errors: list = []

    def reads():
        c = TestClient(app, headers=auth(keys["reader"]))
        for i in range(30):
            r = c.get("/api/v1/events", params={"limit": 2, "offset": i % 4, "include_negated": True})
            if r.status_code != 200 or r.json()["total"] != 6:
                errors.append(r.text)

    def writes():
        c = TestClient(app, headers=auth(keys["admin"]))
        for i in range(10):
            r = c.post("/api/v1/keys", json={"name": f"k{threading.get_ident()}-{i}"})
            if r.status_code != 201:
                errors.append(r.text)

    threads = [threading.Thread(target=reads) for _ in range(6)] + [threading.Thread(target=writes) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(store.keys()) == 3 + 30


# ---- OpenAPI ----------------------------------------------------------------------------------------------

def test_openapi_documents_every_route_with_models(client):
    spec = client.get("/openapi.json").json()
    routes = [r for r in build_router().routes if isinstance(r, APIRoute)]
    assert len(routes) >= 10 and all(r.path.startswith("/api/v1/") for r in routes)
    documented = {(p, m) for p, ops in spec["paths"].items() for m in ops}
    assert documented == {(r.path.replace(":path}", "}"), m.lower()) for r in routes for m in r.methods}
    for route in routes:
        assert route.response_model is not None, route.path
        for method in route.methods:
            op = spec["paths"][route.path.replace(":path}", "}")][method.lower()]
            ok = str(route.status_code or 200)
            assert "$ref" in json.dumps(op["responses"][ok]["content"]["application/json"]["schema"]), route.path
            assert op.get("summary"), route.path
            for status in ("401", "422"):
                assert op["responses"][status]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    schemas = spec["components"]["schemas"]
    assert {"EventOut", "ArticleOut", "ErrorOut", "SummaryOut", "IngestReportOut", "KeyOut"} <= set(schemas)
    assert {"HTTPBearer", "APIKeyHeader"} <= set(spec["components"]["securitySchemes"])


def test_schemathesis_finds_no_server_error(watched):
    schemathesis = pytest.importorskip("schemathesis")
    from hypothesis import HealthCheck, given, settings

    store, _, keys = watched  # events, articles, assets, alerts and incidents to find
    app = create_app(store)
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # ingest would run the extraction model on every generated article: the slow test covers it
    schema = schema.exclude(path="/api/v1/ingest")
    failures, calls = [], []
    for op in schema.get_all_operations():
        operation = op.ok()
        strategy = operation.as_strategy()

        @given(case=strategy)
        @settings(max_examples=20, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def check(case):
            headers = dict(case.headers or {}, Authorization=f"Bearer {keys['admin']}")
            response = case.call(headers=headers)
            calls.append((case.method, case.path))
            if response.status_code >= 500:
                failures.append((case.method, case.formatted_path, case.query, response.text))
            if response.status_code >= 400:
                body = response.json()
                assert set(body) == ENVELOPE, body

        check()
    assert failures == []
    assert len({c for c in calls}) >= 10 and len(calls) >= 100  # every operation, many cases


# ---- `eventwatch serve` owns its database -----------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _eventwatch(*args, env=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "eventwatch.cli", *args], capture_output=True, text=True,
                          timeout=timeout, env=env or _env(), cwd=ROOT)


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    env.pop("EVENTWATCH_KEY", None)
    return env


@pytest.fixture
def served(tmp_path):
    db = str(tmp_path / "served.duckdb")
    with Store(db) as s:
        fill(s)
        token = s.create_key("alice", "analyst")[1]
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "eventwatch.cli", "serve", "--db", db, "--port", str(port),
                             "--log-level", "warning"], env=_env(), cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while True:
        try:
            if httpx.get(url + "/api/v1/health", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if proc.poll() is not None or time.time() > deadline:
            raise AssertionError(f"server did not start: {proc.communicate()}")
        time.sleep(0.2)
    yield {"db": db, "url": url, "port": port, "proc": proc, "token": token}
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)


def test_serve_announces_itself_and_a_second_writer_gets_a_clear_message(served):
    db, url, proc = served["db"], served["url"], served["proc"]
    rec = json.loads(serve_file(db).read_text())
    assert rec["url"] == url and rec["pid"] == proc.pid
    r = httpx.get(url + "/api/v1/events", headers=auth(served["token"]))
    assert r.status_code == 200 and r.json()["total"] == 5

    # another process that wants to write the file: the message names the server, no lock trace
    out = _eventwatch("keys", "create", "--name", "mallory", "--db", db)
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert f"held by eventwatch serve at {url} (pid {proc.pid})" in out.stderr
    assert "POST to" in out.stderr and "/api/v1/ingest" in out.stderr
    out = _eventwatch("events", "--db", db)  # a reader too
    assert out.returncode == 2 and "EW108" in out.stderr

    # ingest goes to the server on its own; without a key the server refuses it, clearly
    article = Path(db).parent / "k.txt"
    article.write_text(KENYA, encoding="utf-8")
    out = _eventwatch("ingest", str(article), "--db", db, "--quiet")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert f"sending the articles to it" in out.stderr and "EW111" in out.stderr and "401" in out.stderr
    assert "--key" in out.stderr

    # a second server on the same file stops with the same message
    out = _eventwatch("serve", "--db", db, "--port", str(_free_port()))
    assert out.returncode == 2 and "EW108" in out.stderr and "Traceback" not in out.stderr

    proc.send_signal(signal.SIGTERM)  # what a service manager sends
    proc.wait(timeout=30)
    assert not serve_file(db).exists()
    with Store(db) as s:  # intact: everything it held, nothing half-written
        assert s.count_events(include_negated=True) == 6 and len(s.articles()) == 3
        assert [k["name"] for k in s.keys()] == ["alice"]


def test_serve_refuses_open_reads_off_loopback_and_warns(tmp_path):
    db = str(tmp_path / "x.duckdb")
    out = _eventwatch("serve", "--db", db, "--host", "0.0.0.0", "--open-reads")
    assert out.returncode == 2 and "EW109" in out.stderr and "warning" in out.stderr
    assert not serve_file(db).exists()


def test_serve_on_a_busy_port_says_so(served, tmp_path):
    out = _eventwatch("serve", "--db", str(tmp_path / "other.duckdb"), "--port", str(served["port"]))
    assert out.returncode == 2 and "EW114" in out.stderr and "Traceback" not in out.stderr


@pytest.mark.slow
def test_ingest_via_the_server_with_a_key(served, tmp_path):
    article = tmp_path / "k.txt"
    article.write_text(KENYA, encoding="utf-8")
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    env = dict(_env(), EVENTWATCH_KEY=served["token"])
    out = _eventwatch("ingest", str(article), str(tmp_path / "empty.txt"), "--db", served["db"], "--quiet",
                      "--json", env=env, timeout=300)
    assert out.returncode == 0, out.stderr
    rep = json.loads(out.stdout)
    assert rep["added"] == 1 and rep["events"] >= 1 and [d["code"] for d in rep["drops"]] == ["EW002"]
    r = httpx.get(served["url"] + "/api/v1/events", params={"country": "KEN"}, headers=auth(served["token"]))
    assert r.json()["total"] == rep["events"]


# ---- relations --------------------------------------------------------------------------------------------

def test_dyad_relations(reader):
    body = reader.get("/api/v1/dyads/PAK/IND").json()
    assert (body["a"], body["b"], body["by"]) == ("PAK", "IND", "month")
    assert body["totals"]["both"]["events"] == 3  # the negated and the reference events are not counted
    assert body["excluded"]["negated"] == ["isb1:2:0"]
    weekly = reader.get("/api/v1/dyads/IND/PAK", params={"by": "week", "since": "2024-03-05"}).json()
    assert weekly["by"] == "week" and weekly["totals"]["both"]["events"] == 2
    for path, params in [("/api/v1/dyads/PAK/XXX", {}), ("/api/v1/dyads/PAK/PAK", {}),
                         ("/api/v1/dyads/PAK/IND", {"since": "March"})]:
        r = reader.get(path, params=params)
        assert r.status_code == 400 and r.json()["code"] in ("EW090", "EW092", "EW041"), r.json()
    assert reader.get("/api/v1/dyads/PAK/IND", params={"by": "day"}).status_code == 422


# ---- watch: assets, alerts, risk --------------------------------------------------------------------------

@pytest.fixture
def watched(keys, store):
    from test_watch import CHILAS, CHINESE, DASU, IncidentStore, incident

    from eventwatch.alerting import raise_alerts
    from eventwatch.watchlist import read_assets

    with IncidentStore(":memory:") as s:
        fill(s)
        tokens = {role: s.create_key(f"{role}-user", role)[1] for role in ("reader", "analyst", "admin")}
        assets, errors = read_assets(ROOT / "samples" / "assets.geojson")
        s.add_assets(assets)
        s.given["i-dasu"] = incident("i-dasu", "183", DASU, target=CHINESE, killed=9, title="Bombing of a bus at Dasu",
                                     date="2024-03-26")
        s.given["i-chilas"] = incident("i-chilas", "190", CHILAS, date="2024-03-20")
        run = raise_alerts(s, ["i-dasu", "i-chilas"], deliver=False)
        assert len(run.created) >= 4
        yield s, Client(create_app(s)), tokens


def test_assets_list_add_and_remove(watched):
    store, client, t = watched
    body = client.get("/api/v1/assets", headers=auth(t["reader"])).json()
    assert body["total"] == 5 and body["items"][0] == store.assets()[0].to_dict()
    new = {"name": "Quetta office", "kind": "office", "lat": 30.18, "lon": 67.0, "radius_km": 5, "country": "pak"}
    r = client.post("/api/v1/assets", json=new, headers=auth(t["analyst"]))
    assert r.status_code == 403 and r.json()["code"] == "EW102"
    r = client.post("/api/v1/assets", json=new, headers=auth(t["admin"]))
    assert r.status_code == 201 and r.json()["asset_id"] == "quetta-office" and r.json()["country"] == "PAK"
    assert r.json()["geometry"] == {"type": "Point", "coordinates": [67.0, 30.18]}
    r = client.post("/api/v1/assets", json=new, headers=auth(t["admin"]))
    assert r.status_code == 409 and r.json()["code"] == "EW135"
    assert client.post("/api/v1/assets", json={**new, "replace": True, "radius_km": 8},
                       headers=auth(t["admin"])).json()["radius_km"] == 8
    for bad, code in [({"name": "Nowhere", "kind": "site"}, "EW143"), ({**new, "country": "ZZZ"}, "EW134"),
                      ({"name": "X", "geometry": {"type": "Point", "coordinates": [500, 0]}}, "EW132")]:
        r = client.post("/api/v1/assets", json=bad, headers=auth(t["admin"]))
        assert r.status_code == 400 and r.json()["code"] == code, r.json()
    assert client.post("/api/v1/assets", json={**new, "lat": 91}, headers=auth(t["admin"])).status_code == 422
    assert client.get("/api/v1/assets", params={"limit": 2, "offset": 4},
                      headers=auth(t["reader"])).json()["total"] == 6
    r = client.delete("/api/v1/assets/quetta-office", headers=auth(t["admin"]))
    assert r.json() == {"removed": "quetta-office"}
    r = client.delete("/api/v1/assets/quetta-office", headers=auth(t["admin"]))
    assert r.status_code == 404 and r.json()["code"] == "EW137"


def test_alerts_list_filter_and_workflow(watched):
    store, client, t = watched
    body = client.get("/api/v1/alerts", headers=auth(t["reader"])).json()
    assert body["total"] == store.count_alerts() and [a["alert_id"] for a in body["items"]] == \
        [a.alert_id for a in store.alerts()]
    dasu = next(a for a in body["items"] if a["asset_id"] == "dasu-hydropower")
    assert dasu["title"] == "Bombing of a bus at Dasu" and dasu["status"] == "new"
    aid = dasu["alert_id"]
    page = client.get("/api/v1/alerts", params={"asset": "dasu-hydropower", "limit": 1},
                      headers=auth(t["reader"])).json()
    assert page["total"] == 1 and page["items"][0]["alert_id"] == aid
    r = client.post(f"/api/v1/alerts/{aid}/acknowledge", headers=auth(t["reader"]))
    assert r.status_code == 403
    r = client.post(f"/api/v1/alerts/{aid}/acknowledge", json={"note": "team informed"}, headers=auth(t["analyst"]))
    assert r.status_code == 200 and r.json()["status"] == "acknowledged"
    assert r.json()["history"][-1]["by"] == "analyst-user" and r.json()["history"][-1]["note"] == "team informed"
    r = client.post(f"/api/v1/alerts/{aid}/acknowledge", headers=auth(t["analyst"]))
    assert r.status_code == 409 and r.json()["code"] == "EW140"
    r = client.post(f"/api/v1/alerts/{aid}/close", headers=auth(t["analyst"]))  # no body at all
    assert r.json()["status"] == "closed" and store.alert(aid).status == "closed"
    got = client.get(f"/api/v1/alerts/{aid}", headers=auth(t["reader"])).json()
    assert [h["action"] for h in got["history"]] == ["created", "acknowledged", "closed"]
    closed = client.get("/api/v1/alerts", params={"status": "closed"}, headers=auth(t["reader"])).json()
    assert [a["alert_id"] for a in closed["items"]] == [aid] and closed["total"] == 1
    assert client.get("/api/v1/alerts", params={"status": "open"}, headers=auth(t["reader"])).status_code == 422
    r = client.post("/api/v1/alerts/A-000000000000/close", headers=auth(t["analyst"]))
    assert r.status_code == 404 and r.json()["code"] == "EW139"
    assert client.get("/api/v1/alerts/A-000000000000", headers=auth(t["reader"])).status_code == 404


def test_risk_ranking(watched):
    store, client, t = watched
    body = client.get("/api/v1/risk", params={"as_of": "2024-03-31"}, headers=auth(t["reader"])).json()
    top = body["items"][0]
    assert body["total"] == 5 and top["asset_id"] == top["key"] and top["score"] > 0
    assert {c["incident_id"] for c in top["contributors"]} <= {"i-dasu", "i-chilas"}
    d = client.get("/api/v1/risk", params={"as_of": "2024-03-31", "districts": True}, headers=auth(t["reader"])).json()
    assert d["items"] and all(x["asset_id"] is None and x["kind"] == "district" for x in d["items"])
    one = client.get("/api/v1/risk", params={"as_of": "2024-03-31", "asset": "dasu-hydropower"},
                     headers=auth(t["reader"])).json()
    assert [x["key"] for x in one["items"]] == ["dasu-hydropower"]
    r = client.get("/api/v1/risk", params={"as_of": "2024-31-03"}, headers=auth(t["reader"]))
    assert r.status_code == 400 and r.json()["code"] == "EW041"
    assert client.get("/api/v1/risk", params={"asset": "atlantis"}, headers=auth(t["reader"])).status_code == 404


def test_list_totals_are_counted_once_per_filter_until_the_next_write(store, keys):
    app = create_app(store)
    state = app.state.eventwatch
    calls = []

    def count():
        calls.append(1)
        return store.count_events(country="PAK")

    assert state.total("events", {"country": "PAK"}, count) == 4
    assert state.total("events", {"country": "PAK"}, count) == 4 and len(calls) == 1
    state.total("events", {"country": "IND"}, count)
    assert len(calls) == 2  # another filter, another count
    with state.writing():
        store.add(make_article("kab2", KAB + " Two soldiers were hurt.", "2024-03-08"),
                  [make_event(make_article("kab2", KAB + " Two soldiers were hurt.", "2024-03-08"), 0, "193",
                              AFG_COP, PAK_MIL, "2024-03-08")])
    assert state.total("events", {"country": "PAK"}, count) == 5 and len(calls) == 3
    client = Client(app, headers=auth(keys["reader"]))
    assert client.get("/api/v1/events", params={"country": "PAK"}).json()["total"] == 5


def test_many_requests_on_one_event_loop_share_the_read_slots_without_deadlock(store, keys):
    import asyncio

    app = create_app(store, settings=Settings.load(api_db_slots=1))

    async def burst():
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t",
                                     headers=auth(keys["reader"])) as c:
            # more requests at once than the worker threads (40): waiting ones must not hold them
            rs = await asyncio.wait_for(asyncio.gather(*[c.get("/api/v1/events", params={"limit": 1 + i % 5})
                                                         for i in range(60)]), timeout=60)
            return [r.status_code for r in rs], [len(r.json()["items"]) for r in rs]

    codes, sizes = asyncio.run(burst())
    assert codes == [200] * 60 and sizes == [1 + i % 5 for i in range(60)]


# ---- incidents and cases ----------------------------------------------------------------------------------

@pytest.fixture
def clustered(store, keys):
    from eventwatch.clustering import rebuild_store

    assert rebuild_store(store, settings=Settings.load()) == 4
    return Client(create_app(store), headers=auth(keys["reader"]))


def test_incidents_list_filters_and_one_incident(clustered, store):
    body = clustered.get("/api/v1/incidents").json()
    assert body["total"] == 4 and [i["incident_id"] for i in body["items"]] == \
        [i.incident_id for i in store.incidents(limit=100)]
    assert body["items"][0] == store.incidents(limit=1)[0].to_dict()
    afg = clustered.get("/api/v1/incidents", params={"country": "AFG"}).json()
    assert afg["total"] == 1 and afg["items"][0]["source"]["country"] == "AFG"
    dy = clustered.get("/api/v1/incidents", params={"dyad": "PAK,IND", "order": "-date", "limit": 1}).json()
    assert dy["total"] == 3 and len(dy["items"]) == 1 and dy["items"][0]["date"] == "2024-03-06"
    assert clustered.get("/api/v1/incidents", params={"status": "convicted"}).json()["total"] == 0
    assert clustered.get("/api/v1/incidents", params={"min_mentions": 2}).json()["total"] == 0
    for params, status in [({"status": "solved"}, 422), ({"order": "size"}, 422), ({"min_mentions": 0}, 422),
                           ({"since": "2024-13-01"}, 400), ({"limit": 1001}, 422)]:
        assert clustered.get("/api/v1/incidents", params=params).status_code == status, params
    iid = body["items"][0]["incident_id"]
    assert clustered.get(f"/api/v1/incidents/{iid}").json() == store.incident(iid).to_dict()
    r = clustered.get("/api/v1/incidents/inc-000000000000")
    assert r.status_code == 404 and r.json()["code"] == "EW080"


def test_case_of_an_incident(clustered, store):
    kotli = next(i for i in store.incidents() if i.code == "194")
    body = clustered.get(f"/api/v1/cases/{kotli.incident_id}", params={"as_of": "2024-06-01"}).json()
    assert body["incident"]["incident_id"] == kotli.incident_id and body["status"] == "open"
    assert [e["event"]["event_id"] for e in body["entries"]] == \
        [e.event.event_id for e in store.case(kotli.incident_id).entries]
    assert body["entries"][0]["event"]["sentence"].startswith("Indian troops shelled")
    assert clustered.get("/api/v1/cases/inc-000000000000").status_code == 404
    assert clustered.get(f"/api/v1/cases/{kotli.incident_id}", params={"as_of": "soon"}).status_code == 400


def test_a_migration_numbered_below_the_highest_is_still_applied(tmp_path, monkeypatch):
    # features reserve migration numbers and may land in any order: a file at 1, 2 and 4 gets 3 later
    import eventwatch.store.base as base
    from eventwatch.store.migrations import MIGRATIONS

    db = str(tmp_path / "gap.duckdb")
    without_3 = [m for m in MIGRATIONS if m[0] != 3]
    monkeypatch.setattr(base, "MIGRATIONS", without_3)
    with Store(db) as s:
        s.create_key("early", "reader")
        assert not s._has_table("incidents")
    monkeypatch.setattr(base, "MIGRATIONS", MIGRATIONS)
    with pytest.raises(EventwatchError) as exc:
        Store(db, read_only=True)
    assert exc.value.code == "EW033" and "without migration 3" in str(exc.value)
    with Store(db) as s:
        assert s._has_table("incidents") and [k["name"] for k in s.keys()] == ["early"]
        versions = [v for (v,) in s.con.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()]
    assert versions == sorted(v for v, _ in MIGRATIONS)


@pytest.mark.parametrize("order", ["date", "-date", "article", "confidence"])
def test_every_page_is_the_slice_of_the_whole_ordered_list(store, order):
    # undated events of an undated article sort last; ties on a date are broken by article and sentence
    undated = make_article("und1", "Officials met again.\n\nNo date was given.", None)
    store.add(undated, [make_event(undated, 0, "040", IND_GOV, PAK_GOV, None),
                        make_event(undated, 1, "040", PAK_GOV, IND_GOV, None)])
    same_day = make_article("isb2", ISB.replace("four", "six"), "2024-03-05")
    store.add(same_day, [make_event(same_day, 0, "114", PAK_GOV, IND_GOV, "2024-03-05")])
    for filters in ({}, {"include_negated": True}, {"country": "PAK"}, {"dyad": ("IND", "PAK")}):
        whole = [e.event_id for e in store.events(order=order, **filters)]
        assert len(whole) >= 4
        for limit in (1, 2, 3, 5):
            for offset in range(0, len(whole) + 2):
                got = [e.event_id for e in store.events(order=order, limit=limit, offset=offset, **filters)]
                assert got == whole[offset:offset + limit], (order, filters, limit, offset)


def test_a_body_over_the_limit_is_refused_before_it_is_read(store, keys):
    client = Client(create_app(store, settings=Settings.load(api_max_body_mb=1)))
    big = {"articles": [{"id": f"b{i}", "text": "KABUL, May 2 - " + "x" * 200_000} for i in range(6)]}
    r = client.post("/api/v1/ingest", json=big, headers=auth(keys["analyst"]))
    assert r.status_code == 413 and r.json()["code"] == "EW115"
    assert store.count_articles() == 3
