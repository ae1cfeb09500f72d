/* llm-extract review page: table <-> evidence, accept/reject/edit, add from a selection, gold export. */
(function () {
'use strict';
var D = JSON.parse(document.getElementById('review-data').textContent);
var V = D.vocabulary, DOCS = D.docs, KINDS = ['events', 'actors', 'casualties'];
var R = {};  // rid -> {doc, kind, item}; item = {rid, rec, status, spans, before?}
var dirty = false, current = null, picked = null;
DOCS.forEach(function (d) {
  KINDS.forEach(function (k) {
    d.records[k].forEach(function (it) { R[it.rid] = {doc: d.i, kind: k, item: it}; it.added = it.status === 'added'; });
  });
});

function $(s, root) { return (root || document).querySelector(s); }
function $$(s, root) { return Array.from((root || document).querySelectorAll(s)); }
function el(tag, attrs, text) {
  var e = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
  if (text != null) e.textContent = text;
  return e;
}
function clone(o) { return JSON.parse(JSON.stringify(o)); }
function rids(node) { return (node.getAttribute('data-r') || '').split(' ').filter(Boolean); }

/* --- formatting: the same rules as render.py ------------------------------------------ */
var FLAGS = {model_agrees: 'model agrees', model_only: 'model only', ungrounded: 'ungrounded',
  location_not_in_text: 'place not in text'};
function flagLabel(f) { return f.indexOf('disputed') === 0 ? 'disputed' : (FLAGS[f] || f); }
function fmtDate(d) {
  d = d || {};
  if (!d.start && !d.end) return 'undated';
  var s = (!d.end || d.end === d.start) ? String(d.start || '?') : (d.start || '?') + ' – ' + d.end;
  return d.precision === 'day' ? s : s + ' (' + d.precision + ')';
}
function fmtCount(c) {
  if (!c) return '';
  if (c.best == null && c.low == null && c.high == null) return '?';
  var s = String(c.best != null ? c.best : c.low);
  if (c.high == null) return s + '+';
  return c.high === c.best ? s : s + '–' + c.high;
}
function actorName(doc, id) {
  var a = DOCS[doc].records.actors.filter(function (x) { return x.rec.id === id; })[0];
  return a ? a.rec.name : id;
}
function flagsOf(rec) { return (rec.flags || []).map(flagLabel).concat(rec.optional ? ['optional'] : []); }
function badge(f) { return el('span', {'class': 'flag f-' + f.replace(/ /g, '-')}, f); }

/* --- the events table ------------------------------------------------------------------ */
var COLS = ['doc', 'id', 'date', 'type', 'sub', 'place', 'admin1', 'actor1', 'actor2', 'fat', 'flags', 'status'];
function rowOf(rid) { return $('#events tbody tr[data-r="' + rid + '"]'); }
function fillRow(rid) {
  var ref = R[rid], r = ref.item.rec, tr = rowOf(rid);
  if (!tr) {
    tr = el('tr', {'data-r': rid, 'data-doc': String(ref.doc)});
    COLS.forEach(function (c) { tr.appendChild(el('td', {'class': 'c-' + c})); });
    $('#events tbody').appendChild(tr);
    $('#no-rows').hidden = true;
  }
  var loc = r.location || {}, cells = {  // column -> text
    doc: DOCS[ref.doc].doc_id, id: r.id, date: fmtDate(r.date), type: r.event_type, sub: r.sub_event_type,
    place: loc.name || '', admin1: loc.admin1 || '',
    actor1: (r.actor1 || []).map(function (i) { return actorName(ref.doc, i); }).join('; '),
    actor2: (r.actor2 || []).map(function (i) { return actorName(ref.doc, i); }).join('; '),
    fat: fmtCount(r.fatalities), status: ref.item.status};
  COLS.forEach(function (c) {
    var td = $('td.c-' + c, tr);
    if (c === 'flags') { td.textContent = ''; flagsOf(r).forEach(function (f) { td.appendChild(badge(f)); }); }
    else td.textContent = cells[c];
  });
  $('td.c-date', tr).setAttribute('data-sort', (r.date && r.date.start) || '');
  $('td.c-fat', tr).setAttribute('data-sort', r.fatalities && r.fatalities.best != null ? r.fatalities.best : '');
  tr.className = (V.type_class[r.event_type] || '') + ' st-' + ref.item.status + (current === rid ? ' sel' : '');
}
function refreshDoc(doc) {
  DOCS[doc].records.events.forEach(function (it) { fillRow(it.rid); });
  DOCS[doc].records.actors.concat(DOCS[doc].records.casualties).forEach(function (it) { chip(it.rid); });
}
$$('#events thead th').forEach(function (th, col) {
  th.addEventListener('click', function () {
    var asc = !th.classList.contains('asc'), num = th.hasAttribute('data-num');
    $$('#events thead th').forEach(function (h) { h.classList.remove('asc', 'desc'); });
    th.classList.add(asc ? 'asc' : 'desc');
    var body = $('#events tbody'), rows = $$('tr', body);
    function key(tr) {
      var td = tr.children[col], v = td.hasAttribute('data-sort') ? td.getAttribute('data-sort') : td.textContent;
      return num ? (v === '' ? -1 : Number(v)) : v.toLowerCase();
    }
    rows.sort(function (a, b) { var x = key(a), y = key(b); return (x < y ? -1 : x > y ? 1 : 0) * (asc ? 1 : -1); });
    rows.forEach(function (tr) { body.appendChild(tr); });
  });
});
function applyFilters() {
  var want = $$('#events thead input').map(function (i) { return [COLS.indexOf(i.getAttribute('data-col')), i.value.trim().toLowerCase()]; });
  $$('#events tbody tr').forEach(function (tr) {
    tr.hidden = !want.every(function (w) { return !w[1] || tr.children[w[0]].textContent.toLowerCase().indexOf(w[1]) >= 0; });
  });
}
$$('#events thead input').forEach(function (i) { i.addEventListener('input', applyFilters); });

/* --- chips, highlights and the two-way link ------------------------------------------- */
function chip(rid) {
  var ref = R[rid], it = ref.item, r = it.rec, c = $('.chip[data-r="' + rid + '"]');
  if (!c) { c = el('button', {type: 'button', 'data-r': rid}); $('.chips[data-doc="' + ref.doc + '"]').appendChild(c); }
  c.className = 'chip ' + (ref.kind === 'actors' ? 'act' : 'cas') + ' st-' + it.status + (current === rid ? ' sel' : '');
  c.textContent = ref.kind === 'actors' ? r.id + ' · ' + r.name
    : r.id + ' · ' + (r.count.best != null ? r.count.best : '?') + ' ' + r.outcome;
  if (ref.kind === 'casualties' && (r.optional || !r.event)) c.append(' ', badge(r.optional ? 'background' : 'no event'));
}
function highlights(rid) { return $$('.text [data-r]').filter(function (e) { return rids(e).indexOf(rid) >= 0; }); }
function select(rid, from) {
  $$('.sel').forEach(function (e) { e.classList.remove('sel'); });
  current = rid;
  $$('[data-r]').forEach(function (e) { if (rids(e).indexOf(rid) >= 0) e.classList.add('sel'); });
  editor(rid);
  var hl = highlights(rid)[0], tr = rowOf(rid);
  if (from !== 'text' && hl) hl.scrollIntoView({block: 'center'});
  if (from !== 'row' && tr) { var box = $('.events'); box.scrollTop = tr.offsetTop - box.clientHeight / 2; }
  try { history.replaceState(null, '', '#' + rid); } catch (e) { /* some file:// pages refuse */ }
}
document.addEventListener('click', function (ev) {
  var t = ev.target;
  var tr = t.closest('#events tbody tr[data-r]');
  if (tr) return select(tr.getAttribute('data-r'), 'row');
  var c = t.closest('.chip[data-r]');
  if (c) return select(c.getAttribute('data-r'), 'chip');
  var hl = t.closest('.text [data-r]');
  if (!hl || !window.getSelection().isCollapsed) return;
  var all = [];
  for (var n = hl; n && n.classList && !n.classList.contains('text'); n = n.parentNode) all = all.concat(rids(n));
  var pick = all.filter(function (x) { return R[x] && R[x].kind === 'events'; })[0] || all[0];
  if (pick) select(pick, 'text');
});

/* --- the editor ------------------------------------------------------------------------ */
function get(o, path) { return path.split('.').reduce(function (a, k) { return a == null ? a : a[k]; }, o); }
function put(o, path, v) {
  var ks = path.split('.'), last = ks.pop();
  ks.forEach(function (k) { if (o[k] == null) o[k] = {}; o = o[k]; });
  o[last] = v;
}
function options(sel, values, chosen) {
  sel.textContent = '';
  values.forEach(function (v) { var o = el('option', {value: v}, v); if (v === chosen) o.selected = true; sel.appendChild(o); });
}
function row(form, label, input) { var r = el('div', {'class': 'row'}); r.appendChild(el('label', null, label)); r.appendChild(input); form.appendChild(r); return input; }
function field(form, rec, path, label, type, values) {
  var v = get(rec, path), input;
  if (values) { input = el('select'); options(input, values, v); }
  else if (type === 'checkbox') { input = el('input', {type: 'checkbox'}); input.checked = !!v; }
  else { input = el('input', {type: type || 'text'}); input.value = v == null ? '' : v; }
  input.setAttribute('data-path', path); input.setAttribute('data-type', type || 'text');
  return row(form, label, input);
}
function actorSelect(form, doc, rec, side) {
  var s = el('select', {multiple: '', 'data-side': side});
  DOCS[doc].records.actors.forEach(function (a) {
    if (a.status === 'rejected') return;
    var o = el('option', {value: a.rec.id}, a.rec.id + ' · ' + a.rec.name);
    o.selected = (rec[side] || []).indexOf(a.rec.id) >= 0; s.appendChild(o);
  });
  return row(form, side, s);
}
function countFields(form, rec, base, label) {
  var box = el('div', {'class': 'nums'});
  ['low', 'best', 'high'].forEach(function (k) {
    var i = el('input', {type: 'number', min: '0', placeholder: k, title: k, 'data-path': base + '.' + k, 'data-type': 'int'});
    var v = get(rec, base + '.' + k); i.value = v == null ? '' : v; box.appendChild(i);
  });
  row(form, label + ' low/best/high', box);
  field(form, rec, base + '.text', label + ' phrase');
}
function newActorBox(form, doc) {
  var box = el('div', {'class': 'newactor'});
  box.appendChild(el('div', null, 'New actor (selected text in the article becomes its mention):'));
  var name = el('input', {placeholder: 'name, e.g. Military Forces of Syria', 'class': 'na-name'});
  var type = el('select', {'class': 'na-type'}); options(type, V.actor_types, 'other');
  var country = el('input', {placeholder: 'country', 'class': 'na-country'});
  box.append(name, type, country);
  ['actor1', 'actor2'].forEach(function (side) {
    var b = el('button', {type: 'button', 'class': 'na-' + side}, 'add as ' + side);
    b.addEventListener('click', function () {
      if (!name.value.trim()) { msg('a new actor needs a name'); return; }
      var id = nextId(doc, 'actors', 'a'), mention = picked && picked.doc === doc ? [picked.quote] : [];
      var it = {rid: 'd' + doc + '-a-' + id, status: 'added', added: true, spans: [], rec: {id: id, name: name.value.trim(),
        mentions: mention, actor_type: type.value, country: country.value.trim() || null, optional: false, spans: [], flags: []}};
      DOCS[doc].records.actors.push(it); R[it.rid] = {doc: doc, kind: 'actors', item: it}; chip(it.rid);
      var s = $('select[data-side="' + side + '"]', form), o = el('option', {value: id}, id + ' · ' + it.rec.name);
      o.selected = true; s.appendChild(o); name.value = ''; dirty = true;
    });
    box.appendChild(b);
  });
  form.appendChild(box);
}
function msg(text) { var m = $('#panel .msg'); if (m) m.textContent = text; }
function editor(rid) {
  var ref = R[rid], it = ref.item, rec = it.rec, d = DOCS[ref.doc], p = $('#panel');
  p.textContent = '';
  p.appendChild(el('h3', null, d.doc_id + ' · ' + rec.id + ' · ' + ref.kind.replace(/ies$/, 'y').replace(/s$/, '')));
  p.appendChild(el('div', {'class': 'status'}, 'status: ' + it.status));
  var quotes = ref.kind === 'events' ? rec.evidence : ref.kind === 'casualties' ? [rec.evidence] : rec.mentions;
  (quotes || []).filter(Boolean).forEach(function (q) { p.appendChild(el('div', {'class': 'quote'}, q)); });
  if (ref.kind !== 'actors' && !it.spans.length) p.appendChild(badge('evidence not found in the text'));
  (rec.flags || []).forEach(function (f) { p.appendChild(el('div', {'class': 'flagline'}, f)); });
  var form = el('form', {'class': 'edit'});
  if (ref.kind === 'events') {
    var type = field(form, rec, 'event_type', 'type', 'text', Object.keys(V.types));
    var sub = field(form, rec, 'sub_event_type', 'sub-type', 'text', V.types[rec.event_type]);
    type.addEventListener('change', function () { options(sub, V.types[type.value], sub.value); });
    field(form, rec, 'date.start', 'date start', 'date');
    field(form, rec, 'date.end', 'date end', 'date');
    field(form, rec, 'date.precision', 'precision', 'text', V.precisions);
    field(form, rec, 'location.name', 'place');
    field(form, rec, 'location.admin1', 'admin1');
    field(form, rec, 'location.country', 'country');
    actorSelect(form, ref.doc, rec, 'actor1'); actorSelect(form, ref.doc, rec, 'actor2');
    newActorBox(form, ref.doc);
    countFields(form, rec, 'fatalities', 'fatalities');
  } else if (ref.kind === 'casualties') {
    field(form, rec, 'outcome', 'outcome', 'text', V.outcomes);
    countFields(form, rec, 'count', 'count');
    field(form, rec, 'victim_type', 'victims', 'text', V.victim_types);
  } else {
    field(form, rec, 'name', 'name');
    field(form, rec, 'actor_type', 'type', 'text', V.actor_types);
    field(form, rec, 'country', 'country');
  }
  field(form, rec, 'optional', ref.kind === 'events' ? 'optional' : 'background', 'checkbox');
  p.appendChild(form);
  var acts = el('div', {'class': 'actions'});
  [['accept', 'primary', 'Accept'], ['save', '', 'Save edits'], ['reject', 'danger', 'Reject']].forEach(function (b) {
    var btn = el('button', {type: 'button', 'class': b[1], id: 'do-' + b[0]}, b[2]);
    btn.addEventListener('click', function () { decide(rid, b[0], form); });
    acts.appendChild(btn);
  });
  p.appendChild(acts); p.appendChild(el('div', {'class': 'msg'}));
}
function readForm(rec, form) {
  var out = clone(rec);
  $$('[data-path]', form).forEach(function (i) {
    var t = i.getAttribute('data-type'), v = t === 'checkbox' ? i.checked : t === 'int' ? (i.value === '' ? null : Number(i.value)) : i.value.trim();
    put(out, i.getAttribute('data-path'), v === '' ? null : v);
  });
  $$('select[data-side]', form).forEach(function (s) {
    out[s.getAttribute('data-side')] = $$('option', s).filter(function (o) { return o.selected; }).map(function (o) { return o.value; });
  });
  return out;
}
function checkCount(c, what) {
  var v = [c.low, c.best, c.high];
  if (v.some(function (x) { return x != null && (!Number.isInteger(x) || x < 0); })) return what + ': whole numbers of 0 or more';
  if ((c.low != null && c.best != null && c.low > c.best) || (c.best != null && c.high != null && c.best > c.high) ||
      (c.low != null && c.high != null && c.low > c.high)) return what + ': low ≤ best ≤ high';
  return '';
}
function validate(kind, r) {
  if (kind === 'events') {
    if (V.types[r.event_type].indexOf(r.sub_event_type) < 0) return 'the sub-type does not belong to the type';
    if (r.date.start && r.date.end && r.date.start > r.date.end) return 'the date starts after it ends';
    if (!r.date.precision) r.date.precision = 'unknown';
    var f = r.fatalities || {};
    if (f.low == null && f.best == null && f.high == null && !f.text) { r.fatalities = null; return ''; }
    f.text = f.text || ''; return checkCount(f, 'fatalities');
  }
  if (kind === 'casualties') { r.count.text = r.count.text || ''; return checkCount(r.count, 'count'); }
  return r.name ? '' : 'an actor needs a name';
}
function decide(rid, what, form) {
  var ref = R[rid], it = ref.item;
  if (what === 'save') {
    var r = readForm(it.rec, form), problem = validate(ref.kind, r);
    if (problem) return msg(problem);
    if (ref.kind === 'events' && (r.location || {}).name !== (it.rec.location || {}).name) {
      delete r.location.latitude; delete r.location.longitude;  // they were the old place's
    }
    if (!it.added) { if (!it.before) it.before = clone(it.rec); it.status = 'edited'; }
    it.rec = r;
    if (ref.kind === 'events') highlights(rid).forEach(function (h) {
      if (rids(h).length === 1) { Object.keys(V.type_class).forEach(function (t) { h.classList.remove(V.type_class[t]); }); h.classList.add(V.type_class[r.event_type]); }
    });
  } else if (what === 'accept') {
    it.status = it.status === 'added' || it.added ? 'added' : it.before ? 'edited' : 'accepted';
  } else { if (it.status === 'added') it.added = true; it.status = 'rejected'; }
  highlights(rid).forEach(function (h) { h.classList.toggle('rej', it.status === 'rejected' && rids(h).length === 1); });
  dirty = true; refreshDoc(ref.doc); select(rid, 'editor');
  msg(what === 'save' ? 'saved' : it.status);
}

/* --- add an event from a text selection --------------------------------------------------- */
function selectionInfo() {
  var s = window.getSelection();
  if (!s || !s.rangeCount || s.isCollapsed) return null;
  var r = s.getRangeAt(0), n = r.commonAncestorContainer;
  var box = (n.nodeType === 3 ? n.parentNode : n).closest('.text');
  if (!box) return null;
  function at(node, off) { var p = document.createRange(); p.setStart(box, 0); p.setEnd(node, off); return p.toString().length; }
  var full = box.textContent, a = at(r.startContainer, r.startOffset), b = at(r.endContainer, r.endOffset);
  while (a < b && /\s/.test(full[a])) a++;
  while (b > a && /\s/.test(full[b - 1])) b--;
  return a < b ? {doc: Number(box.getAttribute('data-doc')), box: box, a: a, b: b, quote: full.slice(a, b)} : null;
}
document.addEventListener('selectionchange', function () {
  var info = selectionInfo();
  if (info) picked = info;
  $$('.add-event').forEach(function (b) { b.disabled = !(picked && picked.doc === Number(b.getAttribute('data-doc'))); });
});
function wrap(box, a, b, rid, cls) {
  var w = document.createTreeWalker(box, NodeFilter.SHOW_TEXT), pos = 0, hits = [], t;
  while ((t = w.nextNode())) { var s = pos; pos += t.length; if (pos > a && s < b) hits.push([t, s]); }
  hits.forEach(function (h) {
    var node = h[0], from = Math.max(a - h[1], 0), to = Math.min(b - h[1], node.length);
    if (to < node.length) node.splitText(to);
    var mid = from > 0 ? node.splitText(from) : node, span = el('span', {'class': 'hl ev added ' + cls, 'data-r': rid});
    mid.parentNode.insertBefore(span, mid); span.appendChild(mid);
  });
}
function nextId(doc, kind, letter) {
  var n = 0;
  DOCS[doc].records[kind].forEach(function (it) { var m = /(\d+)$/.exec(it.rec.id); if (m) n = Math.max(n, Number(m[1])); });
  return letter + (n + 1);
}
$$('.add-event').forEach(function (b) {
  b.addEventListener('mousedown', function (ev) { ev.preventDefault(); });  // keep the selection
  b.addEventListener('click', function () {
    var doc = Number(b.getAttribute('data-doc')), s = picked;
    if (!s || s.doc !== doc) return;
    var full = s.box.textContent, start = Array.from(full.slice(0, s.a)).length, end = start + Array.from(s.quote).length;
    var d = DOCS[doc], id = nextId(doc, 'events', 'e'), type = 'Battles', day = d.published;
    var it = {rid: 'd' + doc + '-e-' + id, status: 'added', added: true, spans: [[start, end]], rec: {id: id, event_type: type,
      sub_event_type: V.types[type][0], date: {start: day, end: day, precision: day ? 'day' : 'unknown'},
      location: {name: null, admin1: null, country: null}, actor1: [], actor2: [], fatalities: null,
      evidence: [s.quote], reported_by: [], optional: false, flags: [],
      spans: [{quote: s.quote, start: start, end: end, status: 'exact'}]}};
    d.records.events.push(it); R[it.rid] = {doc: doc, kind: 'events', item: it};
    wrap(s.box, s.a, s.b, it.rid, V.type_class[type]);
    window.getSelection().removeAllRanges(); picked = null; dirty = true;
    fillRow(it.rid); select(it.rid, 'editor');
    msg('new event from the selection: set its fields, then Save edits');
  });
});

/* --- reviewed documents and the gold export ------------------------------------------- */
$$('input.done').forEach(function (box) {
  box.addEventListener('change', function () {
    var d = DOCS[Number(box.getAttribute('data-doc'))];
    d.done = box.checked;
    if (d.done) KINDS.forEach(function (k) { d.records[k].forEach(function (it) { if (it.status === 'pending') it.status = 'accepted'; }); });
    dirty = true; refreshDoc(d.i); exportNote();
  });
});
function gold(d) {
  var kept = {}, gone = {};
  KINDS.forEach(function (k) {
    gone[k] = {};
    kept[k] = d.records[k].filter(function (it) { if (it.status === 'rejected') gone[k][it.rec.id] = 1; return it.status !== 'rejected'; })
      .map(function (it) { return clone(it.rec); });
  });
  function live(ids) { return (ids || []).filter(function (i) { return !gone.actors[i]; }); }
  kept.events.forEach(function (e) { e.actor1 = live(e.actor1); e.actor2 = live(e.actor2); });
  kept.casualties.forEach(function (c) { c.perpetrator = live(c.perpetrator); if (c.event && gone.events[c.event]) c.event = null; });
  var review = Object.assign({}, d.review, {version: 1, status: d.done ? 'reviewed' : 'in progress',
    decisions: {}, rejected: {}, edited_from: {}, source: D.source, provenance: d.provenance, exported: new Date().toISOString()});
  KINDS.forEach(function (k) {
    review.decisions[k] = {}; review.rejected[k] = []; review.edited_from[k] = {};
    d.records[k].forEach(function (it) {
      review.decisions[k][it.rec.id] = it.status;
      if (it.status === 'rejected') review.rejected[k].push(clone(it.rec));
      if (it.before && it.status !== 'rejected') review.edited_from[k][it.rec.id] = it.before;
    });
  });
  return Object.assign({doc_id: d.doc_id}, clone(d.extra), {actors: kept.actors, events: kept.events, casualties: kept.casualties, review: review});
}
function download(name, obj) {
  var a = el('a', {download: name}), blob = new Blob([JSON.stringify(obj, null, 1) + '\n'], {type: 'application/json'});
  a.href = URL.createObjectURL(blob); document.body.appendChild(a); a.click();
  setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 2000);
}
function exportNote(text) {
  var n = DOCS.filter(function (d) { return d.done; }).length;
  $('#export').textContent = 'Export ' + n + ' reviewed as gold';
  $('#export-note').textContent = text || '';
}
$('#export').addEventListener('click', function () {
  var done = DOCS.filter(function (d) { return d.done; });
  if (!done.length) { exportNote('tick "reviewed" on at least one document first'); return; }
  var texts = {};
  done.forEach(function (d) { if (d.text != null) texts[d.doc_id] = d.text; });
  download('review-export.json', {format: D.format, version: D.version, source: D.source,
    exported: new Date().toISOString(), documents: done.map(gold), texts: texts});
  dirty = false; exportNote('saved review-export.json: run llm-extract review import review-export.json -o GOLD_DIR');
});
$$('button.download').forEach(function (b) {
  b.addEventListener('click', function () { var d = DOCS[Number(b.getAttribute('data-doc'))]; download(d.doc_id + '.gold.json', gold(d)); });
});
window.addEventListener('beforeunload', function (ev) { if (dirty) { ev.preventDefault(); ev.returnValue = ''; } });
exportNote();
var h = decodeURIComponent(location.hash.slice(1)); if (R[h]) select(h, 'hash');
})();
