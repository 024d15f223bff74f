"""CAMEO event coding from the dependency parse.

Each sentence is coded on its own (conventions section 2): a verb from data/lexicon/verbs.tsv with an
identifiable actor gives an event; event nouns (data/lexicon/nouns.tsv) give one only as the object of a
light verb ("held talks") or the subject of a result verb ("a drone strike killed"), and are otherwise
kept as references to earlier events. Modality words (data/lexicon/modality.tsv) turn the event below
them into an intent, threat or refusal code (data/lexicon/transforms.tsv), mark it negated, or drop it
(accusations, hedges). Nothing here knows about dates or places: pipeline.py adds those.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from ..records import ASSERTED, INTENT, REFERENCE
from .actors import ArticleActors, Resolved
from .lexicon import rows, word_set


LIGHT_VERBS = word_set("light_verbs")
RESULT_VERBS = word_set("result_verbs")
ARMED = {"MIL", "COP", "REB"}
UNARMED = {"CVL", "EDU", "LAB", "OPP"}  # crowds and their organisers
# Dependency labels through which modality (and accusation scope) passes down to an embedded verb
EMBED_DEPS = {"xcomp", "ccomp", "advcl", "conj", "acomp", "pcomp", "pobj", "prep", "relcl", "dobj", "attr"}
# Heads that report speech: the embedded clause is the speaker's assertion, coded on its own
SPEECH = word_set("speech_verbs")


@dataclass(frozen=True)
class Rule:
    lemma: str
    conds: tuple[tuple[str, frozenset[str]], ...]
    code: str
    targets: tuple[str, ...]
    flags: frozenset[str]
    line: int

    @property
    def name(self) -> str:
        cond = ",".join(f"{k}:{'|'.join(sorted(v))}" for k, v in self.conds) or "-"
        return f"{self.lemma}/{cond}->{self.code}"


def _parse_rules(name: str, cond_key: str) -> dict[str, list[Rule]]:
    out: dict[str, list[Rule]] = {}
    for i, r in enumerate(rows(name)):
        conds = []
        raw = r[cond_key]
        if raw and raw != "-":
            if cond_key == "mod":
                conds.append(("mod", frozenset(raw.lower().split("|"))))
            else:
                for c in raw.split(","):
                    k, _, v = c.partition(":")
                    conds.append((k, frozenset(v.lower().split("|"))))
        targets = tuple(t for t in r["target"].split("|") if t and t != "-")
        flags = frozenset(f for f in r["flags"].split(",") if f and f != "-")
        rule = Rule(r["lemma"].lower(), tuple(conds), r["code"], targets, flags, i)
        out.setdefault(rule.lemma, []).append(rule)
    weight = {"prep": 1, "prt": 1}
    for rules in out.values():  # most specific first (an object beats a preposition); file order breaks ties
        rules.sort(key=lambda x: (-sum(weight.get(k, 2) for k, _ in x.conds), x.line))
    return out


@lru_cache(maxsize=1)
def verb_rules() -> dict[str, list[Rule]]:
    return _parse_rules("verbs.tsv", "cue")


@lru_cache(maxsize=1)
def noun_rules() -> dict[str, list[Rule]]:
    return _parse_rules("nouns.tsv", "mod")


@lru_cache(maxsize=1)
def modality() -> dict[str, str]:
    return {r["lemma"].lower(): r["role"] for r in rows("modality.tsv")}


@lru_cache(maxsize=1)
def transforms() -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {}
    for r in rows("transforms.tsv"):
        out.setdefault(r["kind"], []).append((r["base"], r["code"]))
    for v in out.values():
        v.sort(key=lambda x: -len(x[0]))
    return out


def transform(kind: str, code: str) -> str:
    """Base code -> intent / threat / refusal code, longest base prefix first ("0841" intent -> "0353")."""
    if code[:2] == {"intent": "03", "threat": "13", "refuse": "12"}[kind] or kind == "intent" and code[:2] == "13":
        return code
    for base, new in transforms()[kind]:
        if code.startswith(base):
            return new
    return code


@lru_cache(maxsize=1)
def weapon_terms() -> dict[str, str]:
    return {r["term"].lower(): r["code"] for r in rows("weapons.tsv")}


@dataclass
class Candidate:
    """An event found in one sentence, before dates and places are attached."""

    trigger: object  # spaCy Token
    code: str
    source: Resolved | None
    target: Resolved | None
    mode: str = ASSERTED
    negated: bool = False
    rule: str = ""
    confidence: float = 0.7
    governor: object = None  # the verb whose clause dates/places a statement event (intent, speech)
    extra: dict = field(default_factory=dict)


# ---- helpers over the parse ------------------------------------------------------------------------

def lexicon_lemma(tok, table: dict) -> str | None:
    """The token's lemma as the lexicon knows it. The small model sometimes lemmatises wrongly
    ("hoped" -> "hop"), so inflected forms are also tried by their regular endings."""
    lemma = tok.lemma_.lower()
    if lemma in table:
        return lemma
    w = tok.lower_
    for cand in (w, w[:-1] if w.endswith(("ed", "es", "s")) else None, w[:-2] if w.endswith(("ed", "es")) else None,
                 w[:-3] if w.endswith("ing") else None, w[:-3] + "e" if w.endswith("ing") else None,
                 w[:-3] + "y" if w.endswith(("ied", "ies")) else None,
                 w[:-3] if len(w) > 5 and w.endswith("ped") and w[-4] == "p" else None):
        if cand and cand in table:
            return cand
    return None


def _child(tok, *deps):
    for c in tok.children:
        if c.dep_ in deps:
            return c
    return None


def _children(tok, *deps):
    return [c for c in tok.children if c.dep_ in deps]


def _prep_objects(tok, preps: set[str]):
    out = []
    for c in tok.children:
        if c.dep_ in ("prep", "agent", "dative") and c.lower_ in preps:
            out.extend(_children(c, "pobj"))
    return out


def _conjuncts(tok):
    """tok and the nouns coordinated with it ("Kenya and Somalia")."""
    out = [tok]
    stack = [tok]
    while stack:
        t = stack.pop()
        for c in t.children:
            if c.dep_ == "conj" and c.pos_ in ("NOUN", "PROPN", "PRON"):
                out.append(c)
                stack.append(c)
    return out


def _is_passive(verb) -> bool:
    # "the man arrested by police" is passive; "Norway, one of the guarantors, called on both sides" is an
    # active verb the parser hung on its subject
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in verb.children) or (
        verb.tag_ == "VBN" and verb.dep_ == "acl" and (verb.head.pos_ != "PROPN" or bool(_prep_objects(verb, {"by"}))))


# "prompted Beijing to press ...": verbs whose object does what the complement says (not "telephoned the
# ambassador to offer condolences", where the caller offers them)
OBJECT_CONTROL = word_set("object_control")
COMMAND_VERBS = word_set("command_verbs")


def _subject(verb):
    """The grammatical subject, inherited through coordination, complements and relative clauses."""
    t = verb
    for _ in range(6):
        s = _child(t, "nsubj", "nsubjpass", "csubj")
        if s is not None:
            return s
        if t.dep_ == "xcomp" and _child(t.head, "dobj") is not None and t.head.lemma_.lower() in OBJECT_CONTROL:
            if _is_passive(t) or t.head.lemma_.lower() in COMMAND_VERBS:
                # "ordered 200 police officers to be deployed", "ordered police to produce the planner": the
                # one who ordered it acts (the order is the act the article reports)
                t = t.head
                continue
            return _child(t.head, "dobj")  # "prompting Beijing to press ...": the object acts
        if t.dep_ == "conj" or t.dep_ in ("xcomp", "advcl") and t.tag_ in ("VBG", "VB", "VBN") \
                or t.dep_ == "acomp":  # "China is willing to keep ..."
            t = t.head
            continue
        if t.dep_ in ("relcl", "acl") and t.head.pos_ in ("NOUN", "PROPN", "PRON"):
            return t.head
        break
    return None


QUANTITY_NOUNS = word_set("quantity_nouns")


def _objects(verb) -> list:
    """Direct objects, looking through quantities ("fired dozens of rockets" -> rockets)."""
    out = []
    for o in _children(verb, "dobj", "nsubjpass"):
        out.append(o)
        for p in o.children:  # "dozens of rockets", "a state of emergency", "a round of talks"
            if p.dep_ == "prep" and p.lower_ == "of":
                out.extend(_children(p, "pobj"))
    return out


def _match(rule: Rule, verb) -> bool:
    for kind, values in rule.conds:
        if kind == "prt":
            if not any(c.dep_ == "prt" and c.lower_ in values for c in verb.children) and not (
                    verb.i + 1 < len(verb.doc) and verb.doc[verb.i + 1].lower_ in values):
                return False
        elif kind == "prep":
            if not any(c.dep_ in ("prep", "dative", "agent") and c.lower_ in values for c in verb.children):
                return False
        elif kind == "obj":
            objs = _objects(verb)
            if not any(o.lemma_.lower() in values or o.lower_ in values or "*" in values for o in objs):
                return False
        elif kind == "objmod":
            objs = _children(verb, "dobj", "nsubjpass")
            if not any(m.lemma_.lower() in values or m.lower_ in values
                       for o in objs for m in o.subtree if m.i < o.i):
                return False
        elif kind in ("xcomp", "ccomp"):
            if not any(c.dep_ == kind and (c.lemma_.lower() in values or "*" in values) for c in verb.children):
                return False
        elif kind == "pobj":  # "set homes on fire"
            if not any(g.dep_ == "pobj" and (g.lemma_.lower() in values or g.lower_ in values)
                       for c in verb.children if c.dep_ in ("prep", "agent") for g in c.children):
                return False
        elif kind == "tocomp":  # "hoped the Pakistani side to find out ...": X wants Y to act
            if not any(c.dep_ in ("ccomp", "xcomp") and _child(c, "nsubj") is not None
                       and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children) for c in verb.children):
                return False
        elif kind == "acomp":  # "pleaded not guilty": "not-guilty" asks for the negated adjective
            if not any(c.dep_ == "acomp" and any(
                    c.lemma_.lower() == v.split("-")[-1] and (not v.startswith("not-") or _child(c, "neg") is not None)
                    for v in values) for c in verb.children):
                return False
        elif kind == "mod":
            if not any(m.lemma_.lower() in values or m.lower_ in values for m in verb.subtree if m.i < verb.i):
                return False
    return True


def _pick(rules: list[Rule], tok) -> Rule | None:
    for r in rules:
        if _match(r, tok):
            return r
    return None


FUTURE_AUX = {"will", "shall", "would", "'ll", "wo"}
HEDGE_ADV = word_set("hedge_adverbs")


def _modal_context(verb):
    """Walk up from the verb through embedding; report the modality that governs it.

    Returns (skip, mode, negated, transform_kind, governor): skip = not an event at all (hedged,
    conditional, accused or asked-for acts); transform_kind = intent | threat | refuse.
    """
    negated = any(c.dep_ == "neg" for c in verb.children)
    auxes = {c.lower_ for c in verb.children if c.dep_ in ("aux", "auxpass")}
    transform_kind = None
    mode = ASSERTED
    governor = None
    if auxes & {"may", "might", "could", "should", "must"}:
        return True, mode, negated, None, None
    if any(c.dep_ == "advmod" and c.lower_ in HEDGE_ADV for c in verb.children):
        return True, mode, negated, None, None
    if any(c.dep_ == "mark" and c.lower_ in ("if", "unless", "whether") for c in verb.children):
        return True, mode, negated, None, None
    if auxes & FUTURE_AUX or "going" in auxes:
        transform_kind, negated = ("refuse", False) if negated else ("intent", negated)
        mode = INTENT
    t = verb
    depth = 0
    while t.dep_ in EMBED_DEPS and depth < 6 and t.head.i != t.i:
        dep = t.dep_
        head = t.head
        role = modality().get(head.lemma_.lower())
        head_neg = any(c.dep_ == "neg" for c in head.children)
        head_aux = {c.lower_ for c in head.children if c.dep_ in ("aux", "auxpass")}
        if any(c.dep_ == "advmod" and c.lower_ in HEDGE_ADV for c in head.children) and dep != "relcl":
            return True, mode, negated, None, None  # "were allegedly planning to attack"
        if dep == "relcl":
            # a relative clause is its own assertion, unless it sits inside an accusation
            # ("accused Pakistan of sheltering the gunmen who attacked the convoy")
            if any(modality().get(a.lemma_.lower()) == "accuse" for a in list(head.ancestors)[:6]):
                return True, mode, negated, None, None
            break
        if role == "accuse" and dep in ("pcomp", "pobj", "prep", "ccomp", "xcomp", "dobj", "oprd", "attr"):
            return True, mode, negated, None, None
        if role == "appeal" and dep in ("xcomp", "ccomp", "advcl", "dobj"):
            return True, mode, negated, None, None
        if role == "hedge" and dep in ("xcomp", "ccomp"):
            return True, mode, negated, None, None
        if role == "deny" and dep in ("ccomp", "xcomp", "pcomp", "pobj", "prep"):
            return False, mode, True, transform_kind, head
        if role == "refuse" and dep == "xcomp":
            return False, INTENT, False, "refuse", head
        if role == "intent" and dep == "ccomp" and _child(t, "nsubj") is not None and any(
                c.dep_ == "aux" and c.lower_ == "to" for c in t.children):
            return True, mode, negated, None, None  # "hoped the Pakistani side to find out ...": an appeal's content
        to_inf = dep == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in t.children)
        if role in ("intent", "threat") and (dep in ("xcomp", "ccomp", "prep", "pcomp", "pobj", "acomp") or to_inf) \
                and transform_kind is None:
            if head_neg:
                return False, INTENT, False, "refuse", head
            return False, INTENT, negated, role, head
        if transform_kind is None and head_aux & FUTURE_AUX and dep in ("xcomp", "advcl", "conj", "acomp") \
                and not (dep == "conj" and t.tag_ in ("VBD", "VBN")):
            # "will resort to all means to apprehend ...", "will apprehend and punish ..."
            transform_kind, mode = ("refuse" if head_neg else "intent"), INTENT
            if head_neg:
                negated = False
        if head_aux & {"may", "might", "could", "should", "must"} and dep in ("xcomp", "advcl", "conj"):
            return True, mode, negated, None, None
        if dep == "ccomp" and head.lemma_.lower() in SPEECH:
            governor = head
            break
        if dep in ("advcl", "acl") and not (head_aux & FUTURE_AUX) and not (dep == "advcl" and to_inf and head.dep_ in (
                "xcomp", "ccomp", "advcl") and head.tag_ == "VB"):
            # a purpose clause of a finite act is its own assertion; one hanging on an infinitive ("should
            # reinforce troops to crack down ... so as to ensure ...") shares that infinitive's modality
            break
        t = head
        depth += 1
    return False, mode, negated, transform_kind, governor


PROTEST_VERBS = word_set("protest_verbs")
PROTEST_AIMS = word_set("protest_aims")
CASUALTY_VERBS = word_set("casualty_verbs")
# Roots whose events, in the conventions, always have a target: without one the event is not emitted
# (precision first), except violence against unnamed victims, who are civilians where it happened.
TARGET_ROOTS = {"02", "03", "04", "05", "06", "07", "08", "10", "11", "12", "13", "16", "17", "19"}


def _finish_targets(code: str, targets: list[Resolved]) -> list[Resolved] | None:
    """None when the event must not be emitted for lack of a target."""
    if targets:
        return targets
    if code[:2] in ("18", "20") or code in ("0813", "1723", "1724", "081"):
        # violence against unnamed victims, and curfews and emergencies, fall on the civilians where they are
        return [_unknown("CVL")]
    if code[:2] in TARGET_ROOTS:
        return None
    return targets


DAY_WORDS = word_set("day_words")
HABITUAL_ADV = word_set("habitual_adverbs")


def _habitual(verb, code: str = "") -> bool:
    """Generic or repeated activity ("have repeatedly come under attack", "have killed thousands in recent
    years") is background, not an event (conventions 2.4)."""
    t = verb
    # "Police suspect insurgents ...", "Pakistan says ...": statements in the present are current, not habits
    statement = code[:2] in ("01", "02", "10", "11", "12", "13")
    if statement and verb.tag_ in ("VBZ", "VBP") and not any(c.dep_ in ("aux", "auxpass") for c in verb.children):
        obj, subj = _child(verb, "dobj"), _child(verb, "nsubj")
        if verb.dep_ == "relcl" or obj is not None and subj is not None and obj.i < subj.i < verb.i:
            return True  # "which the Kremlin denies", "..., a charge Islamabad denies": a standing position (2.4)
    for depth in range(3):
        if _habitual_clause(t, tense=depth == 0 and not statement):
            return True
        # "relations have been strained for years, with each side accusing the other", "have been killed
        # since 2021, prompting Beijing to press Islamabad": the clause above sets the time
        if t.dep_ in ("advcl", "pcomp", "acl", "xcomp") and t.tag_ in ("VBG", "VB") and t.head.i != t.i:
            t = t.head
        else:
            break
    return False


def _habitual_clause(verb, tense: bool = True) -> bool:
    """Markers of generic or past-background activity on this clause; ``tense`` adds the present-tense
    forms, which count only on the event's own verb ("is expected to travel" is no habit)."""
    for o in _children(verb, "dobj"):  # "fought several deadly clashes between 2008 and 2011"
        for p in o.children:
            if p.dep_ == "prep" and p.lower_ in ("between", "in", "during") and any(
                    t.like_num and len(t.text) == 4 and t.text[:2] in ("19", "20") for t in p.subtree):
                return True
    for c in verb.children:
        if c.dep_ == "advmod" and c.lower_ in HABITUAL_ADV:
            return True
        if c.dep_ == "prep" and c.lower_ in ("between", "in", "during", "from") and any(
                t.like_num and len(t.text) == 4 and t.text[:2] in ("19", "20") for t in c.subtree) and not any(
                t.lower_ in DAY_WORDS for t in verb.subtree):
            return True  # "fought clashes between 2008 and 2011": history, not news (2.4)
        if c.dep_ == "prep" and c.lower_ in ("since", "over", "in", "for"):
            words = {t.lower_ for t in c.subtree}
            if c.lower_ == "since" and any(w.isdigit() and len(w) == 4 for w in words):
                return True
            if "recent" in words and words & {"years", "months", "decades"}:
                return True
            if c.lower_ in ("over", "for") and words & {"years", "decades"}:
                return True
    if not tense:
        return False
    if verb.tag_ in ("VBZ", "VBP") and not any(c.dep_ in ("aux", "auxpass") for c in verb.children):
        return True  # simple present: "the group attacks convoys", "Pakistan says ..."
    if any(c.dep_ == "auxpass" and c.lower_ in ("is", "are") for c in verb.children):
        return True  # present passive: "dozens are killed by border guards every year"
    if any(c.dep_ == "npadvmod" and any(d.lower_ == "every" for d in c.children) for c in verb.children):
        return True  # "every year"
    return False


def _resolve_all(toks, actors: ArticleActors) -> list[Resolved]:
    out = []
    for t in toks:
        out.extend(actors.resolve_many(t))
    return out


def _targets_for(rule: Rule, verb, actors: ArticleActors, passive: bool) -> list[Resolved]:
    for spec in rule.targets:
        toks = []
        if spec == "dobj":
            toks = _children(verb, "nsubjpass") if passive else _children(verb, "dobj")
            if not toks and not passive:  # the tagger took a name for a verb: "telephoned ... Zhou Weiming"
                toks = [c for c in verb.children if c.dep_ in ("xcomp", "ccomp") and c.ent_type_ == "PERSON"]
            toks = [g for t in toks for g in ([t] + [x for p in t.children if p.dep_ == "prep" and p.lower_ == "of"
                                                    for x in _children(p, "pobj")]
                                               if t.lemma_.lower() in QUANTITY_NOUNS or t.pos_ == "NUM" else [t])]
            if len(toks) > 1:  # the parser sometimes splits "the paramilitary Rapid Support Forces" in two
                toks = [t for t in toks if t.pos_ in ("NOUN", "PROPN", "PRON")] or toks[-1:]
        elif spec == "dative":
            toks = [g for c in verb.children if c.dep_ == "dative" for g in ([c] if c.pos_ != "ADP" else _children(c, "pobj"))]
        elif spec.startswith("prep:"):
            toks = _prep_objects(verb, {spec[5:]})
            if not toks:
                # "suspended a round of talks with the ELN", "stood in solidarity with Chisinau": the
                # preposition hangs on a noun of the verb's own phrase (no other verb in between)
                for t in verb.subtree:
                    if t.dep_ == "prep" and t.lower_ == spec[5:] and t.head.pos_ in ("NOUN", "PROPN") and \
                            _noun_path(t.head, verb):
                        toks.extend(_children(t, "pobj"))
                        break
        elif spec == "xobj":  # "deployed troops to track down the assailants"
            for c in verb.children:
                if c.dep_ in ("advcl", "xcomp") and c.pos_ == "VERB":
                    toks = _children(c, "dobj")
                    if toks:
                        break
        elif spec == "ccomp":
            cc = _child(verb, "ccomp")
            if cc is not None:
                s = _child(cc, "nsubj", "nsubjpass")
                toks = [s] if s is not None else []
        res = _resolve_targets(toks, actors)
        if rule.code in ("042", "043"):  # a visit is to a government: "travelling to the dam site" is none
            res = [r for r in res if r.actor.sector == "GOV"] or _host_government(toks, actors)
        if res:
            return res
    return []


def _host_government(toks, actors: ArticleActors) -> list[Resolved]:
    """"arrived in Gwadar": a visit is to the government of the country visited."""
    from ..records import Actor

    for t in toks:
        if t.ent_type_ in ("GPE", "LOC", "FAC") or t.pos_ == "PROPN":
            country = actors.place_country(t.text)
            if country:
                return [Resolved(Actor(text=t.text, name=None, country=country, sector="GOV"), "country")]
    return []


def _noun_path(tok, verb) -> bool:
    """tok hangs on verb through nouns and prepositions only."""
    t = tok
    for _ in range(6):
        if t.head.i == verb.i:
            return True
        if t.head.pos_ in ("VERB", "AUX") or t.head.i == t.i:
            return False
        t = t.head
    return False


JUDGMENT_NOUNS = word_set("judgment_nouns")


def _resolve_targets(toks, actors: ArticleActors) -> list[Resolved]:
    """Targets from object tokens; an event noun stands for its perpetrator ("condemned the attack")."""
    res = []
    for t in toks:
        before = len(res)
        if t.lower_ in ("himself", "herself", "themselves", "itself"):
            continue  # "blew himself up": the victims are elsewhere in the sentence
        for c in _conjuncts(t):
            if lexicon_lemma(c, noun_rules()):
                r = _event_noun_actor(c, actors)
                res.append(r) if r is not None else None
            else:
                carried = [o for acl in c.children if acl.dep_ == "acl" and acl.lemma_.lower() in (
                    "carry", "transport", "ferry") for d in _children(acl, "dobj") for o in _conjuncts(d)]
                found = [r for o in carried for r in actors.resolve_many(o)] or actors.resolve_many(c)
                for acl in c.children if not found else ():
                    lem = acl.lemma_.lower()
                    if acl.dep_ == "acl" and lem in ("carry", "transport", "ferry"):
                        # "a vehicle carrying Chinese engineers": the people it carried
                        for o in _children(acl, "dobj"):
                            found.extend(actors.resolve_many(o))
                    elif acl.dep_ == "acl" and lem in ("belong", "own", "operate", "run"):
                        # "bulldozers belonging to the Turkish contractor", "a mine run by a Chinese firm"
                        for o in _prep_objects(acl, {"to", "by"}):
                            found.extend(actors.resolve_many(o))
                if found and c.i != t.i and res[before:] and not any(
                        m.dep_ in ("amod", "compound", "poss") for m in c.children):
                    # "Chinese nationals, projects and institutions": the first conjunct's country is theirs
                    first = res[before].actor
                    found = [Resolved(type(f.actor)(text=f.actor.text, name=f.actor.name, country=first.country,
                                                    sector=f.actor.sector), f.kind) for f in found]
                if not found and c.lemma_.lower() in JUDGMENT_NOUNS:
                    # "welcomed the verdict": the court that gave it
                    found = [r for r in reversed(actors.history) if r.actor.sector == "JUD"][:1]
                if not found:  # "praised China's support": the owner of what was praised
                    for poss in _children(c, "poss"):
                        if poss.pos_ == "PRON":
                            continue  # "his extradition" says nothing of who is asked
                        r = actors.resolve(poss)
                        if r is not None:
                            found.append(r)
                res.extend(found)
    return res


def _their_pair(subj, sources: list[Resolved], actors: ArticleActors) -> tuple[list, list] | None:
    """"their foreign ministers held talks": a joint act of the two parties last named together."""
    if subj is None or len(sources) != 1 or actors.last_dyad is None:
        return None
    if not any(c.dep_ == "poss" and c.lower_ == "their" for c in subj.children):
        return None
    from ..records import Actor

    sector = sources[0].actor.sector
    a, b = actors.last_dyad
    mk = lambda r: Resolved(Actor(text=sources[0].actor.text, name=None, country=r.actor.country, sector=sector),
                            "group")
    return [mk(a)], [mk(b)]


VIOLENT_NOUN_ROOTS = ("17", "18", "19", "20")


def _with_partner(verb, actors: ArticleActors) -> list[Resolved]:
    """The partner of a cooperative act named in a "with X" phrase of the verb, its object, or the
    clause it is embedded in ("willing to keep communication with Pakistan to boost cooperation")."""
    t = verb
    for _ in range(4):
        objs = _prep_objects(t, {"with"})
        for o in _children(t, "dobj"):
            objs.extend(_prep_objects(o, {"with"}))
        for o in objs:
            res = _resolve_all(_conjuncts(o), actors)
            if res:
                return res
        if t.dep_ not in ("xcomp", "advcl", "conj", "acomp", "ccomp") or t.head.i == t.i:
            break
        t = t.head
    return []


def _event_noun_actor(noun, actors: ArticleActors) -> Resolved | None:
    """The actor behind an event noun used as a target ("condemned the attack"): the perpetrator named in
    the noun phrase, else the perpetrator of the article's last such event (conventions: condemnation
    targets follow the perpetrator), else unknown perpetrators."""
    by = _prep_objects(noun, {"by"})
    if by:
        r = actors.resolve(by[0])
        if r is not None:
            return r
    rules = noun_rules()[lexicon_lemma(noun, noun_rules())]
    rule = _pick(rules, noun) or rules[-1]
    root = rule.code.split("|")[0][:2] if rule else ""
    if root not in VIOLENT_NOUN_ROOTS or rule.code in ("173",) and noun.lemma_.lower() == "charge":
        r = actors.resolve(noun)
        return r if r is not None else actors.last_source.get(root)
    for c in noun.children:
        if c.dep_ in ("poss", "compound", "amod") and c.pos_ in ("PROPN", "NOUN", "ADJ"):
            r = actors.resolve(c)
            if r is not None and r.actor.sector and r.actor.sector not in UNARMED:
                return r  # "the Israeli strike", but "the bus bombing" names its victims, not its perpetrator
    last = actors.last_perpetrator.get(root) or (actors.last_perpetrator.get("18") or actors.last_perpetrator.get(
        "19") or actors.last_perpetrator.get("20") if root != "17" else None)
    if last is not None:
        return last
    return _unknown("COP" if root == "17" else "REB")


def _outcome_victims(verb, actors: ArticleActors) -> list[Resolved]:
    """Victims of another nationality named in the attack's own outcome clause ("struck a vehicle carrying
    Chinese engineers ..., wounding three Chinese nationals and killing their Pakistani driver"); a bare
    count ("killing 13 people") names no one new."""
    out = []
    for c in verb.children:
        if c.dep_ in ("advcl", "conj") and c.tag_ == "VBG" and c.lemma_.lower() in CASUALTY_VERBS:
            for d in _children(c, "dobj") + [x for cc in _children(c, "conj") for x in _children(cc, "dobj")]:
                r = actors.resolve(d)
                if r is None:  # "their Pakistani driver": a person the lexicon has no word for
                    from ..records import Actor
                    from .countries import country_by_demonym
                    nat = next((country_by_demonym(m.text) for m in d.children if m.dep_ == "amod"
                                and country_by_demonym(m.text)), None)
                    r = Resolved(Actor(text=d.text, name=None, country=nat, sector="CVL"), "group") if nat else None
                if r is not None and r.actor.country and not r.needs_place_country and r.actor.sector == "CVL":
                    out.append(r)
        if c.dep_ == "advcl" and c.tag_ == "VBG":
            out.extend(v for v in _outcome_victims(c, actors) if c.lemma_.lower() in CASUALTY_VERBS)
    return out


MASS_KILLING = 30


def _many(verb) -> bool:
    """The verb's object counts many people ("at least 45 civilians", "dozens of men")."""
    for o in _children(verb, "dobj", "nsubjpass"):
        for t in o.subtree:
            if t.like_num and t.text.replace(",", "").isdigit() and int(t.text.replace(",", "")) >= MASS_KILLING:
                return True
            if t.lower_ in ("dozens", "hundreds", "scores", "thousands"):
                return True
    return False


def _refine_attack(code: str, verb, sent, target: Resolved | None) -> str:
    """Pick the civilian or armed variant and the weapon-specific subcode of an attack code."""
    if "|" in code:
        civ, armed = code.split("|")
        code = armed if target is not None and target.actor.sector in ARMED else civ
    if code == "180" and target is not None and target.actor.sector == "CVL" and _many(verb):
        return "202"  # "killed at least 45 civilians": mass killing (conventions section 4)
    if code[:2] in ("18", "19"):
        words = {t.lemma_.lower() for t in verb.subtree} | {t.lower_ for t in verb.subtree}
        if verb.dep_ in ("conj", "advcl") or _child(verb, "nsubj", "nsubjpass") is None:
            words |= {t.lemma_.lower() for t in sent}
        if "propelled" in words:  # rocket-propelled grenades are small arms
            words.discard("rocket")
        best = None
        for w in words:
            c = weapon_terms().get(w)
            if c and (best is None or len(c) > len(best)):
                best = c
        if best:
            if best.startswith("18") and target is not None and target.actor.sector in ARMED and best != "1831":
                best = "190" if best == "183" else best
            if best.startswith("19") and code.startswith("18") and best not in ("195", "194"):
                best = code
            code = best
    return code


def _mark_dyads(cands: list[Candidate]) -> list[Candidate]:
    for c in cands:
        if c.source is not None and c.target is not None and c.mode != REFERENCE and \
                c.source.actor.code != c.target.actor.code:
            c.extra["dyad"] = True
    return cands


DYAD_ROOTS = {"03", "040", "041", "046", "06", "11", "12", "13", "14", "15", "16", "17", "18", "19", "20"}


def _note_dyads(cands: list[Candidate], actors: ArticleActors):
    """Remember the last source per root, and the last two parties set against (or joined with) each
    other, which "both sides" and "the two navies" refer back to (a visit or an appeal is no such pair)."""
    for c in cands:
        if c.source is not None and c.mode != REFERENCE and not c.negated:
            actors.last_source[c.code[:2]] = c.source
        if c.extra.get("dyad") and not c.negated and (c.code[:2] in DYAD_ROOTS or c.code[:3] in DYAD_ROOTS):
            actors.last_dyad = (c.source, c.target)
        if c.code[:2] == "04" and not c.negated and c.source and c.target and c.source.actor.country and \
                c.target.actor.country and c.source.actor.country != c.target.actor.country:
            actors.interlocutor[c.source.actor.country] = c.target
            actors.interlocutor[c.target.actor.country] = c.source



def _transformed(code: str, s, t, tkind: str | None, negated: bool, actors):
    """The code (and target) after a modality transform: a pledge ("will punish") is made to the party
    it is pledged to; an asserted act of violence makes its source the article's latest perpetrator."""
    if tkind:
        code = transform(tkind, code)
        if code[:2] == "03":
            t = _pledged_to(s, t, actors)
    elif not negated and code[:2] in VIOLENT_NOUN_ROOTS:
        actors.last_perpetrator[code[:2]] = s
    return code, t

def _pledged_to(source: Resolved, target: Resolved | None, actors: ArticleActors) -> Resolved | None:
    """"Pakistan will resort to all means to apprehend the perpetrators", said in talks with China: a pledge
    to act against one's own armed groups is made to the foreign party one is talking to (conventions 2.2;
    the target of the pledged act is not the target of the pledge)."""
    if target is not None and not (target.actor.sector == "REB" and target.actor.country == source.actor.country):
        return target
    return actors.interlocutor.get(source.actor.country, target)


def code_sentence(sent, actors: ArticleActors, *, skip_before: int = 0) -> list[Candidate]:
    """All event candidates of one sentence (a spaCy Span). Tokens before ``skip_before`` (a char
    offset: the dateline) are ignored as actors and triggers."""
    out: list[Candidate] = []
    vr, nr = verb_rules(), noun_rules()
    for tok in sent:
        if tok.idx < skip_before:
            continue
        if tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"):
            lemma = lexicon_lemma(tok, vr)
            rules = vr.get(lemma) if lemma else None
            if rules:
                rule = _pick(rules, tok)
                if rule:
                    new = _verb_event(tok, rule, sent, actors)
                    _note_dyads(_mark_dyads(new), actors)
                    out.extend(new)
        elif tok.pos_ in ("NOUN", "PROPN") and (lemma := lexicon_lemma(tok, nr)):
            rule = _pick(nr[lemma], tok)
            if rule:
                new = _noun_event(tok, rule, sent, actors)
                _note_dyads(_mark_dyads(new), actors)
                out.extend(new)
    merged = _merge(out)
    _note_dyads(merged, actors)
    return merged


def _implied_targets(code: str, rule: Rule, verb, sources: list[Resolved], tkind: str | None,
                     actors: ArticleActors) -> list[Resolved]:
    """The target of an event whose clause names none, from the rest of the sentence and the article,
    first match wins. Each rule is one convention of shared/eval/README.md."""
    if code[:2] in ("03", "04", "05", "06"):
        found = _with_partner(verb, actors)
        if found:
            return found
    if code[:2] in ("01", "02", "03", "05") and verb.dep_ in ("advcl", "xcomp") and _child(verb.head, "dobj") is not None:
        # "telephoned the Chinese ambassador to offer condolences": the content goes to the one called
        found = actors.resolve_many(_child(verb.head, "dobj"))
        if found:
            return found
    if ("victims" in rule.flags or rule.lemma == "blow") and verb.dep_ == "advcl":
        # "two soldiers were killed (and three injured) when a roadside bomb exploded": the main clause's
        victim = _subject(verb.head)
        found = _resolve_all([victim], actors) if victim is not None else []
        if found:
            return found
    if "other" in rule.flags and sources:
        # "Moscow would respond in kind": to the other side of the dispute
        for r in reversed(actors.history):
            if r.actor.country and r.actor.country != sources[0].actor.country and r.actor.sector == "GOV":
                return [r]
    if "perp" in rule.flags or code in ("154", "153"):
        # "vowed to avenge", "regained control", "deployed troops": against the perpetrators
        last = actors.last_perpetrator.get("18") or actors.last_perpetrator.get("19") or actors.last_perpetrator.get("20")
        if last is not None:
            return [last]
    if verb.dep_ == "conj":
        # "arrested 17 fishermen and seized two boats": the second act has the first one's target
        found = [r for h in _children(verb.head, "dobj") for r in actors.resolve_many(h)]
        if found:
            return found
    if not sources:
        return []
    src = sources[0].actor
    if tkind == "refuse" or code.startswith("12"):
        # a refusal answers the last demand, appeal or protest made to this side
        for root in ("10", "14", "02", "11"):
            last = actors.last_source.get(root)
            if last is not None and last.actor.code != src.code:
                return [last]
    if tkind in ("intent", "threat"):
        # "reaffirmed its commitment to defend the Philippines": the actor the pledged act is about
        for t in verb.subtree:
            if t.dep_ in ("dobj", "pobj") and t.i != verb.i and (t.pos_ == "PROPN" or t.ent_type_ in ("GPE", "NORP")):
                r = actors.resolve(t)
                if r is not None and r.actor.code != src.code and r.actor.country:
                    return [r]
    if code in ("1053", "0253", "0841") and actors.last_source.get("17"):
        holder = actors.last_source["17"]  # "demanded his immediate release": from whoever holds him
        if holder.actor.code != src.code:
            return [holder]
    if actors.last_dyad and code[:2] in ("08", "10", "12", "13", "15", "16"):
        # a ceasefire, demand or threat with no named target: the other side of the conflict
        a, b = actors.last_dyad
        if (src.country, src.sector) == (a.actor.country, a.actor.sector):
            return [b]
        if (src.country, src.sector) == (b.actor.country, b.actor.sector):
            return [a]
    return []


def _verb_event(verb, rule: Rule, sent, actors: ArticleActors) -> list[Candidate]:
    if verb.dep_ in ("amod", "compound") or verb.tag_ == "VBG" and verb.dep_ in ("pobj", "nsubj"):
        return []  # participles used as adjectives or nouns ("the killing")
    if verb.tag_ in ("VBN", "VBD") and (verb.dep_ in ("nsubj", "nsubjpass", "dobj", "pobj") or any(
            c.dep_ == "det" for c in verb.children)):
        return []  # "The injured were shifted to hospitals", "flew the most seriously injured": people, not acts
    if verb.dep_ == "relcl" and rule.code.split("|")[0][:2] in ("18", "19", "20") and verb.head.dep_ in (
            "pobj", "nsubj") and (verb.head.head.dep_ == "agent" or verb.head.dep_ == "nsubj") and \
            lexicon_lemma(verb.head.head.head if verb.head.dep_ == "pobj" else verb.head.head, verb_rules()):
        return []  # "seized by gunmen who stormed their camp": a relative clause restating the act (2.2)
    if verb.dep_ == "acl" and verb.tag_ == "VBN" and not _prep_objects(verb, {"by"}) and verb.head.pos_ != "PROPN":
        return []  # "those detained", "the people held": a reference to an act, not a report of it
    if rule.code[:2] in ("02", "10") and verb.dep_ in ("advcl", "xcomp") and \
            any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children) and \
            (lexicon_lemma(verb.head, verb_rules()) or "") in PROTEST_VERBS:
        return []  # "rallied to demand the resignation": the purpose of a protest is not a demand (2.6)
    if verb.tag_ == "VBG" and verb.dep_ in ("advcl", "conj") and rule.code[:2] in ("18", "19", "20") \
            and not _child(verb, "nsubj"):
        return []  # "..., killing at least 20 militants": the outcome of an event already coded (2.4)
    if _habitual(verb, rule.code):
        return []
    skip, mode, negated, tkind, governor = _modal_context(verb)
    if skip:
        return []
    passive = _is_passive(verb)
    subj_tok = _subject(verb)
    if subj_tok is not None and rule.code.split("|")[0][:2] in VIOLENT_NOUN_ROOTS and any(
            p.dep_ == "prep" and any(t.like_num and len(t.text) == 4 and t.text[:2] in ("19", "20") for t in p.subtree)
            for p in subj_tok.children):
        return []  # "Fighting along the border in September 2022 killed about 100 people": history (2.4)
    if (subj_tok is not None and not passive and verb.lemma_.lower() in RESULT_VERBS
            and subj_tok.lemma_.lower() in noun_rules()):
        return []  # "a drone strike killed ...": coded once, from the noun (conventions 2.3b)
    sources: list[Resolved] = []
    targets: list[Resolved] = []
    if passive:
        agents = _prep_objects(verb, {"by"})
        if not agents and verb.lemma_.lower() in CASUALTY_VERBS:
            return []  # "17 people were killed when ...": a casualty figure, not an event of its own (2.4)
        sources = _resolve_all([a for ag in agents for a in _conjuncts(ag)], actors)
        if not agents and verb.dep_ == "xcomp" and subj_tok is not None and subj_tok.i < verb.head.i:
            sources = _resolve_all([subj_tok], actors)  # "the minister ordered police to be deployed"
            subj_tok = None
        if agents and not sources:
            # "injured by stones thrown by protesters": the thrower acts; a bare instrument invents no one
            inner = [g for ag in agents for acl in ag.children if acl.dep_ == "acl" for g in _prep_objects(acl, {"by"})]
            sources = _resolve_all(inner, actors)
            if not sources and (rule.code.split("|")[0][:2] not in VIOLENT_NOUN_ROOTS[1:] or any(
                    _definite(ag) for ag in agents)):
                return []  # "killed by the blast" restates a toll (2.4)
            # "detonated by remote control", "killed by a roadside bomb": an instrument; the bombers are unknown
        if subj_tok is not None and "dobj" in rule.targets:
            # "a bus carrying Chinese personnel was attacked": the people it carried
            targets = _resolve_targets([subj_tok], actors)
        else:
            targets = _targets_for(rule, verb, actors, passive)
    else:
        if subj_tok is not None:
            if any(c.dep_ == "det" and c.lower_ == "no" for c in subj_tok.children):
                return []  # "No Chinese nationals were harmed": stative negation, no event
            sources = _resolve_all(_conjuncts(subj_tok), actors)
        targets = _targets_for(rule, verb, actors, passive)
    if verb.dep_ == "conj" and not passive and any(
            d.lower_ in ("them", "him", "her") for d in _children(verb, "dobj")) and _children(verb.head, "dobj"):
        # "convicted Ahmed and Gul of murder and sentenced them to ...": the first verb's objects
        targets = _targets_for(rule, verb.head, actors, False) or targets
    pron = [d for d in _children(verb, "dobj", "dative") if d.lower_ in ("him", "her")]
    if pron and sources and targets and all(t.actor.name and t.actor.name == sources[0].actor.name for t in targets):
        # "Awan telephoned Ambassador Zhou and assured him": "him" is the other person, not the speaker
        other = next((r for r in reversed(actors.history) if r.kind == "person" and r.actor.name
                      and r.actor.name != sources[0].actor.name), None)
        targets = [other] if other is not None else targets
    code = rule.code
    if code == "141" and any(c.dep_ in ("advcl", "xcomp") and c.lemma_.lower() in PROTEST_AIMS and any(
            a.dep_ == "aux" and a.lower_ == "to" for a in c.children) for c in verb.children):
        code = "1412"  # "staged a protest to demand better security": a protest for a policy change (2.6)
    if "negform" in rule.flags and (negated or tkind == "refuse"):
        # "would not tolerate" is a warning, coded positively (conventions 2.3 negation-form)
        negated, tkind, mode = False, "threat", INTENT
    if not targets:
        targets = _implied_targets(code, rule, verb, sources, tkind, actors)
    if code == "016" and rule.conds and rule.conds[0][0] in ("ccomp", "xcomp"):
        # "denied that its troops had fired": a denial of responsibility only when the denied act is hostile
        comp = _child(verb, rule.conds[0][0])
        lem = lexicon_lemma(comp, verb_rules()) if comp is not None else None
        comp_rule = _pick(verb_rules()[lem], comp) if lem else None
        if comp_rule is None or comp_rule.code.split("|")[0][:2] < "10":
            return []
    if not targets and code == "016":  # a denial answers the last accusation, criticism or charge
        for root in ("11", "17", "16"):
            last = actors.last_source.get(root)
            if last is not None and (not sources or last.actor.code != sources[0].actor.code):
                targets = [last]
                break
        if not targets:
            return []
    if not sources:
        root = code.split("|")[0][:2]
        if passive and root in ("17",):
            sources = [_unknown("COP")]
        elif root in ("18", "19", "20") and (passive or subj_tok is None or lexicon_lemma(subj_tok, noun_rules())):
            sources = [_unknown("REB")]
        else:
            return []
    if not targets and "recip" in rule.flags:
        pair = _their_pair(subj_tok, sources, actors)
        if pair:
            sources, targets = pair
    if len(sources) > 1 and governor is not None and governor.lemma_.lower() in (
            "agree", "sign", "decide", "pledge", "vow", "promise"):
        sources, targets = sources[:1], sources[1:2]  # "A and B agreed to release ...": between the parties
    if not targets and len(sources) > 1 and "recip" in rule.flags:
        sources, targets = sources[:1], sources[1:2]  # joint acts: first party is the source (2.5)
    if subj_tok is not None and subj_tok.lower_ == "side" and any(c.lower_ == "each" for c in subj_tok.children) \
            and actors.last_dyad:
        a, b = actors.last_dyad  # "Each side blamed the other": one event per direction
        sources, targets = [a, b], [b, a]
        return [Candidate(verb, code, x, y, ASSERTED, negated, f"verb:{rule.name}:each", 0.7)
                for x, y in zip(sources, targets)]
    if targets and all(t.vague for t in targets):
        targets = []
    if not targets and code[:2] == "14" and actors.home_country:
        # protests are against the government unless the text names another target
        from ..records import Actor
        targets = [Resolved(Actor(text="", name=None, country=actors.home_country, sector="GOV"), "group")]
    targets = _finish_targets(code.split("|")[0] if not tkind else transform(tkind, code.split("|")[0]), targets)
    if targets is None:
        return []
    out = []
    for s in sources:
        for t in (targets or [None]):
            if t is not None and s.actor.code == t.actor.code and s.actor.name == t.actor.name and s.actor.code:
                continue
            c = _refine_attack(code, verb, sent, t)
            t = _as_militants(c, rule, t, sent)
            if c in ("180", "190") and s.actor.sector in UNARMED and t is not None and t.actor.sector in ARMED:
                c = "145"  # protesters who hurt police riot; they do not wage war (CAMEO 145)
            c, t = _transformed(c, s, t, tkind, negated, actors)
            m = mode if tkind else ASSERTED
            out.append(Candidate(verb, c, s, t, m, negated, f"verb:{rule.name}" + (f"+{tkind}" if tkind else ""),
                                 0.75 if not passive else 0.65, governor=governor))
    return out


PROSECUTION = {"charge", "indict", "convict", "sentence", "prosecute", "try", "remand", "trial"}


def _as_militants(code: str, rule: Rule, target: Resolved | None, sent) -> Resolved | None:
    """"charges against three Pakistani nationals over a grenade attack": people prosecuted for an attack
    are coded as militants of their nationality (conventions section 3)."""
    if code not in ("173", "116") or target is None or target.actor.sector != "CVL" or rule.lemma not in PROSECUTION:
        return target
    if not _mentions_violence(sent):
        return target
    a = target.actor
    return Resolved(type(a)(text=a.text, name=a.name, country=a.country, sector="REB"), target.kind,
                    needs_place_country=target.needs_place_country)


def _mentions_violence(sent) -> bool:
    """The sentence names an attack, a bombing or a killing, as a noun or a verb of the lexicon."""
    for t in sent:
        table = noun_rules() if t.pos_ == "NOUN" else verb_rules() if t.pos_ == "VERB" else None
        lem = lexicon_lemma(t, table) if table else None
        if lem and table[lem][-1].code.split("|")[0][:2] in ("18", "19", "20"):
            return True
    return False


def _unknown(sector: str) -> Resolved:
    """Unknown perpetrators, victims or arresting police: their country is where the event happened
    (conventions section 3), filled in once the place is known."""
    from ..records import Actor

    return Resolved(Actor(text="", name=None, country=None, sector=sector), "group", needs_place_country=True)


def _noun_event(noun, rule: Rule, sent, actors: ArticleActors) -> list[Candidate]:
    head = noun.head
    hl = head.lemma_.lower()
    kind = None
    if noun.dep_ in ("dobj",) and hl in LIGHT_VERBS:
        kind = "light"
    elif noun.dep_ == "nsubjpass" and hl in LIGHT_VERBS:
        kind = "light"  # "talks were held"
    elif noun.dep_ == "pobj" and head.lower_ == "of" and head.head.dep_ == "dobj" and \
            head.head.head.lemma_.lower() in LIGHT_VERBS:
        kind, head = "light", head.head.head  # "held a new round of peace talks"
    elif noun.dep_ in ("nsubj",) and hl in RESULT_VERBS:
        kind = "result"
    elif any(c.dep_ == "acl" and c.lemma_.lower() in LIGHT_VERBS and _prep_objects(c, {"by"}) for c in noun.children):
        kind = "staged"  # "exercises staged by Venezuelan forces"
    elif noun.dep_ == "pobj" and head.lower_ in ("in", "during") and noun.lemma_.lower() in (
            "call", "conversation", "talk", "meeting") and head.head.pos_ in ("VERB", "AUX", "NOUN"):
        kind = "during"  # "In a telephone call with X, Y said" / "made the remarks during a conversation with"
    if kind == "result" and _definite(noun) and not _named_actor(noun, actors):
        # "The July 14 attack ... killed 13", "The attack killed nine Chinese": a definite event noun with no
        # actor of its own restates the toll of an event already reported (conventions 2.4): a reference
        kind = None
    if kind is None:
        code = rule.code.split("|")[0]
        if code[:2] in ("18", "19", "20"):
            by = _prep_objects(noun, {"by"})
            src = _resolve_all(by, actors) if by else []
            src = src[0] if src else _unknown("REB")
            actors.last_perpetrator.setdefault(code[:2], src)
            return [Candidate(noun, _refine_attack(code, noun, sent, None), src, None, REFERENCE, False,
                              f"noun:{rule.name}:reference", 0.5)]
        return []
    verb = head if kind in ("light", "result") else noun if kind == "staged" else head.head
    if kind in ("light", "result") and (_habitual(verb) or any(
            p.dep_ == "prep" and any(t.like_num and len(t.text) == 4 and t.text[:2] in ("19", "20") for t in p.subtree)
            for p in noun.children)):
        return []  # "Fighting along the border in September 2022 killed about 100 people": history
    if kind == "light" and verb.dep_ in ("advcl", "xcomp") and any(
            c.dep_ == "aux" and c.lower_ == "to" for c in verb.children) and _child(verb, "nsubj") is None \
            and verb.head.pos_ == "VERB" and (lexicon_lemma(verb.head, verb_rules()) or "") not in OBJECT_CONTROL:
        return []  # "arrived in Islamabad to join the probe": a purpose, not yet an act
    skip, mode, negated, tkind, governor = _modal_context(verb)
    if skip:
        return []
    sources: list[Resolved] = []
    targets: list[Resolved] = []
    if kind == "staged":
        acl = next(c for c in noun.children if c.dep_ == "acl" and c.lemma_.lower() in LIGHT_VERBS)
        sources = _resolve_all(_prep_objects(acl, {"by"}), actors)
    elif kind == "light":
        subj = _subject(verb)
        if noun.dep_ == "nsubjpass":
            agents = _prep_objects(verb, {"by"})
            sources = _resolve_all(agents, actors)
        elif subj is not None:
            sources = _resolve_all(_conjuncts(subj), actors)
        for spec in rule.targets:
            if spec.startswith("prep:"):
                objs = _prep_objects(noun, {spec[5:]}) or _prep_objects(verb, {spec[5:]})
                targets.extend(_resolve_targets(objs, actors))
            if targets:
                break
        if not targets and "perp" in rule.flags:  # "opened an investigation": into the last attack's perpetrators
            last = actors.last_perpetrator.get("18") or actors.last_perpetrator.get("19") or \
                actors.last_perpetrator.get("20")
            targets = [last] if last is not None else []
    elif kind == "during":
        subj = _subject(verb)
        if subj is not None:
            sources = _resolve_all([subj], actors)
        for o in _prep_objects(noun, {"with"}):
            targets.extend(_resolve_all(_conjuncts(o), actors))
    else:  # result: "An Israeli drone strike ... killed a commander"
        sources = _named_actor(noun, actors) or [_unknown("REB")]
        objs = _children(verb, "dobj") or _prep_objects(verb, {"through", "into"})  # "ripped through a bus"
        targets = _resolve_targets(objs, actors)
        targets += [v for v in _outcome_victims(verb, actors) if v.actor.country not in {
            t.actor.country for t in targets}]
    if not sources:
        return []
    if "recip" in rule.flags and not targets and kind == "light":
        pair = _their_pair(_subject(verb), sources, actors)
        if pair:
            sources, targets = pair
    if "recip" in rule.flags and not targets and len(sources) > 1:
        sources, targets = sources[:1], sources[1:2]
    targets = _finish_targets(rule.code.split("|")[0] if not tkind else transform(tkind, rule.code.split("|")[0]),
                              targets)
    if targets is None:
        return []
    out = []
    if kind == "light" and rule.code[:2] == "19" and len(sources) > 1 and any(
            m.lower_ == "joint" for m in noun.subtree if m.i < noun.i):
        # "Kenyan and Somali troops carried out a joint operation against X": they cooperate (062) and
        # each fights X (190)
        c = "062" if not tkind else transform(tkind, "062")
        out.append(Candidate(noun, c, sources[0], sources[1], mode if tkind else ASSERTED, negated,
                             f"noun:{rule.name}:joint", 0.7, governor=governor))
    for s in sources:
        for t in (targets or [None]):
            c = _refine_attack(rule.code, noun if kind != "result" else verb, sent, t)
            if "|" in c:
                c = c.split("|")[0]
            t = _as_militants(c, rule, t, sent)
            c, t = _transformed(c, s, t, tkind, negated, actors)
            out.append(Candidate(noun, c, s, t, mode if tkind else ASSERTED, negated,
                                 f"noun:{rule.name}:{kind}" + (f"+{tkind}" if tkind else ""), 0.7,
                                 governor=governor))
    return out


DEFINITE = {"the", "this", "that", "these", "those"}


def _definite(noun) -> bool:
    """"the attack", "Wednesday's bombing", "the July 14 attack": a noun phrase that points back."""
    return any(c.dep_ == "det" and c.lower_ in DEFINITE or c.dep_ == "poss" for c in noun.children)


def _named_actor(noun, actors: ArticleActors) -> list[Resolved]:
    """The perpetrator an event noun names: "a strike by Israeli drones", "an Israeli drone strike"."""
    by = _prep_objects(noun, {"by"})
    if by:
        return _resolve_all(by, actors)
    if not any(c.dep_ in ("amod", "compound", "nmod", "poss") for c in noun.children):
        return []
    r = actors.resolve(noun)
    if r is None or not r.actor.country:
        return []
    return [Resolved(type(r.actor)(text=r.actor.text, name=r.actor.name, country=r.actor.country,
                                   sector=r.actor.sector if r.actor.sector not in (None, "CVL") else "MIL"), "group")]


def _merge(cands: list[Candidate]) -> list[Candidate]:
    """Coordinated predicates with the same source, code and target are one event (conventions 2.5).

    Several intents under one pledge ("willing to keep communication ... to boost cooperation and enhance
    the mechanism") are one statement: the most specific code is kept.
    """
    intents: dict[tuple, Candidate] = {}
    rest = []
    for c in cands:
        if c.mode == INTENT and c.code[:2] == "03":
            key = (c.source.actor.code if c.source else None, c.target.actor.country if c.target else None)
            prev = intents.get(key)
            if prev is None or (len(c.code), c.code != "030") > (len(prev.code), prev.code != "030"):
                intents[key] = c
            continue
        rest.append(c)
    cands = [c for c in cands if c in rest or c in intents.values()]
    # "agreed to release detainees": the agreement is the intent to release, not a second event
    governors = {c.governor.i for c in cands if c.governor is not None and c.mode == INTENT}
    cands = [c for c in cands if not (c.code == "030" and c.trigger.i in governors)]
    # "assured Zhao that Islamabad would tighten security": the assurance is the pledge it reports, one event
    pledges = [c for c in cands if c.mode == INTENT and c.code[:2] == "03" and c.source is not None]
    absorbed = set()
    for c in cands:
        if c.code != "030" or c.mode != ASSERTED or c.source is None:
            continue
        for p in pledges:
            if c.trigger in p.trigger.ancestors and p.source.actor.country in (None, c.source.actor.country):
                if p.source.actor.country is None:  # "assured him that those behind it would be punished"
                    p.source, p.target = c.source, c.target or p.target
                p.governor = c.trigger  # dated to the assurance
                absorbed.add(id(c))
                break
    cands = [c for c in cands if id(c) not in absorbed]
    _mark_dyads(cands)
    # "attacked a police station and exchanged fire with security forces" is one fight: the most specific
    # code of the same root between the same parties wins
    best: dict[tuple, Candidate] = {}
    for c in cands:
        if c.code[:2] in ("18", "19") and c.mode == ASSERTED:
            k = (c.source.actor.code if c.source else None, c.code[:2], c.target.actor.code if c.target else None)
            prev = best.get(k)
            if prev is None or (len(c.code), not c.code.endswith("0")) > (len(prev.code), not prev.code.endswith("0")):
                best[k] = c
    cands = [c for c in cands if not (c.code[:2] in ("18", "19") and c.mode == ASSERTED) or c in best.values()]
    seen = {}
    out = []
    for c in cands:
        key = (c.source.actor.code if c.source else None, c.code, c.target.actor.code if c.target else None,
               c.negated, c.mode)
        if key in seen:
            continue
        seen[key] = c
        out.append(c)
    return out
