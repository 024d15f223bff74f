"""API keys: who may call the REST API, with which role. Only hashes are stored.

>>> with Store("demo.duckdb") as store:
...     info, token = store.create_key("alice", "analyst")   # the token is shown once
...     store.check_key(token)["role"]
'analyst'

A token is ``ew_<key id>_<secret>``: the id finds the row, the secret is checked against
``sha256(salt + secret)`` with ``hmac.compare_digest``. The secret is 32 random bytes from
``secrets``, so a fast hash is enough (a slow KDF guards guessable passwords, not random keys)
and a check costs microseconds on every request.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from ..errors import error

ROLES = ("reader", "analyst", "admin")  # each role may do everything the ones before it may
KEY_COLUMNS = ["id", "name", "role", "created_at", "revoked_at"]


def role_rank(role: str) -> int:
    """0 for reader, 1 for analyst, 2 for admin; EW103 for anything else."""
    try:
        return ROLES.index(role)
    except ValueError:
        raise error("EW103", value=role) from None


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(bytes.fromhex(salt) + secret.encode("utf-8")).hexdigest()


class KeyTables:
    """Store methods over the ``api_keys`` table (mixed into ``Store``)."""

    def create_key(self, name: str, role: str) -> tuple[dict, str]:
        """A new key: (its public record, the token). The token is not stored and cannot be shown again.

        >>> info, token = store.create_key("alice", "analyst")
        >>> info["role"], token.startswith("ew_" + info["id"] + "_")
        ('analyst', True)
        """
        role_rank(role)
        name = (name or "").strip()
        if not name:
            raise error("EW105", detail="a key needs a name (who or what uses it)")
        key_id = secrets.token_hex(6)
        secret = secrets.token_urlsafe(32)
        salt = secrets.token_hex(16)
        now = dt.datetime.now().replace(microsecond=0)
        with self._transaction():
            self.con.execute("INSERT INTO api_keys (id, name, role, salt, hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
                             [key_id, name, role, salt, _digest(salt, secret), now])
        return self.key(key_id), f"ew_{key_id}_{secret}"

    def keys(self, *, include_revoked: bool = True) -> list[dict]:
        """Every key's public record (never the hash), oldest first."""
        where = "" if include_revoked else " WHERE revoked_at IS NULL"
        rows = self.con.execute(f"SELECT {', '.join(KEY_COLUMNS)} FROM api_keys{where} "
                                "ORDER BY created_at, id").fetchall()
        return [_key_record(r) for r in rows]

    def key(self, key_id: str) -> dict | None:
        """One key's public record, or None."""
        r = self._first(f"SELECT {', '.join(KEY_COLUMNS)} FROM api_keys WHERE id = ?", [key_id])
        return _key_record(r) if r else None

    def revoke_key(self, key_id: str) -> dict:
        """Revoke a key (its row stays, for the record); EW104 when there is no such key.

        Revoking a revoked key keeps its first revocation time.
        """
        if self.key(key_id) is None:
            raise error("EW104", kind="key", id=key_id)
        with self._transaction():
            self.con.execute("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                             [dt.datetime.now().replace(microsecond=0), key_id])
        return self.key(key_id)

    def check_key(self, token: str | None) -> dict | None:
        """The public record of the live key this token belongs to, or None (unknown, wrong or revoked)."""
        if not token or not token.startswith("ew_"):
            return None
        key_id, sep, secret = token[3:].partition("_")
        if not sep or not secret:
            return None
        r = self._first("SELECT salt, hash, revoked_at FROM api_keys WHERE id = ?", [key_id])
        if r is None:
            # compare anyway, so that an unknown id costs the same time as a wrong secret
            hmac.compare_digest(_digest("00" * 16, secret), "0" * 64)
            return None
        salt, stored, revoked = r
        if not hmac.compare_digest(_digest(salt, secret), stored) or revoked is not None:
            return None
        return self.key(key_id)


def _key_record(r) -> dict:
    d = dict(zip(KEY_COLUMNS, r))
    for k in ("created_at", "revoked_at"):
        d[k] = d[k].isoformat() if d[k] is not None else None
    d["active"] = d["revoked_at"] is None
    return d
