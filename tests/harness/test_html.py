"""report.html: highlighting of overlapping spans, and the page as headless Chromium sees it."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from claimtrace.harness.offsets import evidence_offsets
from claimtrace.harness.records import Claim
from claimtrace.harness.report_html import _Span, render_text

from .conftest import Workspace, claim

CHROMIUM = Path("/usr/bin/chromium")


def test_overlapping_spans_are_cut_at_every_boundary() -> None:
    spans = [
        _Span(0, 5, "d0-g0", "d0-m0", "matched", "t0"),
        _Span(3, 8, "d0-g1", None, "miss", "t1"),
    ]
    html = render_text("abcdefghij", "gold", spans)
    assert html == (
        '<mark class="gold matched" data-claim="d0-g0" data-pair="d0-m0" title="t0">abc</mark>'
        '<mark class="gold matched miss overlap" data-claim="d0-g0 d0-g1" data-pair="d0-m0" '
        'title="t0; t1">de</mark>'
        '<mark class="gold miss" data-claim="d0-g1" title="t1">fgh</mark>ij'
    )


def test_evidence_offsets_use_span_then_next_occurrence() -> None:
    text = "12 killed. Later, 12 killed. Also 12 KILLED."
    claims = [Claim.model_validate(claim("12 killed")) for _ in range(3)]
    # the same evidence three times: first, second, then wraps to the first occurrence
    assert evidence_offsets(text, claims) == [(0, 9), (18, 27), (0, 9)]
    spanned = Claim.model_validate(claim("12 killed", span={"start": 34, "end": 43}))
    assert evidence_offsets(text, [spanned]) == [(34, 43)]
    # a span out of range falls back to searching; a case-only difference still found
    bad = Claim.model_validate(claim("also 12 killed", span={"start": 40, "end": 400}))
    assert evidence_offsets(text, [bad]) == [(29, 43)]
    assert evidence_offsets(text, [Claim.model_validate(claim("not here"))]) == [None]


TEXT = (
    "The Syrian Observatory for Human Rights said 27 civilians were shot dead by security "
    "forces. Most of the victims were killed in Deraa. Separately, 12 suspected army deserters "
    "were killed. <b>Not a tag</b>"
)


def _report(ws: Workspace) -> Path:
    ws.doc("d", TEXT)
    ws.gold(
        [
            {
                "doc_id": "d",
                "claims": [
                    claim(
                        "27 civilians were shot dead by security forces",
                        casualty=(27, "killed", "civilians"),
                    ),
                    claim("Most of the victims were killed in Deraa", type="author"),
                ],
            }
        ]
    )
    ws.pred(
        [
            {
                "doc_id": "d",
                "claims": [
                    # matched with g0 (containment), but the count is wrong: a field error
                    claim("27 civilians were shot dead", casualty=(30, "killed", "civilians")),
                    # false alarm: 2 shared tokens of 8 and 6 -> F1 0.29 with g1
                    claim("12 suspected army deserters were killed", type="author"),
                ],
            }
        ]
    )
    return ws.evaluate().html_path


def test_page_is_self_contained(ws: Workspace) -> None:
    page = _report(ws).read_text()
    assert "http://" not in page and "https://" not in page and " src=" not in page
    assert "&lt;b&gt;Not a tag&lt;/b&gt;" in page  # document text is escaped


@pytest.mark.skipif(
    not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install chromium)"
)
def test_browser_renders_highlights_and_links(ws: Workspace, tmp_path: Path) -> None:
    html_path = _report(ws)
    profile = tmp_path / "chromium-profile"
    command = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", f"--user-data-dir={profile}", "--dump-dom", html_path.as_uri(),
    ]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    shutil.rmtree(profile, ignore_errors=True)
    assert done.returncode == 0, done.stderr[-2000:]
    dom = done.stdout
    marks = re.findall(r'<mark class="([^"]*)"', dom)
    # the inline script ran: matched pieces whose partner exists got the class "linked"
    assert marks.count("gold matched linked") == 1
    assert marks.count("pred matched linked") == 1
    assert marks.count("gold miss") == 1
    assert marks.count("pred false-alarm") == 1
    assert len(marks) == 4 + 4  # plus the four legend examples
    # the pair id is shared by both marks, the pairs-table row and the field-error item
    assert len(re.findall(r'data-pair="d0-m0"', dom)) == 4
    assert re.search(r'<li class="field-error" data-pair="d0-m0">.*casualty\.count', dom)
    assert 'data-claim="d0-g1"' in dom and 'data-claim="d0-p1"' in dom
