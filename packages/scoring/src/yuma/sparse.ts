import { div, mul } from './fixed.js';

/** One row of a sparse matrix: column indices and I32F32 raw values, in step. */
export interface SparseRow {
  idx: number[];
  val: number[];
}

/**
 * A sparse matrix of I32F32 raw values, one row per UID. Explicit zeros are
 * kept: on the chain an explicit zero weight decays a Yuma3 bond, while an
 * absent entry drops it.
 */
export type SparseMatrix = SparseRow[];

/** Keeps the entries for which `keep(i, j, value)` holds (`vec_mask_sparse_matrix` and kin). */
export function filterEntries(
  matrix: SparseMatrix,
  keep: (i: number, j: number, value: number) => boolean,
): SparseMatrix {
  return matrix.map((row, i) => {
    const out: SparseRow = { idx: [], val: [] };
    for (let k = 0; k < row.idx.length; k += 1) {
      const j = row.idx[k] ?? 0;
      const value = row.val[k] ?? 0;
      if (keep(i, j, value)) {
        out.idx.push(j);
        out.val.push(value);
      }
    }
    return out;
  });
}

/** Applies `f` to every stored value, keeping the sparsity pattern. */
export function mapValues(
  matrix: SparseMatrix,
  f: (value: number, i: number, j: number) => number,
): SparseMatrix {
  return matrix.map((row, i) => ({
    idx: row.idx.slice(),
    val: row.val.map((value, k) => f(value, i, row.idx[k] ?? 0)),
  }));
}

/** `inplace_row_normalize_sparse`: divides each row with a positive sum by that sum. */
export function rowNormalize(matrix: SparseMatrix): void {
  for (const row of matrix) {
    let total = 0;
    for (const value of row.val) total += value;
    if (total > 0)
      for (let k = 0; k < row.val.length; k += 1) row.val[k] = div(row.val[k] ?? 0, total);
  }
}

/** Per-column sums (`col_sum_sparse`). */
export function colSums(matrix: SparseMatrix, columns: number): number[] {
  const sums = new Array<number>(columns).fill(0);
  for (const row of matrix) {
    for (let k = 0; k < row.idx.length; k += 1) {
      const j = row.idx[k] ?? 0;
      sums[j] = (sums[j] ?? 0) + (row.val[k] ?? 0);
    }
  }
  return sums;
}

/** `inplace_col_normalize_sparse`: divides each entry by its column's sum, skipping zero columns. */
export function colNormalize(matrix: SparseMatrix, columns: number): void {
  const sums = colSums(matrix, columns);
  for (const row of matrix) {
    for (let k = 0; k < row.idx.length; k += 1) {
      const total = sums[row.idx[k] ?? 0] ?? 0;
      if (total !== 0) row.val[k] = div(row.val[k] ?? 0, total);
    }
  }
}

/** `inplace_col_max_upscale_sparse`: divides each entry by its column's maximum. */
export function colMaxUpscale(matrix: SparseMatrix, columns: number): void {
  const maxima = new Array<number>(columns).fill(0);
  for (const row of matrix) {
    for (let k = 0; k < row.idx.length; k += 1) {
      const j = row.idx[k] ?? 0;
      if ((maxima[j] ?? 0) < (row.val[k] ?? 0)) maxima[j] = row.val[k] ?? 0;
    }
  }
  for (const row of matrix) {
    for (let k = 0; k < row.idx.length; k += 1) {
      const top = maxima[row.idx[k] ?? 0] ?? 0;
      if (top !== 0) row.val[k] = div(row.val[k] ?? 0, top);
    }
  }
}

/** `row_sum_sparse`. */
export function rowSums(matrix: SparseMatrix): number[] {
  return matrix.map((row) => {
    let total = 0;
    for (const value of row.val) total += value;
    return total;
  });
}

/** `matmul_sparse`: `result_j = Σ_i vector_i · m_ij`. */
export function matmulColumns(
  matrix: SparseMatrix,
  vector: readonly number[],
  columns: number,
): number[] {
  const result = new Array<number>(columns).fill(0);
  matrix.forEach((row, i) => {
    const weight = vector[i] ?? 0;
    for (let k = 0; k < row.idx.length; k += 1) {
      const j = row.idx[k] ?? 0;
      result[j] = (result[j] ?? 0) + mul(weight, row.val[k] ?? 0);
    }
  });
  return result;
}

/** `matmul_transpose_sparse`: `result_i = Σ_j vector_j · m_ij`. */
export function matmulRows(matrix: SparseMatrix, vector: readonly number[]): number[] {
  return matrix.map((row) => {
    let total = 0;
    for (let k = 0; k < row.idx.length; k += 1)
      total += mul(vector[row.idx[k] ?? 0] ?? 0, row.val[k] ?? 0);
    return total;
  });
}

/** `col_clip_sparse`: `min(m_ij, c_j)`, dropping an entry clipped to a threshold ≤ 0. */
export function colClip(matrix: SparseMatrix, thresholds: readonly number[]): SparseMatrix {
  return matrix.map((row) => {
    const out: SparseRow = { idx: [], val: [] };
    for (let k = 0; k < row.idx.length; k += 1) {
      const j = row.idx[k] ?? 0;
      const value = row.val[k] ?? 0;
      const threshold = thresholds[j] ?? 0;
      if (threshold < value) {
        if (threshold > 0) {
          out.idx.push(j);
          out.val.push(threshold);
        }
      } else {
        out.idx.push(j);
        out.val.push(value);
      }
    }
    return out;
  });
}

/** Expands a sparse row to a dense array of `columns` values (missing entries 0; a later duplicate wins). */
export function densify(row: SparseRow, columns: number): number[] {
  const dense = new Array<number>(columns).fill(0);
  for (let k = 0; k < row.idx.length; k += 1) {
    const j = row.idx[k] ?? 0;
    if (j < columns) dense[j] = row.val[k] ?? 0;
  }
  return dense;
}

/**
 * `interpolate_sparse`: `a + ratio·(b − a)`. At ratio 0 or 1 the chain returns
 * `a` or `b` unchanged, explicit zeros included; otherwise only positive
 * results are kept.
 */
export function interpolate(
  a: SparseMatrix,
  b: SparseMatrix,
  columns: number,
  ratio: number,
): SparseMatrix {
  if (ratio === 0) return a.map(copyRow);
  if (ratio === 2 ** 32) return b.map(copyRow);
  return a.map((rowA, i) => {
    const rowB = b[i] ?? { idx: [], val: [] };
    if (rowA.idx.length === 0 && rowB.idx.length === 0) return { idx: [], val: [] };
    const denseA = densify(rowA, columns);
    const denseB = densify(rowB, columns);
    const out: SparseRow = { idx: [], val: [] };
    for (let j = 0; j < columns; j += 1) {
      const va = denseA[j] ?? 0;
      const value = va + mul(ratio, (denseB[j] ?? 0) - va);
      if (value > 0) {
        out.idx.push(j);
        out.val.push(value);
      }
    }
    return out;
  });
}

/** `row_hadamard_sparse`: each row scaled by `vector_i`. */
export function scaleRows(matrix: SparseMatrix, vector: readonly number[]): SparseMatrix {
  return mapValues(matrix, (value, i) => mul(value, vector[i] ?? 0));
}

/** `mat_vec_mul_sparse`: `m_ij · vector_j`, dropping zero products. */
export function scaleColumns(matrix: SparseMatrix, vector: readonly number[]): SparseMatrix {
  return matrix.map((row) => {
    const out: SparseRow = { idx: [], val: [] };
    for (let k = 0; k < row.idx.length; k += 1) {
      const j = row.idx[k] ?? 0;
      if (j >= vector.length) continue;
      const value = mul(row.val[k] ?? 0, vector[j] ?? 0);
      if (value !== 0) {
        out.idx.push(j);
        out.val.push(value);
      }
    }
    return out;
  });
}

/**
 * `mat_ema_sparse`: `alpha·new + (1 − alpha)·old` over the union of both
 * patterns, keeping positive cells.
 */
export function emaConstant(
  next: SparseMatrix,
  old: SparseMatrix,
  alpha: number,
  columns: number,
): SparseMatrix {
  const oneMinusAlpha = 2 ** 32 - alpha;
  return next.map((rowNew, i) => {
    const rowOld = old[i] ?? { idx: [], val: [] };
    // Most rows of a subnet (its miners) hold neither weights nor bonds.
    if (rowNew.idx.length === 0 && rowOld.idx.length === 0) return { idx: [], val: [] };
    const acc = new Float64Array(columns);
    for (let k = 0; k < rowNew.idx.length; k += 1) {
      const j = rowNew.idx[k] ?? 0;
      acc[j] = (acc[j] ?? 0) + mul(alpha, rowNew.val[k] ?? 0);
    }
    for (let k = 0; k < rowOld.idx.length; k += 1) {
      const j = rowOld.idx[k] ?? 0;
      acc[j] = (acc[j] ?? 0) + mul(oneMinusAlpha, rowOld.val[k] ?? 0);
    }
    return positiveEntries(acc);
  });
}

/**
 * `mat_ema_alpha_sparse` (Yuma3 with liquid alpha):
 * `min(1, (1 − a_ij)·old_ij + max(0, a_ij·new_ij))`, emitted only for cells
 * present in the new row; a cell only in the old row is dropped, not decayed.
 */
export function emaPerCell(
  next: SparseMatrix,
  old: SparseMatrix,
  alphas: number[][],
): SparseMatrix {
  const one = 2 ** 32;
  return next.map((rowNew, i) => {
    const alphaRow = alphas[i] ?? [];
    const decayed = new Array<number>(alphaRow.length).fill(0);
    const rowOld = old[i] ?? { idx: [], val: [] };
    for (let k = 0; k < rowOld.idx.length; k += 1) {
      const j = rowOld.idx[k] ?? 0;
      if (j < alphaRow.length) decayed[j] = mul(one - (alphaRow[j] ?? 0), rowOld.val[k] ?? 0);
    }
    const out: SparseRow = { idx: [], val: [] };
    for (let k = 0; k < rowNew.idx.length; k += 1) {
      const j = rowNew.idx[k] ?? 0;
      if (j >= alphaRow.length) continue;
      const increment = Math.max(0, mul(alphaRow[j] ?? 0, rowNew.val[k] ?? 0));
      const value = Math.min(one, (decayed[j] ?? 0) + increment);
      if (value > 0) {
        out.idx.push(j);
        out.val.push(value);
      }
    }
    return out;
  });
}

function positiveEntries(dense: ArrayLike<number>): SparseRow {
  const out: SparseRow = { idx: [], val: [] };
  for (let j = 0; j < dense.length; j += 1) {
    const value = dense[j] ?? 0;
    if (value > 0) {
      out.idx.push(j);
      out.val.push(value);
    }
  }
  return out;
}

function copyRow(row: SparseRow): SparseRow {
  return { idx: row.idx.slice(), val: row.val.slice() };
}
