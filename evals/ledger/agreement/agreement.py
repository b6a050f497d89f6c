"""Agreement between a first ledger labelling (reference) and a second, on chosen clusters.

Only claims of the articles of the chosen clusters (those the second labelling covers)
count; members of first-labelling tallies from other articles are dropped.
Run: python evals/ledger/agreement/agreement.py FIRST SECOND CLUSTER [CLUSTER ...]
e.g. python evals/ledger/agreement/agreement.py evals/ledger/tallies.jsonl \
       evals/ledger/agreement/hard_second_tallies.jsonl manbij-2016-07 rashidin-2017-04
"""
import csv, json, os, sys
from itertools import combinations

HERE = os.path.dirname(os.path.abspath(__file__))
LEDGER = os.path.dirname(HERE)
if len(sys.argv) < 4:
    sys.exit(__doc__)
FIRST, SECOND, CLUSTERS = sys.argv[1], sys.argv[2], set(sys.argv[3:])


def load(path):
    out = {}
    for line in open(path, encoding="utf-8"):
        t = json.loads(line)
        for m in t["members"]:
            key = (m["doc_id"], m["evidence"])
            assert key not in out, f"{path}: claim in two tallies: {key}"
            out[key] = t["tally"]
    return out


docs = {r["doc_id"] for r in csv.DictReader(open(os.path.join(LEDGER, "articles.tsv")), delimiter="\t")
        if r["cluster"] in CLUSTERS}
claims = []
for line in open(os.path.join(LEDGER, "claims.jsonl"), encoding="utf-8"):
    d = json.loads(line)
    if d["doc_id"] in docs:
        claims += [(d["doc_id"], c["evidence"]) for c in d["claims"] if c["kind"] == "casualty"]

first = load(FIRST)
second = load(SECOND)
missing1 = [c for c in claims if c not in first]
missing2 = [c for c in claims if c not in second]
assert not missing1 and not missing2, (missing1, missing2)
ref = {c: first[c] for c in claims}   # first labelling, restricted
hyp = {c: second[c] for c in claims}  # second labelling

print(f"articles: {len(docs)}  claims: {len(claims)}  "
      f"first tallies (restricted): {len(set(ref.values()))}  second tallies: {len(set(hyp.values()))}")

# pairwise over all unordered pairs of claims
tp = fp = fn = tn = 0
dis = []
for a, b in combinations(claims, 2):
    r, h = ref[a] == ref[b], hyp[a] == hyp[b]
    tp += r and h; fp += h and not r; fn += r and not h; tn += not r and not h
    if r != h:
        dis.append((a, b, "first same / second split" if r else "second same / first split"))
def prf(p, r):
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
P = tp / (tp + fp) if tp + fp else 1.0
R = tp / (tp + fn) if tp + fn else 1.0
pairs = tp + fp + fn + tn
print(f"pairs: {pairs}  same-tally both: {tp}  second only: {fp}  first only: {fn}  different both: {tn}  "
      f"raw pair agreement: {(tp + tn) / pairs:.4f}")
print("pairwise  P={:.4f} R={:.4f} F1={:.4f}".format(*prf(P, R)))

# B-cubed (per claim, averaged)
def members(lab):
    g = {}
    for c, t in lab.items():
        g.setdefault(t, set()).add(c)
    return g
gr, gh = members(ref), members(hyp)
bp = sum(len(gr[ref[c]] & gh[hyp[c]]) / len(gh[hyp[c]]) for c in claims) / len(claims)
br = sum(len(gr[ref[c]] & gh[hyp[c]]) / len(gr[ref[c]]) for c in claims) / len(claims)
print("B-cubed   P={:.4f} R={:.4f} F1={:.4f}".format(*prf(bp, br)))

print(f"disagreeing pairs: {len(dis)}")
for a, b, kind in dis:
    print(f"  {kind}: {a[0]} {a[1]!r} [{ref[a]}/{hyp[a]}]  <->  {b[0]} {b[1]!r} [{ref[b]}/{hyp[b]}]")
