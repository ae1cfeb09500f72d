"""The whole correction loop in a real browser: run -> page -> edit, add, reject -> export
-> `review import` -> gold the evaluator loads and scores.

Drives Debian's headless Chromium over the DevTools pipe (tests/cdp.py): real mouse
clicks, a real text selection, a real download. Skips, saying why, where no Chromium is
installed (CI installs one in .ci/run).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from llm_extract.evaluate.loading import load_gold_dir, load_predictions
from llm_extract.evaluate.metrics import evaluate
from llm_extract.review.cli import register
from llm_extract.runner import BatchRun
from llm_extract.settings import Settings
from tests.cdp import Chromium, find_chromium
from tests.conftest import SEEDS

BROWSER = find_chromium()
pytestmark = pytest.mark.skipif(
    BROWSER is None, reason="no Chromium installed (Debian: apt-get install -y chromium)"
)
# A sentence of the second seed that the rules leave without an event.
ADDED = "Russian jets had launched dozens of raids in the area"


def _cli(*args: str) -> None:
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # keep `review` a subcommand, as in the real CLI
    result = CliRunner().invoke(app, ["review", *args])
    assert result.exit_code == 0, result.output


@pytest.fixture
def browser(tmp_path: Path) -> Iterator[Chromium]:
    assert BROWSER is not None
    chrome = Chromium(BROWSER, tmp_path)
    try:
        yield chrome
    finally:
        chrome.close()


def _run(tmp_path: Path) -> Path:
    """The seeds through the rules backend, each result carrying its article text."""
    out = tmp_path / "run.jsonl"
    settings = Settings(backend="rules", include_text=True, cache=False, runlog=False)
    summary = BatchRun(inputs=[SEEDS], settings=settings, output=out, globs=("*.txt",)).run()
    assert summary.all_ok
    return out


def _set(chrome: Chromium, selector: str, value: str) -> None:
    chrome.js(
        f"(function(){{var e=document.querySelector({json.dumps(selector)});"
        f"e.value={json.dumps(value)};e.dispatchEvent(new Event('change',{{bubbles:true}}));}})()"
    )


def _select_text(chrome: Chromium, doc: int, phrase: str) -> None:
    """Select `phrase` in article `doc` (across highlight boundaries), as a drag would."""
    chrome.js(
        f"""(function(){{
        var box=document.querySelector('.text[data-doc="{doc}"]');
        var at=box.textContent.indexOf({json.dumps(phrase)}), end=at+{len(phrase)};
        if(at<0)throw new Error('phrase not found');
        var w=document.createTreeWalker(box,NodeFilter.SHOW_TEXT),t,pos=0,r=document.createRange();
        while((t=w.nextNode())){{
          if(pos<=at&&at<pos+t.length)r.setStart(t,at-pos);
          if(pos<end&&end<=pos+t.length){{r.setEnd(t,end-pos);break;}}
          pos+=t.length;}}
        var s=getSelection();s.removeAllRanges();s.addRange(r);}})()"""
    )


def test_review_loop_in_chromium(tmp_path: Path, browser: Chromium) -> None:
    run = _run(tmp_path)
    page = tmp_path / "review.html"
    _cli(str(run), "-o", str(page))  # no --texts: the run carries its text
    pred, _ = load_predictions(run)
    n_events = sum(len(d.events) for d in pred.values())
    texts = {json.loads(line)["doc_id"]: json.loads(line)["text"] for line in run.open()}
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    browser.send(
        "Browser.setDownloadBehavior",
        {"behavior": "allow", "downloadPath": str(downloads)},
        page=False,
    )
    browser.open(page.as_uri())
    assert browser.js("document.querySelectorAll('#events tbody tr').length") == n_events

    # Table -> text: a row click marks its evidence and opens the editor.
    browser.click('#events tr[data-r="d0-e-e1"]')
    assert browser.js("document.querySelectorAll('.text .hl.sel').length") > 0
    assert "e1" in browser.js("document.querySelector('#panel h3').textContent")
    _set(browser, '#panel [data-path="sub_event_type"]', "Armed clash")
    _set(browser, '#panel [data-path="fatalities.best"]', "3")
    _set(browser, '#panel [data-path="fatalities.low"]', "3")
    _set(browser, '#panel [data-path="fatalities.high"]', "3")
    _set(browser, '#panel [data-path="fatalities.text"]', "three fighters")
    browser.click("#do-save")
    row = "document.querySelector('#events tr[data-r=\"d0-e-e1\"]')"
    assert browser.js(f"{row}.querySelector('.c-sub').textContent") == "Armed clash"
    assert browser.js(f"{row}.querySelector('.c-status').textContent") == "edited"

    # Text -> table: clicking an event's evidence selects its row.
    browser.click('.text [data-r~="d0-e-e3"]')
    assert browser.js("document.querySelector('#events tr[data-r=\"d0-e-e3\"]').className")
    assert "sel" in browser.js("document.querySelector('#events tr[data-r=\"d0-e-e3\"]').className")

    # Reject one event of the second article.
    browser.click('#events tr[data-r="d1-e-e2"]')
    browser.click("#do-reject")

    # Add an event from a selection in the second article.
    _select_text(browser, 1, ADDED)
    browser.wait_for("!document.querySelector('.add-event[data-doc=\"1\"]').disabled")
    browser.click('.add-event[data-doc="1"]')
    new_rid = browser.wait_for("document.querySelector('#events tr.st-added')?.dataset.r")
    _set(browser, '#panel [data-path="event_type"]', "Explosions/Remote violence")
    _set(browser, '#panel [data-path="sub_event_type"]', "Air/drone strike")
    _set(browser, '#panel [data-path="location.name"]', "Jisr al-Shughur")
    _set(browser, '#panel [data-path="location.country"]', "Syria")
    browser.click("#do-save")
    assert browser.js(f"document.querySelector('tr[data-r=\"{new_rid}\"] .c-place').textContent")

    # Mark both articles reviewed and export.
    browser.click('input.done[data-doc="0"]')
    browser.click('input.done[data-doc="1"]')
    browser.click("#export")
    export = downloads / "review-export.json"
    deadline = time.monotonic() + 15
    while not export.is_file() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert export.is_file(), "the export was not downloaded"
    assert browser.page_errors() == []

    gold_dir = tmp_path / "gold"
    _cli("import", str(export), "-o", str(gold_dir))
    gold, issues, gold_texts = load_gold_dir(gold_dir)
    assert issues == [], [i.message for i in issues]
    assert gold_texts == texts  # the article texts travel beside the gold, unchanged
    added = [e for e in gold[sorted(gold)[1]].events if e.evidence == [ADDED]]
    assert len(added) == 1
    span = added[0].spans[0]
    assert gold_texts[sorted(gold)[1]][span.start : span.end] == ADDED

    # The reviewed gold scores 1.0 against itself ...
    self_score = evaluate(gold, gold, gold_texts).metrics
    assert [self_score[f"{k}.f1"] for k in ("events", "actors", "casualties")] == [1, 1, 1]
    # ... and the run has exactly the rejected event too many and misses the added one.
    vs_run = evaluate(gold, pred, gold_texts)
    events = vs_run.counts["events"]
    assert (events.tp, events.fp, events.fn) == (n_events - 1, 1, 1)
    assert vs_run.metrics["events.sub_event_type_accuracy"] == (n_events - 2) / (n_events - 1)

    # Reopening the export shows every decision where the review stopped.
    again = tmp_path / "again.html"
    _cli(str(export), "-o", str(again))
    data = json.loads(
        again.read_text("utf-8").split('id="review-data">', 1)[1].split("</script>", 1)[0]
    )
    status = {i["rid"]: i["status"] for d in data["docs"] for i in d["records"]["events"]}
    assert (status["d0-e-e1"], status["d1-e-e2"], status[new_rid]) == (
        "edited",
        "rejected",
        "added",
    )
    assert set(status.values()) == {"accepted", "edited", "rejected", "added"}
