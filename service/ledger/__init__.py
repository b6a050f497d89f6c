"""Casualty ledger: figures across documents grouped into tallies (issue 13)."""
