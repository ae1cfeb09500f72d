"""Regression evaluation: score predicted records against gold (FORMAT.md "Scoring").

Typical use::

    gold, gold_issues, texts = load_gold_dir("seeds/gold")
    pred, pred_issues = load_predictions("runs/latest.jsonl")
    report = evaluate(gold, pred, texts)
    regressions = compare_to_baseline(report, load_baseline("baseline.json"), 0.02)

Choices where FORMAT.md is silent:

- Assignment is lexicographic: most matches to required gold items, then most matches,
  then the largest agreement bonus (sub-type, exact date, location, actors for events;
  name, similarity, type for actors; best, victim type, event link for casualties).
- `events.actor_agreement`: mean over matched pairs of (Jaccard(actor1) + Jaccard(actor2))
  / 2 on canonical names; a predicted actor matched to a gold actor takes the gold name;
  two empty sides agree fully. `events.event_type_accuracy` is 1.0 by construction
  (matching requires the same event type) and is kept for completeness.
- Counts: range [low, high], low falling back to best then 0, a None high unbounded; an
  all-None count ("several") matches only another all-None count.
- `casualties.best_exact` and `casualties.mae` use matched pairs where both `best` are set.
- Dates: an open start or end is unbounded on that side; no date matches only no date.
- Evidence: predicted event and casualty quotes of scored documents with known text.
- Metrics with nothing to divide by are None; F1 is 2TP / (2TP + FP + FN).
- Baseline: tolerance is absolute; `casualties.mae` regresses when it rises; a metric
  defined in the baseline and undefined now is a regression, one undefined in the
  baseline never is.
- Gold: invalid files are skipped (error); evidence not in the article, missing article
  text and dangling links are warnings and the document is still scored.
"""

from llm_extract.evaluate.baseline import (
    BaselineError,
    Regression,
    compare_to_baseline,
    load_baseline,
    save_baseline,
)
from llm_extract.evaluate.loading import LoadIssue, load_gold_dir, load_predictions
from llm_extract.evaluate.metrics import (
    LOWER_IS_BETTER,
    METRIC_NAMES,
    Counts,
    DocumentReport,
    EvalReport,
    evaluate,
)
from llm_extract.evaluate.report import render_report, report_json, report_markdown

__all__ = [
    "LOWER_IS_BETTER",
    "METRIC_NAMES",
    "BaselineError",
    "Counts",
    "DocumentReport",
    "EvalReport",
    "LoadIssue",
    "Regression",
    "compare_to_baseline",
    "evaluate",
    "load_baseline",
    "load_gold_dir",
    "load_predictions",
    "render_report",
    "report_json",
    "report_markdown",
    "save_baseline",
]
