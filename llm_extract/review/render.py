"""Stage 2 of the review page: render the page data as one self-contained HTML file.

The events table and each article with its highlighted evidence are rendered here (so
the page reads without its script, and a test can count rows without a browser); the
script in `assets/review.js` makes them sortable, filterable, linked both ways and
editable. The CSS and script are package data inlined by jinja2: one offline file, no
CDN, nothing fetched.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import resources
from typing import Any

import jinja2
from markupsafe import Markup

from llm_extract.export.html import TYPE_CLASS, TYPE_COLOUR, Mark, highlight_text, json_for_script
from llm_extract.ontology import EventType
from llm_extract.review.data import KINDS, ReviewDoc, page_data

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("llm_extract.review", "assets"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    keep_trailing_newline=True,
)
_CLASS_OF = {t.value: c for t, c in TYPE_CLASS.items()}
_KIND_CLASS = {"events": "ev", "casualties": "cas", "actors": "act"}
FLAG_LABELS = {
    "model_agrees": "model agrees",
    "model_only": "model only",
    "ungrounded": "ungrounded",
    "location_not_in_text": "place not in text",
}


def flag_label(flag: str) -> str:
    """Short badge text for a record flag (`disputed: ...` shows as `disputed`)."""
    return "disputed" if flag.startswith("disputed") else FLAG_LABELS.get(flag, flag)


def format_date(date: Mapping[str, Any]) -> str:
    """`2016-01-12`, `2016-01-05 – 2016-01-11 (week)`, or `undated`."""
    start, end, precision = date.get("start"), date.get("end"), date.get("precision")
    if not start and not end:
        return "undated"
    shown = str(start or "?") if not end or end == start else f"{start or '?'} – {end}"
    return shown if precision == "day" else f"{shown} ({precision})"


def format_count(count: Mapping[str, Any] | None) -> str:
    """`21`, `120+` (no upper bound), `10–15`, or empty when no figure."""
    if not count:
        return ""
    low, best, high = count.get("low"), count.get("best"), count.get("high")
    if best is None and low is None and high is None:
        return "?"
    shown = str(best if best is not None else low)
    if high is None:
        return f"{shown}+"
    return shown if high == best else f"{shown}–{high}"


def _row(doc: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, Any]:
    rec = item["rec"]
    names = {a["rec"]["id"]: a["rec"]["name"] for a in doc["records"]["actors"]}
    flags = [flag_label(f) for f in rec.get("flags", [])]
    if rec.get("optional"):
        flags.append("optional")
    count = rec.get("fatalities")
    return {
        "rid": item["rid"],
        "doc": doc["i"],
        "doc_id": doc["doc_id"],
        "id": rec["id"],
        "status": item["status"],
        "type_class": _CLASS_OF.get(rec["event_type"], ""),
        "date": format_date(rec.get("date") or {}),
        "date_sort": (rec.get("date") or {}).get("start") or "",
        "event_type": rec["event_type"],
        "sub_event_type": rec["sub_event_type"],
        "place": (rec.get("location") or {}).get("name") or "",
        "admin1": (rec.get("location") or {}).get("admin1") or "",
        "actor1": "; ".join(names.get(i, i) for i in rec.get("actor1", [])),
        "actor2": "; ".join(names.get(i, i) for i in rec.get("actor2", [])),
        "fatalities": format_count(count),
        "fatalities_sort": (count or {}).get("best") if count else "",
        "flags": flags,
    }


def _highlighted(doc: Mapping[str, Any], text: str) -> Markup:
    """The article text with every record's spans marked (rejected ones greyed)."""
    marks: list[Mark] = []
    for kind in KINDS:
        for item in doc["records"][kind]:
            classes = [_KIND_CLASS[kind]]
            if kind == "events":
                classes.append(_CLASS_OF.get(item["rec"]["event_type"], ""))
            if item["status"] == "rejected":
                classes.append("rej")
            marks += [Mark(s, e, item["rid"], tuple(classes)) for s, e in item["spans"]]
    return Markup(highlight_text(text, marks))  # highlight_text escapes the text


def _asset(name: str) -> str:
    """A package data file inlined into the page (no file is fetched when it opens)."""
    return (resources.files("llm_extract.review") / "assets" / name).read_text("utf-8")


def _type_css() -> str:
    return "\n".join(
        f".hl.ev.{c}{{background:{TYPE_COLOUR[t]}}} tr.{c} td.c-type{{"
        f"border-left:6px solid {TYPE_COLOUR[t]}}} .key.{c}{{background:{TYPE_COLOUR[t]}}}"
        for t, c in TYPE_CLASS.items()
    )


def _summary(data: Mapping[str, Any]) -> dict[str, int]:
    events = [i for d in data["docs"] for i in d["records"]["events"]]
    flags = [flag_label(f) for i in events for f in i["rec"].get("flags", [])]
    return {
        "articles": len(data["docs"]),
        "events": len(events),
        "disputed": flags.count("disputed"),
        "model only": flags.count("model only"),
        "ungrounded": flags.count("ungrounded"),
        "dropped": sum(d["dropped"] for d in data["docs"]),
        "figures with no event": sum(
            1 for d in data["docs"] for i in d["records"]["casualties"] if not i["rec"].get("event")
        ),
        "optional": sum(
            1
            for d in data["docs"]
            for k in ("events", "casualties")
            for i in d["records"][k]
            if i["rec"].get("optional")
        ),
    }


def render_review_page(
    docs: Sequence[ReviewDoc], *, title: str = "llm-extract review", source: str = ""
) -> str:
    """The review page for these documents, as one HTML string."""
    data = page_data(docs, source)
    texts = {d.doc_id: d.text for d in docs}
    sections = []
    for doc in data["docs"]:
        text = texts.get(doc["doc_id"])
        sections.append(
            {
                **doc,
                "text_html": _highlighted(doc, text) if text is not None else None,
                "flags": sorted(
                    {flag_label(f) for i in doc["records"]["events"] for f in i["rec"]["flags"]}
                ),
            }
        )
    rows = [_row(d, item) for d in data["docs"] for item in d["records"]["events"]]
    present = [t for t in EventType if any(r["event_type"] == t.value for r in rows)]
    template = _ENV.get_template("page.html.j2")
    return template.render(
        title=title,
        rows=rows,
        docs=sections,
        summary=_summary(data),
        legend=[(t.value, TYPE_CLASS[t]) for t in present],
        css=Markup(_asset("review.css") + _type_css()),
        js=Markup(_asset("review.js")),
        data=Markup(json_for_script(data)),  # escaped for a <script> element
    )
