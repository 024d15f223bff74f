"""Assets, alerts and alert history (migration 5).

>>> with Store(":memory:") as store:
...     store.add_assets([dasu, gwadar])             # all or nothing
...     store.upsert_alert(alert)                    # ("created" | "updated" | "unchanged", previous)
...     store.set_alert_status(alert.alert_id, "acknowledged", by="amina")

Every write is one transaction. Geometry, covers, tags, rules and evidence are stored as JSON.
"""
from __future__ import annotations

import datetime as dt
import json
from typing import Any

from ..errors import error

_ASSET_COLUMNS = ["asset_id", "name", "kind", "geometry", "radius_km", "country", "covers", "tags"]
_ALERT_COLUMNS = ["alert_id", "incident_id", "asset_id", "asset_name", "rules", "severity", "level", "distance_km",
                  "status", "code", "title", "incident_date", "location", "num_sources", "num_articles", "killed",
                  "injured", "abducted", "evidence", "created_at", "updated_at"]
_JSON_ALERT = {"rules", "evidence"}
# fields whose change makes an alert "updated" (and earns a history row)
_TRACKED = ["asset_name", "rules", "severity", "level", "distance_km", "code", "title", "incident_date", "location",
            "num_sources", "num_articles", "killed", "injured", "abducted", "evidence"]
_TRANSITIONS = {"acknowledged": ("new",), "closed": ("new", "acknowledged")}


class WatchTables:
    """Store methods over the assets, alerts and alert_history tables (mixed into ``Store``)."""

    # ---- assets ---------------------------------------------------------------------------------------

    def add_assets(self, assets: list, *, replace: bool = False) -> int:
        """Store assets in one transaction; EW135 (nothing written) when an id exists and not ``replace``."""
        from ..watchlist import Asset  # noqa: F401  (the records this takes)

        if not assets:
            return 0
        ids = [a.asset_id for a in assets]
        existing = {r[0] for r in self.con.execute(
            f"SELECT asset_id FROM assets WHERE asset_id IN ({', '.join('?' * len(ids))})", ids).fetchall()}
        if existing and not replace:
            raise error("EW135", where="", value=sorted(existing)[0], detail="is stored already")
        with self._transaction():
            if existing:
                self.con.execute(f"DELETE FROM assets WHERE asset_id IN ({', '.join('?' * len(existing))})",
                                 sorted(existing))
            self.con.executemany(
                f"INSERT INTO assets ({', '.join(_ASSET_COLUMNS)}, created_at) VALUES ({', '.join('?' * 9)})",
                [[a.asset_id, a.name, a.kind, json.dumps(a.geometry) if a.geometry else None, a.radius_km,
                  a.country, json.dumps(a.covers), json.dumps(a.tags), dt.datetime.now()] for a in assets])
        return len(assets)

    def assets(self) -> list:
        """Every stored asset, by id."""
        rows = self.con.execute(f"SELECT {', '.join(_ASSET_COLUMNS)} FROM assets ORDER BY asset_id").fetchall()
        return [_asset(r) for r in rows]

    def asset(self, key: str):
        """The asset with this id, else the one with exactly this name (case-insensitive); EW137 if none."""
        r = self._first(f"SELECT {', '.join(_ASSET_COLUMNS)} FROM assets WHERE asset_id = ?", [key])
        if r is None:
            rows = self.con.execute(f"SELECT {', '.join(_ASSET_COLUMNS)} FROM assets WHERE lower(name) = lower(?)",
                                    [key]).fetchall()
            r = rows[0] if len(rows) == 1 else None
        if r is None:
            raise error("EW137", value=key)
        return _asset(r)

    def remove_asset(self, key: str) -> str:
        """Remove an asset (its alerts stay, as the record of what was raised); returns its id."""
        a = self.asset(key)
        with self._transaction():
            self.con.execute("DELETE FROM assets WHERE asset_id = ?", [a.asset_id])
        return a.asset_id

    # ---- alerts ---------------------------------------------------------------------------------------

    def upsert_alert(self, alert, *, now: dt.datetime | None = None) -> tuple[str, Any]:
        """Create the alert, or update the stored one of the same incident x asset (status kept).

        Returns ``("created", None)``, ``("updated", previous)`` or ``("unchanged", previous)``.
        """
        now = now or dt.datetime.now()
        before = self.alert(alert.alert_id)
        if before is not None:
            changed = [f for f in _TRACKED if _norm(getattr(before, f)) != _norm(getattr(alert, f))]
            if not changed:
                return "unchanged", before
            with self._transaction():
                self.con.execute(
                    f"UPDATE alerts SET {', '.join(f + ' = ?' for f in _TRACKED)}, updated_at = ? WHERE alert_id = ?",
                    [_db_value(f, getattr(alert, f)) for f in _TRACKED] + [now, alert.alert_id])
                self._history(alert.alert_id, "updated", before.status, "eventwatch",
                              "changed: " + ", ".join(changed), now)
            return "updated", before
        values = {**alert.to_dict(), "status": "new", "created_at": now, "updated_at": now}
        with self._transaction():
            self.con.execute(f"INSERT INTO alerts ({', '.join(_ALERT_COLUMNS)}) VALUES ({', '.join('?' * len(_ALERT_COLUMNS))})",
                             [_db_value(c, values[c]) for c in _ALERT_COLUMNS])
            self._history(alert.alert_id, "created", "new", "eventwatch", None, now)
        return "created", None

    def alert(self, alert_id: str):
        """The stored alert, or None."""
        r = self._first(f"SELECT {', '.join(_ALERT_COLUMNS)} FROM alerts WHERE alert_id = ?", [alert_id])
        return _alert(r) if r else None

    def alerts(self, *, status: str | None = None, asset: str | None = None, incident_id: str | None = None,
               limit: int | None = None, offset: int = 0) -> list:
        """Stored alerts, most severe and most recent first. ``asset``: id or exact name."""
        conds, params = [], []
        if status:
            from ..alerting import ALERT_STATUSES

            if status not in ALERT_STATUSES:
                raise error("EW041", value=status, name="status", choices="use one of: " + ", ".join(ALERT_STATUSES))
            conds.append("status = ?")
            params.append(status)
        if asset:
            conds.append("asset_id = ?")
            params.append(self.asset(asset).asset_id)
        if incident_id:
            conds.append("incident_id = ?")
            params.append(incident_id)
        sql = f"SELECT {', '.join(_ALERT_COLUMNS)} FROM alerts"
        if conds:
            sql += " WHERE " + " AND ".join(conds)
        sql += " ORDER BY severity DESC, incident_date DESC NULLS LAST, alert_id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        if offset:
            sql += " OFFSET ?"
            params.append(int(offset))
        return [_alert(r) for r in self.con.execute(sql, params).fetchall()]

    def count_alerts(self, *, status: str | None = None) -> int:
        if status:
            return self._first("SELECT count(*) FROM alerts WHERE status = ?", [status])[0]
        return self._first("SELECT count(*) FROM alerts")[0]

    def set_alert_status(self, alert_id: str, status: str, *, by: str, note: str | None = None,
                         now: dt.datetime | None = None):
        """Move an alert to ``acknowledged`` or ``closed``, recording who and when; returns the alert.

        EW139 for an unknown id; EW140 for a move the workflow does not allow (new -> acknowledged -> closed).
        """
        now = now or dt.datetime.now()
        a = self.alert(alert_id)
        if a is None:
            raise error("EW139", value=alert_id)
        if status not in _TRANSITIONS or a.status not in _TRANSITIONS[status]:
            action = {"acknowledged": "acknowledged", "closed": "closed"}.get(status, f"set to {status}")
            raise error("EW140", value=alert_id, status=a.status, action=action)
        with self._transaction():
            self.con.execute("UPDATE alerts SET status = ?, updated_at = ? WHERE alert_id = ?", [status, now, alert_id])
            self._history(alert_id, status, status, by, note, now)
        return self.alert(alert_id)

    def add_alert_history(self, alert_id: str, action: str, *, by: str, note: str | None = None) -> None:
        """Record something that happened to an alert (a delivery, a failure)."""
        a = self.alert(alert_id)
        with self._transaction():
            self._history(alert_id, action, a.status if a else None, by, note, dt.datetime.now())

    def alert_history(self, alert_id: str) -> list[dict[str, Any]]:
        """Every change of an alert, oldest first: ``{at, action, status, by, note}``."""
        rows = self.con.execute('SELECT "at", action, status, actor, note FROM alert_history WHERE alert_id = ? '
                                'ORDER BY "at", rowid', [alert_id]).fetchall()
        return [{"at": r[0].isoformat(timespec="seconds"), "action": r[1], "status": r[2], "by": r[3], "note": r[4]}
                for r in rows]

    def _history(self, alert_id, action, status, by, note, now) -> None:
        self.con.execute('INSERT INTO alert_history (alert_id, "at", action, status, actor, note) VALUES (?, ?, ?, ?, ?, ?)',
                         [alert_id, now, action, status, by, note])


def _asset(r):
    from ..watchlist import Asset

    d = dict(zip(_ASSET_COLUMNS, r))
    return Asset(asset_id=d["asset_id"], name=d["name"], kind=d["kind"],
                 geometry=json.loads(d["geometry"]) if d["geometry"] else None, radius_km=d["radius_km"] or 0.0,
                 country=d["country"], covers=json.loads(d["covers"] or "[]"), tags=json.loads(d["tags"] or "[]"))


def _alert(r):
    from ..alerting import Alert

    d = dict(zip(_ALERT_COLUMNS, r))
    for k in _JSON_ALERT:
        d[k] = json.loads(d[k]) if d[k] else []
    for k in ("incident_date",):
        d[k] = d[k].isoformat() if d[k] is not None else None
    for k in ("created_at", "updated_at"):
        d[k] = d[k].isoformat(timespec="seconds") if d[k] is not None else None
    return Alert(**d)


def _db_value(name: str, v):
    if name in _JSON_ALERT:
        return json.dumps(v or [], ensure_ascii=False, default=str)
    return v


def _norm(v):
    # compare stored and fresh values on their JSON form (lists vs tuples, dates vs strings)
    return json.dumps(v, sort_keys=True, default=str)
