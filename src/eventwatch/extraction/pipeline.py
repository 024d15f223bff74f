"""Article -> [Event]: parse, code, then attach actors' countries, dates and places.

Boilerplate blocks are blanked out (replaced by spaces) before parsing, so every character offset that
spaCy reports is an offset into ``Article.text`` and evidence spans need no remapping. Batches run over
worker processes that each load the model once (``extract_many``).
"""
from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from functools import lru_cache
from typing import Iterable, Iterator

from ..records import INTENT, REFERENCE, Actor, Article, Event, Place
from . import codebook, countries, dates, nlp
from .actors import ArticleActors
from .coding import Candidate, code_sentence
from .lexicon import data_rows, rows, word_set

# Roots whose events happen somewhere physical; other roots (statements, appeals, threats...) get a place
# only when the sentence places the speaker (conventions section 6).
PHYSICAL_ROOTS = {"04", "06", "07", "08", "09", "14", "15", "16", "17", "18", "19", "20"}
PLACE_LABELS = {"GPE", "LOC", "FAC"}
NOT_PLACES = {"PERSON", "DATE", "TIME", "MONEY", "PERCENT", "QUANTITY", "ORDINAL", "CARDINAL"} | PLACE_LABELS
PLACE_PREPS = word_set("place_prepositions")
DEFAULT_DAY = "day?"  # internal: the dateline's day, given for want of a date in the event's own clause
# Events that happen at one time and place: one that the text dates only elsewhere takes that date (section 5)
CONTEXT_DATE_GROUPS = {"14": "14", "15": "15", "17": "17", "18": "violence", "19": "violence", "20": "violence"}
STATEMENT_ROOTS = {"01", "02", "03", "10", "11", "12", "13", "16"}
PRECISION_RANK = {"city": 0, "district": 1, "province": 2, "sea": 3, "country": 4}


def masked_text(article: Article, dateline_end: int | None = None) -> str:
    """The article text with every non-body block, and the dateline itself, replaced by spaces.

    Offsets stay those of ``Article.text``. The dateline goes because "BEIJING, Aug. 24 (Xinhua) --"
    otherwise parses as the subject of the first sentence.
    """
    text = article.text
    chars = [" " if not c.isspace() else c for c in text]
    if article.blocks:
        for b in article.blocks:
            if b.kind == "body":
                block = text[b.start:b.end]
                chars[b.start:b.end] = truecase(block) if _needs_truecase(block) else block
    else:
        chars = list(truecase(text) if _needs_truecase(text) else text)
    end = _dateline_end(article) if dateline_end is None else dateline_end
    if end:
        body = article.body_blocks()
        start = body[0].start if body else 0
        chars[start:end] = [" " if not c.isspace() else c for c in text[start:end]]
    return "".join(chars)


@lru_cache(maxsize=1)
def _proper_words() -> dict[str, str]:
    """Lower-case word -> its written form, for words that are proper nouns in news: country names,
    demonyms, capitals and named organisations (acronyms keep their capitals)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    out: dict[str, str] = {}
    for r in data_rows("countries.tsv"):
        for field_ in ("name", "aliases", "demonyms", "capital", "capital_aliases"):
            for name in (r.get(field_) or "").split("|"):
                for w in name.split():
                    if w[:1].isupper() and w.isalpha():
                        out.setdefault(w.lower(), w)
    for r in rows("actors.tsv"):
        for name in r["names"].split("|"):
            for w in name.split():
                if w[:1].isupper() and w.isalpha() and len(w) > 1:
                    out[w.lower()] = w if not (w.isupper() and len(w) > 4) else w.capitalize()
    out.update({w.lower(): w for w in calendar.day_name[:] + calendar.month_name[1:]})
    for w in STOP_WORDS | word_set("common_name_words"):  # words of names that are ordinary words too
        out.pop(w, None)
    return out


def truecase(text: str) -> str:
    """Recase ALL-CAPS or all-lower-case text so the tagger sees ordinary news English: sentence starts
    and known proper nouns capitalised, the rest lower case. Same length, so offsets are unchanged."""
    words = _proper_words()

    def fix(m):
        w = m.group(0)
        low = w.lower()
        return words.get(low, low) if len(words.get(low, low)) == len(w) else w

    out = re.sub(r"[A-Za-z]+", fix, text)
    # capitalise sentence starts
    out = re.sub(r"(^|[.!?]\s+|\n\s*)([a-z])", lambda m: m.group(1) + m.group(2).upper(), out)
    return out if len(out) == len(text) else text


def _needs_truecase(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 20:
        return False
    upper = sum(c.isupper() for c in letters) / len(letters)
    return upper > 0.7 or upper < 0.01


def _dateline_end(article: Article) -> int:
    try:
        from ..text import parse_dateline
    except ImportError:  # pragma: no cover - text stage always ships
        return 0
    body = article.body_blocks()
    start = body[0].start if body else 0
    dl = parse_dateline(article.text[start:])
    return start + dl.end if dl else 0


def _article_countries(doc, skip_before: int) -> list[str]:
    """Countries in order of first mention (names, demonyms, capitals as subjects)."""
    seen: list[str] = []
    for ent in doc.ents:
        if ent.label_ not in ("GPE", "NORP", "ORG", "LOC") or ent.start_char < skip_before:
            continue
        c = countries.country_any(ent.text)
        if c and c not in seen:
            seen.append(c)
    if not seen:  # lower-case text has no entities: fall back to the dictionary on tokens
        for t in doc:
            if t.is_alpha and len(t) > 3:
                c = countries.country_by_name(t.text) or countries.country_by_demonym(t.text)
                if c and c not in seen:
                    seen.append(c)
    return seen


def _home_country(article: Article, doc, found: list[str]) -> str | None:
    if article.dateline_place:
        c = countries.country_by_capital(article.dateline_place) or countries.country_by_name(article.dateline_place)
        if c:
            return c
        place = _gazetteer().lookup(article.dateline_place, found)
        if place and place.country:
            return place.country
    return found[0] if found else None


def _gazetteer():
    from .places import gazetteer

    return gazetteer()


class _ArticleState:
    """Per-article context shared by the sentences: countries, home country, places already geocoded."""

    def __init__(self, article: Article, doc, skip_before: int):
        self.article = article
        self.doc = doc
        self.skip_before = skip_before
        self.countries = _article_countries(doc, skip_before)
        self.home = _home_country(article, doc, self.countries)
        hint = ([self.home] if self.home else []) + [c for c in self.countries if c != self.home]
        self.hint = hint
        self.place_cache: dict[str, Place | None] = {}
        self._scene: str | None | bool = False
        self._spans: dict[int, list] = {}
        self.event_place: Place | None = None  # the most specific place of the article's violent events

    def place_spans(self, sent):
        """_place_spans of a sentence, computed once: every event of the sentence asks."""
        key = sent.start
        if key not in self._spans:
            self._spans[key] = _place_spans(sent)
        return self._spans[key]

    def scene_country(self) -> str | None:
        """Where the story happens, for unknown perpetrators and victims whose event names no place: the
        article's violent events' place, else its first named place, else the dateline's country."""
        if self.event_place is not None and self.event_place.country:
            return self.event_place.country
        if self._scene is False:
            self._scene = None
            places = [self.geocode(span.text) for sent in self.doc.sents for span in self.place_spans(sent)
                      if span.start_char >= self.skip_before]
            places = [p for p in places if p is not None and p.country]
            # a town or province first: a country is often named as an actor, not as the scene
            known = set(self.hint)  # a place in a country the article never names is a poor guess of the scene
            local = [p for p in places if p.precision in ("city", "district", "province") and p.country in known]
            if local:
                self._scene = local[0].country
        return self._scene or self.home

    def geocode(self, name: str) -> Place | None:
        key = name.strip()
        if key not in self.place_cache:
            self.place_cache[key] = _gazetteer().lookup(key, self.hint)
        return self.place_cache[key]


def extract_doc(article: Article, doc, skip_before: int = 0) -> list[Event]:
    """Code an already-parsed article (``doc`` over ``masked_text(article)``)."""
    st = _ArticleState(article, doc, skip_before)
    actors = ArticleActors(doc, home_country=st.home, country_order=st.countries)
    events: list[Event] = []
    index = -1
    pending_places: list[tuple[Event, Candidate]] = []
    sentences = {}
    for sent in doc.sents:
        if not sent.text.strip():
            continue
        index += 1
        sentences[index] = sent
        if sent.end_char <= skip_before:
            continue
        # speakers first, so that "it" and "he" inside the sentence find them
        for t in sent:
            if t.dep_ in ("nsubj",) and t.head.lemma_.lower() in ("say", "tell", "add", "announce") and t.pos_ != "PRON":
                actors.resolve(t)
        cands = code_sentence(sent, actors, skip_before=skip_before)
        if not cands:
            continue
        date_exprs = dates.find_dates(sent.text, article.published) if article.published else []
        for cand in cands:
            ev = _to_event(article, st, sent, index, cand, date_exprs)
            if ev is None:
                continue
            events.append(ev)
            if ev.location is None and ev.root in ("18", "19", "20") and ev.mode != REFERENCE:
                pending_places.append((ev, cand))
    _place_from_back_references(st, events, sentences)
    # events whose sentence names no place take the place of a back-reference to the same day's attack
    # ("the December 29 attack ... near Gwadar"), else the article's violent-event place (conventions 6)
    refs = [e for e in events if e.mode == REFERENCE and e.location is not None and e.date
            and e.root in ("18", "19", "20")]
    ref_days = {r.date for r in refs}
    for ev, cand in pending_places:
        # an attack dated only by the dateline is the day the back-references give, when they give one
        # (days before the report, not "yesterday's attack": then the dateline's day may well be right)
        day = ev.date
        if ev.date_precision == DEFAULT_DAY and len(ref_days) == 1 and ev.published:
            only = next(iter(ref_days))
            if dt.date.fromisoformat(only) < dt.date.fromisoformat(ev.published) - dt.timedelta(days=2):
                day = only
        same_day = [r.location for r in refs if r.date == day]
        place = min(same_day, key=lambda p: PRECISION_RANK.get(p.precision, 9)) if same_day else st.event_place
        if place is not None:
            ev.location = place
            _fill_place_country(ev, cand)
    _context_dates(events)
    for n, ev in enumerate(events):
        ev.event_id = f"{article.id}:{ev.sentence_index}:{n}"
    return events


def _place_from_back_references(st: _ArticleState, events: list[Event], sentences: dict) -> None:
    """An attack the lead places only by country or province ("a bomb ... in northern Pakistan") takes
    the most specific place that a later sentence about it names ("the blast ... on its way to the Dasu
    dam in Upper Kohistan"): conventions 6, the most specific place named for the event anywhere in the
    article. Only when the article reports one attack (one country, no town of its own) and the place
    is in that country and province, so two attacks' places never mix."""
    violent = [e for e in events if e.root in ("18", "19", "20") and e.mode != REFERENCE and not e.negated]
    if not violent or any(e.location is not None and e.location.precision not in ("country", "province")
                          for e in violent):
        return
    countries = {e.location.country for e in violent if e.location is not None}  # unplaced: take it after
    if len(countries) != 1 or None in countries:
        return
    country = countries.pop()
    coarse = min((e.location for e in violent if e.location), key=lambda p: PRECISION_RANK.get(p.precision, 9))
    province = (coarse.admin1 or coarse.name or "").lower() if coarse.precision == "province" else None
    best = None
    for e in events:
        if e.mode != REFERENCE or e.root not in ("18", "19", "20") or e.sentence_index not in sentences:
            continue
        for span in st.place_spans(sentences[e.sentence_index]):
            p = st.geocode(span.text)
            if p is None or p.country != country or p.precision not in ("city", "district"):
                continue
            if province and (p.admin1 or "").lower() != province:
                continue
            if best is None or PRECISION_RANK[p.precision] < PRECISION_RANK[best.precision]:
                best = p
    if best is None:
        return
    for e in violent:
        e.location = best
    st.event_place = best


def _context_dates(events: list[Event]):
    """An event dated only by the dateline takes the day another sentence gives for the same kind of event
    between the same country's actors ("Riot police used water cannon ..." + "... detained during
    Tuesday's protest"); statements keep the date of the statement."""
    dated: dict[tuple, str] = {}
    for ev in events:
        group = CONTEXT_DATE_GROUPS.get(ev.root)
        if group and ev.date and ev.date_precision == "day" and ev.mode != REFERENCE:
            key = (group, ev.source.country if ev.source else None)
            dated.setdefault(key, ev.date)
    # an attack retold in a later report ("A suicide bomber rammed a car into the bus, he said") under
    # back-references that date it ("the July 14 attack"): when those give one earlier day and nothing
    # else in the article dates an attack, that day is the attack's, not the report's
    referred = {ev.date for ev in events if ev.mode == REFERENCE and ev.date and ev.date_precision == "day"
                and CONTEXT_DATE_GROUPS.get(ev.root) == "violence" and ev.published and ev.date < ev.published}
    retold = referred.pop() if len(referred) == 1 and not any(k[0] == "violence" for k in dated) else None
    for ev in events:
        if ev.date_precision == DEFAULT_DAY:
            group = CONTEXT_DATE_GROUPS.get(ev.root)
            key = (group, ev.source.country if ev.source else None)
            if group and key in dated and dated[key] <= (ev.date or dated[key]):
                ev.date = dated[key]
            elif group == "violence" and retold and not ev.negated:
                ev.date = retold
            ev.date_precision = "day"


def _subtree_range(tok) -> tuple[int, int]:
    sub = list(tok.subtree)
    return sub[0].idx, sub[-1].idx + len(sub[-1])


def _to_event(article, st, sent, index, cand: Candidate, date_exprs) -> Event | None:
    code = cand.code
    info = codebook.info(code) if codebook.is_valid(code) else None
    if info is None:
        return None
    root = info.root
    date, precision, drop = _date_for(article, sent, cand, date_exprs)
    if drop:
        return None
    place = None
    if cand.source is not None and cand.source.actor.sector == "JUD" and cand.mode != REFERENCE:
        place = _seat(st, cand)  # before the places of the case's own phrase ("over the bombing ... near Dasu")
    place = place or _place_for(st, sent, cand, root)
    if place is not None and root in ("18", "19", "20") and cand.mode != REFERENCE:
        if st.event_place is None or PRECISION_RANK.get(place.precision, 9) < PRECISION_RANK.get(
                st.event_place.precision, 9):
            st.event_place = place
    src = cand.source.actor if cand.source else None
    tgt = cand.target.actor if cand.target else None
    raw = sent.text
    start = sent.start_char + (len(raw) - len(raw.lstrip()))
    text = raw.strip()
    ev = Event(
        article_id=article.id, sentence_index=index,
        span=(start, start + len(text)), sentence=text,
        code=code, root=root, quad_class=info.quad_class, goldstein=info.goldstein, plover=info.plover,
        source=_copy(src), target=_copy(tgt), date=date, date_precision=precision, location=place,
        negated=cand.negated, mode=cand.mode, confidence=cand.confidence, code_name=info.name,
        trigger=cand.trigger.text, rule=cand.rule, published=article.published)
    _fill_place_country(ev, cand)
    for actor, res in ((ev.source, cand.source), (ev.target, cand.target)):
        if actor is not None and actor.country is None and actor.sector not in ("IGO", "NGO") and res.needs_place_country:
            actor.country = st.scene_country()
            if res.actor.country is None:  # later references to the same actor ("both sides") see it too
                res.actor.country = actor.country
    return ev


def _seat(st: _ArticleState, cand: Candidate) -> Place | None:
    """"An anti-terrorism court in Abbottabad sentenced ...": a court acts where it sits (conventions 6)."""
    from .coding import _subject

    verb = cand.trigger if cand.trigger.pos_ in ("VERB", "AUX") else cand.trigger.head
    subj = _subject(verb)
    if subj is None:
        return None
    for prep in subj.children:
        if prep.dep_ == "prep" and prep.lower_ in ("in", "at"):
            for o in prep.children:
                if o.dep_ == "pobj" and o.pos_ == "PROPN":
                    start = o.i
                    while start > 0 and o.doc[start - 1].dep_ == "compound" and o.doc[start - 1].pos_ == "PROPN":
                        start -= 1
                    place = st.geocode(o.doc[start:o.i + 1].text)
                    if place is not None and place.precision in ("city", "district"):
                        return place
    return None


def _copy(a: Actor | None) -> Actor | None:
    return Actor(a.text, a.name, a.country, a.sector) if a else None


def _fill_place_country(ev: Event, cand: Candidate):
    """Unknown perpetrators and victims take the country where the event happened (conventions 3)."""
    if ev.location is None or not ev.location.country:
        return
    for actor, res in ((ev.source, cand.source), (ev.target, cand.target)):
        if actor is not None and res is not None and res.needs_place_country:
            actor.country = ev.location.country
            if res.actor.country is None:  # later mentions ("the perpetrators") resolve to the same actor
                res.actor.country = ev.location.country
                res.needs_place_country = False


def _date_owner(sent, expr):
    """The verb (or event noun) a date expression belongs to: "on Tuesday" -> the verb it modifies,
    "yesterday's attack" -> the noun "attack"."""
    from .coding import lexicon_lemma, noun_rules

    base = sent.start_char
    toks = [t for t in sent if base + expr.start <= t.idx < base + expr.end]
    if not toks:
        return None
    t = toks[0]
    while t.head.i != t.i and (t.head.idx >= base + expr.start and t.head.idx < base + expr.end):
        t = t.head  # climb out of the expression itself
    h = t.head
    for _ in range(8):
        if h.pos_ == "VERB" and h.dep_ == "acl" and h.tag_ == "VBG" and h.head.pos_ in ("NOUN", "PROPN"):
            pass  # "a bus carrying engineers ... on Tuesday": the date is the clause's, not the participle's
        elif h.pos_ in ("VERB", "AUX") or h.pos_ == "NOUN" and lexicon_lemma(h, noun_rules()):
            return h
        if h.head.i == h.i:
            return h
        h = h.head
    return h


def _date_for(article, sent, cand: Candidate, exprs) -> tuple[str | None, str | None, bool]:
    """(date, precision, drop). Conventions section 5: the date of the event's own clause, else the date
    of the clause reporting it (statements are dated to the statement), else the dateline. Historical
    context (dated only by month or year, or outside the news window) is dropped (2.4)."""
    if not article.published:
        return None, None, False
    if cand.mode == REFERENCE:
        # "the Dasu attack" happened before the report: only a date given for it in its own phrase counts
        sub = {t.i for t in cand.trigger.subtree}
        own = [e for e in exprs if e.kind == "day" and any(t.i in sub for t in sent if
                                                           sent.start_char + e.start <= t.idx < sent.start_char + e.end)]
        return (own[0].date, "day", False) if own else (None, None, False)
    if not exprs:
        return article.published, DEFAULT_DAY, False
    trig = cand.trigger
    # the verb whose clause dates this event: the trigger, or for nominal events their light/result verb
    anchors = [trig]
    if trig.pos_ == "NOUN" and cand.mode != REFERENCE:
        anchors.append(trig.head)
    for a in list(anchors):
        if a.dep_ == "conj":  # "condemned the attack on Tuesday and urged ...": coordinated verbs share it
            anchors.append(a.head)
    owners = [(e, _date_owner(sent, e)) for e in exprs]
    intent = cand.mode == INTENT and cand.rule.endswith(("intent", "threat", "refuse"))
    if intent:
        # statements of intent are dated to the statement, never to the future action
        gov = cand.governor
        govs = [gov, gov.head] if gov is not None and gov.dep_ == "conj" else [gov]
        mine = [e for e, o in owners if e.kind == "day" and o is not None and gov is not None and o in govs]
        return (mine[0].date, "day", False) if mine else (article.published, "day", False)
    mine = [e for e, o in owners if o is not None and any(o == a for a in anchors)]
    if not mine:
        # a date on an event noun inside the event's own phrase ("in an attack on a village on Saturday",
        # "condemned the attack on Tuesday"), but "yesterday's attack" is that attack's date only when the
        # event is not a statement about it
        sub = set(t.i for t in trig.subtree)
        statement = cand.code[:2] in STATEMENT_ROOTS
        mine = [e for e, o in owners if o is not None and o.pos_ == "NOUN" and o.i in sub
                and not (statement and e.text.lower().endswith(("'s", "’s")))]
    if not mine:
        # a date on a clause above the event ("said on Friday that ...") dates it too
        ancestors = set(t.i for t in trig.ancestors)
        mine = [e for e, o in owners if o is not None and o.i in ancestors and e.kind == "day"]
    if not mine:
        return article.published, DEFAULT_DAY, False
    e = mine[0]
    if e.kind == "day":
        return e.date, e.precision or "day", False
    if e.kind == "historical":
        return None, e.precision, cand.mode != REFERENCE
    if e.kind == "vague":
        return None, e.precision, False
    return article.published, "day", False


def _place_spans(sent):
    """Named places in a sentence: the tagger's GPE/LOC/FAC entities, plus proper nouns it left unlabelled
    where a place is expected ("the Dasu attack", "near Kenieba")."""
    spans = [e for e in sent.ents if e.label_ in PLACE_LABELS]
    # the tagger calls some towns NORP, ORG or PRODUCT ("the Chaman border crossing", "outskirts of
    # Karachi", "the port city of Gwadar"): only persons and numbers are never places
    covered = {i for e in sent.ents if e.label_ in NOT_PLACES and not _misread_date(e) for i in range(e.start, e.end)}
    for t in sent:
        if t.i in covered or t.pos_ != "PROPN" or t.dep_ == "compound" and t.head.pos_ == "PROPN":
            continue
        placed = t.dep_ == "pobj" and (t.head.lower_ in PLACE_PREPS or t.head.lower_ == "of"
                                       and t.head.head.lemma_.lower() in PLACE_NOUNS)  # "outskirts of Karachi"
        nominal = t.dep_ == "compound" and t.head.pos_ == "NOUN"
        if placed or nominal:
            start = t.i
            while start > sent.start and sent.doc[start - 1].dep_ == "compound" and sent.doc[start - 1].pos_ == "PROPN":
                start -= 1
            spans.append(sent.doc[start:t.i + 1])
    return spans


PLACE_NOUNS = word_set("place_nouns")
CALENDAR_WORDS = {w.lower() for w in calendar.day_name[:] + calendar.month_name[1:] + calendar.month_abbr[1:]}


def _misread_date(ent) -> bool:
    """A proper name the tagger took for a date ("a raid near Turbat"): no digit, no calendar word."""
    return ent.label_ == "DATE" and all(t.pos_ == "PROPN" and t.lower_.rstrip(".") not in CALENDAR_WORDS
                                        and not any(ch.isdigit() for ch in t.text) for t in ent)


def _governs(tok, trig) -> bool:
    """Whether the clause that ``tok`` sits in is the trigger's own clause or one above it."""
    h = tok.head
    for _ in range(10):
        if h.pos_ in ("VERB", "AUX"):
            break
        if h.head.i == h.i:
            break
        h = h.head
    return h == trig or h in list(trig.ancestors) or (trig.head == h)


def _place_for(st: _ArticleState, sent, cand: Candidate, root: str) -> Place | None:
    from .coding import lexicon_lemma, noun_rules

    trig = cand.trigger
    if trig.pos_ in ("NOUN", "PROPN") and cand.mode != REFERENCE and trig.head.pos_ in ("VERB", "AUX"):
        trig = trig.head  # "carried out a joint operation ... near the town of Dhobley"
    lo, hi = _subtree_range(trig)
    best: Place | None = None
    physical = root in PHYSICAL_ROOTS or cand.mode == REFERENCE
    for ent in st.place_spans(sent):
        if ent.start_char < st.skip_before:
            continue
        within = lo <= ent.start_char and ent.end_char <= hi
        prep = ent.root.head if ent.root.dep_ == "pobj" else None
        if not within and prep is not None and trig.dep_ == "conj" and prep.head.i == trig.head.i and prep.i < prep.head.i:
            within = True  # "In Beijing, the spokesman condemned ... and demanded ...": both acts are placed
        if prep is not None and prep.lower_ == "of" and prep.head.lemma_.lower() in PLACE_NOUNS:
            prep = prep.head.head if prep.head.dep_ == "pobj" else prep  # "near the border town of Dhobley"
        placed = prep is not None and prep.lower_ in PLACE_PREPS or ent.root.dep_ == "compound" and \
            ent.root.head.i == cand.trigger.i or ent.root.dep_ == "appos" and ent.root.head.dep_ == "pobj"
        if not physical and not (within and placed):
            continue
        if physical and not placed and not within:
            continue
        if cand.mode == REFERENCE and not within:
            continue  # "In Beijing, ... condemned the bombing": where the speaker is, not where the bomb went off
        if not within and not _governs(ent.root, trig):
            continue  # "... a highway used to haul copper from mines in the Andes": another clause's place
        if ent.root.dep_ in ("nsubj", "nsubjpass", "poss") or ent.root.dep_ == "compound" and ent.root.head.dep_ in (
                "nsubj",) and ent.root.head.i != cand.trigger.i:
            continue  # "Islamabad said", "Pakistan's army": actors, not places
        if cand.mode != REFERENCE and ent.root.dep_ == "compound" and ent.root.head.i != cand.trigger.i \
                and ent.root.head.pos_ == "NOUN" and lexicon_lemma(ent.root.head, noun_rules()):
            continue  # "killed militants linked to the Gwadar attack in Kech": the other event's place
        place = st.geocode(ent.text)
        if place is None:
            continue
        if place.precision == "country" and not physical:
            continue
        if best is None or (within, -PRECISION_RANK.get(place.precision, 9)) > (
                True, -PRECISION_RANK.get(best.precision, 9)):
            best = place
    return best


# ---- batching ----------------------------------------------------------------------------------------

def extract(article: Article, *, model: str | None = None) -> list[Event]:
    """Events of one article.

    >>> from eventwatch.text import prepare
    >>> evs = extract(prepare("KABUL, May 2 (Reuters) - Police arrested two men on Tuesday."))
    """
    nlp_ = nlp.load(model or None)
    end = _dateline_end(article)
    doc = nlp_(masked_text(article, end))
    return extract_doc(article, doc, end)


def _worker_init(model):
    nlp.load(model or None)
    _gazetteer()
    codebook.codebook()


def _worker_run(batch: list[Article], model=None) -> list[tuple[str, list[Event] | None, str | None]]:
    nlp_ = nlp.load(model or None)
    out = []
    ends = [_dateline_end(a) for a in batch]
    texts = [masked_text(a, e) for a, e in zip(batch, ends)]
    for a, doc, end in zip(batch, nlp_.pipe(texts, batch_size=16), ends):
        try:
            out.append((a.id, extract_doc(a, doc, end), None))
        except Exception as exc:  # one bad article must not stop the batch
            out.append((a.id, None, f"{type(exc).__name__}: {exc}"))
    return out


def extract_many(articles: Iterable[Article], *, n_process: int = 1, batch_size: int = 16,
                 model: str | None = None) -> Iterator[tuple[Article, list[Event] | None, str | None]]:
    """Yield (article, events, error) for each article, in input order, over ``n_process`` workers."""
    arts = list(articles)
    batches = [arts[i:i + batch_size] for i in range(0, len(arts), batch_size)]
    pool = None
    if n_process <= 1 or len(batches) <= 1:
        _worker_init(model)
        results = (_worker_run(b, model) for b in batches)
    else:
        import multiprocessing as mp
        from functools import partial

        ctx = mp.get_context("fork" if os.name == "posix" else "spawn")
        if ctx.get_start_method() == "fork":
            _worker_init(model)  # load once here: forked workers share the model and gazetteer
        pool = ctx.Pool(n_process, initializer=_worker_init, initargs=(model,))
        results = pool.imap(partial(_worker_run, model=model), batches)
    try:
        for batch, res in zip(batches, results):
            for a, (_, evs, err) in zip(batch, res):
                yield a, evs, err
    finally:
        if pool is not None:
            pool.close()
            pool.join()
