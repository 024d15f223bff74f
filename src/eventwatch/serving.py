"""The file `eventwatch serve` leaves next to its database, so that other processes find the server.

DuckDB lets one process write a file. While ``eventwatch serve`` runs it owns the database, and
writes ``<db>.serve.json`` (url, pid, host, port). A CLI command that then finds the file locked
reads it and says where the server is, instead of DuckDB's lock error; ``eventwatch ingest``
sends its articles to that server.

>>> live_server("demo.duckdb")
{'url': 'http://127.0.0.1:8000', 'pid': 4242, 'host': '127.0.0.1', 'port': 8000, ...}
"""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from .errors import EventwatchError, error

LOOPBACK_HOSTS = ("127.0.0.1", "::1", "localhost")


def serve_file(db: str) -> Path:
    """Where the server record of database ``db`` lives: ``<db>.serve.json``."""
    return Path(str(db) + ".serve.json")


def is_loopback(host: str | None) -> bool:
    """Whether ``host`` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if not host:
        return False
    import ipaddress

    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def write_serve_file(db: str, host: str, port: int) -> dict:
    """Record this process as the server of ``db``; returns the record."""
    shown = f"[{host}]" if ":" in host else host
    rec = {"url": f"http://{shown}:{port}", "pid": os.getpid(), "host": host, "port": port,
           "db": os.path.abspath(db), "started": dt.datetime.now().replace(microsecond=0).isoformat()}
    path = serve_file(db)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(rec, indent=2), encoding="utf-8")
    os.replace(tmp, path)  # readers never see half a file
    return rec


def remove_serve_file(db: str) -> None:
    """Forget the server record of ``db`` if it is this process's."""
    path = serve_file(db)
    try:
        if json.loads(path.read_text(encoding="utf-8")).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def live_server(db: str | None) -> dict | None:
    """The record of the `eventwatch serve` process that holds ``db``, if one is running."""
    if not db or db == ":memory:":
        return None
    try:
        rec = json.loads(serve_file(db).read_text(encoding="utf-8"))
        pid = int(rec["pid"])
        rec["url"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not _alive(pid):
        return None  # left behind by a server that was killed
    return rec


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    except OSError:
        return False
    return True


def locked_error(db: str) -> EventwatchError:
    """EW108 naming the server when `eventwatch serve` holds ``db``, else EW030."""
    rec = live_server(db)
    if rec is None:
        return error("EW030", path=db, db=db)
    return error("EW108", path=db, db=db, url=rec["url"], pid=rec["pid"])


# ---- the client side: `eventwatch ingest --via URL` ---------------------------------------------------------

VIA_BATCH = 50  # articles per request: the server extracts them while the request waits


def post_ingest(url: str, records: list[dict], *, key: str | None, replace: bool = False,
                timeout: float = 600.0) -> dict:
    """POST a batch of article objects to a server's ``/api/v1/ingest``; its report as a dict.

    EW110 when the server cannot be reached, EW111 (with the server's own code and hint) when it
    refuses the request.
    """
    import httpx

    headers = {"Authorization": f"Bearer {key}"} if key else {}
    endpoint = url.rstrip("/") + "/api/v1/ingest"
    try:
        r = httpx.post(endpoint, json={"articles": records, "replace": replace}, headers=headers, timeout=timeout)
    except httpx.HTTPError as exc:
        raise error("EW110", url=url, detail=str(exc) or type(exc).__name__) from None
    try:
        body = r.json()
    except ValueError:
        body = {}
    if r.status_code != 200:
        detail = f"{body.get('code', '')} {body.get('error', r.reason_phrase)}".strip()
        hint = body.get("hint") or "check the server's log"
        if r.status_code == 401:
            hint = "pass an analyst key with --key or EVENTWATCH_KEY (an admin creates one: `eventwatch keys create --role analyst --name NAME`)"
        raise error("EW111", url=url, status=r.status_code, detail=detail, server_hint=hint)
    return body
