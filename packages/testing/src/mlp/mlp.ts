/**
 * The shape of a multilayer perceptron as the fixtures write it: the same
 * structure as `@mt/zkml`'s `Mlp`, declared here so this package depends on
 * no ModernTensor package above the contract.
 */
export interface Mlp {
  inputSize: number;
  outputSize: number;
  layers: ({ kind: 'dense'; weights: number[][]; bias: number[] } | { kind: 'relu' })[];
}

/** Labelled samples: flat inputs and class indices. */
export interface LabelledSet {
  inputs: number[][];
  labels: number[];
}
