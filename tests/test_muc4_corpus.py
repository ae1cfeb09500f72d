"""Reading a MUC-4 folder: split layout, messages, document keys and answer keys.

Runs on the invented folder of `muc4_fixture`; the last test reads the real corpus at
../shared/bench/muc4 when it is there (it never ships with the project).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from llm_extract.muc4.corpus import CorpusError, doc_key, read_split
from llm_extract.muc4.keys import KeyDate, parse_dates, parse_deaths, parse_location, read_keys
from llm_extract.muc4.scoring import gold_templates, score_corpus
from tests.muc4_fixture import make_muc4

REAL = Path(__file__).resolve().parents[2] / "shared" / "bench" / "muc4"


def test_doc_keys_follow_gtt() -> None:
    cases = {
        "TST3-MUC4-0002": "30002",
        "TST1-MUC3-0001": "10001",
        "TST2-MUC4-0100": "20100",
        "TST4-MUC4-0099": "40099",
        "DEV-MUC3-0001": "1",
        "DEV-MUC3-1300": "1300",
    }
    wrong = {d: doc_key(d) for d, k in cases.items() if doc_key(d) != k}
    assert not wrong
    with pytest.raises(ValueError):
        doc_key("XYZ-0001")


def test_train_split_reads_texts_datelines_and_keys(tmp_path: Path) -> None:
    data = read_split(make_muc4(tmp_path), "train")
    assert [g.doc_id for g in data.gold] == ["DEV-MUC3-0001", "DEV-MUC3-0002"]
    first, second = data.raw["DEV-MUC3-0001"], data.raw["DEV-MUC3-0002"]
    assert first.published == dt.date(1990, 1, 3)
    assert first.dateline_place == "PUERTO CALMA"
    assert first.body.startswith("MEMBERS OF THE\nINVENTED LIBERATION FRONT [ILF]")
    assert first.body.endswith("MADE WITH DYNAMITE.")
    # no year in the dateline: no publication date; the header tags are not body text
    assert second.published is None
    assert second.body == "THE HARVEST FESTIVAL OPENED TODAY WITH MUSIC AND DANCING."
    keys = read_keys(data.key_files)
    assert list(keys) == ["DEV-MUC3-0001"]  # the "*" template of an irrelevant document
    (key,) = keys["DEV-MUC3-0001"]
    assert key.incident_type == "bombing"
    assert key.dates == [KeyDate(dt.date(1990, 1, 2), dt.date(1990, 1, 2))]
    assert (key.country, key.places) == ("RIVERLAND", ["COAST", "PUERTO CALMA"])
    assert key.deaths == 2
    assert key.roles["PerpOrg"] == [["INVENTED LIBERATION FRONT", "ILF"]]
    assert key.roles["Weapon"] == [["CAR BOMB"], ["DYNAMITE"]]


def test_dev_and_test_splits_read_two_folders(tmp_path: Path) -> None:
    root = make_muc4(tmp_path, test_split=True)
    dev = read_split(root, "dev")
    assert sorted(dev.raw) == ["TST1-MUC3-0001", "TST2-MUC4-0001"]
    assert [g.key for g in dev.gold] == ["10001", "20001"]
    test = read_split(root, "test")
    assert [g.key for g in test.gold] == ["30001", "40001"]
    # the mixed-case copy of TST4 is ignored: the upper-case text is the scored one
    assert test.raw["TST4-MUC4-0001"].body.startswith("GUNMEN KIDNAPPED")
    assert not test.notes
    keys = read_keys(test.key_files)
    (key,) = keys["TST3-MUC4-0001"]
    assert key.optional and key.number == "1"
    assert key.dates == [KeyDate(None, dt.date(1990, 2, 9))]
    assert key.deaths == 0


def test_layout_errors_are_usage_errors(tmp_path: Path) -> None:
    root = make_muc4(tmp_path)
    with pytest.raises(CorpusError, match="tst3"):
        read_split(root, "test")  # no tst3/tst4 folders here
    with pytest.raises(CorpusError, match="not a folder"):
        read_split(tmp_path / "nowhere", "dev")
    (root / "processed" / "dev.json").unlink()
    with pytest.raises(CorpusError, match=r"dev\.json"):
        read_split(root, "dev")


def test_key_values() -> None:
    d = dt.date
    assert parse_dates("15 JAN 90 - 21 JAN 90") == [KeyDate(d(1990, 1, 15), d(1990, 1, 21))]
    assert parse_dates("(12 MAR 89) / (- 14 MAR 89)") == [
        KeyDate(d(1989, 3, 12), d(1989, 3, 12)),
        KeyDate(None, d(1989, 3, 14)),
    ]
    assert parse_dates("*") == []
    assert parse_location("(RIVERLAND: PUERTO CALMA (CITY)) / (RIVERLAND: COAST)") == (
        "RIVERLAND",
        ["PUERTO CALMA", "COAST"],
    )
    assert parse_location("RIVERLAND: A (TOWN) - B (VILLAGE)") == ("RIVERLAND", ["A", "B"])
    numbers = ['3: "PEASANTS"', '1: "JUDGE"', 'PLURAL: "SOLDIERS"']
    assert parse_deaths(numbers, ['DEATH: "PEASANTS"', 'DEATH: "JUDGE"']) == 4
    assert parse_deaths(numbers, ['INJURY: "PEASANTS"', 'NO INJURY OR DEATH: "JUDGE"']) == 0
    assert parse_deaths(numbers, ['DEATH: "SOLDIERS"']) is None
    assert parse_deaths(['~10: "PEOPLE"'], ['DEATH: "PEOPLE"']) == 10


@pytest.mark.skipif(not REAL.is_dir(), reason="MUC-4 data not found at ../shared/bench/muc4")
def test_real_corpus_reads_whole_and_gold_scores_one() -> None:
    """Every document of both splits has its raw text; the raw keys hold as many
    templates as GTT's processed gold; the gold, read back as predictions, scores 1.0."""
    for split, docs in (("train", 1300), ("dev", 200)):
        data = read_split(REAL, split)
        assert len(data.gold) == docs
        assert not [g.doc_id for g in data.gold if g.doc_id not in data.raw]
        assert not data.notes
        assert len({g.key for g in data.gold}) == docs
        keys = read_keys(data.key_files)
        assert sum(map(len, keys.values())) == sum(len(g.templates) for g in data.gold)
        if split == "dev":
            golds = {g.key: g.templates for g in data.gold}
            preds = {k: gold_templates(v) for k, v in golds.items()}
            assert score_corpus(preds, golds).micro.f1 == pytest.approx(1.0)
