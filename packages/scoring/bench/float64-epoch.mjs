// A plain float64 port of the same sparse epoch, the baseline the exact
// fixed-point version is measured against. It is what most ports do, and it is
// not bit-exact: on the reference vectors it misses integer expectations.

const normalize = (v) => {
  const s = v.reduce((a, b) => a + b, 0);
  return s === 0 ? v.slice() : v.map((x) => x / s);
};

function weightedMedianColumns(stake, rows, columns, kappa) {
  const use = normalize(stake.filter((s) => s > 0));
  const stakeSum = use.reduce((a, b) => a + b, 0);
  const byColumn = Array.from({ length: columns }, () => new Float64Array(use.length));
  let k = 0;
  stake.forEach((s, r) => {
    if (s <= 0) return;
    const row = rows[r];
    for (let e = 0; e < row.idx.length; e += 1) byColumn[row.idx[e]][k] = row.val[e];
    k += 1;
  });
  return byColumn.map((scores) => {
    const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
    let acc = 0;
    for (const i of order) {
      acc += use[i];
      if (acc >= kappa * stakeSum) return scores[i];
    }
    return 0;
  });
}

function colNormalize(rows, columns) {
  const sums = new Float64Array(columns);
  for (const row of rows)
    for (let k = 0; k < row.idx.length; k += 1) sums[row.idx[k]] += row.val[k];
  for (const row of rows)
    for (let k = 0; k < row.idx.length; k += 1)
      if (sums[row.idx[k]] !== 0) row.val[k] /= sums[row.idx[k]];
}

/** `alpha·next + (1 − alpha)·old` over the union of both patterns, keeping positive cells. */
function emaRows(next, old, alpha, n) {
  return next.map((row, i) => {
    const acc = new Float64Array(n);
    for (let k = 0; k < row.idx.length; k += 1) acc[row.idx[k]] += alpha * row.val[k];
    for (let k = 0; k < old[i].idx.length; k += 1)
      acc[old[i].idx[k]] += (1 - alpha) * old[i].val[k];
    const idx = [];
    const val = [];
    acc.forEach((v, j) => {
      if (v > 0) {
        idx.push(j);
        val.push(v);
      }
    });
    return { idx, val };
  });
}

/** One epoch (classic bonds, or Yuma3 without liquid alpha) in float64. */
export function float64Epoch(params, state) {
  const n = state.n;
  const total = state.stake.reduce((a, b) => a + Number(b), 0);
  const stake = state.stake.map((s) => Number(s) / total);
  const active = state.lastUpdate.map(
    (u) => !(u + params.activityCutoffBlocks < state.currentBlock),
  );
  const activeStake = normalize(
    stake.map((s, i) => (active[i] && state.validatorPermit[i] ? s : 0)),
  );
  const weights = state.weights.map((row, i) => {
    const kept = state.validatorPermit[i]
      ? row.filter(([j]) => j !== i && state.lastUpdate[i] > state.blockAtRegistration[j])
      : [];
    const sum = kept.reduce((a, [, w]) => a + w, 0);
    return { idx: kept.map(([j]) => j), val: kept.map(([, w]) => (sum > 0 ? w / sum : w)) };
  });
  const kappa = params.kappaU16 / 65535;
  const consensus = weightedMedianColumns(activeStake, weights, n, kappa);
  const clipped = weights.map((row) => ({
    idx: row.idx,
    val: row.val.map((w, k) => Math.min(w, consensus[row.idx[k]])),
  }));
  const ranks = new Float64Array(n);
  clipped.forEach((row, i) => {
    for (let k = 0; k < row.idx.length; k += 1) ranks[row.idx[k]] += activeStake[i] * row.val[k];
  });
  const incentive = normalize(Array.from(ranks));
  const alpha = 1 - params.bondsMovingAverage / 1e6;
  const bonds = state.bonds.map((row) => ({
    idx: row.map(([j]) => j),
    val: row.map(([, b]) => (params.yuma3 ? b / 65535 : b)),
  }));
  let dividends;
  if (params.yuma3) {
    const ema = emaRows(clipped, bonds, alpha, n);
    colNormalize(ema, n);
    dividends = normalize(
      ema.map(
        (row, i) => row.val.reduce((a, b, k) => a + b * incentive[row.idx[k]], 0) * activeStake[i],
      ),
    );
  } else {
    colNormalize(bonds, n);
    const delta = clipped.map((row, i) => ({
      idx: row.idx,
      val: row.val.map((w) => w * activeStake[i]),
    }));
    colNormalize(delta, n);
    const ema = emaRows(delta, bonds, alpha, n);
    colNormalize(ema, n);
    dividends = normalize(
      ema.map((row) => row.val.reduce((a, b, k) => a + b * incentive[row.idx[k]], 0)),
    );
  }
  const E = Number(params.raoEmission);
  const combined = normalize(incentive.map((x, i) => x + dividends[i]));
  return { consensus, incentive, dividends, emission: combined.map((s) => Math.floor(s * E)) };
}
