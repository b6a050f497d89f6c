"""Self-check of the ledger gold (python evals/ledger/check.py from the checkout root).

Checks: every article is in the dev pool and not in the test split; every
evidence is a verbatim substring of its article in fa-kes.csv; casualty claims
carry every field with valid values; claims of dev-gold articles equal their
casualty claims in evals/gold/dev.jsonl; every tally member is a claim; every
claim is in exactly one tally. Prints the counts.
"""
import csv, json, os, sys
from collections import Counter

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORPUS = os.environ.get("FAKES_CSV", "/work/shared/corpus/fa-kes.csv")
POOL = os.environ.get("DEV_POOL", "/work/shared/corpus/dev_pool.txt")
ENUMS = {
    "source.type": {"government", "military", "state_media", "armed_group", "intl_org", "ngo",
                    "activist", "media", "witness", "expert", "anonymous", "author"},
    "mode": {"direct", "indirect", "unattributed"},
    "certainty": {"asserted", "hedged", "denied"},
    "qualifier": {"exact", "at_least", "more_than", "about", "up_to"},
    "outcome": {"killed", "injured", "executed", "detained", "missing", "displaced"},
    "victims": {"civilians", "security_forces", "armed_group", "mixed", "unspecified"},
}
errors = []
def err(msg): errors.append(msg)

pool = {l.strip() for l in open(POOL) if l.strip()}
test = {json.loads(l)["doc_id"] for l in open(os.path.join(ROOT, "evals/gold/test.jsonl"))}
dev = {}
for l in open(os.path.join(ROOT, "evals/gold/dev.jsonl")):
    d = json.loads(l); dev[d["doc_id"]] = d
texts = {}
for r in csv.DictReader(open(CORPUS, encoding="utf-8")):
    texts.setdefault("fakes-" + r["unit_id"], set()).add(r["article_content"])

arts = list(csv.DictReader(open(os.path.join(HERE, "articles.tsv")), delimiter="\t"))
art_ids = [a["doc_id"] for a in arts]
if len(set(art_ids)) != len(art_ids): err("articles.tsv: repeated doc_id")
for a in arts:
    uid = a["doc_id"][len("fakes-"):]
    if uid not in pool: err(f"{a['doc_id']}: not in dev pool")
    if a["doc_id"] in test: err(f"{a['doc_id']}: in the TEST split")
    if (a["in_dev_gold"] == "yes") != (a["doc_id"] in dev): err(f"{a['doc_id']}: in_dev_gold wrong")
    if len(texts.get(a["doc_id"], ())) != 1: err(f"{a['doc_id']}: not exactly one text in the corpus")

claims = {}
for n, l in enumerate(open(os.path.join(HERE, "claims.jsonl")), 1):
    d = json.loads(l); doc = d["doc_id"]
    if doc in claims: err(f"claims.jsonl:{n}: repeated doc_id {doc}")
    if doc not in art_ids: err(f"claims.jsonl:{n}: {doc} not in articles.tsv")
    text = next(iter(texts.get(doc, {""})))
    seen = set()
    for c in d["claims"]:
        ev = c["evidence"]
        if ev not in text: err(f"claims.jsonl:{n}: evidence not verbatim in {doc}: {ev!r}")
        if ev in seen: err(f"claims.jsonl:{n}: evidence repeated in {doc}: {ev!r}")
        seen.add(ev)
        if c["kind"] != "casualty" or not c.get("casualty"): err(f"claims.jsonl:{n}: non-casualty claim {ev!r}")
        ca = c["casualty"] or {}
        for k in ("qualifier", "outcome", "victims"):
            if ca.get(k) not in ENUMS[k]: err(f"claims.jsonl:{n}: bad {k} in {ev!r}")
        if not isinstance(ca.get("count"), int): err(f"claims.jsonl:{n}: count not int in {ev!r}")
        for k in ("mode", "certainty"):
            if c[k] not in ENUMS[k]: err(f"claims.jsonl:{n}: bad {k} in {ev!r}")
        st = c["source"]["type"]
        if st not in ENUMS["source.type"]: err(f"claims.jsonl:{n}: bad source.type in {ev!r}")
        if (st == "author") != (c["source"]["name"] is None): err(f"claims.jsonl:{n}: source.name/author mismatch in {ev!r}")
        if (st == "author") != (c["mode"] == "unattributed"): err(f"claims.jsonl:{n}: mode/author mismatch in {ev!r}")
        if not c.get("statement"): err(f"claims.jsonl:{n}: empty statement in {ev!r}")
    if doc in dev:
        want = [c for c in dev[doc]["claims"] if c["kind"] == "casualty"]
        if want != d["claims"]: err(f"claims.jsonl:{n}: {doc} differs from its casualty claims in dev gold")
    claims[doc] = seen
if set(claims) != set(art_ids): err("claims.jsonl and articles.tsv list different documents")

count = Counter()
tallies = [json.loads(l) for l in open(os.path.join(HERE, "tallies.jsonl"))]
ids = [t["tally"] for t in tallies]
if len(set(ids)) != len(ids): err("tallies.jsonl: repeated tally id")
for t in tallies:
    if not t.get("why") or not t.get("cluster") or not t.get("members"): err(f"{t['tally']}: missing why/cluster/members")
    for m in t["members"]:
        key = (m["doc_id"], m["evidence"])
        if m["evidence"] not in claims.get(m["doc_id"], ()): err(f"{t['tally']}: member not a claim: {key}")
        count[key] += 1
for doc, evs in claims.items():
    for ev in evs:
        if count[(doc, ev)] != 1: err(f"claim in {count[(doc, ev)]} tallies: {doc} {ev!r}")

n_claims = sum(len(v) for v in claims.values())
multi = [t for t in tallies if len({m['doc_id'] for m in t['members']}) >= 2]
print(f"articles {len(arts)} (in dev gold {sum(a['in_dev_gold']=='yes' for a in arts)}), "
      f"claims {n_claims}, tallies {len(tallies)}, tallies with >=2 documents {len(multi)} "
      f"(members in them {sum(len(t['members']) for t in multi)}), singletons "
      f"{sum(len(t['members'])==1 for t in tallies)}")
if errors:
    print("\n".join(errors)); sys.exit(1)
print("OK")
