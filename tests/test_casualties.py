"""Casualty figures read from one sentence: the right figure for each kind, and no figure from traps
(ages, years, times, distances, money, arrivals, idioms). Every sentence is written by us."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from eventwatch.casualties import casualties, lexicon

N = None
SRC = str(Path(__file__).resolve().parents[1] / "src")

# (sentence, killed, injured, abducted, nationals)
CASES = [
    ("The bombing killed 13 people including nine Chinese nationals.", 13, N, N, {"CHN": 9}),
    ("At least 10 were killed and 28 wounded in the blast.", 10, 28, N, {}),
    ("Two engineers were wounded when gunmen fired on their vehicle.", N, 2, N, {}),
    ("The death toll rose to 13 on Thursday, a hospital official said.", 13, N, N, {}),
    ("Gunmen kidnapped three workers from a construction site near Gwadar.", N, N, 3, {}),
    ("Suicide attack kills 2 children, injures 3 including Chinese national in Pakistan's Gwadar", 2, 3, N,
     {"CHN": 1}),
    ("A 25-year-old man was killed at 7:30 am about 50 km from Quetta.", 1, N, N, {}),
    ("13 Chinese engineers arrived in Islamabad on Monday to inspect the dam.", N, N, N, {}),
    ("The blast killed a policeman and wounded five others.", 1, 5, N, {}),
    ("Officials said 13 people, including nine Chinese engineers, were killed.", 13, N, N, {"CHN": 9}),
    ("Nine Chinese nationals were among the 13 killed.", 13, N, N, {"CHN": 9}),
    ("The attack, which killed 13 people, nine of them Chinese, was claimed by no group.", 13, N, N, {"CHN": 9}),
    ("The roadside bomb hit a patrol, killing two soldiers and three civilians.", 5, N, N, {}),
    ("The government paid $13 million in compensation to the families.", N, N, N, {}),
    ("No one was hurt in the explosion, police said.", N, 0, N, {}),
    ("A dozen passengers were injured when the bus overturned after the blast.", N, 12, N, {}),
    ("Twenty-five people died and dozens were hurt in the stampede that followed.", 25, N, N, {}),
    ("The gunmen took 20 people hostage inside the hotel.", N, N, 20, {}),
    ("The minister said the new road would kill two birds with one stone.", N, N, N, {}),
    ("Police seized 20 weapons and 50 kg of explosives in the raid.", N, N, N, {}),
    ("In 2021, 13 people were killed in a bus bombing in the same valley.", 13, N, N, {}),
    ("Two gunmen killed the guards before escaping on motorcycles.", N, N, N, {}),
    ("The toll from the attack rose from 10 to 13 after three of the wounded died.", 13, N, N, {}),
    ("Gunmen opened fire on a convoy, wounding two of them, officials said.", N, 2, N, {}),
    ("Militants abducted an engineer and two Chinese workers on the highway.", N, N, 3, {"CHN": 2}),
    ("13 killed, 28 injured in Quetta blast", 13, 28, N, {}),
    ("Militants killed 13 and wounded 28 in the attack on Wednesday.", 13, 28, N, {}),
    ("Four soldiers were killed and seven others were injured in the ambush, the army said.", 4, 7, N, {}),
    ("The bomb went off at 10 am, killing seven and injuring more than 20.", 7, 20, N, {}),
    ("The president, 64, was not hurt.", N, N, N, {}),
    ("A blast killed nine Chinese engineers and four Pakistanis on the bus carrying 40 workers.", 13, N, N,
     {"CHN": 9, "PAK": 4}),
    ("Two Chinese engineers were abducted from their camp in 2019 and released in 2020.", N, N, 2, {"CHN": 2}),
    ("The attack left 5 dead and 12 injured.", 5, 12, N, {}),
    ("Security forces killed five militants in a raid in North Waziristan.", 5, N, N, {}),
    ("The toll stood at 36, officials said, with 48 wounded.", 36, 48, N, {}),
    ("Over 100 people have been killed in the fighting since January.", N, N, N, {}),  # a running total
    ("Pakistan has deployed 15,000 troops to protect 7,000 Chinese nationals.", N, N, N, {}),
    ("The project, 300 km north of Islamabad, employs 1,200 workers aged 18 to 60.", N, N, N, {}),
    ("Twenty-one people, including a child, were killed on Tuesday.", 21, N, N, {}),
    ("Hundreds were wounded and scores were killed, witnesses said.", N, N, N, {}),
    ("The bus was travelling at 80 km an hour when the blast killed 9 passengers at 7.30 am.", 9, N, N, {}),
    ("Half a dozen workers were hurt and two policemen were shot dead.", 2, 6, N, {}),
    ("The 2019 attack on the hotel killed 40 soldiers.", 40, N, N, {}),
    ("Kidnappers demanded Rs 5 million for the release of the two hostages.", N, N, 2, {}),
    ("Nine Chinese nationals and four Pakistanis were killed and 28 others injured when a bus was attacked.", 13,
     28, N, {"CHN": 9, "PAK": 4}),
    ("Two soldiers, a policeman and three civilians were killed in the ambush.", 6, N, N, {}),
    ("At least six of the dead were Chinese nationals, and more than 20 people were wounded, he said.", N, 20, N,
     {"CHN": 6}),
    ("The minister, who was born in 1961, said 2021 had been a hard year.", N, N, N, {}),
    ("The conflict has killed more than 6,000 people since 2017, according to the International Crisis Group.",
     N, N, N, {}),
    ("The region has been gripped by violence since May 2023, in which more than 250 people have been killed.",
     N, N, N, {}),
    ("Militants have kidnapped 40 foreigners so far this year.", N, N, N, {}),
    ("The blast killed 13 people, the deadliest attack on Chinese nationals since 2014.", 13, N, N, {}),
]


@pytest.mark.parametrize("sentence,killed,injured,abducted,nationals", CASES)
def test_figures(sentence, killed, injured, abducted, nationals):
    got = casualties(sentence)
    assert (got["killed"], got["injured"], got["abducted"]) == (killed, injured, abducted), got
    assert got["nationals"] == nationals


def test_table_is_large_enough_and_has_traps():
    assert len(CASES) >= 30
    assert sum(1 for c in CASES if c[1:4] == (N, N, N)) >= 8


def test_empty_and_keys():
    assert casualties("") == {"killed": None, "injured": None, "abducted": None, "nationals": {}}
    assert set(casualties("Talks were held in Beijing.")) == {"killed", "injured", "abducted", "nationals"}


def test_vocabulary_is_data_not_code():
    lex = lexicon()
    assert ("killed",) in lex.cues and lex.cues[("death", "toll")] == ("killed", "toll")
    assert ("engineers",) in lex.victims and ("km",) in lex.units


def test_no_spacy_import():
    """The incidents stage reads figures for every event: importing spaCy there would cost seconds."""
    code = ("import sys; from eventwatch.casualties import casualties; casualties('Gunmen killed 13 people.'); "
            "assert 'spacy' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, env={**os.environ, "PYTHONPATH": SRC})
