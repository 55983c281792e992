import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ONE } from './fixed.js';
import type { EpochReport } from './report.js';
import { parseYumaScenario, replayScenario } from './scenario.js';
import { colClip, densify, emaPerCell, type SparseRow } from './sparse.js';
import { weightedMedian, weightedMedianColumns } from './vector.js';

interface VectorCase {
  name: string;
  kind: 'math' | 'epoch';
  subcases?: Record<string, unknown>[];
  steps?: { op: string; expect?: Record<string, unknown> }[];
}

const vectors = JSON.parse(
  readFileSync(new URL('../../test/fixtures/yuma-vectors.json', import.meta.url), 'utf8'),
) as { cases: VectorCase[] };

function vectorCase(name: string): VectorCase {
  const found = vectors.cases.find((c) => c.name === name);
  if (!found) throw new Error(`no vector case ${name}`);
  return found;
}

/** `I32F32::from_num(f32)`: the f32 literal, scaled and rounded to nearest, ties to even. */
function fromF32(x: number): number {
  const scaled = Math.fround(x) * ONE;
  const floor = Math.floor(scaled);
  const diff = scaled - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

const f32s = (values: number[]) => values.map(fromF32);

/** Sparse rows from dense rows, zeros as absent entries (as the sparse tests build them). */
function sparseFromDense(rows: number[][]): SparseRow[] {
  return rows.map((row) => {
    const out: SparseRow = { idx: [], val: [] };
    row.forEach((value, j) => {
      if (value !== 0) {
        out.idx.push(j);
        out.val.push(fromF32(value));
      }
    });
    return out;
  });
}

/** Sparse rows holding every cell, zeros included (a dense matrix in sparse form). */
function fullRows(rows: number[][]): SparseRow[] {
  return rows.map((row) => ({ idx: row.map((_, j) => j), val: f32s(row) }));
}

describe('Yuma math primitives against the chain', () => {
  it('weighted_median picks the same score in every subcase', () => {
    for (const sub of vectorCase('weighted_median_scalar').subcases ?? []) {
      const stake = f32s(sub.stake as number[]);
      const score = f32s(sub.score as number[]);
      const minority = ONE - fromF32(sub.majority as number);
      const total = stake.reduce((a, b) => a + b, 0);
      const partition = stake.map((_, i) => i);
      const median = weightedMedian(stake, score, partition, minority, 0, total);
      expect(median, JSON.stringify(sub)).toBe(fromF32(sub.expected_median as number));
    }
  });

  it('weighted_median_col gives the same consensus per column', () => {
    for (const sub of vectorCase('weighted_median_col').subcases ?? []) {
      const rows = sparseFromDense(sub.weights_rows as number[][]);
      const columns = (sub.weights_rows as number[][])[0]?.length ?? 0;
      const median = weightedMedianColumns(
        f32s(sub.stake as number[]),
        rows,
        columns,
        fromF32(sub.majority as number),
      );
      expect(median, JSON.stringify(sub)).toEqual(f32s(sub.expected as number[]));
    }
  });

  it('col_clip clips, and drops entries clipped to a non-positive threshold', () => {
    for (const sub of vectorCase('col_clip').subcases ?? []) {
      const rows = sparseFromDense(sub.matrix_rows as number[][]);
      const clipped = colClip(rows, f32s(sub.consensus as number[]));
      const dense = clipped.map((row) => densify(row, 3));
      expect(dense).toEqual((sub.expected_rows as number[][]).map(f32s));
      // A dropped entry is absent, not a stored zero.
      expect(clipped.every((row) => row.val.every((value) => value > 0))).toBe(true);
    }
  });

  it('mat_ema_alpha_sparse matches, including dropping bonds with no weight entry', () => {
    for (const sub of vectorCase('mat_ema_alpha').subcases ?? []) {
      const sparse = sub.variant === 'sparse';
      const toRows = (rows: unknown) =>
        sparse
          ? (rows as [number, number][][]).map((row) => ({
              idx: row.map(([j]) => j),
              val: row.map(([, v]) => fromF32(v)),
            }))
          : fullRows(rows as number[][]);
      const next = toRows(sub.new_rows);
      const old = toRows(sub.old_rows);
      const columns =
        (sub.n_cols as number | undefined) ?? Math.max(...next.map((r) => r.idx.length), 2);
      const alphas =
        sub.alpha_rows !== undefined
          ? (sub.alpha_rows as number[][]).map(f32s)
          : next.map(() => new Array<number>(columns).fill(fromF32(sub.alpha_all as number)));
      const result = emaPerCell(next, old, alphas);
      // Upstream compares in fixed point: |result − I32F32(target)| ≤ I32F32(epsilon). Targets
      // such as 0.499999 sit a hair under the exact 0.5, so the f32 literal's own rounding
      // (one f32 ulp at 0.5) is allowed on top.
      const tolerance = fromF32(sub.tolerance_abs as number) + 2 ** -24 * ONE;
      if (sparse) {
        const expected = sub.expected_rows as [number, number][][];
        result.forEach((row, i) => {
          expect(row.idx).toEqual((expected[i] ?? []).map(([j]) => j));
          row.val.forEach((value, k) => {
            expect(Math.abs(value - fromF32(expected[i]?.[k]?.[1] ?? 0))).toBeLessThanOrEqual(
              tolerance,
            );
          });
        });
      } else {
        const expected = sub.expected_rows as number[][];
        result.forEach((row, i) => {
          densify(row, columns).forEach((value, j) => {
            expect(Math.abs(value - fromF32(expected[i]?.[j] ?? 0))).toBeLessThanOrEqual(tolerance);
          });
        });
      }
    }
  });
});

type Expectation = Record<string, unknown>;

/** Reads `expected` as a list or a `{ uid: value }` map and checks each given UID. */
function expectPerUid(
  actual: readonly (number | bigint)[],
  expected: unknown,
  label: string,
): void {
  const entries = Array.isArray(expected)
    ? expected.map((value, uid) => [String(uid), value] as const)
    : Object.entries(expected as Record<string, unknown>);
  for (const [uid, value] of entries) {
    expect(actual[Number(uid)], `${label}[${uid}]`).toEqual(
      typeof actual[0] === 'bigint' ? BigInt(value as number) : value,
    );
  }
}

function checkEpoch(report: EpochReport, expectation: Expectation, where: string): void {
  if (expectation.dividends_u16 !== undefined) {
    expectPerUid(report.dividends_u16, expectation.dividends_u16, `${where} dividends_u16`);
  }
  if (expectation.emission_rao !== undefined) {
    expectPerUid(report.emission_rao, expectation.emission_rao, `${where} emission_rao`);
  }
  if (expectation.bonds_u16 !== undefined) {
    for (const [i, j, value] of expectation.bonds_u16 as [number, number, number][]) {
      const stored = report.bonds_u16.find(([r, c]) => r === i && c === j)?.[2] ?? 0;
      expect(stored, `${where} bonds_u16[${i}][${j}]`).toBe(value);
    }
  }
  if (expectation.dividends !== undefined) {
    (expectation.dividends as number[]).forEach((value, uid) => {
      expect(
        Math.abs((report.dividends[uid] ?? 0) - value),
        `${where} dividends[${uid}]`,
      ).toBeLessThanOrEqual(1e-3);
    });
  }
  if (expectation.bonds_fraction_unasserted !== undefined) {
    (expectation.bonds_fraction_unasserted as number[][]).forEach((row, i) => {
      row.forEach((value, k) => {
        const j = 3 + k;
        const actual = report.bonds_fraction.find(([r, c]) => r === i && c === j)?.[2] ?? 0;
        expect(Math.abs(actual - value), `${where} bonds[${i}][${j}]`).toBeLessThanOrEqual(1e-3);
      });
    });
  }
}

describe('Yuma epochs against the chain', () => {
  const epochCases = vectors.cases.filter((c) => c.kind === 'epoch');

  it('covers every epoch case in the vectors', () => {
    expect(epochCases.map((c) => c.name)).toEqual([
      'epoch_active_stake',
      'epoch_bonds_classic',
      'yuma3_kappa_moves_first',
      'yuma3_liquid_alpha_disabled',
      'yuma3_bonds_reset',
    ]);
  });

  it.each(epochCases.map((c) => [c.name, c] as const))('%s', (name, vector) => {
    const reports = replayScenario(parseYumaScenario(vector));
    let checked = 0;
    (vector.steps ?? []).forEach((step, index) => {
      if (step.op !== 'epoch') return;
      const report = reports.find((r) => r.step === index);
      expect(report, `${name} step ${index}`).toBeDefined();
      if (report && step.expect) {
        checkEpoch(report, step.expect, `${name} step ${index}`);
        checked += 1;
      }
    });
    expect(checked).toBeGreaterThan(0);
  });
});
