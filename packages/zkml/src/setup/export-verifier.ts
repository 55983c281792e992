import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Circuit } from '../circuit/circuit.js';
import { withSnarkjs } from './snarkjs-session.js';
import { readSetup } from './trusted-setup.js';

/**
 * The Solidity verifier contract of a set-up circuit (snarkjs's template:
 * `Groth16Verifier` or `PlonkVerifier`, with `verifyProof(…)` taking the
 * proof and the public signals).
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
