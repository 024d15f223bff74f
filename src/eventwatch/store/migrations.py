"""The database schema as numbered migrations, applied in order, each in its own transaction.

Append; never edit a shipped one. Numbers are reserved per feature so that work on
separate features never collides: 1 articles/events/drops, 2 near-duplicate sources,
3 incidents and cases, 4 API keys, 5 assets and alerts.
"""
from __future__ import annotations

MIGRATIONS: list[tuple[int, list[str]]] = [
    (1, [
        """CREATE TABLE articles (
            id VARCHAR PRIMARY KEY, title VARCHAR, published DATE, url VARCHAR, agency VARCHAR,
            dateline_place VARCHAR, source_path VARCHAR, source_format VARCHAR, content_hash VARCHAR,
            text VARCHAR, blocks JSON, ingested_at TIMESTAMP DEFAULT current_timestamp, n_events INTEGER)""",
        "CREATE INDEX articles_hash ON articles (content_hash)",
        """CREATE TABLE events (
            event_id VARCHAR PRIMARY KEY, article_id VARCHAR NOT NULL, sentence_index INTEGER,
            span_start INTEGER, span_end INTEGER, sentence VARCHAR, code VARCHAR, root VARCHAR,
            quad_class INTEGER, goldstein DOUBLE, plover VARCHAR,
            source_text VARCHAR, source_name VARCHAR, source_country VARCHAR, source_sector VARCHAR,
            source_code VARCHAR,
            target_text VARCHAR, target_name VARCHAR, target_country VARCHAR, target_sector VARCHAR,
            target_code VARCHAR,
            date DATE, date_precision VARCHAR,
            location_name VARCHAR, location_country VARCHAR, location_admin1 VARCHAR,
            location_admin2 VARCHAR, location_lat DOUBLE, location_lon DOUBLE, location_precision VARCHAR,
            location_geonameid BIGINT,
            negated BOOLEAN, mode VARCHAR, confidence DOUBLE, code_name VARCHAR, trigger VARCHAR,
            rule VARCHAR, published DATE,
            effective_date DATE)""",
        "CREATE INDEX events_date ON events (date)",
        "CREATE INDEX events_root ON events (root)",
        "CREATE INDEX events_dyad ON events (source_country, target_country)",
        "CREATE INDEX events_article ON events (article_id)",
        """CREATE TABLE drops (
            path VARCHAR, code VARCHAR, message VARCHAR, hint VARCHAR,
            "at" TIMESTAMP DEFAULT current_timestamp)""",
    ]),
    (2, [
        # every report of an article: the stored article itself, and the near-duplicate copies
        # (wire copies under another headline or outlet) that were recognised and not stored again
        """CREATE TABLE article_sources (
            article_id VARCHAR NOT NULL, source_id VARCHAR NOT NULL, agency VARCHAR, title VARCHAR,
            url VARCHAR, published DATE, source_path VARCHAR, similarity DOUBLE,
            added_at TIMESTAMP DEFAULT current_timestamp, PRIMARY KEY (article_id, source_id))""",
        "CREATE INDEX article_sources_source ON article_sources (source_id)",
        """INSERT INTO article_sources
            SELECT id, id, agency, title, url, published, source_path, 1.0, ingested_at FROM articles""",
    ]),
    (3, [
        # incidents: one real-world event clustered from its mentions (flat columns like events), with
        # the date window clustering compares against (date_lo..date_hi) and its creation order (seq)
        """CREATE TABLE incidents (
            incident_id VARCHAR PRIMARY KEY, code VARCHAR, root VARCHAR, quad_class INTEGER, goldstein DOUBLE,
            code_name VARCHAR,
            source_text VARCHAR, source_name VARCHAR, source_country VARCHAR, source_sector VARCHAR,
            source_code VARCHAR,
            target_text VARCHAR, target_name VARCHAR, target_country VARCHAR, target_sector VARCHAR,
            target_code VARCHAR,
            date DATE, date_precision VARCHAR,
            location_name VARCHAR, location_country VARCHAR, location_admin1 VARCHAR,
            location_admin2 VARCHAR, location_lat DOUBLE, location_lon DOUBLE, location_precision VARCHAR,
            location_geonameid BIGINT,
            num_mentions INTEGER, num_sources INTEGER, num_articles INTEGER, first_seen DATE, last_seen DATE,
            killed INTEGER, injured INTEGER, abducted INTEGER, confidence DOUBLE, status VARCHAR, title VARCHAR,
            seq BIGINT, date_lo DATE, date_hi DATE, date_day BOOLEAN,
            killed_article VARCHAR, injured_article VARCHAR, abducted_article VARCHAR,
            updated_at TIMESTAMP)""",
        "CREATE INDEX incidents_date ON incidents (date)",
        "CREATE INDEX incidents_window ON incidents (date_lo, date_hi)",
        "CREATE INDEX incidents_place ON incidents (location_country, location_lat, location_lon)",
        "CREATE INDEX incidents_dyad ON incidents (source_country, target_country)",
        # role: mention | reference | followup; stage: report, reference, condemnation, arrest, ...
        """CREATE TABLE incident_events (
            incident_id VARCHAR NOT NULL, event_id VARCHAR NOT NULL, article_id VARCHAR NOT NULL,
            role VARCHAR NOT NULL, stage VARCHAR, link_score DOUBLE,
            PRIMARY KEY (incident_id, event_id, role))""",
        "CREATE INDEX incident_events_incident ON incident_events (incident_id)",
        "CREATE INDEX incident_events_event ON incident_events (event_id)",
        "CREATE INDEX incident_events_article ON incident_events (article_id)",
    ]),
    (4, [
        # API keys of the REST API: only a salted hash of each token is kept (store/keys.py)
        """CREATE TABLE api_keys (
            id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, role VARCHAR NOT NULL, salt VARCHAR NOT NULL,
            hash VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL, revoked_at TIMESTAMP)""",
    ]),
    (5, [
        # protected assets; geometry is GeoJSON (WGS84), covers/tags are JSON lists of strings
        """CREATE TABLE assets (
            asset_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, kind VARCHAR NOT NULL, geometry JSON,
            radius_km DOUBLE, country VARCHAR, covers JSON, tags JSON,
            created_at TIMESTAMP DEFAULT current_timestamp)""",
        # one alert per incident x asset (alert_id is a hash of the pair), updated as reports arrive;
        # no index on status: DuckDB rewrites indexed columns on UPDATE, and these tables stay small
        """CREATE TABLE alerts (
            alert_id VARCHAR PRIMARY KEY, incident_id VARCHAR NOT NULL, asset_id VARCHAR NOT NULL,
            asset_name VARCHAR, rules JSON, severity DOUBLE, level VARCHAR, distance_km DOUBLE,
            status VARCHAR NOT NULL, code VARCHAR, title VARCHAR, incident_date DATE, location VARCHAR,
            num_sources INTEGER, num_articles INTEGER, killed INTEGER, injured INTEGER, abducted INTEGER,
            evidence JSON, created_at TIMESTAMP, updated_at TIMESTAMP)""",
        "CREATE INDEX alerts_asset ON alerts (asset_id)",
        # every change of an alert: created, updated, acknowledged, closed, delivered, delivery_failed
        """CREATE TABLE alert_history (
            alert_id VARCHAR NOT NULL, "at" TIMESTAMP NOT NULL, action VARCHAR NOT NULL, status VARCHAR,
            actor VARCHAR, note VARCHAR)""",
        "CREATE INDEX alert_history_alert ON alert_history (alert_id)",
    ]),
]
