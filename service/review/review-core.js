/* review-core.js: the review page's logic, without the DOM.
 *
 * Kept apart from review.js so Node can run it in tests: the reviewer's edits
 * (state) applied to the embedded data give each claim's current view, and the
 * gold export. Claims start in gold format from Python (claimtrace.review.gold);
 * `problem` repeats the guide's rules there (schema.Claim plus verbatim
 * evidence) for claims the reviewer has edited.
 */
var ReviewCore = (function () {
  'use strict';

  var STATUSES = ['unreviewed', 'correct', 'wrong'];

  function emptyState() {
    return {version: 1, claims: {}, next: {}};
  }

  /* A claim in the guide's field order, so exported lines read like gold files. */
  function goldClaim(c) {
    var cas = c.casualty;
    return {
      evidence: c.evidence,
      statement: c.statement,
      source: {name: c.source.name, type: c.source.type},
      cue: c.cue,
      mode: c.mode,
      kind: c.kind,
      certainty: c.certainty,
      casualty: cas === null ? null : {
        count: cas.count, qualifier: cas.qualifier, outcome: cas.outcome,
        victims: cas.victims, location: cas.location, period: cas.period
      }
    };
  }

  function oneOf(value, allowed, field) {
    return allowed.indexOf(value) >= 0 ? null : field + ': not one of ' + allowed.join(', ');
  }

  function textOrNull(value, field) {
    return value === null || typeof value === 'string' ? null : field + ': must be text or null';
  }

  /* Why `c` is not valid gold for `text`, or null: the same rules as gold.gold_problem. */
  function problem(c, text, choices) {
    var found = [
      typeof c.evidence === 'string' && c.evidence.length ? null : 'evidence: must not be empty',
      typeof c.statement === 'string' ? null : 'statement: must be text',
      textOrNull(c.source.name, 'source.name'),
      oneOf(c.source.type, choices.source_type, 'source.type'),
      textOrNull(c.cue, 'cue'),
      oneOf(c.mode, choices.mode, 'mode'),
      oneOf(c.kind, choices.kind, 'kind'),
      oneOf(c.certainty, choices.certainty, 'certainty')
    ];
    var cas = c.casualty;
    if (cas !== null) {
      found.push(
        Number.isInteger(cas.count) && cas.count >= 0 ? null
          : 'casualty.count: must be a whole number, 0 or more',
        oneOf(cas.qualifier, choices.qualifier, 'casualty.qualifier'),
        oneOf(cas.outcome, choices.outcome, 'casualty.outcome'),
        oneOf(cas.victims, choices.victims, 'casualty.victims'),
        textOrNull(cas.location, 'casualty.location'),
        textOrNull(cas.period, 'casualty.period'));
    }
    var author = c.source.type === 'author';
    found.push(
      (c.kind === 'casualty') === (cas !== null) ? null
        : "casualty must be present exactly when kind is 'casualty'",
      author === (c.source.name === null) ? null
        : "source.name must be null exactly when source.type is 'author'",
      author === (c.mode === 'unattributed') ? null
        : "mode is 'unattributed' exactly when source.type is 'author'");
    for (var i = 0; i < found.length; i++) {
      if (found[i]) { return found[i]; }
    }
    if (text === null) { return "the document's text was not found"; }
    return text.indexOf(c.evidence) >= 0 ? null : 'evidence is not found verbatim in the text';
  }

  /* Offsets of `evidence` in `text`, the occurrence nearest `near`; null if absent. */
  function findNear(text, evidence, near) {
    if (!evidence) { return null; }
    var best = -1;
    for (var at = text.indexOf(evidence); at >= 0; at = text.indexOf(evidence, at + 1)) {
      if (best < 0 || Math.abs(at - near) < Math.abs(best - near)) { best = at; }
    }
    return best < 0 ? null : [best, best + evidence.length];
  }

  /* Every claim of document `d` as the reviewer now sees it, extracted then added. */
  function claimsOf(data, state, d) {
    var doc = data.docs[d];
    var views = [];
    function view(key, base, added) {
      var edit = state.claims[key] || {};
      var gold = edit.gold || base.gold;
      views.push({
        key: key,
        doc: d,
        gold: gold,
        span: edit.span !== undefined ? edit.span : base.span,
        status: edit.status || 'unreviewed',
        edited: Boolean(edit.gold),
        added: added,
        problem: edit.gold ? problem(gold, doc.text, data.choices) : base.problem
      });
    }
    doc.claims.forEach(function (base, i) { view(d + ':' + i, base, false); });
    for (var n = 0; n < (state.next[d] || 0); n++) {
      var entry = state.claims[d + ':n' + n];
      if (entry) { view(d + ':n' + n, {gold: entry.gold, span: entry.span, problem: null}, true); }
    }
    return views;
  }

  function allClaims(data, state) {
    var out = [];
    data.docs.forEach(function (_, d) { out = out.concat(claimsOf(data, state, d)); });
    return out;
  }

  /* The gold JSONL the reviewer's edits give, and what was left out and why. */
  function exportGold(data, state, includeUnreviewed) {
    var lines = [];
    var result = {docs: 0, claims: 0, wrong: 0, unreviewed: 0, skipped: [], noText: []};
    data.docs.forEach(function (doc, d) {
      if (doc.text === null) { result.noText.push(doc.doc_id); return; }
      var views = claimsOf(data, state, d);
      var reviewed = views.some(function (v) { return v.status !== 'unreviewed'; });
      if (!includeUnreviewed && !reviewed) { return; }
      var claims = [];
      views.forEach(function (v) {
        if (v.status === 'wrong') { result.wrong++; return; }
        if (v.status === 'unreviewed' && !includeUnreviewed) { result.unreviewed++; return; }
        if (v.problem) {
          result.skipped.push({doc_id: doc.doc_id, key: v.key, problem: v.problem});
          return;
        }
        claims.push(goldClaim(v.gold));
      });
      result.docs++;
      result.claims += claims.length;
      lines.push(JSON.stringify({doc_id: doc.doc_id, claims: claims}) + '\n');
    });
    result.text = lines.join('');
    return result;
  }

  /* The text cut at every span boundary: pieces with the keys of the spans covering them. */
  function segments(text, spans) {
    var cuts = [0, text.length];
    spans.forEach(function (s) { cuts.push(s.start, s.end); });
    cuts = cuts.filter(function (c, i) { return cuts.indexOf(c) === i; })
      .sort(function (a, b) { return a - b; });
    var pieces = [];
    for (var i = 0; i + 1 < cuts.length; i++) {
      var start = cuts[i], end = cuts[i + 1];
      var covering = spans.filter(function (s) { return s.start <= start && s.end >= end; });
      // the shortest span first: it is the one a click most likely means
      covering.sort(function (a, b) { return (a.end - a.start) - (b.end - b.start); });
      pieces.push({start: start, end: end, keys: covering.map(function (s) { return s.key; })});
    }
    return pieces;
  }

  var AUTHOR_LABEL = '(author)';

  function sourceLabel(gold) {
    return gold.source.name === null ? AUTHOR_LABEL : gold.source.name;
  }

  /* Whether a claim passes the filters (empty string: any value). */
  function matches(v, doc, f) {
    var g = v.gold;
    if (f.outlet && (doc.meta.outlet || '(none)') !== f.outlet) { return false; }
    if (f.source && sourceLabel(g) !== f.source) { return false; }
    if (f.type && g.source.type !== f.type) { return false; }
    if (f.kind && g.kind !== f.kind) { return false; }
    if (f.certainty && g.certainty !== f.certainty) { return false; }
    if (f.status === 'problem' ? !v.problem : f.status && v.status !== f.status) { return false; }
    if (f.search) {
      var hay = [g.evidence, g.statement, g.source.name || ''].join('\n').toLowerCase();
      if (hay.indexOf(f.search.toLowerCase()) < 0) { return false; }
    }
    return true;
  }

  return {
    STATUSES: STATUSES, AUTHOR_LABEL: AUTHOR_LABEL, emptyState: emptyState,
    goldClaim: goldClaim, problem: problem, findNear: findNear, claimsOf: claimsOf,
    allClaims: allClaims, exportGold: exportGold, segments: segments,
    sourceLabel: sourceLabel, matches: matches
  };
})();

if (typeof module !== 'undefined') { module.exports = ReviewCore; }
