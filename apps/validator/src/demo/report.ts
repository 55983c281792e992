import type { DemoRun } from './run-network.js';
import { DEMO_SUBNETS } from './run-network.js';

const COLORS = ['#1b9e77', '#d95f02', '#7570b3'];

function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] ?? c,
  );
}

/** A small line chart as inline SVG: one series per miner. */
function lineChart(title: string, series: { name: string; values: number[] }[]): string {
  const width = 420;
  const height = 180;
  const pad = 30;
  const points = Math.max(1, ...series.map((s) => s.values.length));
  const max = Math.max(1e-9, ...series.flatMap((s) => s.values));
  const x = (i: number) => pad + (points === 1 ? 0 : (i * (width - 2 * pad)) / (points - 1));
  const y = (v: number) => height - pad - (v / max) * (height - 2 * pad);
  const lines = series
    .map((s, k) => {
      const path = s.values
        .map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`)
        .join(' ');
      return `<path d="${path}" fill="none" stroke="${COLORS[k % COLORS.length]}" stroke-width="2"><title>${escapeHtml(s.name)}</title></path>`;
    })
    .join('');
  const legend = series
    .map((s, k) => `<tspan fill="${COLORS[k % COLORS.length]}">● ${escapeHtml(s.name)} </tspan>`)
    .join('');
  return `<figure><svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeHtml(title)}">
<line x1="${pad}" y1="${height - pad}" x2="${width - pad}" y2="${height - pad}" stroke="#999"/>
<line x1="${pad}" y1="${pad}" x2="${pad}" y2="${height - pad}" stroke="#999"/>
<text x="${pad}" y="${pad - 10}" font-size="11">max ${max.toPrecision(3)}</text>${lines}
<text x="${pad}" y="${height - 8}" font-size="11">${legend}</text></svg><figcaption>${escapeHtml(title)}</figcaption></figure>`;
}

/** The per-miner numbers the table and the report show, for one subnet. */
export function standings(run: DemoRun, netuid: number) {
  const epochs = run.epochs[netuid] ?? [];
  const last = epochs.at(-1);
  const earnings = run.earnings[netuid] ?? new Map<string, bigint>();
  return run.miners.map((miner) => {
    const index = last?.hotkeys.indexOf(miner.hotkey) ?? -1;
    const outcomes = run.rounds
      .filter((r) => r.netuid === netuid)
      .flatMap((r) => r.outcomes.filter((o) => o.hotkey === miner.hotkey));
    const proofs = outcomes.filter((o) => o.proofValid !== undefined);
    return {
      miner: miner.name,
      behaviour: miner.behaviour,
      meanScore: outcomes.reduce((a, o) => a + o.score, 0) / Math.max(outcomes.length, 1),
      consensus: index >= 0 ? (last?.consensus[index] ?? 0) : 0,
      incentive: index >= 0 ? (last?.incentive[index] ?? 0) : 0,
      emission: Number(earnings.get(miner.hotkey) ?? 0n) / 1e9,
      proofsValid: proofs.filter((o) => o.proofValid).length,
      proofsChecked: proofs.length,
    };
  });
}

/** A self-contained HTML report of a demo run: tables and charts of scores, weights, consensus, emissions and proof checks. */
export function renderReport(run: DemoRun, options: { live?: boolean } = {}): string {
  const sections = DEMO_SUBNETS.map(({ netuid, name }) => {
    const epochs = run.epochs[netuid] ?? [];
    const perMiner = (pick: (e: (typeof epochs)[number], index: number) => number) =>
      run.miners.map((m) => ({
        name: m.name,
        values: epochs.map((e) => {
          const i = e.hotkeys.indexOf(m.hotkey);
          return i >= 0 ? pick(e, i) : 0;
        }),
      }));
    const cumulative = perMiner((e, i) => Number(e.emission[i] ?? 0n) / 1e9).map((s) => ({
      name: s.name,
      values: s.values.map((_, k) => s.values.slice(0, k + 1).reduce((a, b) => a + b, 0)),
    }));
    const cycles = [...new Set(run.rounds.map((r) => r.cycle))].sort((a, b) => a - b);
    const scores = run.miners.map((m) => ({
      name: m.name,
      values: cycles.map((c) => {
        const mine = run.rounds
          .filter((r) => r.netuid === netuid && r.cycle === c)
          .flatMap((r) => r.outcomes.filter((o) => o.hotkey === m.hotkey).map((o) => o.average));
        return mine.reduce((a, b) => a + b, 0) / Math.max(mine.length, 1);
      }),
    }));
    const weights = run.miners.map((m) => ({
      name: m.name,
      values: run.weights.filter((w) => w.netuid === netuid).map((w) => w.byMiner[m.hotkey] ?? 0),
    }));
    const proofChecks = run.miners.map((m) => ({
      name: m.name,
      values: cycles.map(
        (c) =>
          run.rounds
            .filter((r) => r.netuid === netuid && r.cycle === c)
            .flatMap((r) => r.outcomes.filter((o) => o.hotkey === m.hotkey && o.proofValid)).length,
      ),
    }));
    const hasProofs = run.rounds.some(
      (r) => r.netuid === netuid && r.outcomes.some((o) => o.proofValid !== undefined),
    );
    const rows = standings(run, netuid)
      .map(
        (s) =>
          `<tr data-miner="${escapeHtml(s.miner)}"><td>${escapeHtml(s.miner)}</td><td>${escapeHtml(s.behaviour)}</td><td>${s.meanScore.toFixed(3)}</td><td>${s.consensus.toFixed(3)}</td><td>${s.incentive.toFixed(3)}</td><td class="emission">${s.emission.toFixed(4)}</td><td>${s.proofsChecked === 0 ? '–' : `${s.proofsValid}/${s.proofsChecked}`}</td></tr>`,
      )
      .join('');
    return `<section data-netuid="${netuid}"><h2>Subnet ${netuid}: ${escapeHtml(name)} (${epochs.length} epochs)</h2>
<table><thead><tr><th>miner</th><th>behaviour</th><th>mean score</th><th>consensus</th><th>incentive</th><th>emission τ</th><th>valid proofs</th></tr></thead><tbody>${rows}</tbody></table>
<div class="charts">${lineChart('validators’ moving-average score per cycle', scores)}${lineChart(
      'weights on the chain per cycle (mean over validators)',
      weights,
    )}${hasProofs ? lineChart('valid proofs per cycle', proofChecks) : ''}${lineChart(
      'consensus per epoch',
      perMiner((e, i) => e.consensus[i] ?? 0),
    )}${lineChart(
      'incentive per epoch',
      perMiner((e, i) => e.incentive[i] ?? 0),
    )}${lineChart('cumulative emission τ', cumulative)}</div></section>`;
  }).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ModernTensor demo network</title>
${options.live ? '<meta http-equiv="refresh" content="2">' : ''}
<style>body{font:14px system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse;margin:1rem 0}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:nth-child(-n+2),th:nth-child(-n+2){text-align:left}.charts{display:flex;flex-wrap:wrap;gap:1rem}figure{margin:0}figcaption{font-size:12px;color:#555}</style></head>
<body><h1>ModernTensor demo network</h1>
<p>Digits model held-out accuracy ${(100 * run.digitsAccuracy).toFixed(1)} %. Validators: ${run.validators.map((v) => `${escapeHtml(v.hotkey.slice(0, 10))}… (stake ${(Number(v.stake) / 1e9).toFixed(1)} τ)`).join(', ')}.</p>
${sections}</body></html>`;
}
