import type { Algebra } from '../algebra.js';
import { type Kernel, type KernelContext, refuse } from '../kernel.js';
import type { Tensor } from '../tensor.js';
import { sub } from './elementwise.js';
import {
  classifierOutputs,
  floatsOf,
  intsOf,
  labelOf,
  rowsOf,
  scoreTransform,
} from './ml-common.js';
import { maxOf, minOf } from './pool.js';

// sklearn-onnx's tree ensembles (ai.onnx.ml: random forests, gradient
// boosting, single trees), as onnxruntime computes them. A tree costs one
// comparison and one product per branch node: a node's reach is its
// parent's times its condition, the other child gets the rest for free
// (below 16 such levels in a row, see FREE_FALSE_BRANCHES), and the leaves'
// weights are a constant-weight sum of reaches.

interface TreeNode {
  mode: string;
  feature: number;
  threshold: number;
  whenTrue: number;
  whenFalse: number;
}

/** One tree, checked: its nodes in an order where a parent comes before its children. */
interface Tree {
  id: number;
  /** [node id, node], the root first. */
  order: [number, TreeNode][];
  nodes: Map<number, TreeNode>;
}

/** One ensemble: its trees, and each leaf's [target, weight] pairs by `tree:node`. */
interface Ensemble {
  trees: Tree[];
  leaves: Map<string, [number, number][]>;
}

/**
 * Orders one tree from its only root, iteratively (a tree from a file can
 * be deep). Every node must be reached exactly once: a node shared by two
 * parents would make the circuit pay for it once per path (a chain of 60
 * shared nodes is 2^60 paths), and a cycle never ends.
 */
function orderTree(id: number, nodes: Map<number, TreeNode>): Tree {
  const children = new Set<number>();
  for (const n of nodes.values())
    if (n.mode !== 'LEAF') {
      children.add(n.whenTrue);
      children.add(n.whenFalse);
    }
  const roots = [...nodes.keys()].filter((k) => !children.has(k));
  if (roots.length !== 1) refuse(`tree ${id} has ${roots.length} roots`);
  const order: [number, TreeNode][] = [];
  const reached = new Set<number>();
  const pending = [roots[0] as number];
  while (pending.length > 0) {
    const at = pending.pop() as number;
    if (reached.has(at)) refuse(`tree ${id} reaches node ${at} twice; it is not a tree`);
    reached.add(at);
    const node = nodes.get(at) ?? refuse(`tree ${id} names node ${at}, which it does not have`);
    order.push([at, node]);
    if (node.mode !== 'LEAF') pending.push(node.whenFalse, node.whenTrue);
  }
  if (reached.size !== nodes.size)
    refuse(`tree ${id} has ${nodes.size - reached.size} nodes its root does not reach`);
  return { id, order, nodes };
}

/** Reads and checks an ensemble's attributes once, before any row is computed. */
function ensembleOf<E>(
  ctx: KernelContext<E>,
  prefix: 'target' | 'class',
  targets: number,
): Ensemble {
  const treeIds = intsOf(ctx, 'nodes_treeids');
  const nodeIds = intsOf(ctx, 'nodes_nodeids');
  const features = intsOf(ctx, 'nodes_featureids');
  const thresholds = floatsOf(ctx, 'nodes_values');
  const modes = ctx.strings('nodes_modes') ?? refuse('needs the nodes_modes attribute');
  const whenTrue = intsOf(ctx, 'nodes_truenodeids');
  const whenFalse = intsOf(ctx, 'nodes_falsenodeids');
  const count = treeIds.length;
  for (const [name, list] of Object.entries({
    nodeIds,
    features,
    thresholds,
    modes,
    whenTrue,
    whenFalse,
  }))
    if (list.length !== count) refuse(`lists ${list.length} ${name} for ${count} nodes`);
  const trees = new Map<number, Map<number, TreeNode>>();
  for (let k = 0; k < count; k += 1) {
    const tree = treeIds[k] as number;
    const nodes = trees.get(tree) ?? new Map<number, TreeNode>();
    trees.set(tree, nodes);
    nodes.set(nodeIds[k] as number, {
      mode: modes[k] as string,
      feature: features[k] as number,
      threshold: thresholds[k] as number,
      whenTrue: whenTrue[k] as number,
      whenFalse: whenFalse[k] as number,
    });
  }
  const leafTrees = intsOf(ctx, `${prefix}_treeids`);
  const leafNodes = intsOf(ctx, `${prefix}_nodeids`);
  const leafTargets = intsOf(ctx, `${prefix}_ids`);
  const leafWeights = floatsOf(ctx, `${prefix}_weights`);
  const leaves = new Map<string, [number, number][]>();
  leafTrees.forEach((tree, k) => {
    const key = `${tree}:${leafNodes[k]}`;
    const list = leaves.get(key) ?? [];
    leaves.set(key, list);
    const target = leafTargets[k] ?? refuse(`${prefix}_ids is shorter than ${prefix}_treeids`);
    if (target < 0 || target >= targets) refuse(`a leaf weighs target ${target} of ${targets}`);
    list.push([
      target,
      leafWeights[k] ?? refuse(`${prefix}_weights is shorter than ${prefix}_treeids`),
    ]);
  });
  return { trees: [...trees].map(([id, nodes]) => orderTree(id, nodes)), leaves };
}

/** The mode whose condition is the negation of `mode`'s. */
const complement: Record<string, string> = {
  BRANCH_LEQ: 'BRANCH_GT',
  BRANCH_GT: 'BRANCH_LEQ',
  BRANCH_LT: 'BRANCH_GTE',
  BRANCH_GTE: 'BRANCH_LT',
  BRANCH_EQ: 'BRANCH_NEQ',
  BRANCH_NEQ: 'BRANCH_EQ',
};

/** `[x (mode) threshold]` as 0 or 1. */
function condition<E>(A: Algebra<E>, x: E, mode: string, threshold: number): E {
  const above = sub(A, x, A.constant(threshold));
  const below = A.scale(above, -1);
  switch (mode) {
    case 'BRANCH_LEQ':
      return A.atLeastZero(below);
    case 'BRANCH_LT':
      return A.aboveZero(below);
    case 'BRANCH_GTE':
      return A.atLeastZero(above);
    case 'BRANCH_GT':
      return A.aboveZero(above);
    case 'BRANCH_EQ':
      return A.mul(A.atLeastZero(above), A.atLeastZero(below));
    case 'BRANCH_NEQ':
      return sub(A, A.constant(1), A.mul(A.atLeastZero(above), A.atLeastZero(below)));
    default:
      return refuse(`has a node of mode '${mode}'`);
  }
}

/**
 * How many free subtractions in a row a reach may come from. `here − taken`
 * is free, but a circuit bounds it by twice `here`'s bound, and every level
 * below doubles it again: past this many, a branch pays for its own product
 * with the negated condition instead, so no bound passes 2^16 at any depth.
 */
const FREE_FALSE_BRANCHES = 16;

/** Each tree's weighted leaves for one row: per tree, per target, a sum (exactly one leaf is reached). */
function treeScores<E>(A: Algebra<E>, ensemble: Ensemble, row: E[], targets: number): E[][] {
  return ensemble.trees.map(({ id, order, nodes }) => {
    // Each target's weighted leaves, summed once at the end.
    const terms: E[][] = Array.from({ length: targets }, () => []);
    // Each node's reach (0 or 1), and how many free subtractions it came from.
    const reach = new Map<number, [E, number]>([[order[0]?.[0] as number, [A.constant(1), 0]]]);
    for (const [at, node] of order) {
      const [here, loose] = reach.get(at) as [E, number];
      if (node.mode === 'LEAF') {
        for (const [target, weight] of ensemble.leaves.get(`${id}:${at}`) ?? [])
          terms[target]?.push(A.scale(here, weight));
        continue;
      }
      const x =
        row[node.feature] ?? refuse(`a node reads feature ${node.feature} of ${row.length}`);
      const taken = A.mul(here, condition(A, x, node.mode, node.threshold));
      reach.set(node.whenTrue, [taken, loose]);
      const pays = loose >= FREE_FALSE_BRANCHES && nodes.get(node.whenFalse)?.mode !== 'LEAF';
      reach.set(
        node.whenFalse,
        pays
          ? [
              A.mul(here, condition(A, x, complement[node.mode] ?? node.mode, node.threshold)),
              loose,
            ]
          : [sub(A, here, taken), loose + 1],
      );
    }
    return terms.map((t) => A.sum(t));
  });
}

function withBase<E>(A: Algebra<E>, scores: E[], base: number[]): E[] {
  return scores.map((s, k) => A.add(s, A.constant(base[k] ?? 0)));
}

/** A regression ensemble: SUM, AVERAGE, MIN or MAX of the trees, plus base values. */
const treeEnsembleRegressor: Kernel = (ctx) => {
  const A = ctx.algebra;
  if (ctx.string('post_transform', 'NONE') !== 'NONE')
    refuse('only post_transform NONE is supported');
  const targets = ctx.int('n_targets', 1);
  const ensemble = ensembleOf(ctx, 'target', targets);
  const aggregate = ctx.string('aggregate_function', 'SUM');
  const base = ctx.floats('base_values') ?? [];
  const rows = rowsOf(ctx.input(0));
  const data = rows.flatMap((row) => {
    const perTree = treeScores(A, ensemble, row, targets);
    const combined = Array.from({ length: targets }, (_, t) => {
      const values = perTree.map((s) => s[t] as (typeof s)[number]);
      if (aggregate === 'SUM' || aggregate === 'AVERAGE') {
        const sum = A.sum(values);
        return aggregate === 'SUM' ? sum : A.scale(sum, 1 / Math.max(values.length, 1));
      }
      if (aggregate === 'MAX') return maxOf(A, values);
      if (aggregate === 'MIN') return minOf(A, values);
      return refuse(`has aggregate_function '${aggregate}'`);
    });
    // onnxruntime adds base values only when there is one per target.
    return base.length === targets ? withBase(A, combined, base) : combined;
  });
  return [{ dims: [rows.length, targets], data }];
};

/**
 * A classification ensemble, as onnxruntime scores it. More than two
 * classes: base values added, the label of the first largest score, and
 * the scores through NONE, SOFTMAX or LOGISTIC. Two classes: the binary
 * form sklearn-onnx writes (every leaf weighs class 0 alone, with P(class 1)
 * or a margin; at most one base value, added to the sum s): with all weights
 * positive the label is class 1 above 0.5 and the scores are [1 − s, s];
 * with mixed weights (gradient boosting) the label is class 1 above 0 and
 * the scores are [−s, s], or their logistic.
 */
function treeEnsembleClassifier<E>(ctx: KernelContext<E>): Tensor<E>[] {
  const A = ctx.algebra;
  if (ctx.strings('classlabels_strings'))
    refuse('string class labels are not supported; use classlabels_int64s');
  const labels = intsOf(ctx, 'classlabels_int64s');
  const classes = labels.length;
  const post = ctx.string('post_transform', 'NONE');
  const ensemble = ensembleOf(ctx, 'class', classes);
  const base = ctx.floats('base_values') ?? [];
  const classIds = new Set([...ensemble.leaves.values()].flatMap((list) => list.map(([c]) => c)));
  const weights = [...ensemble.leaves.values()].flatMap((list) => list.map(([, w]) => w));
  const rows = rowsOf(ctx.input(0));
  const label = (index: E) => labelOf(A, labels, index);
  const outLabels: E[] = [];
  const outScores: E[] = [];
  if (classes > 2) {
    for (let k = 0; k < classes; k += 1)
      if (!classIds.has(k) && base[k] === undefined)
        refuse(`class ${k} has no weight and no base value`);
    const transform = scoreTransform(ctx);
    for (const row of rows) {
      const sums = sumTrees(A, treeScores(A, ensemble, row, classes), classes);
      const scores = withBase(A, sums, base);
      outLabels.push(label(A.argmax(scores)));
      for (const score of transform(scores)) outScores.push(score);
    }
  } else if (classes === 2 && classIds.size === 1 && classIds.has(0) && base.length <= 1) {
    const positive = weights.every((w) => w >= 0);
    if (positive ? post === 'PROBIT' : !['NONE', 'LOGISTIC'].includes(post))
      refuse(`has post_transform '${post}' in the binary form`);
    for (const row of rows) {
      const [sum = A.constant(0)] = sumTrees(A, treeScores(A, ensemble, row, 1), 1);
      const s = A.add(sum, A.constant(base[0] ?? 0));
      const isPositive = A.aboveZero(A.add(s, A.constant(positive ? -0.5 : 0)));
      outLabels.push(label(isPositive));
      if (positive) outScores.push(sub(A, A.constant(1), s), s);
      else if (post === 'LOGISTIC')
        outScores.push(A.smooth(A.scale(s, -1), 'sigmoid'), A.smooth(s, 'sigmoid'));
      else outScores.push(A.scale(s, -1), s);
    }
  } else {
    refuse(
      classes === 2
        ? 'a two-class ensemble is supported in the form sklearn-onnx writes: every leaf weighing class 0 (with P(class 1) or a margin), at most one base value'
        : `has ${classes} class labels`,
    );
  }
  return classifierOutputs(outLabels, outScores, classes);
}

function sumTrees<E>(A: Algebra<E>, perTree: E[][], targets: number): E[] {
  return Array.from({ length: targets }, (_, t) => A.sum(perTree.map((s) => s[t] as E)));
}

/** TreeEnsembleRegressor and TreeEnsembleClassifier. */
export const mlTreeKernels: Record<string, Kernel> = {
  TreeEnsembleRegressor: treeEnsembleRegressor,
  TreeEnsembleClassifier: treeEnsembleClassifier,
};
