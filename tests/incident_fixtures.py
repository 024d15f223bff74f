"""Hand-built articles and events for the incident tests (invented reports, written for these tests)."""
from eventwatch.records import Actor, Article, Block, Event, Place

DASU = Place("Dasu", "PAK", "Khyber Pakhtunkhwa", "Upper Kohistan District", 35.29169, 73.2906, "city", 7427390)
KOMILA = Place("Komila", "PAK", "Khyber Pakhtunkhwa", "Upper Kohistan District", 35.2667, 73.25, "city", None)
BANNU = Place("Bannu", "PAK", "Khyber Pakhtunkhwa", "Bannu District", 32.98611, 70.60417, "city", 1183880)
KP = Place("Khyber Pakhtunkhwa", "PAK", "Khyber Pakhtunkhwa", None, 34.03, 71.86, "province", 1168873)
PAKISTAN = Place("Pakistan", "PAK", None, None, 33.72, 73.04, "country", None)

MILITANTS = Actor("militants", None, "PAK", "REB")
WORKERS = Actor("workers", None, "PAK", "CVL")
SOLDIERS = Actor("soldiers", None, "PAK", "MIL")
POLICE = Actor("police", None, "PAK", "COP")
CHINA = Actor("China", None, "CHN", "GOV")

BLAST = ("A bomb tore through a bus carrying workers to the dam site near Dasu on Wednesday, killing 13 people "
         "including nine Chinese nationals, officials said.")


def article(id, sentences, published, agency="Reuters"):
    text = "\n\n".join(sentences)
    return Article(id=id, text=text, title=f"Report {id}", published=published, agency=agency,
                   source_path=f"feed/{id}.txt", blocks=[Block(0, len(text))])


def event(art, i, code, src, tgt, date, *, place=None, precision="day", mode="asserted", negated=False,
          confidence=0.8, code_name=None):
    parts = art.text.split("\n\n")
    start = sum(len(p) + 2 for p in parts[:i])
    return Event(article_id=art.id, sentence_index=i, span=(start, start + len(parts[i])), sentence=parts[i],
                 code=code, root=code[:2], quad_class=4 if code[:2] >= "14" else 1, goldstein=-10.0,
                 source=src, target=tgt, date=date, date_precision=precision if (date or precision != "day") else None,
                 location=place, negated=negated, mode=mode, confidence=confidence,
                 code_name=code_name or {"183": "bombing", "180": "unconventional violence",
                                         "190": "fight"}.get(code, "event"),
                 published=art.published)


def three_reports():
    """Three outlets report the Dasu bus bombing: (articles, events per article)."""
    a1 = article("r1", [BLAST, "Police said the bus fell into a ravine after the blast."], "2021-07-14", "Reuters")
    a2 = article("a1", ["Thirteen people were killed when a bomb hit a bus in Upper Kohistan on Wednesday, "
                        "including nine Chinese nationals.", "Rescue teams searched for one missing worker."],
                 "2021-07-14", "AFP")
    a3 = article("x1", ["Terrorists attacked a bus carrying Chinese engineers in Komila, killing 12 people.",
                        "China condemned the attack."], "2021-07-15", "Xinhua")
    evs = {
        "r1": [event(a1, 0, "183", MILITANTS, WORKERS, "2021-07-14", place=DASU)],
        "a1": [event(a2, 0, "180", MILITANTS, WORKERS, "2021-07-14", place=KP)],
        "x1": [event(a3, 0, "190", MILITANTS, WORKERS, "2021-07-14", place=KOMILA),
               event(a3, 1, "111", CHINA, MILITANTS, "2021-07-15")],
    }
    return [a1, a2, a3], evs
