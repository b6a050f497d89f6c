"""One-to-one Hungarian pairing, thresholds, and the case where greedy pairing fails."""

from __future__ import annotations

import numpy as np

from claimtrace.harness.matching import assign, similarity_matrix, tie_break_matrix
from claimtrace.harness.records import Claim

from .conftest import Workspace, claim


def _claims(*evidence: str) -> list[Claim]:
    return [Claim.model_validate(claim(e)) for e in evidence]


# Gold A = "soldiers were killed in Homs", B = "soldiers were killed in Hama";
# pred X = "soldiers were killed in Homs", Y = "clashes in Homs".
# sim(A,X) = 1.0; sim(B,X): 4 of 5 shared, share 0.8 -> 0.8;
# sim(A,Y): {in, homs} = 2, F1 = 4/8 = 0.5, share 2/3 -> 0.5; sim(B,Y): {in}, F1 = 2/8 = 0.25.
# Greedy (best pair first) takes A-X (1.0) and leaves B-Y (0.25): 1 match.
# Hungarian at 0.5 takes B-X + A-Y = 1.3 > 1.0: 2 matches.
GOLD = ("soldiers were killed in Homs", "soldiers were killed in Hama")
PRED = ("soldiers were killed in Homs", "clashes in Homs")


def test_similarity_matrix_by_hand() -> None:
    matrix = similarity_matrix(_claims(*GOLD), _claims(*PRED))
    assert np.allclose(matrix, [[1.0, 0.5], [0.8, 0.25]])


def test_hungarian_beats_greedy() -> None:
    matrix = similarity_matrix(_claims(*GOLD), _claims(*PRED))
    pairs = assign(matrix, 0.5)
    assert [(p.gold, p.pred) for p in pairs] == [(0, 1), (1, 0)]
    assert [p.similarity for p in pairs] == [0.5, 0.8]


def test_threshold_excludes_weak_pairs_before_assigning() -> None:
    # at 0.8, A-Y (0.5) cannot count, so A-X (1.0) wins over B-X (0.8): one pair
    matrix = similarity_matrix(_claims(*GOLD), _claims(*PRED))
    assert [(p.gold, p.pred) for p in assign(matrix, 0.8)] == [(0, 0)]
    # at 0.3 the same two pairs as at 0.5 (B-Y at 0.25 still below)
    assert [(p.gold, p.pred) for p in assign(matrix, 0.3)] == [(0, 1), (1, 0)]


def test_empty_sides() -> None:
    assert assign(similarity_matrix([], _claims("x")), 0.5) == []
    assert assign(similarity_matrix(_claims("x"), []), 0.5) == []


def test_end_to_end_levels_count_both_pairs(ws: Workspace) -> None:
    ws.doc(
        "d", "Activists said soldiers were killed in Homs. TV said soldiers were killed in Hama."
    )
    ws.gold([{"doc_id": "d", "claims": [claim(GOLD[0]), claim(GOLD[1])]}])
    ws.pred([{"doc_id": "d", "claims": [claim(PRED[0]), claim(PRED[1])]}])
    levels = ws.evaluate().metrics["levels"]
    assert levels["0.5"]["L1"]["tp"] == 2
    assert levels["0.8"]["L1"]["tp"] == 1
    assert levels["0.3"]["L1"]["tp"] == 2


def test_containment_ties_pair_identical_spans() -> None:
    # A contains B, so A-B and B-A both score 1.0 by containment and both pairings total 2.0;
    # the plain-F1 tie-break (A-A = B-B = 1.0 vs 12/17 crossed) keeps identical spans together.
    a = "34 soldiers as well as 12 suspected army deserters were killed"
    b = "12 suspected army deserters were killed"
    gold, pred = _claims(a, b), _claims(b, a)
    pairs = assign(similarity_matrix(gold, pred), 0.5, tie_break_matrix(gold, pred))
    assert [(p.gold, p.pred) for p in pairs] == [(0, 1), (1, 0)]
    assert [p.similarity for p in pairs] == [1.0, 1.0]
