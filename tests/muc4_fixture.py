"""A tiny folder laid out like MUC-4's, with texts and keys invented for the tests.

Nothing here comes from the MUC-3/4 distribution (whose files never go into the
repository): the places, groups and people are made up, written in the corpus's format
(upper-case wire text, numbered key slots, GTT's processed JSONL).
"""

from __future__ import annotations

import json
from pathlib import Path

DEV_TEXT = """DEV-MUC3-0001 (TESTWIRE)

   PUERTO CALMA, 3 JAN 90 (RADIO INVENTADA) -- [TEXT] MEMBERS OF THE
INVENTED LIBERATION FRONT [ILF] SET OFF A CAR BOMB YESTERDAY OUTSIDE THE
HARBOUR BANK IN PUERTO CALMA, KILLING TWO GUARDS.

   POLICE SAID THE BOMB WAS MADE WITH DYNAMITE.


DEV-MUC3-0002 (TESTWIRE)

   VILLA QUIETA, 4 JAN (RADIO INVENTADA) -- [REPORT] [PRESS OFFICE]
[SUMMARY] THE HARVEST FESTIVAL OPENED TODAY WITH MUSIC AND DANCING.
"""

DEV_KEY = """;;; invented answer key for the tests
0.  MESSAGE: ID                     DEV-MUC3-0001 (TESTKEY)
1.  MESSAGE: TEMPLATE               1
2.  INCIDENT: DATE                  02 JAN 90
3.  INCIDENT: LOCATION              RIVERLAND: COAST (DEPARTMENT): PUERTO CALMA (CITY)
4.  INCIDENT: TYPE                  BOMBING
5.  INCIDENT: STAGE OF EXECUTION    ACCOMPLISHED
6.  INCIDENT: INSTRUMENT ID         "CAR BOMB"
                                    "DYNAMITE"
7.  INCIDENT: INSTRUMENT TYPE       VEHICLE BOMB: "CAR BOMB"
8.  PERP: INCIDENT CATEGORY         TERRORIST ACT
9.  PERP: INDIVIDUAL ID             "MEMBERS"
10. PERP: ORGANIZATION ID           "INVENTED LIBERATION FRONT" / "ILF"
11. PERP: ORGANIZATION CONFIDENCE   REPORTED AS FACT: "INVENTED LIBERATION FRONT" / "ILF"
12. PHYS TGT: ID                    "HARBOUR BANK"
13. PHYS TGT: TYPE                  FINANCIAL: "HARBOUR BANK"
14. PHYS TGT: NUMBER                1: "HARBOUR BANK"
15. PHYS TGT: FOREIGN NATION        -
16. PHYS TGT: EFFECT OF INCIDENT    SOME DAMAGE: "HARBOUR BANK"
17. PHYS TGT: TOTAL NUMBER          -
18. HUM TGT: NAME                   -
19. HUM TGT: DESCRIPTION            "GUARDS"
20. HUM TGT: TYPE                   SECURITY GUARD: "GUARDS"
21. HUM TGT: NUMBER                 2: "GUARDS"
22. HUM TGT: FOREIGN NATION         -
23. HUM TGT: EFFECT OF INCIDENT     DEATH: "GUARDS"
24. HUM TGT: TOTAL NUMBER           -

0.  MESSAGE: ID                     DEV-MUC3-0002 (TESTKEY)
1.  MESSAGE: TEMPLATE               *
2.  INCIDENT: DATE                  *
3.  INCIDENT: LOCATION              *
4.  INCIDENT: TYPE                  *
"""

TST_TEXT = """TST{n}-MUC{m}-0001

   VILLA QUIETA, 9 FEB 90 (RADIO INVENTADA) -- [TEXT] GUNMEN KIDNAPPED
THE MAYOR OF VILLA QUIETA, ANA TORRES, LAST NIGHT.
"""

TST_KEY = """0.  MESSAGE: ID                     TST{n}-MUC{m}-0001
1.  MESSAGE: TEMPLATE               1 (OPTIONAL)
2.  INCIDENT: DATE                  - 09 FEB 90
3.  INCIDENT: LOCATION              RIVERLAND: VILLA QUIETA (TOWN)
4.  INCIDENT: TYPE                  KIDNAPPING
9.  PERP: INDIVIDUAL ID             "GUNMEN"
18. HUM TGT: NAME                   "ANA TORRES"
21. HUM TGT: NUMBER                 1: "ANA TORRES"
23. HUM TGT: EFFECT OF INCIDENT     -
"""

DEV_GOLD: list[dict[str, object]] = [
    {
        "docid": "DEV-MUC3-0001",
        "doctext": "members of the invented liberation front (ilf) set off a car bomb yesterday "
        "outside the harbour bank in puerto calma, killing two guards.    police said the "
        "bomb was made with dynamite.",
        "templates": [
            {
                "incident_type": "bombing",
                "PerpInd": [[["members", 0]]],
                "PerpOrg": [[["invented liberation front", 15], ["ilf", 42]]],
                "Target": [[["harbour bank", 90]]],
                "Victim": [],
                "Weapon": [[["car bomb", 57]], [["dynamite", 160]]],
            }
        ],
    },
    {
        "docid": "DEV-MUC3-0002",
        "doctext": "the harvest festival opened today with music and dancing.",
        "templates": [],
    },
]


def tst_gold(n: int, m: int) -> dict[str, object]:
    return {
        "docid": f"TST{n}-MUC{m}-0001",
        "doctext": "gunmen kidnapped the mayor of villa quieta, ana torres, last night.",
        "templates": [
            {
                "incident_type": "kidnapping",
                "PerpInd": [[["gunmen", 0]]],
                "PerpOrg": [],
                "Target": [],
                "Victim": [[["ana torres", 43]]],
                "Weapon": [],
            }
        ],
    }


def make_muc4(root: Path, *, test_split: bool = False) -> Path:
    """Write the invented folder; with `test_split`, also tst3/tst4 and test.json."""
    corpora = root / "CORPORA"
    (corpora / "dev").mkdir(parents=True)
    (corpora / "dev" / "dev-muc3-0001-0100").write_text(DEV_TEXT, encoding="latin-1")
    (corpora / "dev" / "key-dev-0001.muc4").write_text(DEV_KEY, encoding="latin-1")
    (corpora / "dev" / "text-headers-info").write_text("format notes, not a text file\n")
    processed = root / "processed"
    processed.mkdir()
    _jsonl(processed / "train.json", DEV_GOLD)
    splits = {"dev": ((1, 3), (2, 4))}
    if test_split:
        splits["test"] = ((3, 4), (4, 4))
    for split, sets in splits.items():
        for n, m in sets:
            folder = corpora / f"tst{n}"
            folder.mkdir()
            text = TST_TEXT.format(n=n, m=m)
            (folder / f"tst{n}-muc{m}").write_text(text, encoding="latin-1")
            (folder / f"key-tst{n}.v1").write_text(TST_KEY.format(n=n, m=m), encoding="latin-1")
        _jsonl(processed / f"{split}.json", [tst_gold(n, m) for n, m in sets])
    if test_split:  # TST4 also ships the original mixed case, which is not the scored text
        head, body = TST_TEXT.format(n=4, m=4).split("\n", 1)
        (corpora / "tst4" / "tst4-muc4.mixed-case").write_text(
            head + "\n" + body.title(), encoding="latin-1"
        )
    return root


def _jsonl(path: Path, rows: list[dict[str, object]]) -> None:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
