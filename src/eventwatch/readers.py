"""Files, folders, HTML pages and JSONL records -> ``Article`` (or a ``Drop`` with its reason).

A bad input never stops a batch: it comes out as a ``Drop`` carrying its error code, and the
next file is read. Nothing here touches the network; a ``url`` is kept as metadata only.

    for item in read_paths(["samples/articles", "feed.jsonl"]):
        print(item if isinstance(item, Drop) else item.id)   # "EW007 feed.jsonl:3: line 3: not valid JSON (...)"
"""
from __future__ import annotations

import codecs
import json
import os
import re
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator

from .errors import EventwatchError, error
from .records import Article, Drop
from .settings import Settings
from .text import normalise_date, prepare

TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
JSON_SUFFIXES = {".jsonl", ".json"}
SNIFF_BYTES = 8192
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
# control bytes that never occur in text files (tab, newlines, form feed and escape do)
_CONTROL = bytes(b for b in range(32) if b not in (8, 9, 10, 12, 13, 27))
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.I)


def read_paths(paths: Iterable[str | Path] | str | Path, *, encoding: str = "utf-8",
               max_file_mb: int | None = None) -> Iterator[Article | Drop]:
    """Articles, and drops for bad inputs, from files and folders (recursive, sorted, hidden files skipped).

    ``.txt``/``.text`` are plain articles, ``.html``/``.htm`` pages, ``.jsonl``/``.json`` records
    (one article per line or object). Files over ``max_file_mb`` (default: ``Settings.max_file_mb``;
    0 = no limit) are refused before they are read.

    Example: ``drops = [i for i in read_paths(["news/"]) if isinstance(i, Drop)]`` gives e.g.
    ``EW003 news/a.txt: not valid utf-8 text (byte 0xe9 at offset 120)``.
    """
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise EventwatchError("EW003", f"unknown encoding {encoding!r}",
                              "use a Python codec name such as utf-8, latin-1 or cp1252") from None
    if isinstance(paths, (str, Path)):
        paths = [paths]
    limit_mb = Settings.load().max_file_mb if max_file_mb is None else max_file_mb
    for p in paths:
        p = Path(p)
        if p.is_dir():
            for f in _walk(p):
                yield from _read_file(f, encoding, limit_mb)
        elif p.exists():
            yield from _read_file(p, encoding, limit_mb)
        else:
            yield _drop(str(p), "EW001")


def _walk(root: Path) -> list[Path]:
    found = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found.extend(Path(dirpath) / f for f in filenames if not f.startswith("."))
    return sorted(found, key=lambda f: f.relative_to(root).parts)


def _drop(path: str, code: str, **values) -> Drop:
    e = error(code, path=path, **values)
    return Drop(path, e.code, e.message, e.hint)


def _drop_from(path: str, e: EventwatchError) -> Drop:
    return Drop(path, e.code, e.message, e.hint)


def _read_file(f: Path, encoding: str, limit_mb: int) -> Iterator[Article | Drop]:
    path = str(f)
    suffix = f.suffix.lower()
    if suffix not in TEXT_SUFFIXES | HTML_SUFFIXES | JSON_SUFFIXES:
        yield _drop(path, "EW010", suffix=f.suffix or "(none)")
        return
    try:
        size = f.stat().st_size
        if size == 0:
            yield _drop(path, "EW002")
            return
        # refuse before reading: a huge file must not be loaded into memory
        if limit_mb and limit_mb > 0 and size > limit_mb * 1024 * 1024:
            yield _drop(path, "EW005", size_mb=size / (1024 * 1024), limit_mb=limit_mb)
            return
        data = f.read_bytes()
    except OSError as e:
        yield _drop(path, "EW013", detail=e.strerror or str(e))
        return
    try:
        text = decode(data, encoding, html=suffix in HTML_SUFFIXES, path=path)
        if not text.strip():
            yield _drop(path, "EW002")
            return
        if suffix in TEXT_SUFFIXES:
            yield prepare(text, source_path=path, source_format="text")
        elif suffix in HTML_SUFFIXES:
            yield article_from_html(text, source_path=path)
        else:
            yield from _records(text, path, jsonl=suffix == ".jsonl")
    except EventwatchError as e:
        yield _drop_from(path, e)


def decode(data: bytes, encoding: str = "utf-8", *, html: bool = False, path: str | None = None) -> str:
    """Bytes -> text. EW004 for binary data (checked before decoding), EW003 when ``encoding`` does not fit.

    A byte-order mark wins over ``encoding``; for HTML a declared ``<meta charset>`` is tried when
    ``encoding`` fails.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                break
            if "\x00" in text[:SNIFF_BYTES]:  # two bytes that happen to look like a mark
                raise error("EW004", path=path)
            return text.removeprefix("\ufeff")
    head = data[:SNIFF_BYTES]
    wide = codecs.lookup(encoding).name.startswith(("utf-16", "utf-32"))
    if not wide and (b"\x00" in head or sum(head.count(c) for c in _CONTROL) > 0.1 * len(head)):
        raise error("EW004", path=path)
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as e:
        if html:
            m = _CHARSET_RE.search(data[:4096])
            if m:
                declared = m.group(1).decode("ascii", "replace")
                try:
                    return data.decode(declared)
                except (LookupError, UnicodeDecodeError):
                    pass
        err = error("EW003", path=path, encoding=encoding)
        err.message += f" (byte 0x{data[e.start]:02x} at offset {e.start})"
        raise err from None


# ---- JSON and JSONL -----------------------------------------------------------------------------------

def _records(text: str, path: str, *, jsonl: bool) -> Iterator[Article | Drop]:
    if not jsonl:
        try:
            top = json.loads(text)
        except json.JSONDecodeError as e:
            first = text.lstrip().split("\n", 1)[0]
            if not _is_json_object(first):  # a .json file that is not JSON lines either
                yield _drop(f"{path}:{e.lineno}", "EW007", line=e.lineno, detail=e.msg)
                return
        else:
            yield from _json_items(text, top, path)
            return
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            yield _drop(f"{path}:{n}", "EW007", line=n, detail=f"{e.msg}, column {e.colno}")
            continue
        yield _record(obj, path, n)


def _is_json_object(s: str) -> bool:
    try:
        return isinstance(json.loads(s), dict)
    except json.JSONDecodeError:
        return False


def _json_items(text: str, top, path: str) -> Iterator[Article | Drop]:
    """Each object of a .json file (one object, or an array of them), with the line it starts on."""
    if isinstance(top, dict):
        yield _record(top, path, text[:len(text) - len(text.lstrip())].count("\n") + 1)
        return
    if not isinstance(top, list):
        yield _drop(f"{path}:1", "EW007", line=1, detail="expected an object or an array of objects")
        return
    decoder = json.JSONDecoder()
    pos = text.index("[") + 1
    skip = re.compile(r"[\s,]*")
    for obj in top:
        pos = skip.match(text, pos).end()
        _, end = decoder.raw_decode(text, pos)
        yield _record(obj, path, text.count("\n", 0, pos) + 1)
        pos = end


def _record(obj, path: str, line: int) -> Article | Drop:
    where = f"{path}:{line}"
    if not isinstance(obj, dict):
        return _drop(where, "EW007", line=line, detail=f"expected an object, got {type(obj).__name__}")
    try:
        return article_from_record(obj, source_path=where, line=line)
    except EventwatchError as e:
        return _drop_from(where, e)


def article_from_record(obj: dict, *, source_path: str | None = None, line: int = 1) -> Article:
    """An article from one JSON object: ``{"id"?, "url"?, "title"?, "published"?, "text" | "html"}``.

    ``text`` wins when both are given. EW008 when neither holds text, EW011 for a bad ``published``.

    >>> a = article_from_record({"id": "k1", "text": "NAIROBI, May 16 (Reuters) - Police arrested two men."})
    >>> (a.id, a.published[5:])
    ('k1', '05-16')
    """
    text, html = obj.get("text"), obj.get("html")
    rid = obj.get("id")
    rid = str(rid) if rid not in (None, "") else None
    url = obj.get("url") if isinstance(obj.get("url"), str) else None
    title = obj.get("title") if isinstance(obj.get("title"), str) and obj.get("title").strip() else None
    published = obj.get("published") or None
    if published is not None:
        published = normalise_date(published)
    agency = obj.get("agency") if isinstance(obj.get("agency"), str) else None
    if isinstance(text, str) and text.strip():
        return prepare(text, id=rid, title=title, published=published, url=url, agency=agency,
                       source_path=source_path, source_format="jsonl")
    if isinstance(html, str) and html.strip():
        a = article_from_html(html, id=rid, url=url, source_path=source_path)
        a.source_format = "jsonl"
        a.title = title or a.title
        a.published = published or a.published
        a.agency = agency or a.agency
        return a
    raise error("EW008", path=source_path, line=line)


# ---- HTML ----------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _trafilatura_config():
    from trafilatura.settings import use_config

    config = use_config()
    # wire stories can be a single 200-character paragraph; trafilatura's default minimum (250)
    # would send them to the fallback extractors and pull navigation in with them
    config.set("DEFAULT", "MIN_EXTRACTED_SIZE", "120")
    config.set("DEFAULT", "EXTRACTION_TIMEOUT", "0")
    return config


def _extract(html: str, url: str | None, **options):
    import trafilatura

    return trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, include_tables=False,
        include_links=False, include_images=False, deduplicate=False, config=_trafilatura_config(),
        date_extraction_params={"original_date": True, "extensive_search": False,
                                "max_date": date.today().isoformat()},
        **options)


def article_from_html(html: str, *, id: str | None = None, url: str | None = None,
                      source_path: str | None = None) -> Article:
    """The article in an HTML page: main text by trafilatura, then the same boilerplate filter as text.

    Paragraphs are joined with a blank line; title, date, url and site name come from the page's
    metadata. EW006 when the page holds no article text, EW009 when only boilerplate is left.

    >>> a = article_from_html("<html><head><title>Two held</title></head><body><article><p>KABUL, May 2 "
    ...                       "(Reuters) - Police arrested two men on Tuesday over a bomb attack on a market "
    ...                       "in the city, officials said.</p></article></body></html>")
    >>> a.title, a.dateline_place
    ('Two held', 'KABUL')
    """
    doc = None
    try:
        doc = _extract(html, url, favor_precision=True)
        if doc is None or not (doc.text or "").strip():
            doc = _extract(html, url, favor_recall=True)
    except Exception:  # trafilatura/lxml on a malformed page: report it, do not stop the batch
        doc = None
    paragraphs = [" ".join(p.split()) for p in (doc.text or "").splitlines()] if doc else []
    text = "\n\n".join(p for p in paragraphs if p)
    if not text:
        raise error("EW006", path=source_path)
    published = None
    if doc.date:
        try:
            published = normalise_date(doc.date)
        except EventwatchError:  # a page's odd date metadata is not the user's error
            published = None
    a = prepare(text, id=id, title=doc.title or None, published=published, url=url or doc.url,
                source_path=source_path, source_format="html")
    if a.agency is None and doc.sitename:
        a.agency = doc.sitename
    return a
