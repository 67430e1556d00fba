(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("pg-data").textContent);
  var g = data.graph, N = g.nodes, E = g.edges, ui = data.ui;
  var n = N.id.length, m = E.s.length;

  // --- words: every text goes in through textContent, never as markup --------------------------
  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }
  function fold(s) {  // the same folding as partnergraph.graph.model.names.fold
    s = String(s).replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    return s.replace(/[–—‐-]/g, " ").toLowerCase().split(/\s+/).filter(Boolean).join(" ");
  }

  // --- the graph --------------------------------------------------------------------------------
  var graph = new graphology.MultiDirectedGraph();
  var inPlaceStatus = g.statuses.map(function (s) { return s.in_place; });
  for (var i = 0; i < n; i++) {
    graph.addNode(N.id[i], { x: N.x[i], y: N.y[i], size: N.size[i], label: N.label[i],
                             color: g.kinds[N.kind[i]].colour, index: i, type: g.kinds[N.kind[i]].ring ? "ring" : "circle" });
  }
  function tentativeEdge(j) { return E.status[j] >= 0 && !inPlaceStatus[E.status[j]]; }
  for (var j = 0; j < m; j++) {
    var colour = g.types[E.type[j]].colour;
    graph.addDirectedEdgeWithKey("e" + j, N.id[E.s[j]], N.id[E.t[j]], {
      color: tentativeEdge(j) ? colour + "66" : (g.big ? colour + "59" : colour),
      size: tentativeEdge(j) ? 0.6 : (g.big ? 0.4 : 1.2), index: j });
  }
  var order = [];  // nodes by size, largest first (search ties, exports)
  for (i = 0; i < n; i++) order.push(i);
  order.sort(function (a, b) { return N.size[b] - N.size[a] || (N.id[a] < N.id[b] ? -1 : 1); });

  // --- state and filters ------------------------------------------------------------------------
  var init = data.initial;
  var state = {
    kinds: g.kinds.map(function (k) { return !init.kinds || init.kinds.indexOf(k.id) >= 0; }),
    types: g.types.map(function () { return true; }),
    inPlace: init.in_place, tentative: init.tentative,
    statuses: init.statuses ? g.statuses.map(function (s) { return init.statuses.indexOf(s.id) >= 0; }) : null,
    asOf: init.as_of, selected: null, focus: false
  };
  var nodeHidden = new Uint8Array(n), edgeHidden = new Uint8Array(m), near = new Uint8Array(n), forced = new Uint8Array(n);
  var FORCED_LABELS = 25, nearCount = 0;  // a hub's neighbours: only the largest 25 get a label when it is selected
  var shownNodes = 0, shownEdges = 0;

  function exists(start, end, day) {
    if (day === null) return true;
    return start !== null && start <= day && (end === null || end >= day);
  }
  function statusOk(s) {
    if (state.statuses) return s >= 0 && state.statuses[s];
    var tentative = s >= 0 && !inPlaceStatus[s];
    return tentative ? state.tentative : state.inPlace;
  }
  function recompute() {
    var base = new Uint8Array(n), degree = new Uint16Array(n), kept = new Uint16Array(n);
    var filtering = state.statuses || !state.inPlace || !state.tentative;
    for (var i = 0; i < n; i++) {
      var own = N.status[i];
      var ok = state.kinds[N.kind[i]] && exists(N.start[i], N.end[i], state.asOf);
      if (ok && own >= 0 && !inPlaceStatus[own] && !state.tentative && !state.statuses) ok = false;
      base[i] = ok ? 1 : 0;
    }
    for (var j = 0; j < m; j++) {
      var s = E.s[j], t = E.t[j];
      degree[s]++; degree[t]++;
      var on = base[s] && base[t] && state.types[E.type[j]] && statusOk(E.status[j]) &&
               exists(E.start[j], E.end[j], state.asOf);
      edgeHidden[j] = on ? 0 : 1;
      if (on) { kept[s]++; kept[t]++; }
    }
    near.fill(0);
    var sel = state.selected === null ? -1 : graph.getNodeAttribute(state.selected, "index");
    if (sel >= 0) {
      near[sel] = 1;
      for (j = 0; j < m; j++) {
        if (edgeHidden[j]) continue;
        if (E.s[j] === sel) near[E.t[j]] = 1;
        if (E.t[j] === sel) near[E.s[j]] = 1;
      }
    }
    forced.fill(0); nearCount = 0;
    if (sel >= 0) {
      forced[sel] = 1;
      for (var k = 0, f = 0; k < n && f < FORCED_LABELS; k++) if (near[order[k]] && order[k] !== sel) { forced[order[k]] = 1; f++; }
      for (i = 0; i < n; i++) nearCount += near[i];
    }
    shownNodes = 0; shownEdges = 0;
    for (i = 0; i < n; i++) {
      var own2 = N.status[i];
      var visible = base[i] && (!filtering || degree[i] === 0 || kept[i] > 0 || (own2 >= 0 && statusOk(own2)));
      if (state.focus && sel >= 0 && !near[i]) visible = false;
      nodeHidden[i] = visible ? 0 : 1;
      shownNodes += visible ? 1 : 0;
    }
    for (j = 0; j < m; j++) {
      if (!edgeHidden[j] && (nodeHidden[E.s[j]] || nodeHidden[E.t[j]])) edgeHidden[j] = 1;
      shownEdges += edgeHidden[j] ? 0 : 1;
    }
    statusLine.textContent = shownNodes.toLocaleString() + " / " + n.toLocaleString() + " · " +
      shownEdges.toLocaleString() + " / " + m.toLocaleString() + " " + ui.shown;
    if (renderer) renderer.refresh();
  }

  // --- the renderer -----------------------------------------------------------------------------
  var statusLine = document.getElementById("status-line");
  var renderer = null;
  var selectedIndex = function () { return state.selected === null ? -1 : graph.getNodeAttribute(state.selected, "index"); };
  // Instruments are rings (a white disc in their kind's colour), actors solid discs: the family at a glance,
  // as the pictures' shapes give it. The border program ships inside the vendored sigma build.
  var ring = Sigma.rendering.createNodeBorderProgram({
    borders: [{ size: { value: 0.3 }, color: { attribute: "color" } }, { size: { fill: true }, color: { value: "#ffffff" } }]
  });
  renderer = new Sigma(graph, document.getElementById("graph"), {
    nodeProgramClasses: { ring: ring },
    defaultEdgeType: g.big ? "line" : "arrow",
    renderEdgeLabels: false,
    labelFont: '"DejaVu Sans", Arial, sans-serif',
    labelSize: 12,
    labelWeight: "normal",
    labelRenderedSizeThreshold: n > 300 ? 6 : 0,
    labelDensity: g.big ? 0.35 : 1,
    labelGridCellSize: g.big ? 140 : 60,
    hideEdgesOnMove: m > 20000,
    zIndex: true,
    minCameraRatio: 0.01,
    maxCameraRatio: 10,
    nodeReducer: function (node, attrs) {
      var i = attrs.index;
      if (nodeHidden[i]) return Object.assign({}, attrs, { hidden: true });
      var sel = selectedIndex();
      if (sel < 0) return attrs;
      if (i === sel) return Object.assign({}, attrs, { highlighted: true, forceLabel: true, zIndex: 2 });
      if (near[i]) return Object.assign({}, attrs, { forceLabel: !!forced[i], label: forced[i] ? attrs.label : "", zIndex: 1 });
      return Object.assign({}, attrs, { color: attrs.color + "55", label: "", zIndex: 0 });
    },
    edgeReducer: function (edge, attrs) {
      var j = attrs.index;
      if (edgeHidden[j]) return Object.assign({}, attrs, { hidden: true });
      var sel = selectedIndex();
      if (sel < 0) return attrs;
      if (E.s[j] === sel || E.t[j] === sel) return Object.assign({}, attrs, { size: nearCount > 100 ? 0.8 : 2.5, zIndex: 1 });
      return Object.assign({}, attrs, { color: g.types[E.type[j]].colour + "40" });  // kept in its colour, fainter
    }
  });

  // --- the side panel: names, kind, status, dates, every evidence quote --------------------------
  var panel = document.getElementById("panel");
  function cite(ev) {
    var src = g.sources[ev[0]] || { id: "?", title: "", publisher: "", published: "" };
    var parts = [src.title || src.id, src.publisher, src.published].filter(Boolean);
    return "— " + parts.join(", ") + " [" + src.id + "]";
  }
  function evidenceList(box, evidence) {
    evidence.forEach(function (ev) {
      box.appendChild(el("blockquote", ev[1]));
      box.appendChild(el("div", cite(ev), "cite"));
    });
  }
  function statusText(s) { return s >= 0 ? g.statuses[s].label : ""; }
  function showPanel(i) {
    panel.replaceChildren();
    if (i < 0) return;
    panel.appendChild(el("h2", N.names[i][0]));
    if (N.names[i].length > 1) panel.appendChild(el("div", N.names[i].slice(1).join(" · "), "meta names"));
    if (N.aliases[i].length) panel.appendChild(el("div", ui.aliases + ": " + N.aliases[i].join(", "), "meta"));
    panel.appendChild(el("div", ui.kind + ": " + g.kinds[N.kind[i]].label, "meta"));
    if (N.status[i] >= 0) panel.appendChild(el("div", ui.status + ": " + statusText(N.status[i]), "meta"));
    N.dates[i].forEach(function (d) { panel.appendChild(el("div", d, "meta")); });
    if (N.note[i]) panel.appendChild(el("div", N.note[i], "meta"));
    if (N.evidence[i].length) { panel.appendChild(el("h3", ui.evidence)); evidenceList(panel, N.evidence[i]); }
    var list = el("ul"), count = 0, limit = 60;
    for (var j = 0; j < m; j++) {
      if (E.s[j] !== i && E.t[j] !== i) continue;
      count++;
      if (count > limit) continue;
      var other = E.s[j] === i ? E.t[j] : E.s[j];
      var sentence = (E.s[j] === i ? "→ " : "← ") + g.types[E.type[j]].label + " · " + N.names[other][0];
      var extra = [E.role[j] >= 0 ? g.texts[E.role[j]] : "", statusText(E.status[j])].concat(E.dates[j]).filter(Boolean);
      var li = el("li", sentence + (extra.length ? " (" + extra.join("; ") + ")" : ""));
      evidenceList(li, E.evidence[j]);
      list.appendChild(li);
    }
    if (count) {
      panel.appendChild(el("h3", ui.relations + " (" + count + ")"));
      panel.appendChild(list);
      if (count > limit) panel.appendChild(el("div", "… +" + (count - limit), "meta"));
    }
  }
  function select(id, move) {
    state.selected = id;
    recompute();
    showPanel(id === null ? -1 : graph.getNodeAttribute(id, "index"));
    if (id !== null && move) {
      var d = renderer.getNodeDisplayData(id);
      if (d) renderer.getCamera().animate({ x: d.x, y: d.y, ratio: Math.min(renderer.getCamera().ratio, g.big ? 0.15 : 0.8) },
                                          { duration: 300 });
    }
  }
  renderer.on("clickNode", function (e) { select(e.node, false); });
  renderer.on("clickStage", function () { select(null, false); });

  // --- search: case and diacritics folded, every name and alias --------------------------------
  function search(query) {
    var q = fold(query);
    if (!q) return [];
    var hits = [];
    for (var k = 0; k < n; k++) {
      var i = order[k], best = 9;
      N.search[i].forEach(function (name) {
        var rank = name === q ? 0 : name.indexOf(q) === 0 ? 1 : (" " + name).indexOf(" " + q) >= 0 ? 2 : name.indexOf(q) >= 0 ? 3 : 9;
        if (rank < best) best = rank;
      });
      if (best < 9) hits.push([best, k, i]);
    }
    hits.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    return hits.slice(0, 12).map(function (h) { return N.id[h[2]]; });
  }

  // --- controls ---------------------------------------------------------------------------------
  var controls = document.getElementById("controls");
  var box = el("input"); box.type = "search"; box.id = "search"; box.placeholder = ui.search;
  var results = el("div"); results.id = "results";
  controls.appendChild(box); controls.appendChild(results);
  box.addEventListener("input", function () {
    results.replaceChildren();
    var found = search(box.value);
    if (!box.value.trim()) return;
    if (!found.length) { results.appendChild(el("div", ui.no_match, "meta")); return; }
    found.forEach(function (id) {
      var i = graph.getNodeAttribute(id, "index");
      var row = el("div", N.names[i].join(" · ") + " (" + g.kinds[N.kind[i]].label + ")");
      row.dataset.node = id;
      row.addEventListener("click", function () { select(id, true); });
      results.appendChild(row);
    });
  });
  box.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { var found = search(box.value); if (found.length) select(found[0], true); }
  });
  function checkbox(parent, text, checked, onChange, swatch, cls) {
    var label = el("label"), input = el("input");
    input.type = "checkbox"; input.checked = checked;
    input.addEventListener("change", function () { onChange(input.checked); recompute(); });
    label.appendChild(input);
    if (swatch) { var s = el("span", null, cls); s.style[cls === "line" ? "borderColor" : "background"] = swatch; label.appendChild(s); }
    label.appendChild(document.createTextNode(text));
    parent.appendChild(label);
    return input;
  }
  var buttons = el("div");
  var focusBox = checkbox(buttons, ui.focus, false, function (on) { state.focus = on; });
  focusBox.id = "focus";
  var clear = el("button", ui.clear); clear.id = "clear";
  clear.addEventListener("click", function () { box.value = ""; results.replaceChildren(); select(null, false); renderer.getCamera().animatedReset(); });
  var save = el("button", ui.export); save.id = "export";
  save.addEventListener("click", function () {
    var a = document.createElement("a"); a.download = "partnergraph-view.png"; a.href = exportPNG(); a.click();
  });
  buttons.appendChild(clear); buttons.appendChild(save);
  controls.appendChild(buttons);

  controls.appendChild(el("h3", ui.ties));
  var inPlaceBox = checkbox(controls, ui.in_place, state.inPlace, function (on) { state.inPlace = on; state.statuses = null; }, "#555", "line");
  inPlaceBox.id = "show-in-place";
  var tentativeBox = checkbox(controls, ui.tentative, state.tentative, function (on) { state.tentative = on; state.statuses = null; }, "#55555566", "line");
  tentativeBox.id = "show-tentative";

  controls.appendChild(el("h3", ui.as_of));
  var days = [];
  for (i = 0; i < n; i++) if (N.start[i] !== null && N.start[i] > -1e6) days.push(N.start[i]);
  for (j = 0; j < m; j++) if (E.start[j] !== null && E.start[j] > -1e6) days.push(E.start[j]);
  var first = days.length ? Math.min.apply(null, days) : 0, last = days.length ? Math.max.apply(null, days) : 0;
  var slider = el("input"); slider.type = "range"; slider.id = "as-of"; slider.min = first; slider.max = last + 1; slider.step = 1;
  slider.value = state.asOf === null ? last + 1 : state.asOf;
  var when = el("div", "", "meta"); when.id = "as-of-text";
  function showDay() {
    var v = +slider.value;
    state.asOf = v > last ? null : v;
    when.textContent = state.asOf === null ? ui.all_dates : new Date(v * 86400000).toISOString().slice(0, 10);
  }
  slider.addEventListener("input", function () { showDay(); recompute(); });
  controls.appendChild(slider); controls.appendChild(when); showDay();

  controls.appendChild(el("h3", ui.kind));
  var kindBox = el("div", null, "columns"); kindBox.id = "kinds";
  g.kinds.forEach(function (k, idx) {
    checkbox(kindBox, k.label, state.kinds[idx], function (on) { state.kinds[idx] = on; }, k.colour, "swatch").dataset.kind = k.id;
  });
  controls.appendChild(kindBox);
  controls.appendChild(el("h3", ui.relations));
  var typeBox = el("div", null, "columns"); typeBox.id = "types";
  g.types.forEach(function (e, idx) {
    checkbox(typeBox, e.label, true, function (on) { state.types[idx] = on; }, e.colour, "line").dataset.type = e.id;
  });
  controls.appendChild(typeBox);
  controls.appendChild(el("p", ui.help, "meta"));
  controls.appendChild(el("p", ui.shapes, "meta"));

  // --- PNG export of the current view: the layers drawn into one canvas right after a render ----
  function exportPNG() {
    var url = null;
    function compose() {
      var layers = renderer.getCanvases(), first = layers.edges || layers.nodes;
      var out = document.createElement("canvas");
      out.width = first.width; out.height = first.height;
      var ctx = out.getContext("2d");
      ctx.fillStyle = "#ffffff"; ctx.fillRect(0, 0, out.width, out.height);
      ["edges", "nodes", "edgeLabels", "labels", "hovers", "hoverNodes"].forEach(function (name) {
        if (layers[name]) ctx.drawImage(layers[name], 0, 0, out.width, out.height);
      });
      url = out.toDataURL("image/png");
    }
    renderer.once("afterRender", compose);
    renderer.refresh();
    if (url === null) compose();
    return url;
  }

  recompute();
  if (data.centre !== null && data.centre !== undefined) select(data.centre, false);
  window.partnergraph = {
    renderer: renderer, graph: graph, state: state, search: search, select: select, exportPNG: exportPNG,
    shown: function () { return { nodes: shownNodes, edges: shownEdges }; },
    nodeHidden: function (id) { return !!nodeHidden[graph.getNodeAttribute(id, "index")]; },
    program: function (id) { return renderer.getNodeDisplayData(id).type; },
    edgeHidden: function (j) { return !!edgeHidden[j]; },
    edges: E, nodes: N
  };
})();
