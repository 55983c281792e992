import { InvalidZkmlInputError } from '../errors.js';
import { quantizeInput } from '../lower/quantize-input.js';
import { type CircuitMetadata, publicSignalCount } from './circuit-metadata.js';
import { FIELD_PRIME, packedPoseidon } from './packed-poseidon.js';

/** The model outputs a proof attests to, decoded from its public signals. */
export interface DecodedOutputs {
  /** Every output in float units (the fixed-point values divided by 2^S), flattened in order. */
  outputs: number[];
  /** The predicted class: the first largest element of the first output with more than one element (else of the first). */
  predicted: number;
  /** The model commitment the proof is bound to. */
  modelHash: string;
  /** The packed Poseidon hash of the quantised input. */
  inputHash: string;
}

function toSigned(value: bigint): bigint {
  return value > FIELD_PRIME / 2n ? value - FIELD_PRIME : value;
}

/**
 * What a circuit's public `circuit.json` says, and what follows from it
 * alone: how an input is quantised and hashed, and how public signals
 * decode. It reads no files, so a verifier in the browser uses it as the
 * Node verifier does ({@link Circuit} adds the folder).
 */
export class CircuitDescription {
  constructor(readonly metadata: CircuitMetadata) {}

  /**
   * The input quantised as the circuit takes it.
   *
   * @throws InvalidZkmlInputError when the length is wrong or a value is
   *   not finite or outside the circuit's input range.
   */
  quantizeInput(input: readonly number[]): bigint[] {
    return quantizeInput(this.metadata, input);
  }

  /** The `inputHash` public signal a proof on `input` carries. */
  inputHash(input: readonly number[]): string {
    return packedPoseidon(this.quantizeInput(input), this.metadata.inputBits).toString();
  }

  /**
   * Reads the public signals of a proof of this circuit.
   *
   * @throws InvalidZkmlInputError when their number or form is wrong.
   */
  decode(publicSignals: readonly string[]): DecodedOutputs {
    const { outputSize, scaleBits } = this.metadata;
    if (publicSignals.length !== publicSignalCount(this.metadata)) {
      throw new InvalidZkmlInputError(
        'publicSignals',
        `has ${publicSignals.length} values; this circuit has ${publicSignalCount(this.metadata)}`,
      );
    }
    const values = publicSignals.map((signal, i) => {
      if (!/^(0|[1-9][0-9]*)$/.test(signal)) {
        throw new InvalidZkmlInputError(`publicSignals[${i}]`, 'must be a decimal field element');
      }
      return BigInt(signal);
    });
    return {
      outputs: values.slice(0, outputSize).map((v) => Number(toSigned(v)) / 2 ** scaleBits),
      predicted: Number(values[outputSize]),
      modelHash: String(values[outputSize + 1]),
      inputHash: String(values[outputSize + 2]),
    };
  }
}
