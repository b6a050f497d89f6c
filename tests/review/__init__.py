"""Tests of the review page (service/review)."""
