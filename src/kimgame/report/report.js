// kimgame report page: re-evaluates the claims and the subgame-perfect path when a slider moves.
// Exact arithmetic: rationals of BigInts. The programs it runs are JSON data written by
// kimgame.report.html_expr (never code): see that module for their grammar.
"use strict";
(function () {
  const DATA = JSON.parse(document.getElementById("kg-data").textContent);

  // ---- exact rationals -------------------------------------------------------------------------
  function gcd(a, b) { if (a < 0n) a = -a; if (b < 0n) b = -b; while (b) { [a, b] = [b, a % b]; } return a; }
  function q(n, d) {
    if (d === 0n) throw new Error("division by zero at these parameter values");
    if (d < 0n) { n = -n; d = -d; }
    const g = gcd(n, d);
    return g > 1n ? { n: n / g, d: d / g } : { n: n, d: d };
  }
  const EXACT = {
    num: (p, r) => q(BigInt(p), BigInt(r)),
    add: (a, b) => q(a.n * b.d + b.n * a.d, a.d * b.d),
    mul: (a, b) => q(a.n * b.n, a.d * b.d),
    neg: (a) => ({ n: -a.n, d: a.d }),
    div: (a, b) => q(a.n * b.d, a.d * b.n),
    cmp: (a, b) => { const s = a.n * b.d - b.n * a.d; return s > 0n ? 1 : (s < 0n ? -1 : 0); },
    sign: (a) => (a.n > 0n ? 1 : (a.n < 0n ? -1 : 0)),
    whole: (a) => (a.d === 1n ? Number(a.n) : null),
    zero: { n: 0n, d: 1n }, one: { n: 1n, d: 1n },
  };
  const FLOAT = {  // for the region maps only (pictures); verdicts are exact
    num: (p, r) => Number(p) / Number(r),
    add: (a, b) => a + b, mul: (a, b) => a * b, neg: (a) => -a,
    div: (a, b) => { if (b === 0) throw new Error("division by zero"); return a / b; },
    cmp: (a, b) => (a > b ? 1 : (a < b ? -1 : 0)), sign: (a) => (a > 0 ? 1 : (a < 0 ? -1 : 0)),
    whole: (a) => (Number.isInteger(a) ? a : null), zero: 0, one: 1,
  };

  function evaluate(e, v, A) {
    switch (e[0]) {
      case "n": return A.num(e[1], e[2]);
      case "v": return v[e[1]];
      case "+": { let s = evaluate(e[1], v, A); for (let i = 2; i < e.length; i++) s = A.add(s, evaluate(e[i], v, A)); return s; }
      case "*": { let s = evaluate(e[1], v, A); for (let i = 2; i < e.length; i++) s = A.mul(s, evaluate(e[i], v, A)); return s; }
      case "-": return A.neg(evaluate(e[1], v, A));
      case "/": return A.div(evaluate(e[1], v, A), evaluate(e[2], v, A));
      case "^": {
        const base = evaluate(e[1], v, A), k = A.whole(evaluate(e[2], v, A));
        if (k === null) throw new Error("a power whose exponent is not a whole number");
        if (Math.abs(k) > 4096) throw new Error("a power too large to compute exactly");
        let r = A.one;
        for (let i = 0; i < Math.abs(k); i++) r = A.mul(r, base);
        return k < 0 ? A.div(A.one, r) : r;
      }
      case "min": case "max": {
        let best = evaluate(e[1], v, A);
        for (let i = 2; i < e.length; i++) {
          const x = evaluate(e[i], v, A);
          if ((e[0] === "min" && A.cmp(x, best) < 0) || (e[0] === "max" && A.cmp(x, best) > 0)) best = x;
        }
        return best;
      }
      case "abs": { const x = evaluate(e[1], v, A); return A.sign(x) < 0 ? A.neg(x) : x; }
    }
    throw new Error("unknown program " + e[0]);
  }

  const HOLDS = { ">": (s) => s > 0, ">=": (s) => s >= 0, "<": (s) => s < 0, "<=": (s) => s <= 0,
                  "==": (s) => s === 0, "!=": (s) => s !== 0 };
  const UNKNOWN = 2;
  // A condition's exact truth, and its truth in Kleene's logic with atoms at equality unknown:
  // "tie" when the exact verdict rests on an equality.
  function judge(cond, v, A) {
    const signs = cond.atoms.map((a) => A.sign(evaluate(a[1], v, A)));
    const exact = (t) => {
      if (t === true || t === false) return t;
      if (typeof t === "number") return HOLDS[cond.atoms[t][0]](signs[t]);
      if (t[0] === "not") return !exact(t[1]);
      if (t[0] === "and") { for (let i = 1; i < t.length; i++) if (!exact(t[i])) return false; return true; }
      for (let i = 1; i < t.length; i++) if (exact(t[i])) return true;
      return false;
    };
    const kleene = (t) => {
      if (t === true) return 1; if (t === false) return 0;
      if (typeof t === "number") return signs[t] === 0 ? UNKNOWN : (HOLDS[cond.atoms[t][0]](signs[t]) ? 1 : 0);
      if (t[0] === "not") { const x = kleene(t[1]); return x === UNKNOWN ? x : 1 - x; }
      const stop = t[0] === "and" ? 0 : 1;
      let unknown = false;
      for (let i = 1; i < t.length; i++) { const x = kleene(t[i]); if (x === stop) return stop; if (x === UNKNOWN) unknown = true; }
      return unknown ? UNKNOWN : 1 - stop;
    };
    return { holds: exact(cond.tree), tie: A === EXACT && kleene(cond.tree) === UNKNOWN };
  }

  function show(x) {  // exact text of a rational, with a decimal beside non-integers
    if (x.d === 1n) return x.n.toString();
    const dec = Number(x.n * 10000n / x.d) / 10000;
    return x.n.toString() + "/" + x.d.toString() + " (≈" + dec + ")";
  }
  function text(el, s) { if (el) el.textContent = s; }

  // ---- parameters and sliders ------------------------------------------------------------------
  const values = {};   // name -> exact rational
  function gridValue(p, i) {  // lo + i * (hi - lo) / steps
    const lo = EXACT.num(p.lo[0], p.lo[1]), hi = EXACT.num(p.hi[0], p.hi[1]);
    return EXACT.add(lo, EXACT.mul(EXACT.num(String(i), String(p.steps)), EXACT.add(hi, EXACT.neg(lo))));
  }
  function floats() { const f = {}; for (const k in values) f[k] = Number(values[k].n) / Number(values[k].d); return f; }

  // ---- the tree: backward induction over every pure subgame-perfect equilibrium ---------------
  const MAX_COMBINATIONS = 20000;
  function product(lists) {
    let out = [[]];
    for (const l of lists) {
      const next = [];
      for (const prefix of out) for (const x of l) next.push(prefix.concat([x]));
      out = next;
      if (out.length > MAX_COMBINATIONS) throw new Error("too many tied equilibria to follow in the page");
    }
    return out;
  }
  function key(vec) { return vec.map((x) => x.n + "/" + x.d).join(","); }
  function backwardInduction(tree, v) {
    const nodes = tree.nodes, n = nodes.length;
    const sets = new Array(n), best = new Array(n);
    for (let u = n - 1; u >= 0; u--) {
      const node = nodes[u];
      if (node.k === "t") { sets[u] = [node.payoffs.map((e) => evaluate(e, v, EXACT))]; continue; }
      const out = new Map();
      if (node.k === "c") {
        const probs = node.probs.map((e) => evaluate(e, v, EXACT));
        for (const combo of product(node.children.map((c) => sets[c]))) {
          const vec = combo[0].map((_, i) => combo.reduce((s, x, k) => EXACT.add(s, EXACT.mul(probs[k], x[i])), EXACT.zero));
          out.set(key(vec), vec);
        }
      } else {
        const chosen = new Set();
        for (const combo of product(node.children.map((c) => sets[c]))) {
          let top = combo[0][node.player];
          for (const x of combo) if (EXACT.cmp(x[node.player], top) > 0) top = x[node.player];
          combo.forEach((x, k) => { if (EXACT.cmp(x[node.player], top) === 0) { chosen.add(k); out.set(key(x), x); } });
        }
        best[u] = chosen;
      }
      sets[u] = Array.from(out.values());
    }
    return { sets: sets, best: best };
  }

  function updateTree() {
    const tree = DATA.tree;
    const status = document.getElementById("kg-path-status");
    if (!tree || !tree.live) return;
    let r;
    try { r = backwardInduction(tree, values); } catch (err) { text(status, "cannot follow: " + err.message); return; }
    const reached = new Set([0]);
    const nodes = tree.nodes;
    for (let u = 0; u < nodes.length; u++) {  // preorder: a parent comes before its children
      const node = nodes[u];
      if (node.k === "t") continue;
      node.children.forEach((c, k) => {
        const taken = node.k === "c" ? true : r.best[u].has(k);
        const prob = node.k === "c" ? evaluate(node.probs[k], values, EXACT) : null;
        const live = node.k === "c" ? EXACT.sign(prob) > 0 : taken;
        if (prob !== null) text(document.getElementById("kg-p" + c), show(prob));
        if (reached.has(u) && live) reached.add(c);
        const edge = document.getElementById("kg-e" + c);
        if (!edge) return;
        edge.classList.toggle("spe", node.k === "d" && taken);
        edge.classList.toggle("tie", node.k === "d" && taken && r.best[u].size > 1);
        edge.classList.toggle("path", reached.has(c));
      });
    }
    nodes.forEach((node, u) => {
      const el = document.getElementById("kg-n" + u);
      if (el) el.classList.toggle("path", reached.has(u));
      if (node.k === "t") {
        const pay = document.getElementById("kg-pay" + u);
        text(pay, node.payoffs.map((e, i) => DATA.players[i] + " " + show(evaluate(e, values, EXACT))).join(", "));
      }
    });
    const ties = nodes.filter((node, u) => node.k === "d" && r.best[u].size > 1).length;
    const root = r.sets[0];
    let msg = root.length === 1
      ? "Subgame-perfect payoffs: " + root[0].map((x, i) => DATA.players[i] + " " + show(x)).join(", ")
      : root.length + " different subgame-perfect payoff vectors";
    if (ties) msg += " — tie at " + ties + " decision node" + (ties > 1 ? "s" : "") + " (dashed: every tied move is subgame-perfect)";
    text(status, msg);
    status.dataset.ties = String(ties);
  }

  // ---- the payoff matrix: live payoffs and pure equilibria --------------------------------------
  function updateMatrix() {
    const m = DATA.matrix;
    if (!m) return;
    const [rows, cols] = m.shape;
    const pay = [];
    try {
      for (let i = 0; i < rows; i++) { pay.push([]); for (let j = 0; j < cols; j++) pay[i].push(m.payoffs[i][j].map((e) => evaluate(e, values, EXACT))); }
    } catch (err) { text(document.getElementById("kg-matrix-status"), "cannot evaluate: " + err.message); return; }
    let pure = 0;
    for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) {
      let rowBest = true, colBest = true;
      for (let a = 0; a < rows; a++) if (EXACT.cmp(pay[a][j][0], pay[i][j][0]) > 0) rowBest = false;
      for (let b = 0; b < cols; b++) if (EXACT.cmp(pay[i][b][1], pay[i][j][1]) > 0) colBest = false;
      const cell = document.getElementById("kg-c" + i + "-" + j);
      text(cell.querySelector(".pay"), show(pay[i][j][0]) + ", " + show(pay[i][j][1]));
      cell.classList.toggle("nash", rowBest && colBest);
      if (rowBest && colBest) pure++;
    }
    text(document.getElementById("kg-matrix-status"), pure + " pure Nash equilibri" + (pure === 1 ? "um" : "a") + " (highlighted)");
  }

  // ---- claims and their region maps --------------------------------------------------------------
  const MAP = 48;
  function drawMap(claim, i) {
    const svg = document.getElementById("kg-map" + i);
    if (!svg || !claim.condition) return;
    const xs = document.getElementById("kg-mapx" + i).value, ys = document.getElementById("kg-mapy" + i).value;
    const px = DATA.params.find((p) => p.name === xs), py = DATA.params.find((p) => p.name === ys);
    const f = floats();
    const range = (p) => [Number(p.lo[0]) / Number(p.lo[1]), Number(p.hi[0]) / Number(p.hi[1])];
    const [x0, x1] = range(px), [y0, y1] = range(py);
    const size = 240, cell = size / MAP;
    let out = "";
    for (let a = 0; a < MAP; a++) for (let b = 0; b < MAP; b++) {
      const at = Object.assign({}, f);
      at[xs] = x0 + (a + 0.5) * (x1 - x0) / MAP; at[ys] = y0 + (b + 0.5) * (y1 - y0) / MAP;
      let cls = "undef";
      try { cls = judge(claim.condition, at, FLOAT).holds ? "yes" : "no"; } catch (err) { cls = "undef"; }
      out += '<rect class="' + cls + '" x="' + (a * cell).toFixed(2) + '" y="' + (size - (b + 1) * cell).toFixed(2) +
        '" width="' + (cell + 0.05).toFixed(2) + '" height="' + (cell + 0.05).toFixed(2) + '"/>';
    }
    const cx = (f[xs] - x0) / ((x1 - x0) || 1) * size, cy = size - (f[ys] - y0) / ((y1 - y0) || 1) * size;
    out += '<circle class="here" cx="' + cx.toFixed(2) + '" cy="' + cy.toFixed(2) + '" r="4"/>';
    svg.innerHTML = out;
  }
  function updateClaims() {
    DATA.claims.forEach((claim, i) => {
      const row = document.getElementById("kg-claim" + i);
      const cell = row.querySelector(".verdict");
      if (!claim.condition) return;  // judged at the build values only (said in the page)
      let r;
      try { r = judge(claim.condition, values, EXACT); } catch (err) { text(cell, "undefined: " + err.message); row.dataset.verdict = "undefined"; return; }
      row.dataset.verdict = r.holds ? "holds" : "fails";
      row.dataset.tie = r.tie ? "1" : "0";
      text(cell, (r.holds ? "holds" : "does not hold") + (r.tie ? " — tie: on the boundary, an equality decides" : ""));
      cell.className = "verdict " + (r.holds ? "yes" : "no") + (r.tie ? " tie" : "");
    });
    scheduleMaps();
  }
  let mapTimer = null;  // maps are redrawn once the sliders rest (they take many evaluations)
  function scheduleMaps() {
    if (mapTimer !== null) clearTimeout(mapTimer);
    mapTimer = setTimeout(() => { mapTimer = null; DATA.claims.forEach(drawMap); document.body.dataset.maps = "1"; }, 150);
  }

  function update() {
    updateTree();
    updateMatrix();
    updateClaims();
    document.body.dataset.updates = String(Number(document.body.dataset.updates || "0") + 1);
  }

  DATA.params.forEach((p) => {
    values[p.name] = EXACT.num(p.value[0], p.value[1]);
    const slider = document.getElementById("kg-s-" + p.index);
    const out = document.getElementById("kg-v-" + p.index);
    slider.addEventListener("input", () => {
      values[p.name] = gridValue(p, Number(slider.value));
      text(out, show(values[p.name]));
      out.classList.toggle("changed", EXACT.cmp(values[p.name], EXACT.num(p.value[0], p.value[1])) !== 0);
      update();
    });
  });
  DATA.claims.forEach((claim, i) => {
    for (const axis of ["x", "y"]) {
      const sel = document.getElementById("kg-map" + axis + i);
      if (sel) sel.addEventListener("change", () => drawMap(claim, i));
    }
  });
  const reset = document.getElementById("kg-reset");
  if (reset) reset.addEventListener("click", () => {
    DATA.params.forEach((p) => {
      values[p.name] = EXACT.num(p.value[0], p.value[1]);
      document.getElementById("kg-s-" + p.index).value = String(p.start);
      const out = document.getElementById("kg-v-" + p.index);
      text(out, show(values[p.name]));
      out.classList.remove("changed");
    });
    update();
  });
  update();
})();
