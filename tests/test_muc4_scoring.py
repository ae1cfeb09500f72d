"""CEAF-REE as GTT's reference scorer defines it, checked on hand-made templates.

All fixtures are invented for these tests (no MUC-4 text). Each expected figure is
worked out by hand in the test's docstring from the definition in
`llm_extract/muc4/scoring.py`: per paired template, a predicted entity is correct when
all its mentions are mentions of one gold entity of the role; a gold entity is found when
some predicted entity is correct for it; the incident type is one more slot; unpaired
templates only add to the denominators; the pairing per document maximises F1.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from llm_extract.muc4 import scoring
from llm_extract.muc4.scoring import (
    Counts,
    best_pairing,
    gold_templates,
    normalize_mention,
    pred_templates,
    score_corpus,
)

ROLES = ("PerpInd", "PerpOrg", "Target", "Victim", "Weapon")


def gold(kind: str, **roles: list[list[str]]) -> dict[str, Any]:
    """A processed-JSON gold template: mentions carry (made-up) offsets."""
    return {
        "incident_type": kind,
        **{r: [[[m, 0] for m in e] for e in roles.get(r, [])] for r in ROLES},
    }


def pred(kind: str, **roles: list[list[str]]) -> dict[str, Any]:
    return {"incident_type": kind, **{r: roles.get(r, []) for r in ROLES}}


def figures(c: Counts) -> tuple[int, int, int, int]:
    return (c.p_num, c.p_den, c.r_num, c.r_den)


def test_normalisation_drops_case_punctuation_and_articles() -> None:
    assert normalize_mention("The  People's ARMY, of the North.") == "peoples army of north"
    assert normalize_mention("a bomb") == "bomb"
    assert normalize_mention("an-Other") == "another"


def test_corpus_counts_by_hand() -> None:
    """Four invented documents.

    10001: gold T1 attack (PerpInd {guerrillas, guerrilla column}, PerpOrg {people's army
    of the north, pan}, Target {power station}, Victim {juan perez}) and T2 kidnapping
    (PerpInd {gunmen}, Victim {maria lopez}). Predicted P1 attack (PerpInd "The
    Guerrillas", PerpOrg "PAN" + "People's Army of the North" as one entity, Target
    "bridge", Weapon "bomb") and P2 bombing (PerpInd "gunmen").
    P2 cannot pair ("bombing" is not in "kidnapping"), so P1-T1 is the pairing:
      type p 1/1 r 1/1; PerpInd p 1/1 r 1/1; PerpOrg p 1/1 r 1/1 (both mentions are the
      gold entity's); Target p 0/1 r 0/1; Victim p 0/0 r 0/1; Weapon p 0/1 r 0/0.
    P2 unpaired adds type p_den 1, PerpInd p_den 1; T2 unpaired adds type r_den 1,
    PerpInd r_den 1, Victim r_den 1.
    10002: no template on either side: adds nothing.
    10003: predicted arson (Target "house"), no gold: type p_den 1, Target p_den 1.
    10004: gold robbery (Target {truck}), predicted nothing: type r_den 1, Target r_den 1.

    Sums: type 1/3, 1/3; PerpInd 1/2, 1/2; PerpOrg 1/1, 1/1; Target 0/2, 0/2;
    Victim 0/0, 0/2; Weapon 0/1, 0/0. Micro: p 3/9, r 3/10,
    F1 = 2 * (1/3) * (3/10) / (1/3 + 3/10) = 0.2 / (19/30) = 6/19.
    """
    golds = {
        "10001": [
            gold(
                "attack",
                PerpInd=[["guerrillas", "guerrilla column"]],
                PerpOrg=[["people's army of the north", "pan"]],
                Target=[["power station"]],
                Victim=[["juan perez"]],
            ),
            gold("kidnapping", PerpInd=[["gunmen"]], Victim=[["maria lopez"]]),
        ],
        "10002": [],
        "10003": [],
        "10004": [gold("robbery", Target=[["truck"]])],
    }
    preds = {
        "10001": [
            pred(
                "attack",
                PerpInd=[["The Guerrillas"]],
                PerpOrg=[["PAN", "People's Army of the North"]],
                Target=[["bridge"]],
                Weapon=[["bomb"]],
            ),
            pred("bombing", PerpInd=[["gunmen"]]),
        ],
        "10002": [],
        "10003": [pred("arson", Target=[["house"]])],
    }
    score = score_corpus(preds, golds)
    expected = {
        "incident_type": (1, 3, 1, 3),
        "PerpInd": (1, 2, 1, 2),
        "PerpOrg": (1, 1, 1, 1),
        "Target": (0, 2, 0, 2),
        "Victim": (0, 0, 0, 2),
        "Weapon": (0, 1, 0, 0),
    }
    wrong = {s: figures(score.slots[s]) for s in expected if figures(score.slots[s]) != expected[s]}
    assert not wrong, f"slots off (got): {wrong}"
    micro = score.micro
    assert figures(micro) == (3, 9, 3, 10)
    assert micro.p == pytest.approx(1 / 3)
    assert micro.r == pytest.approx(0.3)
    assert micro.f1 == pytest.approx(6 / 19)
    roles = score.as_json()["roles"]
    assert roles["PerpOrg"] == {"p": 1.0, "r": 1.0, "f1": 1.0}
    assert roles["Victim"] == {"p": 0.0, "r": 0.0, "f1": 0.0}


def test_entity_rules_subset_and_repeats() -> None:
    """One attack pair. Gold PerpInd {guerrillas}. Predicted entities: ["guerrillas",
    "army"] (not all its mentions are the gold entity's: wrong), ["guerrillas"] and
    ["GUERRILLAS!"] (both right: precision counts each predicted entity, recall the gold
    entity once). PerpInd p 2/3, r 1/1; type 1/1, 1/1. Micro p 3/4, r 2/2."""
    score = score_corpus(
        {"1": [pred("attack", PerpInd=[["guerrillas", "army"], ["guerrillas"], ["GUERRILLAS!"]])]},
        {"1": [gold("attack", PerpInd=[["guerrillas"]])]},
    )
    assert figures(score.slots["PerpInd"]) == (2, 3, 1, 1)
    assert figures(score.micro) == (3, 4, 2, 2)


def test_type_pairs_by_substring() -> None:
    """Gold "bombing / attack" pairs with a predicted "attack" and with "bombing", not
    with "arson"; two gold copies of one template count once (deduplicated)."""
    g = [gold("bombing / attack", Weapon=[["dynamite"]])] * 2
    for kind, paired in (("attack", True), ("bombing", True), ("arson", False)):
        score = score_corpus({"1": [pred(kind, Weapon=[["dynamite"]])]}, {"1": g})
        assert figures(score.slots["incident_type"]) == ((1, 1, 1, 1) if paired else (0, 1, 0, 1))
        assert figures(score.slots["Weapon"]) == ((1, 1, 1, 1) if paired else (0, 1, 0, 1))


def test_pairing_maximises_document_f1() -> None:
    """Gold G0 attack (PerpInd {soldiers}), G1 attack (PerpInd {rebels}, PerpOrg
    {front}); predicted P0 attack (PerpInd rebels, PerpOrg front). P0-G0 would give
    micro p 1/3 r 1/4; P0-G1 gives p 3/3, r 3/5 (G0 unpaired: type and PerpInd), so
    P0-G1 is kept: F1 = 2 * 1 * 0.6 / 1.6 = 0.75."""
    golds = {
        "1": [
            gold("attack", PerpInd=[["soldiers"]]),
            gold("attack", PerpInd=[["rebels"]], PerpOrg=[["front"]]),
        ]
    }
    preds = {"1": [pred("attack", PerpInd=[["rebels"]], PerpOrg=[["front"]])]}
    for limit in (scoring.EXHAUSTIVE_LIMIT, 0):  # enumeration and the dynamic programme
        scoring.EXHAUSTIVE_LIMIT, saved = limit, scoring.EXHAUSTIVE_LIMIT
        try:
            score = score_corpus(preds, golds)
        finally:
            scoring.EXHAUSTIVE_LIMIT = saved
        assert figures(score.micro) == (3, 3, 3, 5)
        assert score.micro.f1 == pytest.approx(0.75)


def test_ties_break_as_the_reference_enumerates() -> None:
    """Gold G0 attack (PerpInd {a one}), G1 attack (Weapon {w one}); predicted P0 attack
    with both. Pairing P0 with G0 or with G1 gives the same micro (2 of 3 predicted items
    right, 2 of 4 gold found); the reference keeps the first it tries, P0-G0, so PerpInd is
    right and Weapon wrong: PerpInd 1/1, 1/1; Weapon 0/1, 0/1."""
    score = score_corpus(
        {"1": [pred("attack", PerpInd=[["a one"]], Weapon=[["w one"]])]},
        {"1": [gold("attack", PerpInd=[["a one"]]), gold("attack", Weapon=[["w one"]])]},
    )
    assert figures(score.slots["PerpInd"]) == (1, 1, 1, 1)
    assert figures(score.slots["Weapon"]) == (0, 1, 0, 1)
    assert figures(score.micro) == (2, 3, 2, 4)


def test_dynamic_programme_finds_the_enumerated_optimum() -> None:
    """On random documents small enough to enumerate, both searches reach the same
    document F1 (every row that differs is reported)."""
    rng = random.Random(7)
    kinds = ("attack", "bombing", "kidnapping")
    words = [f"w{i}" for i in range(8)]
    bad = []
    for case in range(150):

        def templates(n: int) -> list[dict[str, Any]]:
            return [
                pred(
                    rng.choice(kinds),
                    **{r: [[rng.choice(words)] for _ in range(rng.randint(0, 2))] for r in ROLES},
                )
                for _ in range(n)
            ]

        p = pred_templates(templates(rng.randint(0, 5)))
        g = pred_templates(templates(rng.randint(0, 5)))
        f1s = []
        for limit in (10**9, 0):
            scoring.EXHAUSTIVE_LIMIT, saved = limit, scoring.EXHAUSTIVE_LIMIT
            try:
                f1s.append(scoring.score_document(p, g)[0].micro.f1)
            finally:
                scoring.EXHAUSTIVE_LIMIT = saved
        if f1s[0] != pytest.approx(f1s[1]):
            bad.append((case, f1s))
    assert not bad


def test_large_documents_stay_fast() -> None:
    """Twelve predicted and twelve gold attacks (too many pairings to enumerate): every
    predicted template i matches gold i exactly, so the best pairing is the diagonal."""
    p = [pred("attack", PerpInd=[[f"p{i}"]]) for i in range(12)]
    g = [gold("attack", PerpInd=[[f"p{i}"]]) for i in range(12)]
    pairing = best_pairing(pred_templates(p), gold_templates(g))
    assert pairing == {i: i for i in range(12)}
