"""MUC-4 benchmark: read the corpus and keys, map records to templates, score CEAF-REE.

Stages, one module each: `corpus` (texts, gold, document keys), `keys` (raw answer keys),
`mapping` (records -> templates), `scoring` (CEAF-REE as GTT's eval.py), `agreement`
(date, place, deaths against the keys) and `command` (the `bench muc4` command).
"""
