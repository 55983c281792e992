import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as snarkjs from 'snarkjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { readR1cs, unconstrainedSignals, violated } from './r1cs.js';

const build = fileURLToPath(new URL('../build/', import.meta.url));
let scratch: string;
let count = 0;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'mt-tamper-'));
});

async function witnessOf(harness: string, input: Record<string, unknown>): Promise<bigint[]> {
  const dir = join(build, `${harness}_harness`);
  const file = join(scratch, `${count++}.wtns`);
  await snarkjs.wtns.calculate(
    input,
    join(dir, `${harness}_harness_js`, `${harness}_harness.wasm`),
    file,
  );
  return snarkjs.wtns.exportJson(file);
}

const zeros = (n: number) => Array.from({ length: n }, (_, i) => String(i % 3));

// Each template with a valid input; any change to an output or internal
// signal of its witness must break a constraint.
const harnesses: [string, Record<string, unknown>][] = [
  ['signed_shift', { in: '-1234' }],
  ['shift_relu', { in: '98765' }],
  ['signed_range', { in: '-300' }],
  ['argmax', { in: ['3', '-7', '9', '9', '2'] }],
  ['positive_divide', { num: '-12345', den: '678' }],
  ['require_non_positive', { in: '-4321' }],
  ['square_root', { in: '123456789012' }],
  ['packed_poseidon', { in: zeros(40) }],
  ['sponge', { in: zeros(20) }],
];

describe.each(harnesses)('%s', (harness, input) => {
  it('has no signal a malicious prover can change without breaking a constraint', async () => {
    const r1cs = await readR1cs(join(build, `${harness}_harness`, `${harness}_harness.r1cs`));
    const witness = await witnessOf(harness, input);
    expect(witness.length).toBe(r1cs.nVars);
    expect(violated(r1cs, witness)).toEqual([]);
    expect(unconstrainedSignals(r1cs, witness)).toEqual([]);
  });
});

describe('Argmax on a tie', () => {
  it('accepts only the first largest index: claiming the later tied index breaks a constraint', async () => {
    const r1cs = await readR1cs(join(build, 'argmax_harness', 'argmax_harness.r1cs'));
    const honest = await witnessOf('argmax', { in: ['3', '-7', '9', '9', '2'] });
    expect(honest[1]).toBe(2n);
    // The forged witness of the old template: select index 3, every gap ≥ 0.
    // Here the circuit asks in[2] < max strictly, so no witness claims 3.
    const forged = await witnessOf('argmax', { in: ['3', '-7', '8', '9', '2'] });
    expect(forged[1]).toBe(3n);
    const swapped = [...forged];
    // Reuse the selector and gaps chosen for index 3 with the tied input.
    swapped[1 + r1cs.nOutputs + 2] = 9n;
    expect(violated(r1cs, swapped).length).toBeGreaterThan(0);
  });
});
