import type { QuantizationReport } from '../quantize/fixed-point-mlp.js';
import type { CircuitMode, CircuitPlan } from './circuit-plan.js';

/** The shape and bounds of one dense layer, without its weights. */
export interface LayerShape {
  inputSize: number;
  outputSize: number;
  relu: boolean;
  accBits: number;
  weightBits: number;
  biasBits: number;
}

/**
 * What `circuit.json` in a circuit folder holds: everything a prover or a
 * verifier needs to encode inputs and decode public signals, and nothing
 * secret (private-mode weights live in `weights.json`).
 */
export interface CircuitMetadata {
  format: 'mt-zkml-circuit/1';
  mode: CircuitMode;
  scaleBits: number;
  inputSize: number;
  outputSize: number;
  inputBits: number;
  argmaxBits: number;
  layers: LayerShape[];
  /** The Poseidon commitment to the quantised weights, as a decimal string. */
  modelHash: string;
  /** SHA-256 of the ONNX file the circuit was made from. */
  onnxSha256: string;
  quantization: QuantizationReport;
}

/** The public signals in order: logits, predicted class, model hash, input hash. */
export function publicSignalCount(metadata: Pick<CircuitMetadata, 'outputSize'>): number {
  return metadata.outputSize + 3;
}

/** Builds the metadata of a plan. */
export function metadataOf(
  plan: CircuitPlan,
  onnxSha256: string,
  quantization: QuantizationReport,
): CircuitMetadata {
  return {
    format: 'mt-zkml-circuit/1',
    mode: plan.mode,
    scaleBits: plan.scaleBits,
    inputSize: plan.inputSize,
    outputSize: plan.outputSize,
    inputBits: plan.inputBits,
    argmaxBits: plan.argmaxBits,
    layers: plan.layers.map(({ weights: _w, bias: _b, ...shape }) => shape),
    modelHash: plan.modelHash.toString(),
    onnxSha256,
    quantization,
  };
}
