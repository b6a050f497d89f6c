"""Tests of the eval harness (service/harness)."""
