"""Date expressions resolved against the publication date (conventions section 5), on sentences written for
these tests in wire style."""
import subprocess
import sys
import time
from datetime import date, datetime

import pytest

from eventwatch.errors import EventwatchError
from eventwatch.extraction.dates import (DateExpr, find_dates, month_day_on_or_before, resolve_dateline,
                                      weekday_after, weekday_before, weekday_on_or_before)

THU = "2024-05-16"  # a Thursday
JAN4 = "2024-01-04"  # a Thursday early in the year
TUE = "2021-08-24"  # a Tuesday


def simple(exprs: list[DateExpr]) -> list[tuple]:
    return [(e.text, e.date, e.kind) for e in exprs]


CASES = [
    # weekdays: the most recent such day on or before the dateline, the dateline's own day included
    ("Police in Quetta said on Thursday that two suspects had been arrested.", THU,
     [("on Thursday", THU, "day")]),
    ("Gunmen stormed a checkpoint in Bannu late on Monday, killing three policemen.", THU,
     [("late on Monday", "2024-05-13", "day")]),
    ("Troops killed four militants in a raid on Tuesday night, officials said on Wednesday.", THU,
     [("on Tuesday night", "2024-05-14", "day"), ("on Wednesday", "2024-05-15", "day")]),
    ("The minister arrived in Nairobi on Sunday for a three-day visit.", THU, [("on Sunday", "2024-05-12", "day")]),
    ("Saturday's attack was the deadliest this year, the ministry said.", THU,
     [("Saturday's", "2024-05-11", "day"), ("this year", None, "historical")]),
    ("Artillery units shelled the border villages on Tuesday and Wednesday.", THU,
     [("on Tuesday and Wednesday", "2024-05-14", "day")]),  # an explicit span takes its first day
    ("KABUL, Aug 24 (Reuters) - Taliban fighters on Tuesday blocked the road to the airport.", TUE,
     [("Aug 24", TUE, "day"), ("on Tuesday", TUE, "day")]),
    ("The envoy said last Tuesday's talks had failed, and talks resume next Tuesday.", TUE,
     [("last Tuesday's", "2021-08-17", "day"), ("next Tuesday", "2021-08-31", "future")]),
    # yesterday, today, overnight
    ("The CTD yesterday arrested three suspects, and a court today remanded them.", THU,
     [("yesterday", "2024-05-15", "day"), ("today", THU, "day")]),
    ("Two rockets hit the base overnight, a spokesman said.", THU, [("overnight", "2024-05-15", "day")]),
    # month-day: the dateline's year, or last year's when it would fall after the dateline
    ("It was the third attack on the post since December 28, when a car bomb hit its gate.", JAN4,
     [("December 28", "2023-12-28", "day")]),
    ("On March 3, a court in Lahore sentenced the two men to life in prison.", THU,
     [("March 3", "2024-03-03", "day")]),
    ("The curfew imposed on 3 May was lifted on May 14.", THU,
     [("3 May", "2024-05-03", "day"), ("May 14", "2024-05-14", "day")]),
    ("The suspects were remanded in custody till May 30.", THU, [("May 30", "2024-05-30", "future")]),
    ("Tuesday, Aug. 17 saw the first clashes.", TUE, [("Tuesday, Aug. 17", "2021-08-17", "day")]),
    # full dates are taken as given, however old
    ("A court convicted him on Aug. 24, 2021, and he appealed on 3 September 2021.", THU,
     [("Aug. 24, 2021", "2021-08-24", "day"), ("3 September 2021", "2021-09-03", "day")]),
    ("The decree was dated 2021-08-24 and published on 24/08/2021.", THU,
     [("2021-08-24", "2021-08-24", "day"), ("24/08/2021", "2021-08-24", "day")]),
    # vague periods inside the news window: no date
    ("Kenyan and Somali troops carried out joint patrols last week.", THU, [("last week", None, "vague")]),
    ("The two sides met earlier this week and again over the weekend.", THU,
     [("earlier this week", None, "vague"), ("over the weekend", None, "vague")]),
    ("Aid convoys crossed into the province this week after talks last month.", THU,
     [("this week", None, "vague"), ("last month", None, "vague")]),
    ("Militants have recently stepped up attacks on polio teams.", THU, [("recently", None, "vague")]),
    # historical context: dated only by month or year, or before the news window
    ("The government declared a state of emergency in the region in August 2023.", THU,
     [("in August 2023", None, "historical")]),
    ("Last year, the government expelled two envoys, and relations have been frozen since 2011.", THU,
     [("Last year", None, "historical"), ("since 2011", None, "historical")]),
    ("The army has ruled the country since a 2021 coup, after violence in the 1990s.", THU,
     [("since a 2021", None, "historical"), ("in the 1990s", None, "historical")]),
    # the future
    ("Ministers will meet next week, the envoy returns next month and elections are due later this year.", THU,
     [("next week", None, "future"), ("next month", None, "future"), ("later this year", None, "future")]),
    ("Talks are set for tomorrow and the country aims to join the bloc by 2030.", THU,
     [("tomorrow", "2024-05-17", "future"), ("by 2030", None, "future")]),
    # relative: left to the caller
    ("The bombing came two days after the talks and a day earlier police had raided a house.", THU,
     [("two days after", None, "relative"), ("a day earlier", None, "relative")]),
    # not dates
    ("Officials said the group may attack again and may target the 680-km pipeline.", THU, []),
    ("About 20 militants armed with rifles stormed the post, killing 3 soldiers.", THU, []),
    ("Thousands plan to march 3 km to the parliament building.", THU, []),
    ("The deal falls under a 2023 security agreement between the two states.", THU, []),
    ("Fighters of the March 23 Movement seized the town on Monday.", THU, [("on Monday", "2024-05-13", "day")]),
    # ALL CAPS and lower case
    ("TROOPS SHELLED THE AREA ON TUESDAY AND WEDNESDAY, OFFICIALS SAID YESTERDAY.", THU,
     [("ON TUESDAY AND WEDNESDAY", "2024-05-14", "day"), ("YESTERDAY", "2024-05-15", "day")]),
    ("ISLAMABAD, MAY 16 (APP) - THE FOREIGN OFFICE SUMMONED THE ENVOY IN MAY 2023 AND AGAIN LAST WEEK.", THU,
     [("MAY 16", THU, "day"), ("IN MAY 2023", None, "historical"), ("LAST WEEK", None, "vague")]),
    ("the minister arrived in kabul on sunday, officials said on may 14.", THU,
     [("on sunday", "2024-05-12", "day"), ("may 14", "2024-05-14", "day")]),
    ("officials said the rebels may 20 times have attacked, and 20 may have died on monday.", THU,
     [("on monday", "2024-05-13", "day")]),
]


@pytest.mark.parametrize("sentence, published, expected", CASES)
def test_find_dates(sentence, published, expected):
    found = find_dates(sentence, published)
    assert simple(found) == expected
    for e in found:  # offsets point into the sentence
        assert sentence[e.start:e.end] == e.text


def test_precision_and_offsets():
    by_text = {e.text: e for e in find_dates(
        "Gunmen attacked on Monday, two days after talks, a week later, the next day, last week, last month, "
        "in August 2023 and in 2021.", THU)}
    assert by_text["on Monday"].precision == "day"
    assert (by_text["two days after"].offset_days, by_text["a week later"].offset_days,
            by_text["the next day"].offset_days) == (2, 7, 1)
    assert by_text["last week"].precision == "week" and by_text["last month"].precision == "month"
    assert by_text["in August 2023"].precision == "month" and by_text["in 2021"].precision == "year"
    assert all(e.offset_days is None for e in by_text.values() if e.kind != "relative")


def test_published_may_be_a_date_and_must_be_valid():
    assert simple(find_dates("Police said on Thursday.", date(2024, 5, 16))) == [("on Thursday", THU, "day")]
    assert simple(find_dates("Police said on Thursday.", datetime(2024, 5, 16, 9, 30))) == [
        ("on Thursday", THU, "day")]
    with pytest.raises(EventwatchError) as exc:
        find_dates("Police said on Thursday.", "16/05/2024 maybe")
    assert exc.value.code == "EW011"


def test_weekday_helpers():
    tue = date(2021, 8, 24)
    assert weekday_on_or_before(tue, 1) == tue  # "on Tuesday" in a Tuesday dateline
    assert weekday_on_or_before(tue, 2) == date(2021, 8, 18)  # Wednesday: last week's
    assert weekday_before(tue, 1) == date(2021, 8, 17)
    assert weekday_after(tue, 1) == date(2021, 8, 31)
    assert weekday_after(tue, 3) == date(2021, 8, 26)
    assert month_day_on_or_before(date(2024, 1, 4), 12, 28) == date(2023, 12, 28)
    assert month_day_on_or_before(date(2023, 3, 1), 2, 29) == date(2020, 2, 29)


@pytest.mark.parametrize("month, day, hint, today, expected", [
    ("Aug", 24, "2021-08-24T07:15:00Z", None, date(2021, 8, 24)),
    ("Dec", 31, "2024-01-01", None, date(2023, 12, 31)),  # published just after midnight
    ("JAN.", 2, "Published 31 December 2023", None, date(2024, 1, 2)),
    ("sept", 9, "(c) 2019 Reuters", None, date(2019, 9, 9)),
    ("May", 16, None, date(2024, 5, 20), date(2024, 5, 16)),
    ("Dec", 30, None, date(2024, 1, 3), date(2023, 12, 30)),
])
def test_resolve_dateline(month, day, hint, today, expected):
    assert resolve_dateline(month, day, hint, today=today) == expected


def test_resolve_dateline_rejects_non_months():
    with pytest.raises(ValueError):
        resolve_dateline("Foo", 3, None)


def test_fast_and_free_of_spacy():
    sentence = ("Security forces killed four militants in an operation late on Tuesday, two days after an attack "
                "on a checkpoint, officials said on Wednesday.")
    t = time.perf_counter()
    for _ in range(2000):
        find_dates(sentence, THU)
    assert time.perf_counter() - t < 1.0  # about 50 microseconds a sentence on a laptop core
    code = ("import sys; from eventwatch.extraction import dates; dates.find_dates('On Monday.', '2024-05-16'); "
            "assert 'spacy' not in sys.modules and 'dateparser' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)
