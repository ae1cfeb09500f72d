"""What a document's tokens cost: the shipped price table (or the user's) by model."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.resources import files
from pathlib import Path

from llm_extract.errors import ConfigurationError
from llm_extract.models import Usage

PriceTable = dict[str, dict[str, float]]


@lru_cache(maxsize=8)
def load_prices(path: Path | None = None) -> PriceTable:
    """Model -> {"input", "output"} USD per 1M tokens; the shipped table unless `path`."""
    try:
        raw = (
            path.read_text(encoding="utf-8")
            if path is not None
            else files("llm_extract").joinpath("data/prices.json").read_text(encoding="utf-8")
        )
        data = json.loads(raw)
        models = data.get("models", data)
        return {
            str(name): {"input": float(p["input"]), "output": float(p["output"])}
            for name, p in models.items()
            if isinstance(p, dict)
        }
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ConfigurationError(
            f"price table {path or 'prices.json'} is unreadable ({exc}); expected "
            '{"models": {"<model>": {"input": <USD/1M>, "output": <USD/1M>}}}'
        ) from exc


def cost_usd(usage: Usage, model: str, table: PriceTable) -> float | None:
    """What the tokens cost, or None for a model the table does not price.

    Dated snapshots ("gpt-4o-mini-2024-07-18") match their longest priced prefix.
    """
    price = table.get(model)
    if price is None:
        prefixes = [m for m in table if model.startswith(m + "-")]
        price = table[max(prefixes, key=len)] if prefixes else None
    if price is None:
        return None
    cost = usage.prompt_tokens * price["input"] + usage.completion_tokens * price["output"]
    return round(cost / 1_000_000, 8)


def priced(usage: Usage, model: str, table: PriceTable) -> Usage:
    """`usage` with its cost filled in (None for an unpriced model)."""
    return usage.model_copy(update={"cost_usd": cost_usd(usage, model, table)})
