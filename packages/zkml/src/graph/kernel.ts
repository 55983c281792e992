import type { ElementKind, OnnxNode } from '../onnx/onnx-graph.js';
import type { Algebra } from './algebra.js';
import type { Tensor } from './tensor.js';

/**
 * Why a kernel cannot compute a node: collected for every node of a model,
 * so the user gets the whole list at once.
 */
export class NodeRefusal extends Error {}

/** What a kernel sees of its node: inputs, attributes, and the algebra to compute with. */
export interface KernelContext<E> {
  node: OnnxNode;
  algebra: Algebra<E>;
  opset: number;
  /** Input `k`; refused when absent. */
  input(k: number): Tensor<E>;
  /** Input `k`, or undefined when the model leaves it out. */
  optional(k: number): Tensor<E> | undefined;
  /** Input `k` as compile-time numbers (shapes, axes, pads), or undefined when absent. */
  numbers(k: number): number[] | undefined;
  /** The element kind of input `k`. */
  kind(k: number): ElementKind;
  /** An INT attribute, or `fallback`. */
  int(name: string, fallback: number): number;
  /** A FLOAT attribute, or `fallback`. */
  float(name: string, fallback: number): number;
  /** An INTS attribute, or undefined. */
  ints(name: string): number[] | undefined;
  /** A STRING attribute, or `fallback`. */
  string(name: string, fallback: string): string;
  /** A FLOATS attribute, or undefined. */
  floats(name: string): number[] | undefined;
  /** A STRINGS attribute, or undefined. */
  strings(name: string): string[] | undefined;
}

/** One ONNX operator, written once over any {@link Algebra}. */
export type Kernel = <E>(ctx: KernelContext<E>) => Tensor<E>[];

/** Refuses the node with a reason. */
export function refuse(reason: string): never {
  throw new NodeRefusal(reason);
}

/** A negative axis counted from the end, checked against `rank`. */
export function axisOf(axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= Math.max(rank, 1))
    refuse(`axis ${axis} is outside a tensor of rank ${rank}`);
  return a;
}
