"""The page's script: its export logic under Node, and the whole page in headless Chromium.

Both are skipped when the program is absent (`.ci/run` installs Chromium).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from claimtrace.harness.reader import read_gold
from claimtrace.load import DocumentStore
from claimtrace.review import page as page_module
from claimtrace.review.data import page_data
from claimtrace.review.page import render_page

from .conftest import Run

NODE = shutil.which("node")
CHROMIUM = shutil.which("chromium")
CORE = Path(page_module.__file__).with_name("review-core.js")

NODE_SCRIPT = """
const C = require(process.argv[1]);
const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const data = input.data, out = {};
out.problems = data.docs.map(d => d.claims.map(c => C.problem(c.gold, d.text, data.choices)));
out.untouched = C.exportGold(data, C.emptyState(), true).text;
out.edited = C.exportGold(data, input.state, input.include).text;
process.stdout.write(JSON.stringify(out));
"""


def node(data: dict[str, Any], state: dict[str, Any], include: bool = True) -> Any:
    assert NODE is not None
    done = subprocess.run(
        [NODE, "-e", NODE_SCRIPT, str(CORE)],
        input=json.dumps({"data": data, "state": state, "include": include}),
        capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    return json.loads(done.stdout)


def lines(text: str) -> list[Any]:
    return [json.loads(line) for line in text.splitlines()]


def read_back(text: str, run: Run, tmp_path: Path) -> list[Any]:
    gold = tmp_path / "exported.jsonl"
    gold.write_text(text, encoding="utf-8")
    records, _ = read_gold(gold, DocumentStore([run.docs], []))
    return records


needs_node = pytest.mark.skipif(NODE is None, reason="needs node")


@needs_node
def test_untouched_export_is_the_python_gold_lines(run: Run) -> None:
    data = page_data(run.review)
    out = node(data, {"version": 1, "claims": {}, "next": {}})
    assert lines(out["untouched"]) == run.review.gold_lines()
    assert list(lines(out["untouched"])[0]["claims"][0]) == list(
        run.review.gold_lines()[0]["claims"][0]
    )
    # the script's rules agree with Python's on which claims have a problem
    python = [[c["problem"] is not None for c in d["claims"]] for d in data["docs"]]
    assert [[p is not None for p in doc] for doc in out["problems"]] == python


@needs_node
def test_marks_edits_and_added_claims_export_as_gold(run: Run, tmp_path: Path) -> None:
    data = page_data(run.review)
    event = dict(data["docs"][0]["claims"][1]["gold"], kind="event", casualty=None)
    fixed = dict(data["docs"][1]["claims"][1]["gold"], evidence="Nobody claimed")
    added = {"evidence": "Officials said", "statement": "Officials said.", "cue": None, "mode": "unattributed",
             "source": {"name": None, "type": "author"}, "kind": "other",
             "certainty": "asserted", "casualty": None}  # fmt: skip
    state = {
        "version": 1,
        "next": {"1": 1},
        "claims": {
            "0:0": {"status": "wrong"},
            "0:1": {"status": "correct", "gold": event},
            "1:1": {"status": "correct", "gold": fixed},
            "1:n0": {"status": "correct", "gold": added, "span": None},
        },
    }
    exported = node(data, state)["edited"]
    records = read_back(exported, run, tmp_path)
    hostile, plain = (r.claim_list for r in records)
    assert [c.evidence for c in hostile] == ["27 civilians were shot dead", "The army denied it"]
    assert hostile[0].kind == "event" and hostile[0].casualty is None
    # plain: the verbatim claim, the fixed one, the added one; the rule-breaker stays out
    assert [c.evidence for c in plain] == [
        "twelve   people were wounded",
        "Nobody claimed",
        "Officials said",
    ]
    # only reviewed claims, and only documents with one, when unreviewed ones are left out
    reviewed = lines(node(data, state, include=False)["edited"])
    assert [len(line["claims"]) for line in reviewed] == [1, 2]


def chromium(url: str, profile: Path) -> str:
    assert CHROMIUM is not None
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--virtual-time-budget=5000", "--dump-dom", url,
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


# Drives the page as a reviewer would: clicks the innermost highlight, marks it wrong,
# changes the next claim's kind, then opens the export preview.
REVIEWER = """<script>
(function () {
  function click(node) { node.dispatchEvent(new MouseEvent('click', {bubbles: true})); }
  var marks = document.querySelectorAll('#doc-text mark');
  click(marks[0]);
  document.getElementById('panel').setAttribute('data-opened', document.querySelector('#panel h2').textContent);
  click(Array.prototype.filter.call(document.querySelectorAll('#panel button'),
    function (b) { return b.textContent === 'wrong'; })[0]);
  click(document.querySelector('#claims tr[data-key="0:0"]'));
  var kind = document.querySelectorAll('#panel select')[2];
  kind.value = 'event';
  kind.dispatchEvent(new Event('change'));
  click(document.getElementById('preview'));
})();
</script></body>"""


def preview(dom: str) -> str:
    found = re.search(r'<pre id="export-preview">(.*?)</pre>', dom, re.S)
    assert found, dom[-3000:]
    return found.group(1).replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@pytest.mark.skipif(CHROMIUM is None, reason="needs chromium (apt-get install chromium)")
def test_reviewing_in_the_browser_exports_gold_and_survives_a_reload(
    run: Run, tmp_path: Path
) -> None:
    page = render_page(page_data(run.review), "review")
    driven = tmp_path / "driven.html"
    driven.write_text(page.replace("</body>", REVIEWER), encoding="utf-8")
    profile = tmp_path / "profile"
    dom = chromium(driven.as_uri(), profile)
    # the click on the overlap of two spans opened the shorter (inner) claim
    assert 'data-opened="Claim 0:1"' in dom
    assert len(re.findall(r"<mark ", dom)) >= 4 and "overlap" in dom
    assert "broken: not UTF-8 text" in dom  # the failed document is listed
    records = read_back(preview(dom), run, tmp_path)
    hostile = records[0].claim_list
    assert [(c.evidence[:20], c.kind) for c in hostile] == [
        ("27 civilians were sh", "event"),  # the outer claim, its kind changed
        ("The army denied it", "event"),
    ]
    # the edits were saved under the page's hash: the plain page shows them after a reload
    plain = tmp_path / "plain.html"
    plain.write_text(page, encoding="utf-8")
    shutil.copy(plain, driven)  # same file URL as before, now without the reviewer's script
    again = preview(chromium(driven.as_uri() + "#export-preview", profile))
    assert lines(again) == lines(preview(dom))
    shutil.rmtree(profile, ignore_errors=True)
