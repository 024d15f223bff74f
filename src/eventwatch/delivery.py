"""Delivering alerts: a stderr line, a JSON-lines log file, a signed JSON webhook, e-mail over SMTP.

Channels are configured under ``[delivery]`` in the rules file. The alert is stored before any
delivery is tried; a channel that fails is logged and reported, never retried at the cost of the
alert. The webhook only ever posts to the URL it was given, refuses loopback, private, link-local
and other non-public addresses after resolving the name (unless ``allow_private``), connects to the
address it checked (a second DNS answer cannot redirect it) and never follows redirects.

>>> ok, failed = deliver_alert(alert, "new", load_rules().delivery)
"""
from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import logging
import smtplib
import socket
import ssl
import sys
import time
from email.message import EmailMessage
from typing import Any
from urllib.parse import urlsplit

from .errors import EventwatchError, error

log = logging.getLogger("eventwatch.watch")
LEVELS = ("low", "medium", "high")
SIGNATURE_HEADER = "X-Eventwatch-Signature"


def payload(alert, why: str) -> dict[str, Any]:
    """The JSON body every channel sends: ``{"event": "new"|"escalated", "alert": {...}}``."""
    return {"event": why, "alert": alert.to_dict()}


def deliver_alert(alert, why: str, delivery: dict[str, Any]) -> tuple[int, list[tuple[str, str]]]:
    """Send one alert on every enabled channel at or above ``min_level``.

    Returns (channels that succeeded, [(channel, error message)] for those that failed).
    """
    if LEVELS.index(alert.level) < LEVELS.index(delivery.get("min_level", "low")):
        return 0, []
    body = payload(alert, why)
    channels = []
    if delivery.get("terminal"):
        channels.append(("terminal", lambda: print(f"eventwatch alert ({why}): {alert.line()}", file=sys.stderr)))
    if delivery.get("log_file"):
        channels.append(("log_file", lambda: append_jsonl(delivery["log_file"], body)))
    hook = delivery.get("webhook") or {}
    if hook.get("url"):
        channels.append(("webhook", lambda: post_webhook(hook["url"], body, secret=hook.get("secret", ""),
                                                         retries=hook.get("retries", 3),
                                                         backoff_s=hook.get("backoff_s", 1.0),
                                                         timeout_s=hook.get("timeout_s", 10.0),
                                                         allow_private=hook.get("allow_private", False))))
    mail = delivery.get("email") or {}
    if mail.get("host") and mail.get("to"):
        channels.append(("email", lambda: send_email(alert, why, mail)))
    ok, failed = 0, []
    for name, send in channels:
        try:
            send()
            ok += 1
        except EventwatchError as exc:
            failed.append((name, exc.message))
            log.warning("alert %s: %s", alert.alert_id, exc)
        except (OSError, smtplib.SMTPException, http.client.HTTPException, ValueError) as exc:
            e = error("EW142", channel=name, detail=f"{type(exc).__name__}: {exc}")
            failed.append((name, e.message))
            log.warning("alert %s: %s", alert.alert_id, e)
    return ok, failed


def append_jsonl(path: str, body: dict) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(json.dumps(body, ensure_ascii=False, default=str) + "\n")


# ---- webhook ------------------------------------------------------------------------------------------

def sign(body: bytes, secret: str) -> str:
    """The signature header value: ``sha256=`` + hex HMAC-SHA256 of the exact body bytes."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def _refusal(ip: ipaddress._BaseAddress) -> str | None:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    for kind in ("loopback", "link_local", "private", "multicast", "reserved", "unspecified"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    if not ip.is_global:  # shared address space (100.64/10), documentation ranges...
        return "non-public"
    return None


def resolve_checked(url: str, *, allow_private: bool = False) -> tuple[str, str, int, str]:
    """(scheme, host, port, ip) for a webhook URL, after checking every address the name resolves to.

    EW141 when any address is loopback/private/link-local/reserved and ``allow_private`` is false.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise error("EW142", channel="webhook", detail=f"{url!r} is not an http(s) URL")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise error("EW142", channel="webhook", detail=f"cannot resolve {parts.hostname!r}: {exc}") from None
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for a in addresses:
        kind = _refusal(ipaddress.ip_address(a.split("%")[0]))
        if kind and not allow_private:
            raise error("EW141", url=url, address=a, kind=kind)
    return parts.scheme, parts.hostname, port, addresses[0]


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the checked address while the Host header keeps the name."""

    def __init__(self, host, port, ip, timeout):
        super().__init__(host, port, timeout=timeout)
        self._ip = ip

    def connect(self):
        self.sock = socket.create_connection((self._ip, self.port), self.timeout)


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, host, port, ip, timeout):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self._ip = ip

    def connect(self):
        sock = socket.create_connection((self._ip, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


RETRY_STATUSES = {408, 425, 429, 500, 502, 503, 504}


def post_webhook(url: str, body: dict, *, secret: str = "", retries: int = 3, backoff_s: float = 1.0,
                 timeout_s: float = 10.0, allow_private: bool = False) -> int:
    """POST ``body`` as JSON to ``url``; returns the HTTP status of the accepted attempt.

    Retries after connection errors, 408/425/429 and 5xx, waiting ``backoff_s * 2**attempt``.
    Any other non-2xx status fails at once (EW142), as does the last failed attempt.

    >>> post_webhook("https://hooks.example.org/ew", {"event": "new"}, secret="s3cret")
    200
    """
    scheme, host, port, ip = resolve_checked(url, allow_private=allow_private)
    parts = urlsplit(url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    data = json.dumps(body, ensure_ascii=False, default=str, sort_keys=True).encode("utf-8")
    headers = {"Content-Type": "application/json", "User-Agent": "eventwatch-webhook/1"}
    if secret:
        headers[SIGNATURE_HEADER] = sign(data, secret)
    last = ""
    for attempt in range(int(retries) + 1):
        if attempt:
            time.sleep(backoff_s * 2 ** (attempt - 1))
        conn = (_PinnedHTTPS if scheme == "https" else _PinnedHTTP)(host, port, ip, timeout_s)
        try:
            conn.request("POST", target, body=data, headers=headers)
            resp = conn.getresponse()
            resp.read()
            status = resp.status
        except (OSError, http.client.HTTPException) as exc:
            last = f"{type(exc).__name__}: {exc}"
            log.info("webhook attempt %d to %s failed: %s", attempt + 1, url, last)
            continue
        finally:
            conn.close()
        if 200 <= status < 300:
            return status
        last = f"HTTP {status}"
        if status not in RETRY_STATUSES:
            break
        log.info("webhook attempt %d to %s: HTTP %d", attempt + 1, url, status)
    raise error("EW142", channel="webhook", detail=f"{url}: {last} after {attempt + 1} attempt(s)")


# ---- e-mail -------------------------------------------------------------------------------------------

def send_email(alert, why: str, mail: dict[str, Any]) -> None:
    """One plain-text message per alert through the configured SMTP server (STARTTLS/login optional)."""
    msg = EmailMessage()
    msg["Subject"] = f"[eventwatch {alert.level}] {alert.asset_name}: {alert.title or alert.incident_id}"
    msg["From"] = mail["sender"]
    msg["To"] = ", ".join(mail["to"])
    lines = [alert.line(), "", f"status: {alert.status} ({why})", f"incident: {alert.incident_id}",
             f"date: {alert.incident_date}", f"place: {alert.location}",
             f"distance: {alert.distance_km} km" if alert.distance_km is not None else "distance: in country",
             f"sources: {alert.num_sources}, articles: {alert.num_articles}",
             f"killed: {alert.killed}, injured: {alert.injured}, abducted: {alert.abducted}", "", "evidence:"]
    for ev in alert.evidence:
        lines.append(f"- \u201c{ev.get('sentence')}\u201d ({ev.get('agency') or ev.get('article_id')}"
                     f"{', ' + ev['url'] if ev.get('url') else ''})")
    msg.set_content("\n".join(lines))
    with smtplib.SMTP(mail["host"], int(mail["port"]), timeout=mail.get("timeout_s", 10.0)) as smtp:
        if mail.get("starttls"):
            smtp.starttls(context=ssl.create_default_context())
        if mail.get("username"):
            smtp.login(mail["username"], mail.get("password", ""))
        smtp.send_message(msg)
