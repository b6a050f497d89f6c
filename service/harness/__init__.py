"""Eval harness: score extractor output against hand-labelled gold (GUIDE section 4).

The lead calls `evaluate` (or the `eval_app` typer app from `cli`); the other
modules each do one step: read, match, score, bootstrap, report, compare.
"""

from .run import EvalResult, evaluate, score_files

__all__ = ["EvalResult", "evaluate", "score_files"]
