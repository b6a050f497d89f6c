/* review.js: the review page's DOM: documents, highlights, the claim panel, export.
 *
 * All text from the data is inserted with textContent, never as HTML. The
 * reviewer's edits live in `state` (see review-core.js) and are saved to
 * localStorage under the data's content hash after every change.
 */
(function () {
  'use strict';
  var C = ReviewCore;
  var data = JSON.parse(document.getElementById('review-data').textContent);
  var STORE_KEY = 'claimtrace-review:' + data.hash;
  var KIND_NAMES = data.choices.kind;
  var state = loadState();
  var ui = {doc: 0, key: null, selection: null, filters: {}};

  function $(id) { return document.getElementById(id); }

  /* A new element; `attrs` may hold text, className, on<event> handlers, or attributes. */
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      var value = attrs[name];
      if (name === 'text') { node.textContent = value; }
      else if (name === 'className') { node.className = value; }
      else if (name.slice(0, 2) === 'on') { node.addEventListener(name.slice(2), value); }
      else if (value !== null && value !== undefined && value !== false) {
        node.setAttribute(name, value === true ? '' : value);
      }
    });
    (children || []).forEach(function (child) {
      node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
    });
    return node;
  }

  // --- saved edits -----------------------------------------------------------

  function loadState() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(STORE_KEY) || 'null');
      if (saved && saved.version === 1) { return saved; }
    } catch (e) { /* no storage (private mode, file:// policy): start empty */ }
    return C.emptyState();
  }

  function save() {
    var note = 'edits saved in this browser';
    try { window.localStorage.setItem(STORE_KEY, JSON.stringify(state)); }
    catch (e) { note = 'this browser does not keep edits here: export before closing'; }
    $('saved').textContent = note;
  }

  // --- claims ----------------------------------------------------------------

  function views(d) { return C.claimsOf(data, state, d); }

  function viewOf(key) {
    var d = Number(key.split(':')[0]);
    return views(d).filter(function (v) { return v.key === key; })[0] || null;
  }

  function shown(d) {
    return views(d).filter(function (v) { return C.matches(v, data.docs[d], ui.filters); });
  }

  /* Change a claim: `change` edits a copy of its gold fields; an edit counts as correct. */
  function edit(key, change) {
    var v = viewOf(key);
    var gold = C.goldClaim(v.gold);
    change(gold);
    var entry = state.claims[key] || {};
    var text = data.docs[v.doc].text;
    entry.gold = gold;
    if (gold.evidence !== v.gold.evidence || !v.span) {
      entry.span = text === null ? null : C.findNear(text, gold.evidence, v.span ? v.span[0] : 0);
    } else {
      entry.span = v.span;
    }
    if (!entry.status || entry.status === 'unreviewed') { entry.status = 'correct'; }
    state.claims[key] = entry;
    changed();
  }

  function setStatus(key, status) {
    var entry = state.claims[key] || {};
    entry.status = status;
    state.claims[key] = entry;
    changed();
  }

  function forget(key) {
    delete state.claims[key];
    if (ui.key === key && !viewOf(key)) { ui.key = null; }
    changed();
    renderPanel();
  }

  function addFromSelection() {
    var sel = ui.selection;
    var doc = data.docs[ui.doc];
    if (!sel || sel.doc !== ui.doc || doc.text === null) {
      window.alert('Select the evidence in the article text first.');
      return;
    }
    var n = state.next[ui.doc] || 0;
    var evidence = doc.text.slice(sel.start, sel.end);
    var key = ui.doc + ':n' + n;
    state.next[ui.doc] = n + 1;
    state.claims[key] = {
      status: 'correct', span: [sel.start, sel.end],
      gold: {evidence: evidence, statement: evidence, source: {name: null, type: 'author'},
             cue: null, mode: 'unattributed', kind: 'other', certainty: 'asserted',
             casualty: null}
    };
    ui.key = key;
    changed();
    renderPanel();
  }

  function changed() {
    save();
    renderSummary();
    renderDocList();
    renderDoc();
    refreshPanel();
  }

  // --- filters, summary, documents --------------------------------------------

  var FILTERS = [
    ['f-outlet', 'outlet', 'any outlet'], ['f-source', 'source', 'any source'],
    ['f-type', 'type', 'any source type'], ['f-kind', 'kind', 'any kind'],
    ['f-certainty', 'certainty', 'any certainty'], ['f-status', 'status', 'any review status']
  ];

  function filterOptions() {
    var seen = {outlet: {}, source: {}, type: {}, kind: {}, certainty: {}};
    data.docs.forEach(function (doc) { seen.outlet[doc.meta.outlet || '(none)'] = true; });
    C.allClaims(data, state).forEach(function (v) {
      seen.source[C.sourceLabel(v.gold)] = true;
      seen.type[v.gold.source.type] = true;
    });
    data.choices.kind.forEach(function (k) { seen.kind[k] = true; });
    data.choices.certainty.forEach(function (k) { seen.certainty[k] = true; });
    seen.status = {unreviewed: true, correct: true, wrong: true, problem: true};
    FILTERS.forEach(function (f) {
      var select = $(f[0]);
      select.replaceChildren(el('option', {value: '', text: f[2]}));
      Object.keys(seen[f[1]]).sort().forEach(function (value) {
        select.appendChild(el('option', {value: value, text: value}));
      });
      select.addEventListener('change', function () {
        ui.filters[f[1]] = select.value;
        renderDocList();
        renderDoc();
      });
    });
    $('f-search').addEventListener('input', function () {
      ui.filters.search = $('f-search').value.trim();
      renderDocList();
      renderDoc();
    });
  }

  function renderSummary() {
    var all = C.allClaims(data, state);
    function count(test) { return all.filter(test).length; }
    $('summary').textContent = [
      data.docs.length + ' documents', all.length + ' claims',
      count(function (v) { return v.status === 'correct'; }) + ' correct',
      count(function (v) { return v.status === 'wrong'; }) + ' wrong',
      count(function (v) { return v.status === 'unreviewed'; }) + ' unreviewed',
      count(function (v) { return v.added; }) + ' added',
      count(function (v) { return v.problem; }) + ' with a problem',
      data.failed.length + ' failed', 'from ' + data.records
    ].join(' · ');
  }

  function filtering() {
    return Object.keys(ui.filters).some(function (k) { return ui.filters[k]; });
  }

  function renderDocList() {
    var list = el('ol');
    data.docs.forEach(function (doc, d) {
      var all = views(d);
      var visible = shown(d).length;
      if (filtering() && !visible && d !== ui.doc) { return; }
      var reviewed = all.filter(function (v) { return v.status !== 'unreviewed'; }).length;
      var meta = [doc.meta.outlet, doc.meta.date].filter(Boolean).join(' · ');
      list.appendChild(el('li', {
        className: d === ui.doc ? 'active' : '', 'data-doc': d,
        onclick: function () { ui.doc = d; ui.key = null; renderDocList(); renderDoc(); renderPanel(); }
      }, [
        el('div', {className: 'id', text: doc.doc_id}),
        el('div', {className: 'sub', text: (doc.meta.title || '') + (meta ? ' (' + meta + ')' : '')}),
        el('div', {className: 'sub', text: visible + ' of ' + all.length + ' claims shown · ' +
          reviewed + ' reviewed' + (doc.text === null ? ' · text not found' : '')})
      ]));
    });
    $('doc-list').replaceChildren(el('h2', {text: 'Documents'}), list);
  }

  function markFor(doc, piece, byKey) {
    var text = doc.text.slice(piece.start, piece.end);
    if (!piece.keys.length) { return document.createTextNode(text); }
    var top = byKey[piece.keys[0]];
    var classes = ['k-' + top.gold.kind, 's-' + top.status];
    if (piece.keys.length > 1) { classes.push('overlap'); }
    if (top.problem) { classes.push('problem'); }
    if (piece.keys.indexOf(ui.key) >= 0) { classes.push('active'); }
    var title = piece.keys.map(function (k) {
      var v = byKey[k];
      return v.gold.kind + ' · ' + C.sourceLabel(v.gold) + ' · ' + v.status;
    }).join('\n');
    return el('mark', {
      className: classes.join(' '), 'data-keys': piece.keys.join(' '), title: title,
      onclick: function () { pick(piece.keys); }
    }, [text]);
  }

  /* A click on overlapping claims selects the shortest; clicking again cycles through them. */
  function pick(keys) {
    var at = keys.indexOf(ui.key);
    select(keys[at < 0 ? 0 : (at + 1) % keys.length]);
  }

  function renderText(doc, list) {
    var box = el('div', {className: 'text', id: 'doc-text'});
    var byKey = {};
    var spans = [];
    list.forEach(function (v) {
      byKey[v.key] = v;
      if (v.span) { spans.push({key: v.key, start: v.span[0], end: v.span[1]}); }
    });
    C.segments(doc.text, spans).forEach(function (piece) {
      box.appendChild(markFor(doc, piece, byKey));
    });
    box.addEventListener('mouseup', function () { rememberSelection(box); });
    return box;
  }

  function rememberSelection(box) {
    var sel = window.getSelection();
    if (!sel || sel.isCollapsed || !sel.rangeCount) { return; }
    var range = sel.getRangeAt(0);
    if (!box.contains(range.startContainer) || !box.contains(range.endContainer)) { return; }
    function offset(node, at) {
      var before = document.createRange();
      before.selectNodeContents(box);
      before.setEnd(node, at);
      return before.toString().length;
    }
    ui.selection = {doc: ui.doc, start: offset(range.startContainer, range.startOffset),
                    end: offset(range.endContainer, range.endOffset)};
  }

  function claimRow(v) {
    var badges = [el('span', {className: 'badge ' + v.status, text: v.status})];
    if (v.added) { badges.push(el('span', {className: 'badge added', text: 'added'})); }
    if (v.problem) { badges.push(el('span', {className: 'badge problem', text: 'problem'})); }
    return el('tr', {
      className: 'claim s-' + v.status + (v.key === ui.key ? ' active' : ''), 'data-key': v.key,
      onclick: function () { select(v.key); }
    }, [
      el('td', {}, badges), el('td', {text: v.gold.kind}),
      el('td', {text: v.gold.source.name === null ? C.AUTHOR_LABEL
        : v.gold.source.name + ' (' + v.gold.source.type + ')'}),
      el('td', {text: v.gold.certainty}), el('td', {text: v.gold.evidence})
    ]);
  }

  function renderDoc() {
    var doc = data.docs[ui.doc];
    var list = shown(ui.doc);
    var meta = [doc.meta.outlet, doc.meta.date].filter(Boolean).join(' · ');
    var parts = [el('h2', {text: doc.doc_id}),
                 el('p', {className: 'muted', text: [doc.meta.title, meta].filter(Boolean).join(' — ')})];
    if (doc.text === null) {
      parts.push(el('p', {className: 'error', text: doc.text_error}));
    } else {
      parts.push(el('div', {className: 'row'}, [
        el('button', {type: 'button', id: 'add-claim', text: 'Add a missed claim from the selected text',
                      onclick: addFromSelection})]));
      parts.push(renderText(doc, list));
    }
    var total = views(ui.doc).length;
    parts.push(el('h3', {text: 'Claims (' + list.length + ' of ' + total + ' shown)'}));
    var head = el('tr', {}, ['', 'kind', 'source', 'certainty', 'evidence'].map(function (h) {
      return el('th', {text: h});
    }));
    parts.push(el('table', {id: 'claims'}, [head].concat(list.map(claimRow))));
    $('doc').replaceChildren.apply($('doc'), parts);
  }

  function renderFailed() {
    var box = $('failed');
    var missing = data.docs.filter(function (doc) { return doc.text === null; });
    var parts = [el('h2', {text: 'Failed documents (' + data.failed.length + ')'})];
    if (!data.failed.length) { parts.push(el('p', {className: 'muted', text: 'None.'})); }
    else {
      parts.push(el('table', {id: 'failed-list'}, [el('tr', {}, [el('th', {text: 'doc_id'}),
        el('th', {text: 'error'})])].concat(data.failed.map(function (f) {
          return el('tr', {}, [el('td', {text: f.doc_id}), el('td', {text: f.error})]);
        }))));
    }
    if (missing.length) {
      parts.push(el('h3', {text: 'Texts not found (not exported)'}),
                 el('ul', {}, missing.map(function (doc) { return el('li', {text: doc.text_error}); })));
    }
    box.replaceChildren.apply(box, parts);
  }

  function renderLegend() {
    var items = KIND_NAMES.map(function (k) { return el('mark', {className: 'k-' + k, text: k}); });
    items.push(el('mark', {className: 'k-other overlap', text: 'overlapping claims'}),
               el('mark', {className: 'k-other s-correct', text: 'correct'}),
               el('mark', {className: 'k-other s-wrong', text: 'wrong'}),
               el('mark', {className: 'k-other problem', text: 'has a problem'}));
    var parts = [];
    items.forEach(function (item) { parts.push(item, ' '); });
    parts.push(el('span', {className: 'muted', text: '· keys: j/k next/previous claim, c correct, w wrong'}));
    $('legend').replaceChildren.apply($('legend'), parts);
  }

  // --- the claim panel ----------------------------------------------------------

  var panel = {};

  function select(key) {
    ui.key = key;
    renderDoc();
    renderPanel();
    var mark = document.querySelector('mark.active');
    if (mark) { mark.scrollIntoView({block: 'nearest'}); }
  }

  function field(label, input) { return el('label', {}, [label, input]); }

  function choice(options, value, onchange) {
    var select = el('select', {onchange: function () { onchange(select.value); }},
      options.map(function (o) { return el('option', {value: o, text: o}); }));
    select.value = value;
    return select;
  }

  /* A text input; empty means null where the guide allows null. */
  function textInput(value, nullable, onchange, multiline) {
    var input = el(multiline ? 'textarea' : 'input', {
      onchange: function () { onchange(nullable && !input.value.trim() ? null : input.value); }
    });
    input.value = value === null ? '' : value;
    return input;
  }

  function casualtyFields(key, cas) {
    function set(name, value) {
      edit(key, function (g) { g.casualty[name] = value; });
    }
    var count = el('input', {type: 'number', min: '0', step: '1', onchange: function () {
      set('count', count.value === '' ? null : Number(count.value));
    }});
    count.value = cas.count === null ? '' : String(cas.count);
    return el('fieldset', {}, [el('legend', {text: 'casualty'}),
      field('count', count),
      field('qualifier', choice(data.choices.qualifier, cas.qualifier, function (x) { set('qualifier', x); })),
      field('outcome', choice(data.choices.outcome, cas.outcome, function (x) { set('outcome', x); })),
      field('victims', choice(data.choices.victims, cas.victims, function (x) { set('victims', x); })),
      field('location', textInput(cas.location, true, function (x) { set('location', x); })),
      field('period', textInput(cas.period, true, function (x) { set('period', x); }))]);
  }

  function setType(g, type) {
    g.source.type = type;
    if (type === 'author') { g.source.name = null; g.mode = 'unattributed'; g.cue = null; }
    else if (g.mode === 'unattributed') { g.mode = 'indirect'; }
  }

  function setKind(g, kind) {
    g.kind = kind;
    if (kind !== 'casualty') { g.casualty = null; }
    else if (!g.casualty) {
      var figure = /\d+/.exec(g.evidence);
      g.casualty = {count: figure ? Number(figure[0]) : null, qualifier: 'exact', outcome: 'killed',
                    victims: 'unspecified', location: null, period: null};
    }
  }

  function useSelection(key) {
    var sel = ui.selection;
    var v = viewOf(key);
    if (!sel || sel.doc !== v.doc) { window.alert('Select the evidence in the article text first.'); return; }
    var text = data.docs[v.doc].text;
    edit(key, function (g) { g.evidence = text.slice(sel.start, sel.end); });
    state.claims[key].span = [sel.start, sel.end];
    changed();
    renderPanel();
  }

  /* Build the editor for the selected claim; a structural change (kind, type) rebuilds it. */
  function renderPanel() {
    var box = $('panel');
    var v = ui.key && viewOf(ui.key);
    if (!v) {
      box.replaceChildren(el('p', {className: 'muted', text: 'Click a highlight or a claim to see its fields.'}));
      return;
    }
    var key = v.key, g = v.gold;
    function rebuild(change) { return function (x) { edit(key, function (c) { change(c, x); }); renderPanel(); }; }
    function set(change) { return function (x) { edit(key, function (c) { change(c, x); }); }; }
    panel.status = el('div', {className: 'row'});
    panel.problem = el('p', {className: 'problem-text'});
    panel.others = el('div', {className: 'others'});
    var parts = [
      el('h2', {text: (v.added ? 'Added claim' : 'Claim') + ' ' + key}),
      panel.status, panel.problem, panel.others,
      field('evidence (verbatim from the text)', textInput(g.evidence, false, set(function (c, x) { c.evidence = x; }), true)),
      el('div', {className: 'row'}, [el('button', {type: 'button', text: 'Use the selected text', onclick: function () { useSelection(key); }})]),
      field('statement', textInput(g.statement, false, set(function (c, x) { c.statement = x; }), true)),
      field('source name', textInput(g.source.name, true, set(function (c, x) { c.source.name = x; }))),
      field('source type', choice(data.choices.source_type, g.source.type, rebuild(setType))),
      field('cue', textInput(g.cue, true, set(function (c, x) { c.cue = x; }))),
      field('mode', choice(data.choices.mode, g.mode, rebuild(function (c, x) { c.mode = x; }))),
      field('kind', choice(data.choices.kind, g.kind, rebuild(setKind))),
      field('certainty', choice(data.choices.certainty, g.certainty, set(function (c, x) { c.certainty = x; })))
    ];
    if (g.casualty) { parts.push(casualtyFields(key, g.casualty)); }
    parts.push(el('div', {className: 'row'}, [el('button', {
      type: 'button', className: 'quiet', text: v.added ? 'Remove this added claim' : 'Undo my changes to this claim',
      onclick: function () { forget(key); }
    })]));
    box.replaceChildren.apply(box, parts);
    refreshPanel();
  }

  /* Update the parts of the open panel that follow from the claim, keeping the inputs. */
  function refreshPanel() {
    var v = ui.key && viewOf(ui.key);
    if (!v || !panel.status) { return; }
    panel.status.replaceChildren.apply(panel.status, C.STATUSES.map(function (s) {
      return el('button', {type: 'button', className: v.status === s ? 'on' : '', text: s,
                           onclick: function () { setStatus(v.key, s); }});
    }));
    panel.problem.textContent = v.problem ? 'Not exported until fixed: ' + v.problem : '';
    var here = views(v.doc).filter(function (o) {
      return o.key !== v.key && o.span && v.span && o.span[0] < v.span[1] && v.span[0] < o.span[1];
    });
    panel.others.replaceChildren.apply(panel.others, here.length ? [el('span', {className: 'muted', text: 'Overlaps: '})]
      .concat(here.map(function (o) {
        return el('button', {type: 'button', text: o.key + ' ' + o.gold.kind, onclick: function () { select(o.key); }});
      })) : []);
  }

  // --- export ---------------------------------------------------------------------

  function exported() { return C.exportGold(data, state, $('include-unreviewed').checked); }

  function showPreview() {
    var result = exported();
    var note = result.docs + ' documents, ' + result.claims + ' claims; left out: ' + result.wrong +
      ' wrong, ' + result.unreviewed + ' unreviewed, ' + result.skipped.length + ' with a problem' +
      (result.noText.length ? ', ' + result.noText.length + ' documents without text' : '') + '.';
    result.skipped.forEach(function (s) { note += '\n' + s.doc_id + ' ' + s.key + ': ' + s.problem; });
    $('export-note').textContent = note;
    $('export-preview').textContent = result.text;
    $('export-box').hidden = false;
    return result;
  }

  function download() {
    var result = showPreview();
    var name = data.records.split(/[\\/]/).pop().replace(/\.jsonl$/, '') + '.gold.jsonl';
    var url = URL.createObjectURL(new Blob([result.text], {type: 'application/x-ndjson'}));
    var link = el('a', {href: url, download: name});
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 1000);
  }

  // --- keys and start -----------------------------------------------------------------

  function onKey(event) {
    if (/^(INPUT|TEXTAREA|SELECT)$/.test(event.target.tagName) || event.ctrlKey || event.metaKey) { return; }
    var list = shown(ui.doc).map(function (v) { return v.key; });
    var at = list.indexOf(ui.key);
    if (event.key === 'j' && list.length) { select(list[Math.min(at + 1, list.length - 1)]); }
    else if (event.key === 'k' && list.length) { select(list[Math.max(at - 1, 0)]); }
    else if (event.key === 'c' && ui.key) { setStatus(ui.key, 'correct'); }
    else if (event.key === 'w' && ui.key) { setStatus(ui.key, 'wrong'); }
  }

  $('export').addEventListener('click', download);
  $('preview').addEventListener('click', showPreview);
  $('include-unreviewed').addEventListener('change', function () { if (!$('export-box').hidden) { showPreview(); } });
  $('reset-all').addEventListener('click', function () {
    if (window.confirm('Forget every mark, edit and added claim on this page?')) {
      state = C.emptyState();
      ui.key = null;
      changed();
      renderPanel();
    }
  });
  document.addEventListener('keydown', onKey);
  filterOptions();
  renderLegend();
  renderSummary();
  renderDocList();
  renderDoc();
  renderFailed();
  if (window.location.hash === '#export-preview') { showPreview(); }
}());
