import { type Attribute, FLOAT, GraphBuilder, seededNormal } from './graph-builder.js';

/**
 * Attributes of a seeded random ensemble of full binary trees for
 * `TreeEnsembleRegressor` (`prefix` `target`) or `TreeEnsembleClassifier`
 * (`class`), laid out as sklearn-onnx writes them; `leaf(normal)` gives each
 * leaf's [target or class, weight] pairs. Spread it into {@link GraphBuilder.mlOp}'s
 * attributes beside the operator's own (`n_targets`, `classlabels_int64s`, …).
 */
export function treeEnsemble(
  trees: number,
  depth: number,
  features: number,
  prefix: 'target' | 'class',
  leaf: (normal: (std: number) => number) => [number, number][],
  seed: number,
): Record<string, Attribute> {
  const normal = seededNormal(seed);
  const modes = ['BRANCH_LEQ', 'BRANCH_LT', 'BRANCH_GTE', 'BRANCH_GT'];
  const n = { treeids: [] as number[], nodeids: [] as number[], featureids: [] as number[] };
  const values: number[] = [];
  const nodeModes: string[] = [];
  const whenTrue: number[] = [];
  const whenFalse: number[] = [];
  const leaves = { treeids: [] as number[], nodeids: [] as number[], ids: [] as number[] };
  const weights: number[] = [];
  for (let t = 0; t < trees; t += 1) {
    const size = 2 ** (depth + 1) - 1;
    for (let id = 0; id < size; id += 1) {
      const isLeaf = id >= 2 ** depth - 1;
      n.treeids.push(t);
      n.nodeids.push(id);
      n.featureids.push(isLeaf ? 0 : (id * 7 + t) % features);
      values.push(isLeaf ? 0 : Math.fround(normal(0.8)));
      nodeModes.push(isLeaf ? 'LEAF' : (modes[(id + t) % modes.length] as string));
      whenTrue.push(isLeaf ? 0 : 2 * id + 1);
      whenFalse.push(isLeaf ? 0 : 2 * id + 2);
      if (isLeaf)
        for (const [target, weight] of leaf(normal)) {
          leaves.treeids.push(t);
          leaves.nodeids.push(id);
          leaves.ids.push(target);
          weights.push(Math.fround(weight));
        }
    }
  }
  return {
    nodes_treeids: n.treeids,
    nodes_nodeids: n.nodeids,
    nodes_featureids: n.featureids,
    nodes_values: { floats: values },
    nodes_modes: { strings: nodeModes },
    nodes_truenodeids: whenTrue,
    nodes_falsenodeids: whenFalse,
    [`${prefix}_treeids`]: leaves.treeids,
    [`${prefix}_nodeids`]: leaves.nodeids,
    [`${prefix}_ids`]: leaves.ids,
    [`${prefix}_weights`]: { floats: weights },
  };
}

/**
 * The leaves of a random forest's classifier: each votes a seeded class
 * distribution over `classes`, divided by the forest's size `trees`, so the
 * forest's scores are probabilities (what sklearn-onnx writes for more than
 * two classes). Pass it as {@link treeEnsemble}'s `leaf`.
 */
export function forestVotes(
  classes: number,
  trees: number,
): (normal: (std: number) => number) => [number, number][] {
  return (normal) => {
    const raw = Array.from({ length: classes }, () => Math.abs(normal(1)) + 0.05);
    const total = raw.reduce((a, b) => a + b, 0);
    return raw.map((v, k) => [k, v / total / trees]);
  };
}

/** One node of a hand-written tree: `[mode, true child, false child]` (a LEAF's children are ignored). */
export type TreeNodeSpec = [mode: string, whenTrue: number, whenFalse: number];

/**
 * A `TreeEnsembleRegressor` model (input `x` of 2 features, output `y`) of
 * one tree exactly as written, node `k` being `nodes[k]` and every leaf
 * weighing 1: for the malformed or extreme trees no exporter writes, such
 * as shared children, loops or very deep chains.
 */
export function handWrittenTree(nodes: TreeNodeSpec[]): Uint8Array {
  const g = new GraphBuilder();
  const x = g.input('x', FLOAT, [1, 2]);
  const leaves = nodes.flatMap(([mode], id) => (mode === 'LEAF' ? [id] : []));
  const [y = ''] = g.mlOp('TreeEnsembleRegressor', [x], 1, {
    n_targets: 1,
    nodes_treeids: nodes.map(() => 0),
    nodes_nodeids: nodes.map((_, id) => id),
    nodes_featureids: nodes.map((_, id) => id % 2),
    nodes_values: { floats: nodes.map((_, id) => (id % 7) / 7 - 0.5) },
    nodes_modes: { strings: nodes.map(([mode]) => mode) },
    nodes_truenodeids: nodes.map(([, t]) => t),
    nodes_falsenodeids: nodes.map(([, , f]) => f),
    target_treeids: leaves.map(() => 0),
    target_nodeids: leaves,
    target_ids: leaves.map(() => 0),
    target_weights: { floats: leaves.map(() => 1) },
  });
  g.output('y', y, FLOAT, [1, 1]);
  return g.encode('hand-written-tree');
}

/**
 * A tree `depth` branches deep for {@link handWrittenTree}: branch `k` is
 * node `2k`, its true child the leaf `2k + 1` and its false child the next
 * branch; the last false child is a leaf (2·depth + 1 nodes).
 */
export function branchChain(depth: number): TreeNodeSpec[] {
  const nodes: TreeNodeSpec[] = [];
  for (let k = 0; k < depth; k += 1)
    nodes.push(['BRANCH_LEQ', 2 * k + 1, 2 * k + 2], ['LEAF', 0, 0]);
  nodes.push(['LEAF', 0, 0]);
  return nodes;
}
