import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Circuit } from '../circuit/circuit.js';
import { publicSignalCount } from '../circuit/circuit-metadata.js';
import { withSnarkjs } from './snarkjs-session.js';
import { readSetup } from './trusted-setup.js';

/**
 * The Solidity verifier contract of a set-up circuit (snarkjs's template:
 * `Groth16Verifier` or `PlonkVerifier`, with `verifyProof(…)` taking the
 * proof and the public signals). Alone it checks only the pairing: it
 * accepts a proof of any input, and for a private-mode key a proof of any
 * weights. Deploy {@link exportInferenceVerifier}'s wrapper instead.
 */
export async function exportSolidityVerifier(circuit: Circuit): Promise<string> {
  const setup = await readSetup(circuit);
  const snarkjsMain = createRequire(import.meta.url).resolve('snarkjs');
  const templates = join(dirname(snarkjsMain), '..', 'templates');
  const template = await readFile(join(templates, `verifier_${setup.system}.sol.ejs`), 'utf8');
  return withSnarkjs((snarkjs) =>
    snarkjs.zKey.exportSolidityVerifier(circuit.file(setup.zkey), { [setup.system]: template }),
  );
}

/**
 * snarkjs's verifier plus `MtInferenceVerifier`, a contract that pins the
 * model commitment: `verifyInference(proof, outputs, predicted, inputHash)`
 * builds the public signals itself, with `MODEL_HASH` in its place, so a
 * caller can only prove an inference of this model on the input whose hash
 * it passes (compute it off-chain with `Circuit.inputHash`).
 *
 * @example
 * ```ts
 * await writeFile('Verifier.sol', await exportInferenceVerifier(circuit));
 * // deploy MtInferenceVerifier; it deploys the pairing verifier itself
 * ```
 */
export async function exportInferenceVerifier(circuit: Circuit): Promise<string> {
  const setup = await readSetup(circuit);
  const { outputSize, modelHash } = circuit.metadata;
  const signals = publicSignalCount(circuit.metadata);
  const groth16 = setup.system === 'groth16';
  const verifier = groth16 ? 'Groth16Verifier' : 'PlonkVerifier';
  const proofParams = groth16
    ? 'uint[2] calldata pA, uint[2][2] calldata pB, uint[2] calldata pC'
    : 'uint256[24] calldata proof';
  const proofArgs = groth16 ? 'pA, pB, pC' : 'proof';
  const wrapper = `
/// @title An inference of one model, proven: ${circuit.metadata.mode}-mode @mt/zkml circuit (digest ${circuit.metadata.digest}).
/// @notice The model commitment is pinned here; callers give the outputs, the class and the input hash.
contract MtInferenceVerifier {
    ${verifier} public immutable verifier;
    uint256 public constant MODEL_HASH = ${modelHash};
    uint256 public constant OUTPUTS = ${outputSize};

    constructor() {
        verifier = new ${verifier}();
    }

    /// @return whether the proof shows this model, run on the input hashing to inputHash, gives outputs and predicted.
    function verifyInference(${proofParams}, uint256[${outputSize}] calldata outputs, uint256 predicted, uint256 inputHash) external view returns (bool) {
        uint256[${signals}] memory signals;
        for (uint256 i = 0; i < ${outputSize}; i++) {
            signals[i] = outputs[i];
        }
        signals[${outputSize}] = predicted;
        signals[${outputSize + 1}] = MODEL_HASH;
        signals[${outputSize + 2}] = inputHash;
        return verifier.verifyProof(${proofArgs}, signals);
    }
}
`;
  return `${await exportSolidityVerifier(circuit)}\n${wrapper}`;
}
