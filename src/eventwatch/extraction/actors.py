"""Actors: a noun phrase in the parse -> country (ISO alpha-3) + sector, resolved across the article.

Dictionaries live in data/lexicon/sectors.tsv (titles and group words) and data/lexicon/actors.tsv
(named organisations); country names, demonyms and capitals come from extraction/countries.py.
A person named once with a title keeps it ("Zhao" = "Zhao Kezhi", CHN GOV); pronouns and bare titles
("the minister", "he", "It") go back to the last compatible actor.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..records import Actor
from . import countries
from .lexicon import rows, word_set

PRONOUNS_PERSON = {"he", "she", "him", "her", "his"}
PRONOUNS_GROUP = {"it", "its", "they", "them", "their"}


@lru_cache(maxsize=1)
def sector_terms() -> dict[tuple[str, ...], tuple[str, str]]:
    """('foreign', 'minister') -> ('GOV', 'person')."""
    out = {}
    for r in rows("sectors.tsv"):
        out[tuple(r["term"].lower().split())] = (r["sector"], r["kind"])
    return out


@lru_cache(maxsize=1)
def named_actors() -> dict[tuple[str, ...], tuple[str | None, str, str]]:
    """('al', 'shabaab') -> ('SOM', 'REB', 'al Shabaab'). Keys are lower-case token tuples."""
    out = {}
    for r in rows("actors.tsv"):
        names = r["names"].split("|")
        country = None if r["country"] == "-" else r["country"]
        for n in names:
            key = tuple(n.lower().replace("-", " - ").replace("'s", " 's").split())
            out.setdefault(key, (country, r["sector"], names[0]))
    return out


@lru_cache(maxsize=1)
def _max_len() -> int:
    return max(max(len(k) for k in sector_terms()), max(len(k) for k in named_actors()))


def _singular(tok) -> str:
    """The lemma, also for plurals the tagger took for proper nouns ("Militants" at a sentence start, or
    in ALL CAPS text)."""
    lemma = tok.lemma_.lower()
    if lemma != tok.lower_ or not lemma.endswith("s"):
        return lemma
    for cand in (lemma[:-1], lemma[:-2] if lemma.endswith("es") else None,
                 lemma[:-3] + "man" if lemma.endswith("men") else None):
        if cand and (cand,) in sector_terms():
            return cand
    return lemma


@dataclass
class Resolved:
    actor: Actor
    kind: str  # person | group | country
    vague: bool = False
    needs_place_country: bool = False  # unknown perpetrators / victims: country of the event's place


@dataclass
class ArticleActors:
    """Actor resolution for one parsed article (a spaCy Doc)."""

    doc: object
    home_country: str | None = None  # the country the article is mostly about (for bare "police")
    persons: dict[str, Actor] = field(default_factory=dict)  # full name or surname -> actor
    history: list[Resolved] = field(default_factory=list)
    last_perpetrator: dict[str, Resolved] = field(default_factory=dict)  # root -> source of the last such event
    last_dyad: tuple[Resolved, Resolved] | None = None  # the last two parties acting on each other
    last_source: dict[str, Resolved] = field(default_factory=dict)  # root -> source of the last such event
    country_order: list[str] = field(default_factory=list)  # countries in order of first mention
    interlocutor: dict[str, Resolved] = field(default_factory=dict)  # country -> the foreign party it last met

    local_acronyms: set = field(default_factory=set)
    defined: dict = field(default_factory=dict)  # "KRG" -> the head token of "Kurdistan Regional Government (KRG)"

    def __post_init__(self):
        self._scan_acronyms()
        self._scan_persons()

    def _scan_acronyms(self):
        """Acronyms the article defines ("... Defence Forces (ADF)") whose long form is not the one the
        dictionary knows under that acronym."""
        doc = self.doc
        for t in doc:
            if t.text.isupper() and 2 <= len(t.text) <= 6 and t.i > 0 and doc[t.i - 1].text == "(" \
                    and t.i + 1 < len(doc) and doc[t.i + 1].text == ")":
                hit = named_actors().get((t.text.lower(),))
                if hit is None:
                    if t.i > 1 and doc[t.i - 2].pos_ in ("PROPN", "NOUN"):
                        self.defined.setdefault(t.text, doc[t.i - 2])  # the long form stands for the acronym
                    continue
                start = max(0, t.i - 8)
                before = {x.lower_ for x in doc[start:t.i - 1] if x.is_alpha}
                known = {w for k, v in named_actors().items() if v == hit and len(k) > 1 for w in k if w.isalpha()}
                if len(before & known) < 2:
                    self.local_acronyms.add(t.text)

    # ---- person registry -------------------------------------------------------------------
    def _name_spans(self):
        """PERSON entities, plus titled names the tagger missed ("Minister of Public Security Zhao Kezhi")."""
        spans = [e for e in getattr(self.doc, "ents", ()) if e.label_ == "PERSON" and len(e) <= 5]
        covered = {i for e in spans for i in range(e.start, e.end)}
        for tok in self.doc:
            if tok.i in covered or tok.pos_ != "PROPN" or tok.ent_type_ in ("GPE", "ORG", "NORP", "LOC", "DATE"):
                continue
            if tok.dep_ == "compound" or not tok.text[:1].isupper() or _is_title_word(tok):
                continue
            start = tok.i
            while start - 1 >= 0 and self.doc[start - 1].pos_ == "PROPN" and self.doc[start - 1].dep_ == "compound" \
                    and not _is_title_word(self.doc[start - 1]) and tok.i - start < 3:
                start -= 1
            if start == tok.i and tok.i - 1 >= 0 and not _is_title_word(self.doc[tok.i - 1]):
                continue  # a lone capitalised word is a person only after a title
            prev = self.doc[start - 1] if start > 0 else None
            if prev is not None and _is_title_word(prev):
                spans.append(self.doc[start:tok.i + 1])
        return spans

    def _scan_persons(self):
        for ent in self._name_spans():
            if self._analyse(list(ent))[2] is not None or countries.country_any(ent.text):
                continue  # an organisation or a country the tagger took for a person
            title_tokens = self._title_context(ent)
            country, sector, _ = self._analyse(title_tokens) if title_tokens else (None, None, None)
            actor = Actor(text=ent.text, name=ent.text, country=country, sector=sector)
            prev = self.persons.get(ent.text)
            if prev and (prev.sector or prev.country) and not (sector or country):
                continue  # keep the titled mention
            self.persons[ent.text] = actor
            parts = ent.text.split()
            if len(parts) > 1:
                for p in (parts[-1], parts[0]):
                    if p not in self.persons or not (self.persons[p].sector or self.persons[p].country):
                        self.persons[p] = actor

    def _title_context(self, ent) -> list:
        """Tokens that describe a named person: pre-name titles, appositions, 'X, the minister'."""
        root = ent.root
        toks = []
        for t in root.children:
            if t.i < ent.start and t.dep_ in ("compound", "amod", "poss", "nmod", "det") or t.dep_ == "appos":
                toks.extend(t.subtree)
        # titles that precede the name inside the same flat phrase
        i = ent.start - 1
        while i >= 0 and i >= ent.start - 12:
            t = self.doc[i]
            if t.head.i >= ent.start and t.head.i < ent.end or t.dep_ in ("compound", "amod"):
                toks.append(t)
                i -= 1
                continue
            break
        if root.dep_ == "pobj" and root.head.lower_ == "of" and root.head.head.pos_ in ("PROPN", "NOUN"):
            # "Minister of Public Security Zhao Kezhi": the title is the head of the "of" phrase
            top = root.head.head
            while top.dep_ in ("conj", "appos") and top.head.i != top.i:  # "State Councilor and Minister of ..."
                top = top.head
            toks.extend(t for t in top.subtree if t.i < ent.start)
        if root.dep_ == "conj" and root.head.pos_ in ("PROPN", "NOUN"):
            # "Pakistani Deputy Prime Minister and Foreign Minister Sardar Asif Nawaz"
            toks.extend(t for t in root.head.subtree if t.i < ent.start)
        # whatever the parse, the words right before a name are its title ("Nepal's Home Secretary X")
        i = ent.start - 1
        sent_start = ent.sent.start
        while i >= max(sent_start, ent.start - 8):
            t = self.doc[i]
            if t.pos_ in ("VERB", "AUX", "ADP") and t.lower_ != "of" or t.is_space or \
                    t.is_punct and t.text not in ("-", "'s", "’s"):
                break
            toks.append(t)
            i -= 1
        if root.dep_ == "appos":  # "the foreign minister, Ahmed Raza"
            toks.extend(t for t in root.head.subtree if t.i < root.head.i + 1 and not (ent.start <= t.i < ent.end))
        # "Moeed Yusuf, special assistant to Pakistani Prime Minister on ..."
        return [t for t in toks if not (ent.start <= t.i < ent.end)]

    # ---- noun phrase analysis ------------------------------------------------------------------
    def _phrase(self, tok) -> list:
        """The head's own modifiers, its 'of'-chain and appositions (not relative clauses)."""
        out = [tok]
        for c in tok.children:
            if c.dep_ in ("compound", "amod", "poss", "nmod", "nummod", "det", "case") and c.i < tok.i \
                    or c.dep_ == "punct" and c.text in ("-", "'") and c.i < tok.i:
                out.extend(c.subtree)
            elif c.dep_ == "prep" and c.lower_ in ("of", "to", "from") and c.i > tok.i:
                out.append(c)
                for g in c.children:
                    if g.dep_ == "pobj":
                        out.extend(_without_clauses(g))
            elif c.dep_ == "appos" and not any(x.tag_ == "VBG" or x.lower_ in ("many", "some", "most", "several")
                                               for x in c.subtree):
                out.extend(_without_clauses(c))  # not a description: "Protesters, many waving EU flags"
        return sorted(set(out), key=lambda t: t.i)

    def _analyse(self, toks) -> tuple[str | None, str | None, str | None]:
        """(country, sector, organisation name) from phrase tokens, longest dictionary match first."""
        words = [t.lower_ for t in toks]
        lemmas = [_singular(t) for t in toks]
        country = sector = name = None
        org_country = None
        taken = set()
        n = len(toks)
        maxlen = _max_len()
        # named organisations (may carry their own country)
        for ln in range(min(maxlen, n), 0, -1):
            for i in range(0, n - ln + 1):
                if any(j in taken for j in range(i, i + ln)):
                    continue
                key = tuple(words[i:i + ln])
                hit = named_actors().get(key)
                if hit and ln == 1 and toks[i].text in self.local_acronyms:
                    hit = None  # "Ambazonia Defence Forces (ADF)": not the dictionary's ADF
                if hit and (ln > 1 or _plausible_acronym(toks[i])):
                    org_country, sector, name = hit
                    taken.update(range(i, i + ln))
                    break
            if name:
                break
        # countries: names and demonyms, multiword first ("South Africa", "Saudi")
        for ln in range(min(4, n), 0, -1):
            for i in range(0, n - ln + 1):
                if country or any(j in taken for j in range(i, i + ln)):
                    continue
                span_text = " ".join(t.text for t in toks[i:i + ln])
                c = countries.country_by_name(span_text) or countries.country_by_demonym(span_text)
                if not c and toks[i + ln - 1].dep_ in ("poss", "compound", "nsubj", "nsubjpass", "dobj", "pobj", "conj"):
                    c = countries.country_by_capital(span_text)  # "accused Pristina", "Santo Domingo said"
                if c:
                    country = c
                    taken.update(range(i, i + ln))
        if not sector:
            best = None
            for ln in range(min(4, n), 0, -1):
                for i in range(0, n - ln + 1):
                    hit = sector_terms().get(tuple(lemmas[i:i + ln])) or sector_terms().get(tuple(words[i:i + ln]))
                    if hit:
                        # prefer the match nearest the phrase head (rightmost), longest first
                        cand = (ln, i, hit)
                        if best is None or (cand[0], cand[1]) > (best[0], best[1]) and cand[0] >= best[0]:
                            best = cand
                if best:
                    break
            if best:
                sector = best[2][0]
                if sector in ("MIL", "COP") and lemmas[best[1] + best[0] - 1] in ("force", "forces", "member"):
                    # "terrorist forces", "rebel forces", "the opposition Union of Democratic Forces"
                    for other in ("REB", "OPP"):
                        if any(sector_terms().get((l,), ("",))[0] == other for l in lemmas):
                            sector = other
                            break
        if sector in ("GOV", "MIL", "COP", "JUD", "LEG") and "former" in words:
            sector = "CVL"  # "a former Serb police officer": former officials are civilians (conventions 3)
        country = org_country or country
        if country == "COG" and self.home_country == "COD":
            country = "COD"  # "Congo" in a story from Kinshasa is the Democratic Republic
        return country, sector, name

    def resolve(self, tok, *, role: str = "source") -> Resolved | None:
        """Resolve the noun phrase headed by ``tok`` to an actor, or None when it names no actor."""
        low = tok.lower_
        if low in ("who", "which", "that", "whom"):
            if tok.head.dep_ == "relcl" and tok.head.head.i != tok.i:
                return self.resolve(tok.head.head, role=role)
            return None
        if tok.pos_ == "PRON" or low in PRONOUNS_PERSON | PRONOUNS_GROUP:
            return self._speaker(tok) or self._pronoun(low)
        long_form = self.defined.get(tok.text)
        if long_form is not None and long_form.i != tok.i and tok.i > long_form.i:
            r = self.resolve(long_form, role=role)  # "the KRG" after "Kurdistan Regional Government (KRG)"
            if r is not None:
                return self._remember(Resolved(Actor(text=tok.text, name=r.actor.name or tok.text,
                                                     country=r.actor.country, sector=r.actor.sector), r.kind))
        phrase = self._phrase(tok)
        text = " ".join(t.text for t in phrase)
        # named person (unless the "person" is a known organisation: the tagger calls al Shabaab a PERSON)
        if (tok.ent_type_ == "PERSON" or tok.text in self.persons) and self._analyse(phrase)[2] is None:
            ent_text = _entity_text(tok)
            actor = self.persons.get(ent_text) or self.persons.get(tok.text)
            if actor:
                country, sector, _ = self._analyse([t for t in phrase if t.ent_type_ != "PERSON"])
                sector = actor.sector or sector
                # a titled official without a country serves the article's country; an untitled person is
                # a civilian of it
                placed = None if actor.country or country or sector != "GOV" else self._fronted_capital(tok)
                if placed:  # "In Beijing, foreign ministry spokesman Zhang Wenhao condemned ...": a Chinese official
                    old, actor = actor, Actor(text=actor.text, name=actor.name, country=placed, sector=actor.sector)
                    for key in [k for k, v in self.persons.items() if v is old]:  # "Zhang Wenhao", "Zhang"
                        self.persons[key] = actor
                a = Actor(text=text, name=actor.name, country=actor.country or country or self.home_country,
                          sector=sector or "CVL")
                return self._remember(Resolved(a, "person"))
        country, sector, orgname = self._analyse(phrase)
        if not country and not orgname:
            # "its forces", "their leaders": the owner's country
            for t in phrase:
                if t.dep_ == "poss" and t.lower_ in ("its", "their", "his", "her"):
                    owner = self._speaker(t) or self._pronoun(t.lower_)
                    if owner is not None:
                        country = owner.actor.country
                    break
        vague = any(t.lower_ in ("all", "both") for t in phrase) or "international community" in text.lower()
        if sector and sector_terms().get((tok.lemma_.lower(),), ("", ""))[1] == "place" and tok.dep_ in (
                "nsubj", "nsubjpass") and role == "source":
            return None  # a village or a site does not act
        if country and not sector and (tok.ent_type_ == "GPE" or countries.country_by_name(_entity_text(tok))
                                       or countries.country_by_capital(_entity_text(tok))):
            # a country or its capital standing for its government ("Moldova expelled", "Islamabad said")
            return self._remember(Resolved(Actor(text=text, name=None, country=country, sector="GOV"), "country"))
        if not sector and country and tok.ent_type_ == "NORP" and tok.tag_ in ("NNPS", "NNS"):
            sector = "CVL"  # "Pakistanis"
        if not sector:
            # a bare title back to its person ("the minister"), a definite group noun to the last group
            return None
        if not country and orgname is None and any(t.lower_ in ("the", "these", "those") for t in phrase):
            # "the diplomats" after "a Russian diplomat": the same head noun named before, with its country
            head = _singular(tok)
            for r in reversed(self.history):
                if r.actor.country and head in {w.lower().rstrip("s") for w in r.actor.text.split()} | {
                        w.lower() for w in r.actor.text.split()}:
                    return self._remember(Resolved(Actor(text=text, name=r.actor.name, country=r.actor.country,
                                                         sector=sector), r.kind))
        # a definite bare title goes back to the last person with that sector
        if not country and tok.ent_type_ != "PERSON" and sector_terms().get((tok.lemma_.lower(),), ("", ""))[1] == "person":
            for r in reversed(self.history):
                if r.kind == "person" and r.actor.sector == sector:
                    a = Actor(text=text, name=r.actor.name, country=r.actor.country, sector=sector)
                    return self._remember(Resolved(a, "person"))
        if not country and sector == "REB" and orgname is None and any(t.lower_ in ("the", "its", "their") for t in phrase):
            # "the group", "the perpetrators", "the attackers": the armed group last named, else the
            # article's last perpetrator
            for r in reversed(self.history):
                if r.actor.sector == "REB" and r.actor.name:
                    return r
            for root in ("18", "19", "20"):
                if root in self.last_perpetrator:
                    return self.last_perpetrator[root]
        if not country and tok.lemma_.lower() in ("man", "woman", "pair", "suspect") and any(
                t.lower_ == "the" for t in phrase):
            # "two Spanish nationals ... The two men were detained": the people just named
            country = next((r.actor.country for r in reversed(self.history)
                            if r.actor.sector in ("CVL", "REB") and r.actor.country), None)
        if not country and tok.lemma_.lower() in ("compatriot", "colleague", "countryman"):
            # "killed a Turkish engineer and abducted two of his compatriots"
            country = next((r.actor.country for r in reversed(self.history)
                            if r.actor.sector == "CVL" and r.actor.country), None)
        if not country and sector == "REB":
            # "armed groups fighting for the independence of Cameroon's regions": an armed group takes the
            # country where it fights or is based (conventions section 3)
            for t in tok.subtree:
                if t.dep_ in ("acl", "relcl") or t.head.dep_ == "appos":
                    for x in t.subtree:
                        c = countries.country_by_name(x.text) if x.pos_ == "PROPN" else None
                        if c:
                            country = c
                            break
                if country:
                    break
        if not country and sector == "GOV":
            country = self._fronted_capital(tok)  # "In Beijing, a foreign ministry spokesman said ..."
        needs = False
        if not country and (sector in ("REB", "CVL") or sector_terms().get((tok.lemma_.lower(),), ("", ""))[1] == "place"):
            needs = True  # unknown perpetrators and victims, and places attacked: the country where it happened
        elif not country and sector not in ("IGO", "REB", "CVL") and orgname is None:
            # "fighter jets", "police said", "transport unions": the same kind of actor named before, else
            # the article's country
            country = (next((r.actor.country for r in reversed(self.history)
                             if r.actor.sector == sector and r.actor.country), None)
                       if sector in ("MIL", "COP") else None) or self.home_country
        if not country and sector in ("CVL", "BUS", "EDU", "LAB") and orgname is None:
            country = self._home_place_country(phrase)  # "17 fishermen from Rameswaram"
        if sector == "IGO":
            country = None
        name = orgname or (_entity_text(tok) if tok.ent_type_ in ("ORG", "PERSON") else None)
        res = Resolved(Actor(text=text, name=name, country=country, sector=sector),
                       "group", vague=vague, needs_place_country=needs)
        return self._remember(res)

    def resolve_many(self, tok) -> list[Resolved]:
        """Like resolve, but "Kenyan and Somali troops" gives one actor per country, and "both sides"
        the two parties the article set against each other (conventions 2.5)."""
        # "the two navies", "both countries" (but "two fighter jets" is a count, not the pair)
        pair_word = tok.lemma_.lower() in ("side", "party") or tok.tag_ == "NNS" and (
            any(c.lower_ == "both" for c in tok.children) or any(c.lower_ == "two" for c in tok.children)
            and any(c.lower_ == "the" for c in tok.children))
        # "commanders from the two sides", "the two countries' foreign ministers"
        owner = [g for c in tok.children if c.dep_ == "prep" and c.lower_ in ("from", "of") for g in c.children
                 if g.dep_ == "pobj"] + [c for c in tok.children if c.dep_ == "poss"]
        pair_owner = any(o.tag_ in ("NNS", "NNPS") and any(x.lower_ in ("two", "both") for x in o.children)
                         for o in owner)  # "officials of the two defence ministries"
        country_noun = tok.lemma_.lower() in ("neighbour", "neighbor", "country", "nation", "government")
        if pair_word and country_noun and len(self.country_order) >= 2 and not (
                self.last_dyad and self.last_dyad[0].actor.country != self.last_dyad[1].actor.country):
            # "the two neighbours": the two countries the article is about (not two sides of one country)
            return [Resolved(Actor(text=tok.text, name=None, country=c, sector="GOV"), "country")
                    for c in self.country_order[:2]]
        if (pair_word or pair_owner) and any(c.lower_ in ("both", "two", "warring") for c in tok.subtree) \
                and self.last_dyad:
            a, b = self.last_dyad
            sector = self.resolve(tok)
            if sector is not None and sector.actor.sector and (pair_owner or tok.lemma_.lower() not in (
                    "side", "party", "country")):
                # "the two navies": the two parties, with the sector the noun names
                mk = lambda r: Resolved(Actor(text=tok.text, name=None, country=r.actor.country,
                                              sector=sector.actor.sector), "group")
                a, b = mk(a), mk(b)
            order = self.country_order
            if a.actor.country in order and b.actor.country in order and \
                    order.index(b.actor.country) < order.index(a.actor.country):
                a, b = b, a  # joint acts of "the two sides": the party the article named first is the source
            return [a, b]
        r = self.resolve(tok)
        if r is None:
            return []
        # "the foreign ministers of Greece and Turkey": one actor per country
        for p in tok.children:
            if p.dep_ == "prep" and p.lower_ == "of":
                for o in p.children:
                    if o.dep_ == "pobj" and any(c.dep_ == "conj" for c in o.children):
                        named = [countries.country_any(x.text) for x in [o] + [c for c in o.children if c.dep_ == "conj"]]
                        if all(named) and len(set(named)) > 1:
                            return [Resolved(Actor(text=r.actor.text, name=None, country=c, sector=r.actor.sector),
                                             r.kind) for c in named]
        mods = [c for c in tok.children if c.dep_ in ("amod", "compound") and c.i < tok.i]
        extra = []
        for m in mods:
            for c in m.children:
                if c.dep_ == "conj":
                    cc = countries.country_by_demonym(c.text) or countries.country_by_name(c.text)
                    if cc and cc != r.actor.country:
                        a = Actor(text=r.actor.text, name=r.actor.name, country=cc, sector=r.actor.sector)
                        extra.append(Resolved(a, r.kind))
        return [r] + extra

    def _speaker(self, tok) -> Resolved | None:
        """In "X said it/its ...", the pronoun is X (reported speech about oneself)."""
        head = tok.head
        for _ in range(8):
            if head.lemma_.lower() in ("say", "tell", "add", "announce", "state", "claim", "deny") and head.pos_ == "VERB":
                subj = next((c for c in head.children if c.dep_ == "nsubj"), None)
                if subj is None:  # the parser hung the speaker elsewhere: "Angola, which has been ..., said it"
                    subj = next((x for x in head.sent if x.i < head.i and x.pos_ in ("PROPN", "NOUN")
                                 and x.dep_ in ("nsubj", "ROOT", "nsubjpass")), None)
                if subj is not None and subj is not tok and subj.i < tok.i and subj.pos_ != "PRON":
                    r = self.resolve(subj)
                    want_person = tok.lower_ in PRONOUNS_PERSON
                    if r is not None and (r.kind == "person") == want_person:
                        return r
                return None
            if head.head.i == head.i:
                return None
            head = head.head
        return None

    def _fronted_capital(self, tok) -> str | None:
        """The country whose capital a fronted "In Beijing, ..." names, for the subject of that clause: an
        official with no country of his own speaks for the government where he speaks."""
        if tok.dep_ not in ("nsubj", "nsubjpass"):
            return None
        verb = tok.head
        while verb.dep_ == "conj" and verb.head.i != verb.i:
            verb = verb.head
        for c in verb.children:
            if c.dep_ == "prep" and c.lower_ == "in" and c.i < tok.i:
                for o in c.children:
                    if o.dep_ == "pobj" and o.pos_ == "PROPN":
                        found = countries.country_by_capital(_entity_text(o))
                        if found:
                            return found
        return None

    def _home_place_country(self, phrase) -> str | None:
        for t in phrase:
            if t.dep_ == "prep" and t.lower_ == "from":
                for o in t.children:
                    if o.dep_ == "pobj" and o.pos_ == "PROPN":
                        name = " ".join(x.text for x in o.subtree if x.pos_ == "PROPN")
                        return countries.country_any(name) or self.place_country(name)
        return None

    def place_country(self, name: str) -> str | None:
        """The country of a named place, preferring the article's countries (None for seas)."""
        from .places import gazetteer  # imported here: the gazetteer index loads only when a place is asked

        place = gazetteer().lookup(name, self.country_order)
        return place.country if place is not None and place.precision != "sea" else None

    def _pronoun(self, low: str) -> Resolved | None:
        want = "person" if low in PRONOUNS_PERSON else "group"
        for r in reversed(self.history):
            if want == "person" and r.kind == "person" or want == "group" and r.kind != "person":
                return r
        return self.history[-1] if self.history else None

    def _remember(self, r: Resolved) -> Resolved:
        self.history.append(r)
        return r


def _without_clauses(tok) -> list:
    """The subtree of tok without its clauses ("Protesters, many waving EU flags": not the EU)."""
    # "based in Turkey", "owned by a Chinese firm" (participles) still say whose it is
    skip = {t.i for c in tok.subtree if c.i != tok.i and (c.dep_ in ("relcl", "advcl") or c.dep_ == "acl"
                                                          and c.tag_ == "VBG") for t in c.subtree}
    return [t for t in tok.subtree if t.i not in skip]


def _entity_text(tok) -> str:
    if not tok.ent_type_:
        return tok.text
    doc = tok.doc
    for ent in doc.ents:
        if ent.start <= tok.i < ent.end:
            return ent.text
    return tok.text




def _is_title_word(tok) -> bool:
    low = tok.lower_
    return low in word_set("title_words") or (low,) in sector_terms() or (tok.lemma_.lower(),) in sector_terms()


def _plausible_acronym(tok) -> bool:
    """Single-word names ("IS", "UN", "FC") only count in their written case, not as common words."""
    t = tok.text
    if len(t) <= 3:
        return t.isupper() or t in ("U.N.",)
    return True
