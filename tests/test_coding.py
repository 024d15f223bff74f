"""The event coder on sentences written for these tests: one behaviour of the conventions per test."""
import pytest

from eventwatch import extract_text

pytestmark = pytest.mark.slow

PUB = "2024-03-14"  # a Thursday


def events(body: str, dateline: str = "ISLAMABAD, March 14 (Reuters) - ", published: str = PUB):
    return [e for e in extract_text(dateline + body, published=published) if e.mode != "reference"]


def one(evs, root):
    hits = [e for e in evs if e.root == root and not e.negated]
    assert hits, f"no root {root} event in {[(e.code, e.rule) for e in evs]}"
    return hits[0]


def test_arrest_with_actor_target_and_weekday_date():
    evs = events("Pakistani police arrested three suspected militants in Quetta on Tuesday.")
    e = one(evs, "17")
    assert e.code == "173"
    assert (e.source.country, e.source.sector) == ("PAK", "COP")
    assert e.target.sector == "REB"
    assert e.date == "2024-03-12"


def test_reported_speech_codes_the_embedded_actor_not_the_speaker():
    evs = events("A foreign ministry spokesman said China was willing to deepen cooperation with Pakistan.",
                 dateline="BEIJING, March 14 (Xinhua) -- ")
    e = one(evs, "03")
    assert e.mode == "intent"
    assert (e.source.country, e.target.country) == ("CHN", "PAK")
    assert not any(e.root == "01" for e in evs)  # "said" is attribution, not an event


def test_negated_meeting_is_marked_not_asserted():
    evs = events("The Afghan envoy did not meet Pakistani officials during his stay in Islamabad.")
    assert all(e.negated for e in evs if e.root == "04")
    assert any(e.negated for e in evs)


def test_accusation_codes_only_the_accusation():
    evs = events("India accused Pakistan of sheltering the gunmen who attacked the convoy.")
    assert [e.root for e in evs] == ["11"]
    assert evs[0].code.startswith("112")


def test_passive_with_agent_swaps_roles():
    evs = events("Two Chinese engineers were abducted by gunmen near Dasu on Monday.")
    e = one(evs, "18")
    assert e.code == "181"
    assert e.source.sector == "REB" and e.target.country == "CHN" and e.target.sector == "CVL"
    assert e.date == "2024-03-11"


def test_light_verb_talks_are_coded_once_between_the_parties():
    evs = events("Pakistani and Afghan officials held talks in Kabul on Wednesday on border security.")
    e = one(evs, "04")
    assert {e.source.country, e.target.country} == {"PAK", "AFG"}


def test_nominal_mention_is_a_reference_not_an_event():
    all_evs = extract_text("ISLAMABAD, March 14 (Reuters) - The interior minister visited the site of "
                           "last week's bombing in Peshawar.", published=PUB)
    refs = [e for e in all_evs if e.mode == "reference"]
    assert refs and refs[0].root == "18"
    assert not [e for e in all_evs if e.root == "18" and e.mode != "reference"]


def test_future_pledge_becomes_intent_dated_to_statement():
    evs = events("The minister said on Tuesday that Pakistan would release the detained fishermen next week.")
    e = one(evs, "03")
    assert e.code == "0353" and e.mode == "intent"
    assert e.date == "2024-03-12"


def test_refusal_is_root_12_not_a_negated_release():
    evs = events("The provincial government said it would not release the detained protesters.")
    e = one(evs, "12")
    assert e.code == "1243"


def test_appeal_content_is_not_an_event_of_its_own():
    evs = events("The United Nations urged Pakistan to investigate the killings and punish those responsible.")
    assert [e.root for e in evs] == ["02"]
    assert evs[0].source.sector == "IGO" and evs[0].target.country == "PAK"


def test_condemnation_target_follows_the_perpetrator():
    evs = events("Gunmen killed four Chinese workers at a dam site in Khyber Pakhtunkhwa on Wednesday. "
                 "China condemned the attack and urged Islamabad to protect its citizens.")
    condemn = one(evs, "11")
    assert condemn.source.country == "CHN"
    assert condemn.target.sector == "REB" and condemn.target.country == "PAK"
    attack = one(evs, "18")
    assert attack.target.country == "CHN" and attack.location is not None and attack.location.country == "PAK"


def test_boilerplate_gives_no_event():
    text = ("KARACHI, March 14 (Dawn) - Police arrested two men on Tuesday.\n\n"
            "Related Stories\n- Gunmen kill three soldiers in Waziristan\n- Army chief visits Beijing\n\n"
            "Copyright 2024 Dawn. All Rights Reserved.")
    evs = extract_text(text, published=PUB)
    assert evs and all("Waziristan" not in e.sentence and "Beijing" not in e.sentence for e in evs)


def test_all_caps_text_still_codes_actors():
    evs = events("PAKISTANI POLICE ARRESTED THREE SUSPECTS IN KARACHI ON TUESDAY.", dateline="KARACHI, March 14 (Reuters) - ")
    e = one(evs, "17")
    assert e.source.country == "PAK" and e.source.sector == "COP"


def test_indefinite_bomb_in_the_lead_is_a_new_attack_on_the_people_the_bus_carried():
    evs = events("A bomb ripped through a bus carrying Chinese engineers and Pakistani workers near Dasu "
                 "on Thursday, killing at least 10 people, officials said.")
    attacks = [e for e in evs if e.root == "18"]
    assert attacks and all(e.mode == "asserted" for e in attacks)
    assert {e.target.country for e in attacks} == {"CHN", "PAK"}
    assert all(e.target.sector == "CVL" for e in attacks)


def test_definite_attack_restating_its_toll_is_a_reference_dated_by_its_own_phrase():
    body = ("Two men were charged on Thursday over the bombing of a bus near Dasu. "
            "The March 2 attack in Upper Kohistan killed 13 people, including nine Chinese nationals. "
            "The attack also wounded 28 people.")
    every = extract_text("ISLAMABAD, March 14 (Reuters) - " + body, published=PUB)
    assert not any(e.root in ("18", "19", "20") and e.mode != "reference" for e in every)
    ref = [e for e in every if e.mode == "reference" and "March 2" in e.sentence]
    assert ref and ref[0].date == "2024-03-02"


def test_passive_attack_on_a_bus_targets_the_nationals_it_carried():
    evs = events("Four people were killed when a bus carrying Chinese personnel was attacked near Dasu on Tuesday.")
    e = one(evs, "18")
    assert e.target.country == "CHN"


def test_the_injured_are_people_not_an_attack():
    evs = events("The injured were shifted to hospitals in Abbottabad. "
                 "Army helicopters flew the most seriously injured to a military hospital in Gilgit.")
    assert not any(e.root in ("18", "19") for e in evs)


def test_fronted_capital_gives_an_unnamed_ministry_its_country():
    evs = events("A bomb hit a bus near Dasu on Thursday. In Beijing, foreign ministry spokesman Zhang Wenhao "
                 "condemned the bombing and demanded that Pakistan arrest the attackers. "
                 "Zhang also urged Pakistan to protect Chinese citizens.",
                 dateline="PESHAWAR, March 14 (AFP) - ")
    assert one(evs, "11").source.country == "CHN"
    assert one(evs, "10").source.country == "CHN"
    assert one(evs, "02").source.country == "CHN"  # the same spokesman, named again


def test_convicted_and_sentenced_them_is_one_finding_against_the_convicts():
    evs = events("Judge Amjad Ali convicted Tariq Mehmood and Sajid Rauf of murder and also sentenced them "
                 "to life in prison, a court official told Reuters.")
    found = [e for e in evs if e.code == "116"]
    assert len(found) == 1 and found[0].target.name == "Tariq Mehmood"


def test_court_rulings_pleas_cases_warrants_and_protests():
    evs = events("A bomb hit a bus near Dasu on Monday. Police registered a terrorism case on Tuesday over the "
                 "bombing. An anti-terrorism court on Wednesday charged Tariq Mehmood over the attack. "
                 "Mehmood pleaded not guilty to the charges, his lawyer said. The court issued warrants on "
                 "Thursday for the arrest of a third suspect. China's embassy welcomed the verdict. "
                 "Residents of Dasu staged a protest on Thursday to demand better security.")
    codes = {e.code: e for e in evs}
    assert codes["091"].target.sector == "REB"  # the case is against the bombers
    assert codes["016"].source.name == "Tariq Mehmood" and codes["016"].target.sector == "JUD"
    assert sum(e.code == "173" for e in evs) == 2
    assert codes["051"].target.sector == "JUD"
    assert codes["1412"].source.sector == "CVL" and not any(e.root == "10" for e in evs)  # a protest for a demand


def test_arriving_to_join_a_probe_is_no_investigation_yet():
    evs = events("A team of Chinese investigators arrived in Islamabad on Thursday to join the probe.")
    assert not any(e.root == "09" for e in evs)


def test_pledge_to_punish_perpetrators_made_in_a_call_targets_the_caller():
    evs = events("A bomb hit a bus carrying Chinese engineers near Dasu on Tuesday. "
                 "Chinese Foreign Minister Li Wen held a telephone call with Pakistani Foreign Minister Omar Jamali "
                 "on Thursday. Jamali said Pakistan would conduct a thorough investigation into the attack and "
                 "punish those responsible.")
    pledges = [e for e in evs if e.root == "03"]
    assert pledges and all((e.source.country, e.target.country) == ("PAK", "CHN") for e in pledges)


def test_purpose_of_an_appealed_act_is_not_asserted():
    evs = events("The minister urged Pakistan to deploy more troops to protect Chinese nationals, adding that "
                 "Pakistan should reinforce security measures so as to ensure the safety of Chinese workers.",
                 dateline="BEIJING, March 14 (Xinhua) -- ")
    assert not any(e.source.country == "PAK" and e.mode == "asserted" for e in evs)


def test_weekday_after_a_carrying_participle_dates_the_attack():
    evs = events("A bomb hit a bus carrying Chinese engineers near Dasu on Tuesday.")
    assert one(evs, "18").date == "2024-03-12"


def test_case_registered_over_a_bus_bombing_is_against_its_perpetrators():
    evs = events("Counter-terrorism police registered a terrorism case on Wednesday over Tuesday's bus bombing "
                 "near Dasu that killed 13 people, officials said.")
    e = one(evs, "09")
    assert e.code == "091" and e.target.sector == "REB"


def test_baloch_liberation_front_claim_is_its_own():
    evs = events("A roadside bomb killed three policemen in Kech on Wednesday. The outlawed Balochistan "
                 "Liberation Front claimed responsibility for the bombing.", dateline="QUETTA, March 14 (AP) — ")
    e = [x for x in evs if x.code == "015"][0]
    assert (e.source.name, e.source.country, e.source.sector) == ("Baloch Liberation Front", "PAK", "REB")


def test_describing_an_attack_as_a_heinous_act_condemns_it():
    evs = events("A bomb hit a bus near Dasu on Wednesday. Pakistan's foreign ministry described the blast as "
                 "a \"heinous act\". Witnesses described the blast as deafening.")
    hits = [e for e in evs if e.root == "11"]
    assert len(hits) == 1 and hits[0].source.sector == "GOV" and hits[0].target.sector == "REB"


def test_rammed_into_a_van_carrying_foreigners_targets_them():
    evs = events("A suicide bomber rammed an explosives-laden motorcycle into a van carrying Chinese employees "
                 "of a steel mill on Wednesday.")
    e = one(evs, "18")
    assert e.code == "1831" and e.target.country == "CHN"


def test_fighting_dated_to_an_earlier_year_is_background():
    evs = events("Fighting along the border in September 2022 killed about 100 people.")
    assert not any(e.root in ("18", "19", "20") for e in evs)


def test_assurance_that_reports_a_pledge_is_one_event():
    evs = events("The Chinese foreign minister held a phone call with Pakistani Foreign Minister Omar Jamali on "
                 "Wednesday. Jamali assured him that Islamabad would further tighten security for Chinese nationals.")
    pledges = [e for e in evs if e.root == "03"]
    assert len(pledges) == 1 and pledges[0].code == "0334" and pledges[0].target.country == "CHN"



def test_court_acts_where_it_sits_and_a_town_the_tagger_calls_a_date_is_a_place():
    evs = events("An anti-terrorism court in Abbottabad on Wednesday charged two men over the bombing of a bus "
                 "near Dasu. Two other suspects were detained in a raid near Turbat on Tuesday, police said.")
    court = [e for e in evs if e.source.sector == "JUD"]
    assert court and court[0].location.name == "Abbottabad"
    raid = [e for e in evs if e.code == "173" and e.source.sector != "JUD"]
    assert raid and raid[0].location is not None and raid[0].location.name == "Turbat"


def test_fronted_place_covers_coordinated_statements():
    evs = events("A bomb hit a bus near Dasu on Thursday. In Beijing, foreign ministry spokesman Zhang Wenhao "
                 "condemned the bombing and demanded that Pakistan arrest the attackers.",
                 dateline="PESHAWAR, March 14 (AFP) - ")
    assert one(evs, "10").location.name == "Beijing"


def test_suspects_caught_or_nabbed_are_arrests_but_a_fire_is_not():
    evs = events("The suspects were caught at a warehouse in Lahore on Wednesday, police said. "
                 "Police nabbed two men in Quetta on Tuesday. A fuel tanker caught fire on the highway.")
    arrests = [e for e in evs if e.code == "173"]
    assert len(arrests) == 2 and all(e.source.sector == "COP" for e in arrests)


def test_instrument_agent_leaves_unknown_bombers_but_the_blast_is_a_toll():
    evs = events("Two soldiers were killed by a roadside bomb in Kech on Tuesday. Three more were wounded by the "
                 "blast. The device was planted under a culvert and was detonated by remote control.")
    attacks = [e for e in evs if e.root == "18"]
    assert [e.code for e in attacks] == ["1833", "1833"]
    assert all(e.source.sector == "REB" and e.source.country == "PAK" for e in attacks)
    assert not any("wounded by the" in e.sentence for e in attacks)


def test_him_after_a_call_is_the_person_called_not_the_caller():
    evs = events("Interior Minister Omar Jamali telephoned Chinese Ambassador Li Wen on Wednesday and assured him "
                 "that those behind the attack would be punished.")
    pledges = [e for e in evs if e.root == "03"]
    assert len(pledges) == 1  # the assurance and the pledge it reports are one event
    e = pledges[0]
    assert (e.source.country, e.source.sector, e.target.country, e.target.name) == ("PAK", "GOV", "CHN", "Li Wen")
    assert e.date == "2024-03-13"  # dated to the call and assurance, not to the punishment


def test_explicit_refusal_to_comment_is_011_but_no_reply_is_nothing():
    evs = events("The foreign ministry spokesperson declined to comment on the strikes on Thursday. "
                 "Police did not respond to requests for comment.")
    assert [e.code for e in evs] == ["011"]


def test_acronym_defined_in_the_article_stands_for_its_long_form():
    evs = events("A rocket hit a gas field near Chamchamal on Wednesday, the Kurdistan Regional Government (KRG) "
                 "said. The KRG condemned the attack as a terrorist act.", dateline="ERBIL, March 14 (Reuters) - ")
    e = one(evs, "11")
    assert (e.source.country, e.source.sector) == ("IRQ", "GOV")


def test_drone_strike_naming_its_actor_is_an_event():
    evs = events("An Israeli drone struck a car carrying two Hezbollah commanders near Tyre on Wednesday.",
                 dateline="BEIRUT, March 14 (Reuters) - ")
    e = one(evs, "19")
    assert (e.code, e.source.country, e.target.country) == ("195", "ISR", "LBN")


def test_victims_of_another_nationality_in_the_outcome_clause_are_targets_too():
    evs = events("A roadside bomb struck a van carrying Chinese engineers near Dasu on Wednesday, wounding two "
                 "Chinese nationals and killing their Pakistani driver, police said. "
                 "A bomb hit a bus carrying Chinese workers near Gwadar on Tuesday, killing 13 people.")
    first = {e.target.country for e in evs if e.root == "18" and "driver" in e.sentence}
    second = {e.target.country for e in evs if e.root == "18" and "Gwadar" in e.sentence}
    assert first == {"CHN", "PAK"} and second == {"CHN"}  # a bare count names no one new


def test_an_ordered_act_is_coded_to_the_one_who_ordered_it():
    evs = events("A bomb hit a bus near Dasu on Tuesday. An anti-terrorism court on Wednesday ordered police to "
                 "produce the alleged planner of the attack. The interior minister ordered police to arrest the "
                 "attackers.")
    arrests = [e for e in evs if e.code == "173"]
    assert {e.source.sector for e in arrests} == {"JUD", "GOV"}  # never an arrest by the police, not yet made
    assert all(e.target.sector == "REB" for e in arrests)


def test_an_attack_retold_in_a_later_report_takes_the_day_its_back_references_give():
    every = extract_text(
        "ISLAMABAD, Aug 12 (Reuters) - Pakistani police have arrested two men over the July 14 attack on a bus "
        "near Dasu. A suicide bomber rammed an explosives-laden car into the bus as it crossed a bridge, the "
        "minister said.", published="2021-08-12")
    retold = [e for e in every if e.root == "18" and e.mode != "reference"]
    assert retold and all(e.date == "2021-07-14" for e in retold)  # not the report's own day


def test_an_attack_placed_only_by_its_country_takes_the_town_a_later_sentence_names():
    evs = events("A bomb ripped through a bus carrying Chinese engineers in northern Pakistan on Wednesday, "
                 "killing 10 people. The bus was travelling to the construction site of the Dasu dam in the "
                 "Upper Kohistan district when the blast sent it into a ravine, police said.",
                 published="2021-07-14", dateline="ISLAMABAD, July 14 (Reuters) - ")
    attack = [e for e in evs if e.root == "18"]
    assert attack and all(e.location and e.location.name == "Dasu" for e in attack)


def test_a_place_naming_another_event_does_not_place_this_one():
    evs = events("The Counter-Terrorism Department said it had killed two militants linked to the Gwadar attack "
                 "in an exchange of fire in Kech district.")
    fight = [e for e in evs if e.root in ("18", "19")]
    assert fight and all(e.location and e.location.name != "Gwadar" for e in fight)
    assert any(e.location.admin2 == "Kech District" for e in fight)


def test_an_unplaced_retold_attack_takes_the_place_of_the_back_reference_to_its_day():
    every = extract_text(
        "QUETTA, Jan 8 (Dawn) - A court yesterday charged four men over the December 29 attack on a convoy of "
        "Chinese engineers near Gwadar. Police have said that militants detonated a bomb as the convoy passed "
        "through a village on December 29, wounding three Chinese nationals. Separately, police said they had "
        "killed two militants linked to the Gwadar attack in a raid in Kech district.", published="2025-01-08")
    bomb = [e for e in every if e.code.startswith("183") and e.mode != "reference"]
    raid = [e for e in every if e.root in ("18", "19") and e.mode != "reference" and "raid" in e.sentence]
    assert bomb and all(e.location and e.location.name == "Gwadar" for e in bomb)
    assert raid and all(e.location and e.location.name != "Gwadar" for e in raid)
