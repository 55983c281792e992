import { type Proof, type ProofSystem, parseJson, parseProof, proofSchema } from '@mt/protocol';
import { FIELD_PRIME } from '../circuit/packed-poseidon.js';
import { InvalidZkmlInputError } from '../errors.js';

const MAGIC = 'MTZP';
const VERSION = 1;

// The field elements of each snarkjs proof, in wire order. Points are affine
// (snarkjs writes z = 1), so only x and y travel.
const layouts: Record<ProofSystem, { group: 'g1' | 'g2' | 'scalar'; key: string }[]> = {
  groth16: [
    { group: 'g1', key: 'pi_a' },
    { group: 'g2', key: 'pi_b' },
    { group: 'g1', key: 'pi_c' },
  ],
  plonk: [
    ...['A', 'B', 'C', 'Z', 'T1', 'T2', 'T3', 'Wxi', 'Wxiw'].map((key) => ({
      group: 'g1' as const,
      key,
    })),
    ...['eval_a', 'eval_b', 'eval_c', 'eval_s1', 'eval_s2', 'eval_zw'].map((key) => ({
      group: 'scalar' as const,
      key,
    })),
  ],
};
const systems: ProofSystem[] = ['groth16', 'plonk'];

/** BN254's base field: every curve point coordinate of a canonical proof lies below it. */
export const BASE_FIELD_PRIME =
  21888242871839275222246405745257275088696311157297823662689037894645226208583n;

/** The modulus each field element of a proof is canonical below: q for coordinates, r for scalars. */
function modulusOf(group: 'g1' | 'g2' | 'scalar'): bigint {
  return group === 'scalar' ? FIELD_PRIME : BASE_FIELD_PRIME;
}

function fail(field: string, problem: string): never {
  throw new InvalidZkmlInputError(field, problem);
}

function element(value: unknown, field: string): bigint {
  if (typeof value !== 'string' || !/^(0|[1-9][0-9]*)$/.test(value)) {
    fail(field, 'must be a decimal field element string');
  }
  const n = BigInt(value);
  if (n >= 1n << 256n) fail(field, 'does not fit in 32 bytes');
  return n;
}

function elementsOf(
  proof: Record<string, unknown>,
  group: 'g1' | 'g2' | 'scalar',
  key: string,
): bigint[] {
  const value = proof[key];
  if (group === 'scalar') return [element(value, `proof.${key}`)];
  if (!Array.isArray(value) || value.length !== 3)
    fail(`proof.${key}`, 'must be a point [x, y, z]');
  if (group === 'g1') {
    if (value[2] !== '1') fail(`proof.${key}`, 'must be affine (z = 1)');
    return [element(value[0], `proof.${key}[0]`), element(value[1], `proof.${key}[1]`)];
  }
  const coords = value as unknown[][];
  if (JSON.stringify(coords[2]) !== '["1","0"]')
    fail(`proof.${key}`, 'must be affine (z = [1, 0])');
  return [0, 1].flatMap((i) => {
    const pair = coords[i];
    if (!Array.isArray(pair) || pair.length !== 2) fail(`proof.${key}[${i}]`, 'must be a pair');
    return [element(pair[0], `proof.${key}[${i}][0]`), element(pair[1], `proof.${key}[${i}][1]`)];
  });
}

function writeElement(bytes: Buffer, offset: number, value: bigint): number {
  bytes.write(value.toString(16).padStart(64, '0'), offset, 32, 'hex');
  return offset + 32;
}

/**
 * The field elements of a proof, each with the name of its field and its
 * modulus, in wire order; checks the proof has the shape of its system.
 *
 * @throws InvalidZkmlInputError naming the first field that is missing or malformed.
 */
export function proofElements(proof: Proof): { field: string; value: bigint; modulus: bigint }[] {
  const out: { field: string; value: bigint; modulus: bigint }[] = [];
  proof.publicSignals.forEach((signal, i) => {
    out.push({
      field: `publicSignals[${i}]`,
      value: element(signal, `publicSignals[${i}]`),
      modulus: FIELD_PRIME,
    });
  });
  for (const { group, key } of layouts[proof.system]) {
    elementsOf(proof.proof, group, key).forEach((value, i) => {
      out.push({ field: `proof.${key}[${i}]`, value, modulus: modulusOf(group) });
    });
  }
  return out;
}

/**
 * The first field of `proof` that holds a non-canonical encoding (a value at
 * or above its modulus, such as `pi_a.x + q`), or undefined. snarkjs reduces
 * such values and accepts them; an EVM verifier rejects them, so a proof
 * means one thing everywhere only when every element is canonical.
 */
export function nonCanonicalField(proof: Proof): string | undefined {
  return proofElements(proof).find((e) => e.value >= e.modulus)?.field;
}

/** `proof` with every element reduced to its canonical value (the same proof to snarkjs). */
export function canonicalProof(proof: Proof): Proof {
  const checked = parseProof(proof);
  const reduce = (value: unknown, modulus: bigint) =>
    typeof value === 'string' && /^(0|[1-9][0-9]*)$/.test(value)
      ? String(BigInt(value) % modulus)
      : value;
  const inner: Record<string, unknown> = { ...checked.proof };
  for (const { group, key } of layouts[checked.system]) {
    const m = modulusOf(group);
    const v = inner[key];
    if (group === 'scalar') inner[key] = reduce(v, m);
    else if (Array.isArray(v))
      inner[key] = v.map((c: unknown) =>
        Array.isArray(c) ? c.map((x) => reduce(x, m)) : reduce(c, m),
      );
  }
  return {
    ...checked,
    proof: inner,
    publicSignals: checked.publicSignals.map((s) => String(reduce(s, FIELD_PRIME))),
  };
}

/** The proof as JSON text (the {@link Proof} envelope: snarkjs's proof and public signals, key hash, outputs). */
export function proofToJson(proof: Proof): string {
  return JSON.stringify(parseProof(proof));
}

/**
 * Reads a proof from JSON text.
 *
 * @throws SchemaValidationError when the JSON is not a {@link Proof}.
 */
export function proofFromJson(text: string): Proof {
  return parseJson(text, proofSchema);
}

/**
 * The proof in a compact binary form: `MTZP`, version, system, key hash,
 * creation time, public signals and the proof's field elements, 32 bytes
 * each (a Groth16 proof is 256 bytes of it), then the decoded outputs as
 * float64. Every element is written canonically (reduced below its
 * modulus). {@link proofFromBytes} restores the same snarkjs JSON.
 */
export function proofToBytes(proof: Proof): Uint8Array {
  const checked = canonicalProof(proof);
  const layout = layouts[checked.system];
  const elements = layout.flatMap(({ group, key }) => elementsOf(checked.proof, group, key));
  const outputs = checked.outputs ?? [];
  const size =
    4 +
    1 +
    1 +
    32 +
    8 +
    2 +
    2 +
    32 * (checked.publicSignals.length + elements.length) +
    8 * outputs.length;
  const bytes = Buffer.alloc(size);
  let at = bytes.write(MAGIC, 0, 'latin1');
  at = bytes.writeUInt8(VERSION, at);
  at = bytes.writeUInt8(systems.indexOf(checked.system), at);
  at += bytes.write(checked.verificationKeyHash, at, 32, 'hex');
  at = bytes.writeBigUInt64BE(BigInt(checked.createdAt), at);
  at = bytes.writeUInt16BE(checked.publicSignals.length, at);
  at = bytes.writeUInt16BE(outputs.length, at);
  for (const [i, signal] of checked.publicSignals.entries())
    at = writeElement(bytes, at, element(signal, `publicSignals[${i}]`));
  for (const value of elements) at = writeElement(bytes, at, value);
  for (const value of outputs) at = bytes.writeDoubleBE(value, at);
  return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Reads a proof written by {@link proofToBytes}.
 *
 * @throws InvalidZkmlInputError when the bytes are truncated, not a proof,
 *   or hold a non-canonical element.
 */
export function proofFromBytes(input: Uint8Array): Proof {
  const bytes = Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  if (bytes.length < 50 || bytes.toString('latin1', 0, 4) !== MAGIC)
    fail('bytes', 'are not an MTZP proof');
  if (bytes.readUInt8(4) !== VERSION)
    fail('bytes', `have version ${bytes.readUInt8(4)}; expected ${VERSION}`);
  const system = systems[bytes.readUInt8(5)] ?? fail('bytes', 'name an unknown proof system');
  const verificationKeyHash = bytes.toString('hex', 6, 38);
  const createdAt = Number(bytes.readBigUInt64BE(38));
  const signalCount = bytes.readUInt16BE(46);
  const outputCount = bytes.readUInt16BE(48);
  const layout = layouts[system];
  const elementCount = layout.reduce(
    (n, { group }) => n + (group === 'g1' ? 2 : group === 'g2' ? 4 : 1),
    0,
  );
  if (bytes.length !== 50 + 32 * (signalCount + elementCount) + 8 * outputCount)
    fail('bytes', 'have the wrong length');
  let at = 50;
  const next = () => {
    const value = BigInt(`0x${bytes.toString('hex', at, at + 32)}`).toString();
    at += 32;
    return value;
  };
  const publicSignals = Array.from({ length: signalCount }, next);
  const proof: Record<string, unknown> = {};
  for (const { group, key } of layout) {
    if (group === 'scalar') proof[key] = next();
    else if (group === 'g1') proof[key] = [next(), next(), '1'];
    else
      proof[key] = [
        [next(), next()],
        [next(), next()],
        ['1', '0'],
      ];
  }
  proof.protocol = system;
  proof.curve = 'bn128';
  const outputs = Array.from({ length: outputCount }, () => {
    const value = bytes.readDoubleBE(at);
    at += 8;
    return value;
  });
  const decoded = parseProof({
    system,
    proof,
    publicSignals,
    verificationKeyHash,
    ...(outputCount > 0 ? { outputs } : {}),
    createdAt,
  });
  const field = nonCanonicalField(decoded);
  if (field) fail(field, 'is not canonical (at or above its field modulus)');
  return decoded;
}
