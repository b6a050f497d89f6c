"""claimtrace: grounded, typed claims and their attributions from news articles."""
