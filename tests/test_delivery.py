"""Alert delivery against real local receivers: a signed webhook (with a retry after a 500), the
refusal of private addresses before any request, and e-mail through a local SMTP server."""
import hashlib
import hmac
import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from eventwatch.alerting import Alert
from eventwatch.delivery import SIGNATURE_HEADER, deliver_alert, post_webhook, resolve_checked
from eventwatch.errors import EventwatchError

SECRET = "s3cret-key"


def make_alert(**kw):
    d = dict(alert_id="A-0123456789ab", incident_id="inc-1", asset_id="dasu-hydropower",
             asset_name="Dasu hydropower project", rules=["material-conflict-near-asset"], severity=82.9,
             level="high", distance_km=0.2, title="Bombing of a bus carrying Chinese engineers near Dasu",
             incident_date="2021-07-14", location="Dasu, Khyber Pakhtunkhwa, PAK", num_sources=2, num_articles=2,
             killed=13, evidence=[{"sentence": "A blast hit a bus near Dasu on Wednesday.", "article_id": "a1",
                                   "agency": "Reuters", "url": "https://example.org/a1"}])
    d.update(kw)
    return Alert(**d)


class Receiver:
    """A webhook receiver on 127.0.0.1 answering with the given statuses in turn (then 200)."""

    def __init__(self, statuses=()):
        self.statuses = list(statuses)
        self.requests = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append((self.path, dict(self.headers), body))
                status = outer.statuses.pop(0) if outer.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *a):
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/eventwatch?team=ops"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_webhook_retries_after_a_500_and_signs_the_body():
    with Receiver([500]) as rx:
        status = post_webhook(rx.url, {"event": "new", "alert": make_alert().to_dict()}, secret=SECRET,
                              retries=2, backoff_s=0.01, allow_private=True)
    assert status == 200 and len(rx.requests) == 2
    path, headers, body = rx.requests[-1]
    assert path == "/hooks/eventwatch?team=ops" and headers["Content-Type"] == "application/json"
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers[SIGNATURE_HEADER] == expected
    doc = json.loads(body)
    assert doc["event"] == "new" and doc["alert"]["killed"] == 13 and doc["alert"]["distance_km"] == 0.2
    assert rx.requests[0][2] == body  # the retry sends the same signed bytes


def test_webhook_gives_up_after_its_retries_and_on_a_client_error():
    with Receiver([503, 503, 503]) as rx:
        with pytest.raises(EventwatchError) as e:
            post_webhook(rx.url, {"x": 1}, retries=2, backoff_s=0.01, allow_private=True)
    assert e.value.code == "EW142" and "HTTP 503 after 3 attempt(s)" in str(e.value) and len(rx.requests) == 3
    with Receiver([404]) as rx:
        with pytest.raises(EventwatchError):
            post_webhook(rx.url, {"x": 1}, retries=3, backoff_s=0.01, allow_private=True)
    assert len(rx.requests) == 1  # a 404 is not retried


@pytest.mark.parametrize("url,kind", [
    ("http://127.0.0.1:{port}/hook", "loopback"),
    ("http://localhost:{port}/hook", "loopback"),
    ("http://10.0.0.5/hook", "private"),
    ("http://192.168.1.20/hook", "private"),
    ("http://169.254.169.254/latest/meta-data", "link-local"),
    ("http://[::1]:{port}/hook", "loopback"),
    ("http://[::ffff:127.0.0.1]:{port}/hook", "loopback"),
    ("http://100.64.0.1/hook", "non-public"),
])
def test_private_addresses_are_refused_before_any_request(url, kind):
    with Receiver() as rx:
        target = url.format(port=rx.server.server_port)
        with pytest.raises(EventwatchError) as e:
            post_webhook(target, {"event": "new"}, secret=SECRET, retries=0)
    assert e.value.code == "EW141" and kind in str(e.value)
    assert rx.requests == []


def test_only_http_urls():
    for url in ("file:///etc/passwd", "ftp://example.org/x", "gopher://x"):
        with pytest.raises(EventwatchError) as e:
            resolve_checked(url)
        assert e.value.code == "EW142"


def test_public_address_passes_the_check():
    assert resolve_checked("http://93.184.216.34/hook")[3] == "93.184.216.34"


def test_email_through_a_local_smtp_server():
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    got = []

    class Keep(Message):
        def handle_message(self, message):
            got.append(message)

    with socket.socket() as probe:  # a free port (aiosmtpd's controller wants a fixed one)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    ctl = Controller(Keep(), hostname="127.0.0.1", port=port)
    ctl.start()
    try:
        delivery = {"min_level": "low", "terminal": False, "log_file": "", "webhook": {},
                    "email": {"host": "127.0.0.1", "port": port, "starttls": False, "username": "", "password": "",
                              "sender": "eventwatch@example.org", "to": ["ops@example.org", "desk@example.org"],
                              "timeout_s": 5.0}}
        ok, failed = deliver_alert(make_alert(), "new", delivery)
    finally:
        ctl.stop()
    assert (ok, failed) == (1, [])
    (msg,) = got
    assert " ".join(str(msg["Subject"]).split()) == "[eventwatch high] Dasu hydropower project: Bombing of a bus carrying Chinese engineers near Dasu"
    assert msg["To"] == "ops@example.org, desk@example.org"
    body = msg.get_payload(decode=True).decode()
    assert "A blast hit a bus near Dasu on Wednesday." in body and "distance: 0.2 km" in body and "killed: 13" in body


def test_a_failing_channel_is_reported_and_the_others_still_deliver(tmp_path):
    log = tmp_path / "a.jsonl"
    delivery = {"min_level": "medium", "terminal": False, "log_file": str(log),
                "webhook": {"url": "http://127.0.0.1:9/x", "secret": "", "retries": 0, "backoff_s": 0.0,
                            "timeout_s": 1.0, "allow_private": True},
                "email": {"host": "127.0.0.1", "port": 9, "to": ["x@example.org"], "sender": "e@example.org",
                          "timeout_s": 1.0}}
    ok, failed = deliver_alert(make_alert(), "new", delivery)
    assert ok == 1 and [c for c, _ in failed] == ["webhook", "email"]
    assert json.loads(log.read_text())["alert"]["alert_id"] == "A-0123456789ab"
    # below min_level: nothing is sent
    assert deliver_alert(make_alert(level="low", severity=20.0), "new", delivery) == (0, [])
