"""Corpus-scale batch extraction: `claimtrace batch INPUT --out DIR`.

One module a job: `inputs` reads JSON Lines, CSV or Parquet; `shards` keeps the
output directory (atomic shards, a manifest, exactly-once resolution and the
check); `formats` stores a shard as JSON Lines or, with `parquet` and
`arrow_schema`, as Parquet; `pool` spreads documents over a pool of endpoints
with health checks and failover; `local` runs the asyncio extractor on one
machine; `ray_engine` runs it in Ray actors (imported only for `--engine ray`,
so the local engine never loads Ray); `cli` is the command.
"""
