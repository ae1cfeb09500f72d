"""A self-contained HTML page to review a run: each article with its evidence highlighted.

A reviewer checks extraction by reading: which sentence made this event, which words
named that actor. The page shows every article's text with event evidence shaded by
event type, casualty evidence underlined and actor mentions outlined; clicking a
highlight or a record chip shows the record's fields in a side panel, and events that
consolidation merged across articles link to each other. One file, no external
resources (it opens offline and can be mailed), all article text HTML-escaped.
"""

from __future__ import annotations

import html
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from llm_extract.consolidate import ConsolidatedEvent, consolidate, documents_of
from llm_extract.grounding import align, find_mentions
from llm_extract.models import (
    Actor,
    Casualty,
    Document,
    Event,
    ExtractionResult,
    Span,
)
from llm_extract.ontology import EventType

TYPE_CLASS: dict[EventType, str] = {
    EventType.BATTLES: "t-battles",
    EventType.EXPLOSIONS: "t-explosions",
    EventType.VIOLENCE_AGAINST_CIVILIANS: "t-vac",
    EventType.PROTESTS: "t-protests",
    EventType.RIOTS: "t-riots",
    EventType.STRATEGIC_DEVELOPMENTS: "t-strategic",
}
TYPE_COLOUR: dict[EventType, str] = {
    EventType.BATTLES: "#f6c8a0",
    EventType.EXPLOSIONS: "#f4a6a6",
    EventType.VIOLENCE_AGAINST_CIVILIANS: "#d7b8f0",
    EventType.PROTESTS: "#b6dcf7",
    EventType.RIOTS: "#f7e29a",
    EventType.STRATEGIC_DEVELOPMENTS: "#bfe6c3",
}


@dataclass(frozen=True)
class Mark:
    """One highlighted stretch of article text: which record, and its CSS classes."""

    start: int
    end: int
    rid: str
    classes: tuple[str, ...]


def _valid(span: Span, text: str) -> tuple[int, int] | None:
    if span.start is None or span.end is None:
        return None
    start, end = max(0, span.start), min(len(text), span.end)
    return (start, end) if start < end else None


def event_spans(event: Event, text: str) -> list[tuple[int, int]]:
    """Record spans when it has them, else its evidence aligned now (gold has none)."""
    found = [s for s in (_valid(sp, text) for sp in event.spans) if s]
    if found or not text:
        return found
    return [s for s in (_valid(align(q, text), text) for q in event.evidence) if s]


def casualty_spans(cas: Casualty, text: str) -> list[tuple[int, int]]:
    """Record spans when it has them, else its evidence aligned now."""
    found = [s for s in (_valid(sp, text) for sp in cas.spans) if s]
    if found or not text or not cas.evidence:
        return found
    span = _valid(align(cas.evidence, text), text)
    return [span] if span else []


def actor_spans(actor: Actor, text: str) -> list[tuple[int, int]]:
    """Every place the article names the actor, not only the first (the record's spans)."""
    found = {s for s in (_valid(sp, text) for sp in actor.spans) if s}
    if text:
        for mention in actor.mentions:
            found.update(s for s in (_valid(sp, text) for sp in find_mentions(mention, text)) if s)
    return sorted(found)


def highlight_text(text: str, marks: Sequence[Mark]) -> str:
    """The text as escaped HTML, each stretch covered by marks wrapped in one <span>
    carrying all their classes and record ids (so overlapping records nest cleanly)."""
    cuts = sorted({0, len(text), *(m.start for m in marks), *(m.end for m in marks)})
    out: list[str] = []
    for a, b in itertools.pairwise(cuts):
        piece = html.escape(text[a:b], quote=False)
        cover = [m for m in marks if m.start <= a and b <= m.end]
        if not cover:
            out.append(piece)
            continue
        classes = sorted({"hl", *(c for m in cover for c in m.classes)})
        rids = " ".join(dict.fromkeys(m.rid for m in cover))
        out.append(f'<span class="{" ".join(classes)}" data-r="{html.escape(rids)}">{piece}</span>')
    return "".join(out)


def _dump(record: Event | Casualty | Actor, doc: Document) -> dict[str, Any]:
    data = record.model_dump(mode="json", exclude={"spans"})
    names = {a.id: a.name for a in doc.actors}
    for side in ("actor1", "actor2", "perpetrator"):
        if side in data:
            data[side] = [f"{names.get(i, i)} ({i})" for i in data[side]]
    return data


def _label(record: Event | Casualty | Actor) -> str:
    if isinstance(record, Event):
        place = record.location.name or record.location.admin1 or "?"
        day = record.date.start.isoformat() if record.date.start else "undated"
        return f"{record.id} · {record.sub_event_type.value} · {place} · {day}"
    if isinstance(record, Casualty):
        best = record.count.best if record.count.best is not None else "?"
        return f"{record.id} · {best} {record.outcome.value}"
    return f"{record.id} · {record.name}"


def _chip(rid: str, kind: str, label: str, classes: str, linked: bool) -> str:
    badge = ' <b class="lnk" title="merged with another article">⇄</b>' if linked else ""
    return (
        f'<button type="button" class="chip {kind} {classes}" data-r="{html.escape(rid)}">'
        f"{html.escape(label)}{badge}</button>"
    )


def _doc_section(
    index: int,
    doc: Document,
    text: str | None,
    warnings: Sequence[str],
    records: dict[str, dict[str, Any]],
    link_of: Mapping[tuple[str, str], str],
) -> str:
    body = text or ""
    marks: list[Mark] = []
    chips: list[str] = []

    def add(
        record: Event | Casualty | Actor,
        kind: str,
        spans: list[tuple[int, int]],
        css: str = "",
        group: str | None = None,
    ) -> None:
        """One record: its highlights, its side-panel entry and its chip."""
        rid = f"r{index}-{record.id}"
        marks.extend(Mark(s, e, rid, (kind, css) if css else (kind,)) for s, e in spans)
        records[rid] = {
            "kind": {"ev": "event", "cas": "casualty", "act": "actor"}[kind],
            "doc": doc.doc_id,
            "title": f"{doc.doc_id} · {_label(record)}",
            "fields": _dump(record, doc),
            "spans": spans,
            "group": group,
        }
        chips.append(_chip(rid, kind, _label(record), css, group is not None))

    for event in doc.events:
        add(
            event,
            "ev",
            event_spans(event, body),
            TYPE_CLASS[event.event_type],
            link_of.get((doc.doc_id, event.id)),
        )
    for cas in doc.casualties:
        add(cas, "cas", casualty_spans(cas, body))
    for actor in doc.actors:
        add(actor, "act", actor_spans(actor, body))
    meta = " · ".join(html.escape(str(x)) for x in (doc.source, doc.published) if x is not None)
    counts = f"{len(doc.events)} events, {len(doc.casualties)} casualties, {len(doc.actors)} actors"
    article = (
        f'<div class="text">{highlight_text(body, marks)}</div>'
        if text is not None
        else '<p class="missing">Article text not available (pass --texts DIR).</p>'
    )
    warn = ""
    if warnings:
        items = "".join(f"<li>{html.escape(w)}</li>" for w in warnings)
        warn = (
            f'<details class="warn"><summary>{len(warnings)} warnings</summary>'
            f"<ul>{items}</ul></details>"
        )
    return (
        f'<section class="doc" id="doc{index}"><h2>{html.escape(doc.doc_id)}</h2>'
        f'<p class="meta">{meta} — {counts}</p>{warn}'
        f'<div class="chips">{"".join(chips)}</div>{article}</section>'
    )


def _groups_section(
    groups: Sequence[ConsolidatedEvent], rid_of: Mapping[tuple[str, str], str]
) -> str:
    if not groups:
        return ""
    rows = []
    for g in groups:
        links = " = ".join(
            _chip(rid_of[(s.doc_id, s.event_id)], "ev", s.key, TYPE_CLASS[g.event_type], False)
            if (s.doc_id, s.event_id) in rid_of
            else html.escape(s.key)
            for s in g.sources
        )
        place = html.escape(g.location.name or "?")
        rows.append(
            f"<li><b>{html.escape(g.id)}</b> {html.escape(g.sub_event_type.value)} at "
            f"{place}: {links}</li>"
        )
    return (
        '<section class="groups"><h2>Events reported by several articles</h2>'
        f"<ul>{''.join(rows)}</ul></section>"
    )


def json_for_script(data: object) -> str:
    """JSON that cannot end its <script> element or open a comment."""
    raw = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return raw.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def build_review_page(
    results: Iterable[ExtractionResult] | Iterable[Document],
    texts: Mapping[str, str],
    *,
    consolidated: Sequence[ConsolidatedEvent] | None = None,
    title: str = "llm-extract review",
) -> str:
    """The review page for a run (or gold documents) as one HTML string.

    `texts` maps doc_id to the article text the offsets refer to. Records without spans
    (gold files) are aligned to the text here. `consolidated` defaults to
    `consolidate(results)`; its multi-source events become links between records.
    """
    items: list[ExtractionResult | Document] = list(results)
    warnings = {r.doc_id: r.warnings for r in items if isinstance(r, ExtractionResult) and r.ok}
    docs = documents_of(items)
    groups = list(consolidate(docs) if consolidated is None else consolidated)
    merged = [g for g in groups if len(g.sources) > 1]
    rid_of = {(d.doc_id, e.id): f"r{i}-{e.id}" for i, d in enumerate(docs) for e in d.events}
    link_of = {(s.doc_id, s.event_id): g.id for g in merged for s in g.sources}
    records: dict[str, dict[str, Any]] = {}
    sections = [
        _doc_section(i, d, texts.get(d.doc_id), warnings.get(d.doc_id, []), records, link_of)
        for i, d in enumerate(docs)
    ]
    group_data = {
        g.id: [
            rid_of[(s.doc_id, s.event_id)] for s in g.sources if (s.doc_id, s.event_id) in rid_of
        ]
        for g in merged
    }
    present = sorted({e.event_type for d in docs for e in d.events}, key=list(EventType).index)
    filters = "".join(
        f'<label class="f {TYPE_CLASS[t]}"><input type="checkbox" checked '
        f'data-hide="hide-{TYPE_CLASS[t]}"> {html.escape(t.value)}</label>'
        for t in present
    )
    filters += (
        '<label class="f kind-cas"><input type="checkbox" checked data-hide="hide-cas"> '
        "casualties</label>"
        '<label class="f kind-act"><input type="checkbox" checked data-hide="hide-act"> '
        "actors</label>"
    )
    data = {"records": records, "groups": group_data}
    return _PAGE.format(
        title=html.escape(title),
        css=_CSS + _type_css(),
        filters=filters,
        summary=html.escape(
            f"{len(docs)} articles · {sum(len(d.events) for d in docs)} events · "
            f"{len(merged)} merged across articles"
        ),
        groups=_groups_section(merged, rid_of),
        sections="".join(sections),
        data=json_for_script(data),
        js=_JS,
    )


def _type_css() -> str:
    rules = []
    for t, cls in TYPE_CLASS.items():
        colour = TYPE_COLOUR[t]
        rules.append(
            f".hl.ev.{cls}{{background:{colour}}} .chip.{cls}{{border-left:8px solid {colour}}}"
            f" label.{cls}{{border-bottom:4px solid {colour}}}"
            f" body.hide-{cls} .hl.ev.{cls}{{background:none}}"
            f" body.hide-{cls} .chip.{cls}{{display:none}}"
        )
    return "\n".join(rules)


_CSS = """
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;
 background:#f4f4f1}
header{position:sticky;top:0;z-index:2;background:#2b2d42;color:#fff;padding:8px 16px}
header h1{font-size:18px;margin:0 12px 0 0;display:inline}
header .sum{opacity:.8;font-size:13px}
.filters{margin-top:6px;display:flex;flex-wrap:wrap;gap:6px}
.f{background:#fff;color:#222;border-radius:4px;padding:1px 8px;font-size:13px;cursor:pointer}
.f.kind-cas{border-bottom:4px solid #c0392b}.f.kind-act{border-bottom:4px dashed #34495e}
main{display:grid;grid-template-columns:minmax(0,1fr) 380px;gap:16px;padding:16px}
.doc,.groups{background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px 16px;
 margin-bottom:16px}
.doc h2,.groups h2{font-size:16px;margin:0}
.meta{color:#666;font-size:13px;margin:2px 0 8px}
.text{white-space:pre-wrap;font:15px/1.65 Georgia,"Times New Roman",serif;
 border-top:1px solid #eee;padding-top:8px}
.missing{color:#a00}
.chips{display:flex;flex-wrap:wrap;gap:4px;margin-bottom:8px}
.chip{font:12px system-ui,sans-serif;border:1px solid #ccc;background:#fafafa;
 border-radius:3px;padding:1px 6px;cursor:pointer;text-align:left}
.chip.cas{border-left:8px solid #c0392b}.chip.act{border-left:8px dashed #34495e}
.chip.sel{outline:2px solid #2b2d42}
.lnk{color:#1a5fb4}
.hl{cursor:pointer;border-radius:2px}
.hl.cas{text-decoration:underline 3px #c0392b;text-underline-offset:3px}
.hl.act{outline:1px dashed #34495e;font-weight:600}
.hl.sel{box-shadow:0 0 0 2px #2b2d42}
body.hide-cas .hl.cas{text-decoration:none} body.hide-cas .chip.cas{display:none}
body.hide-act .hl.act{outline:none;font-weight:inherit} body.hide-act .chip.act{display:none}
aside{position:sticky;top:90px;align-self:start;max-height:calc(100vh - 110px);overflow:auto;
 background:#fff;border:1px solid #ddd;border-radius:6px;padding:12px;font-size:13px}
aside h3{font-size:14px;margin:0 0 6px}
aside table{border-collapse:collapse;width:100%}
aside td{border-top:1px solid #eee;padding:3px 4px;vertical-align:top;word-break:break-word}
aside td:first-child{color:#666;white-space:nowrap}
aside .rec{margin-bottom:14px}
aside .links a{color:#1a5fb4;cursor:pointer;margin-right:8px}
.warn{font-size:13px;color:#8a5a00}
"""

_JS = """
(function(){
var data=JSON.parse(document.getElementById('review-data').textContent);
var R=data.records, G=data.groups;
function el(tag,text,cls){var e=document.createElement(tag);if(text!=null)e.textContent=text;
 if(cls)e.className=cls;return e;}
function fmt(v){return (v!==null&&typeof v==='object')?JSON.stringify(v):String(v);}
function clearSel(){document.querySelectorAll('.sel').forEach(function(e){
 e.classList.remove('sel');});}
function mark(rid){document.querySelectorAll('[data-r]').forEach(function(e){
 if(e.getAttribute('data-r').split(' ').indexOf(rid)>=0)e.classList.add('sel');});}
function card(rid){var r=R[rid];var box=el('div',null,'rec');box.appendChild(el('h3',r.title));
 if(r.group&&G[r.group]){var l=el('div','Same event as: ','links');
  G[r.group].forEach(function(o){if(o===rid)return;var a=el('a',R[o]?R[o].title:o);
   a.addEventListener('click',function(){select([o],true);});l.appendChild(a);});
  box.appendChild(l);}
 var t=el('table');Object.keys(r.fields).forEach(function(k){var v=r.fields[k];
  if(v===null||(Array.isArray(v)&&!v.length)||v===false)return;var tr=el('tr');
  tr.appendChild(el('td',k));tr.appendChild(el('td',fmt(v)));t.appendChild(tr);});
 if(!r.spans.length){var tr=el('tr');tr.appendChild(el('td','spans'));
  tr.appendChild(el('td','not found in the text'));t.appendChild(tr);}
 box.appendChild(t);return box;}
function select(rids,scroll){clearSel();var panel=document.getElementById('panel');
 panel.textContent='';rids.forEach(function(rid){if(!R[rid])return;mark(rid);
  panel.appendChild(card(rid));});
 if(scroll){var first=document.querySelector('.text .sel');
  if(first)first.scrollIntoView({block:'center'});}}
document.addEventListener('click',function(ev){var t=ev.target.closest('[data-r]');
 if(!t)return;var rids=t.getAttribute('data-r').split(' ');
 select(rids,t.classList.contains('chip'));});
document.querySelectorAll('input[data-hide]').forEach(function(box){
 box.addEventListener('change',function(){
  document.body.classList.toggle(box.getAttribute('data-hide'),!box.checked);});});
function fromHash(){var h=decodeURIComponent(location.hash.slice(1));
 if(h&&R[h])select([h],false);}
window.addEventListener('hashchange',fromHash);fromHash();
})();
"""

_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy"
 content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>{title}</title><style>{css}</style></head>
<body><header><h1>{title}</h1><span class="sum">{summary}</span>
<div class="filters">{filters}</div></header>
<main><div class="docs">{groups}{sections}</div>
<aside id="panel"><h3>Record</h3><p>Click a highlight or a record to see its fields.
Shading: event evidence by event type; red underline: casualties; dashed box: actor mentions.</p>
</aside></main>
<script type="application/json" id="review-data">{data}</script>
<script>{js}</script>
</body></html>
"""
