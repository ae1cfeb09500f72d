"""Quality: real text first (bench/realdev), then the seeds, then invented regression sets.

The headline is `bench/realdev/`: sixteen real public-domain reports no one on the project
wrote, annotated before any code output was seen. The rules run live on it; the embedded
model's runs on it take minutes, so they are measured with `--live-model` and kept in
`bench/history.py` with the commit they were measured at.

The rules backend runs live; the embedded model's runs are replayed from the recorded
cassettes (the same recordings the tests replay), so the table regenerates offline in
seconds and always matches what `cassettes/` holds.

A second table scores the rules on two sets of invented test-double articles: the
regression set the rules were tuned with (`tests/rules_articles/`) and a blind set written
by someone who had not seen the rules (`bench/blind/`). Neither is real news, so neither is
a quality claim; the blind set's first score is kept in `bench/history.py`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from bench.history import (
    EMBEDDED_BLIND,
    EMBEDDED_BLIND2,
    EMBEDDED_BLIND_AT,
    EMBEDDED_REALDEV,
    EMBEDDED_REALDEV_AT,
    REALDEV_RULES_START,
)
from llm_extract import Extractor, Settings
from llm_extract.evaluate import evaluate, load_gold_dir
from llm_extract.models import Document

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "seeds" / "gold"
REALDEV = ROOT / "bench" / "realdev"
CASSETTES = ROOT / "cassettes" / "test_recorded_seeds"
INVENTED_SETS: tuple[tuple[str, Path], ...] = (
    ("invented regression set (tuned on)", ROOT / "tests" / "rules_articles"),
    ("invented blind set (now a validation set)", ROOT / "bench" / "blind"),
    ("invented blind set 2 (held-out test set)", ROOT / "bench" / "blind2"),
)
REPLAY_URL = "http://127.0.0.1:9/v1"

SENTENCES = "test_sentences_strategy_flags_where_model_and_rules_disagree.yaml"
# (label, backend, strategy, arbiter, cassette that recorded it or None for a live run);
# the arbiter changes only how labels are merged, so both arbiters replay one recording.
Strategy = Literal["single", "sentences"] | None
Arbiter = Literal["code", "model"]
CONFIGS: tuple[tuple[str, str, Strategy, Arbiter, str | None], ...] = (
    ("embedded (SmolLM2-135M)", "embedded", "single", "code",
     "test_single_strategy_run_is_grounded_and_traceable.yaml"),
    ("embedded (SmolLM2-135M)", "embedded", "sentences", "code", SENTENCES),
    ("embedded (SmolLM2-135M)", "embedded", "sentences", "model", SENTENCES),
    ("rules (no model)", "rules", None, "code", None),
)  # fmt: skip


@dataclass
class QualityRow:
    backend: str
    strategy: str
    events_f1: float | None
    actors_f1: float | None
    casualties_f1: float | None
    sub_event_type_accuracy: float | None
    date_accuracy: float | None
    source: str


def _run(
    settings: Settings, texts: dict[str, str], gold: dict[str, Document]
) -> dict[str, Document]:
    extractor = Extractor(settings)
    out: dict[str, Document] = {}
    for doc_id in sorted(gold):
        g = gold[doc_id]
        result = extractor.extract(texts[doc_id], published=g.published, doc_id=doc_id)
        if result.document is not None:
            out[doc_id] = result.document
    return out


def measure() -> list[QualityRow]:
    import vcr  # the tests' recording library; replay only

    from llm_extract.backends import probe

    gold, _, texts = load_gold_dir(GOLD)
    rows: list[QualityRow] = []
    for label, backend, strategy, arbiter, cassette in CONFIGS:
        settings = Settings(
            backend=backend,
            strategy=strategy,
            arbiter=arbiter,
            cache=False,
            runlog=False,
            transport_retries=0,
            base_url=REPLAY_URL if cassette else None,
        )
        if cassette:
            probe._PASSED.clear()
            replay = vcr.VCR(record_mode="none", match_on=["method", "path", "body"])
            with replay.use_cassette(str(CASSETTES / cassette), allow_playback_repeats=True):
                pred = _run(settings, texts, gold)
            source = f"replayed from cassettes/test_recorded_seeds/{cassette}"
        else:
            pred = _run(settings, texts, gold)
            source = "live"
        m = evaluate(gold, pred, texts).metrics
        rows.append(
            QualityRow(
                backend=label,
                strategy=(f"{strategy}, arbiter {arbiter}" if strategy == "sentences" else None)
                or strategy
                or "rules",
                events_f1=m.get("events.f1"),
                actors_f1=m.get("actors.f1"),
                casualties_f1=m.get("casualties.f1"),
                sub_event_type_accuracy=m.get("events.sub_event_type_accuracy"),
                date_accuracy=m.get("events.date_accuracy"),
                source=source,
            )
        )
    return rows


@dataclass
class SetRow:
    gold_set: str
    articles: int
    events: int
    events_f1: float | None
    actors_f1: float | None
    casualties_f1: float | None


def measure_invented() -> list[SetRow]:
    """The rules backend on each invented gold set that exists (live, a second or two)."""
    rows: list[SetRow] = []
    settings = Settings(backend="rules", cache=False, runlog=False)
    for label, directory in INVENTED_SETS:
        if not any(directory.glob("*.gold.json")):
            continue
        gold, _, texts = load_gold_dir(directory)
        m = evaluate(gold, _run(settings, texts, gold), texts).metrics
        required = sum(1 for g in gold.values() for e in g.events if not e.optional)
        rows.append(
            SetRow(label, len(gold), required, m.get("events.f1"), m.get("actors.f1"),
                   m.get("casualties.f1"))
        )  # fmt: skip
    return rows


def _f(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"


def render(rows: list[QualityRow]) -> list[str]:
    out = [
        "## Quality: strategies x backends on the seeds' gold",
        "",
        "Scored with `llm_extract.evaluate` against `seeds/gold` (2 articles, 7 required "
        "events). The rules were written by people who had read the seeds, and the "
        "`extract_v1` few-shot examples come from them: a regression baseline, not a "
        "quality claim on unseen text.",
        "",
        "| backend | strategy | events F1 | actors F1 | casualties F1 | sub-type acc. "
        "| date acc. | source |",
        "|---|---|---:|---:|---:|---:|---:|---|",
    ]
    out += [
        f"| {r.backend} | {r.strategy} | {_f(r.events_f1)} | {_f(r.actors_f1)} | "
        f"{_f(r.casualties_f1)} | {_f(r.sub_event_type_accuracy)} | {_f(r.date_accuracy)} "
        f"| {r.source} |"
        for r in rows
    ]
    return out


def render_invented(rows: list[SetRow]) -> list[str]:
    if not rows:
        return []
    out = [
        "### The rules on invented test-double articles",
        "",
        "Short wire-style reports invented for testing (real places and groups, invented "
        "events), each with gold in FORMAT.md's format, scored with the `rules` backend "
        "(the `sentences` strategy with arbiter `code` keeps the rules' records, so it "
        "scores the same). The regression set was written by the rules' author, who then "
        "tuned the rules with it; the blind set by someone who never saw the rules. Rule "
        "changes were made from other material, but the blind set's scores have since been "
        "used to judge them, so it is now a validation set (its score after each change, "
        "and the one gold item a developer looked at, are in `bench/blind/README.md`). "
        "Blind set 2 (`bench/blind2/`), written the same way by another author and added "
        "after the last rule change, is the held-out test set: nothing was changed after "
        "seeing it. "
        "Invented text is not news: these figures check generalisation, they do not "
        "replace gold on real articles.",
        "",
        "| gold set | articles | required events | events F1 | actors F1 | casualties F1 |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    out += [
        f"| {r.gold_set} | {r.articles} | {r.events} | {_f(r.events_f1)} | "
        f"{_f(r.actors_f1)} | {_f(r.casualties_f1)} |"
        for r in rows
    ]
    out += [
        "",
        "The embedded model (SmolLM2-135M) on the blind sets, run live (no cassette holds "
        f"these articles, so it is not re-measured here): set 1 at {EMBEDDED_BLIND_AT}, "
        "set 2 once when it was added.",
        "",
        "| gold set | strategy | events F1 | actors F1 | casualties F1 | s/article | failed |",
        "|---|---|---:|---:|---:|---:|---:|",
        *[f"| {label} | {name} | {e:.2f} | {a:.2f} | {c:.2f} | {sec:.1f} | {failed} |"
          for label, runs in (("blind set 1", EMBEDDED_BLIND), ("blind set 2", EMBEDDED_BLIND2))
          for name, e, a, c, sec, failed in runs],
    ]  # fmt: skip
    return out


@dataclass
class RealRow:
    configuration: str
    events_f1: float | None
    actors_f1: float | None
    casualties_f1: float | None
    sub_event_type_accuracy: float | None
    seconds_per_article: float | None
    failed: int
    source: str


REAL_MODEL_CONFIGS: tuple[tuple[str, Literal["single", "sentences"], Arbiter], ...] = (
    ("embedded (SmolLM2-135M), sentences, arbiter code", "sentences", "code"),
    ("embedded (SmolLM2-135M), sentences, arbiter model", "sentences", "model"),
    ("embedded (SmolLM2-135M), single", "single", "code"),
)


def _score_real(label: str, settings: Settings, source: str) -> RealRow:
    import time

    gold, _, texts = load_gold_dir(REALDEV)
    start = time.perf_counter()
    extractor = Extractor(settings)
    pred: dict[str, Document] = {}
    failed = 0
    for doc_id in sorted(gold):
        result = extractor.extract(texts[doc_id], published=gold[doc_id].published, doc_id=doc_id)
        if result.document is None:
            failed += 1
        else:
            pred[doc_id] = result.document
    seconds = (time.perf_counter() - start) / max(len(gold), 1)
    m = evaluate(gold, pred, texts).metrics
    return RealRow(
        label, m.get("events.f1"), m.get("actors.f1"), m.get("casualties.f1"),
        m.get("events.sub_event_type_accuracy"), seconds, failed, source,
    )  # fmt: skip


def measure_real(live_model: bool = False) -> list[RealRow]:
    """The rules live on bench/realdev; the embedded model live with `live_model`, else
    the figures recorded in `bench/history.py`."""
    rows = [_score_real("rules (no model)", Settings(backend="rules", cache=False, runlog=False),
                        "live")]  # fmt: skip
    for label, strategy, arbiter in REAL_MODEL_CONFIGS:
        if live_model:
            settings = Settings(
                backend="embedded", strategy=strategy, arbiter=arbiter, cache=False, runlog=False
            )
            rows.append(_score_real(label, settings, "live"))
        elif label in EMBEDDED_REALDEV:
            e, a, c, sub, sec, failed = EMBEDDED_REALDEV[label]
            rows.append(
                RealRow(label, e, a, c, sub, sec, failed, f"recorded live at {EMBEDDED_REALDEV_AT}")
            )
    return rows


def render_real(rows: list[RealRow]) -> list[str]:
    gold, _, _ = load_gold_dir(REALDEV)
    required = sum(1 for g in gold.values() for e in g.events if not e.optional)
    e0, a0, c0 = REALDEV_RULES_START
    out = [
        "## Quality on real text: bench/realdev",
        "",
        f"{len(gold)} real public-domain conflict reports (VOA staff stories and U.S. "
        f"Government statements, 2010-2019; {required} required events), annotated by two "
        "annotators before anyone had seen the code's output on them "
        "(`bench/realdev/README.md`). It is the development set: rule changes since it "
        "was annotated were judged on its aggregate figures, so they are optimistic for "
        f"text the project has never seen. The rules scored {e0:.2f} / {a0:.2f} / {c0:.2f} "
        "(events / actors / casualties F1) on it at the start of that work (e3eebb5).",
        "",
        "| configuration | events F1 | actors F1 | casualties F1 | sub-type acc. "
        "| s/article | failed | source |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    out += [
        f"| {r.configuration} | {_f(r.events_f1)} | {_f(r.actors_f1)} | {_f(r.casualties_f1)} "
        f"| {_f(r.sub_event_type_accuracy)} | {_f(r.seconds_per_article)} | {r.failed} "
        f"| {r.source} |"
        for r in rows
    ]
    return out


if __name__ == "__main__":
    import sys

    live = "--live-model" in sys.argv
    sections = [render_real(measure_real(live)), render(measure())]
    sections.append(render_invented(measure_invented()))
    print("\n\n".join("\n".join(lines) for lines in sections))
