import { readFile, writeFile } from 'node:fs/promises';
import type { ProofSystem } from '@mt/protocol';
import { parseJson } from '@mt/protocol';
import { z } from 'zod';
import { Circuit, circuitFiles, type Optimization } from '../circuit/circuit.js';
import { splitWitnessSums } from '../circuit/generate-circom.js';
import { CircuitCompilationError, ProofGenerationError } from '../errors.js';
import { evaluateProgram } from '../lower/evaluate-program.js';
import type { FixedPointProgram } from '../lower/program.js';
import { loadSnarkjs } from './load-snarkjs.js';

/*
 * A split witness: circom2 writes a model's witness generator as
 * WebAssembly text with every linear term in it, and past about 400,000
 * terms it cannot parse that text within its 4 GiB heap, although it writes
 * the R1CS. So a large model is compiled twice: the real circuit, R1CS only;
 * and a witness circuit, the same template with each linear sum taken as an
 * input (computed by the prover from the lowered program). The witness
 * circuit's witness holds every signal of the real circuit by name, and the
 * map made here at compile time carries it over, wire by wire.
 */

/** No entry yet in a witness map under construction. */
const UNSET = 0xffff_ffff;

/** Each named signal's witness index in a circom `.sym` file (`label,witness,component,name` lines). */
async function witnessIndexByName(sym: string): Promise<Map<string, number>> {
  const byName = new Map<string, number>();
  for (const line of (await readFile(sym, 'utf8')).split('\n')) {
    if (line === '') continue;
    const first = line.indexOf(',');
    const second = line.indexOf(',', first + 1);
    const third = line.indexOf(',', second + 1);
    const index = Number(line.slice(first + 1, second));
    if (index >= 0) byName.set(line.slice(third + 1), index);
  }
  return byName;
}

/**
 * Writes `mapFile`: for each wire of the real circuit (its `.sym`), the
 * index of the same signal in the witness circuit's witness (its `.sym`,
 * compiled at O0 so that no signal is dropped), as little-endian u32s.
 * Wire 0 is the constant one in both.
 *
 * @throws CircuitCompilationError when a wire of the real circuit has no
 *   signal of that name in the witness circuit.
 */
export async function writeWitnessMap(
  circuitSym: string,
  witnessSym: string,
  mapFile: string,
): Promise<void> {
  const wires = await witnessIndexByName(circuitSym);
  const witness = await witnessIndexByName(witnessSym);
  let size = 1;
  for (const index of wires.values()) size = Math.max(size, index + 1);
  const map = new Uint32Array(size).fill(UNSET);
  map[0] = 0;
  for (const [name, index] of wires) {
    const from = witness.get(name);
    if (from === undefined)
      throw new CircuitCompilationError(
        witnessSym,
        `the witness circuit has no signal ${name}, which the circuit has: the two sources disagree`,
      );
    map[index] = from;
  }
  const missing = map.indexOf(UNSET);
  if (missing >= 0)
    throw new CircuitCompilationError(circuitSym, `wire ${missing} has no signal name`);
  await writeFile(mapFile, new Uint8Array(map.buffer));
}

/** Reads a witness map that {@link writeWitnessMap} wrote. */
export async function readWitnessMap(mapFile: string): Promise<Uint32Array> {
  const bytes = await readFile(mapFile);
  if (bytes.byteLength % 4 !== 0)
    throw new ProofGenerationError(`${mapFile} is not a witness map; recompile the model`);
  return new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/**
 * The real circuit's witness (`.wtns`, as snarkjs reads it) from the
 * witness circuit's: its values picked wire by wire through `map`.
 *
 * @throws ProofGenerationError when `wtns` is not a witness file or the map
 *   reaches past it.
 */
export function remapWitness(wtns: Uint8Array, map: Uint32Array): Uint8Array {
  const view = new DataView(wtns.buffer, wtns.byteOffset, wtns.byteLength);
  const bad = (what: string) => new ProofGenerationError(`the witness circuit's witness ${what}`);
  if (wtns.byteLength < 12 || String.fromCharCode(...wtns.subarray(0, 4)) !== 'wtns')
    throw bad('is not a .wtns file');
  let header: Uint8Array | undefined;
  let values: Uint8Array | undefined;
  for (let at = 12; at + 12 <= wtns.byteLength; ) {
    const type = view.getUint32(at, true);
    const size = Number(view.getBigUint64(at + 4, true));
    const body = wtns.subarray(at + 12, at + 12 + size);
    if (type === 1) header = body;
    else if (type === 2) values = body;
    at += 12 + size;
  }
  if (!header || !values || header.byteLength < 8) throw bad('lacks its header or its values');
  const n8 = new DataView(header.buffer, header.byteOffset).getUint32(0, true);
  const count = values.byteLength / n8;
  if (n8 === 0 || header.byteLength !== n8 + 8 || !Number.isInteger(count))
    throw bad('has a malformed header');
  const out = new Uint8Array(12 + 12 + header.byteLength + 12 + map.length * n8);
  const o = new DataView(out.buffer);
  out.set(wtns.subarray(0, 8)); // magic and version
  o.setUint32(8, 2, true);
  let at = 12;
  o.setUint32(at, 1, true);
  o.setBigUint64(at + 4, BigInt(header.byteLength), true);
  out.set(header, at + 12);
  at += 12 + header.byteLength;
  o.setUint32(at - 4, map.length, true); // the header's last field: how many values
  o.setUint32(at, 2, true);
  o.setBigUint64(at + 4, BigInt(map.length * n8), true);
  at += 12;
  for (let wire = 0; wire < map.length; wire += 1) {
    const from = map[wire] as number;
    if (from >= count) throw bad(`has ${count} values; the map reads value ${from}`);
    out.set(values.subarray(from * n8, (from + 1) * n8), at + wire * n8);
  }
  return out;
}

/** What a proof through a split witness needs beyond the witness input: its circuit and build. */
export interface SplitWitnessJob {
  /** The circuit folder. */
  dir: string;
  /** The build proven with (its witness map). */
  optimization: Optimization;
}

/** Lowered programs by circuit folder and model: a prover lowers its model once, not per proof. */
const programs = new Map<string, Promise<FixedPointProgram>>();

function lowered(circuit: Circuit): Promise<FixedPointProgram> {
  const key = `${circuit.dir}\0${circuit.metadata.onnxSha256}`;
  let program = programs.get(key);
  if (!program) {
    program = readFile(circuit.file(circuitFiles.model)).then((bytes) => circuit.lowerModel(bytes));
    program.catch(() => programs.delete(key));
    programs.set(key, program);
  }
  return program;
}

/**
 * The real circuit's witness (`.wtns` bytes) through a split witness: runs
 * the lowered program on the input for the circuit's linear sums (or takes
 * `sums`), computes the witness circuit's witness with them, and carries it
 * over to the real circuit's wires.
 *
 * @throws InvalidZkmlInputError when the input leaves a step's domain or the
 *   folder's model is not the compiled one.
 */
export async function splitWitness(
  circuit: Circuit,
  optimization: Optimization,
  input: Record<string, unknown>,
  sums?: readonly bigint[],
): Promise<Uint8Array> {
  const snarkjs = await loadSnarkjs();
  const build = circuit.build(optimization);
  if (!build.witnessMap)
    throw new ProofGenerationError(`${circuit.dir} was not compiled with a split witness`);
  let values = sums;
  if (!values) {
    const program = await lowered(circuit);
    const x = z.array(z.string()).parse(input.x).map(BigInt);
    values = splitWitnessSums(program, evaluateProgram(program, x, 0).signals);
  }
  const witness: { type: 'mem'; data?: Uint8Array } = { type: 'mem' };
  const s = values.map(String);
  await snarkjs.wtns.calculate(s.length > 0 ? { ...input, s } : input, build.wasm, witness);
  if (!witness.data) throw new ProofGenerationError('the witness circuit wrote no witness');
  return remapWitness(witness.data, await readWitnessMap(build.witnessMap));
}

/**
 * Proves with a split witness ({@link splitWitness}), and checks the proof
 * before returning it: a witness that failed the circuit would otherwise
 * give a proof that no verifier accepts.
 *
 * @throws as {@link splitWitness}, and ProofGenerationError when the proof
 *   does not verify.
 */
export async function proveSplit(
  system: ProofSystem,
  zkey: string,
  input: Record<string, unknown>,
  job: SplitWitnessJob,
): Promise<{ proof: Record<string, unknown>; publicSignals: string[] }> {
  const snarkjs = await loadSnarkjs();
  const circuit = await Circuit.load(job.dir);
  const wtns = await splitWitness(circuit, job.optimization, input);
  const result = await snarkjs[system].prove(zkey, { type: 'mem', data: wtns });
  const key = parseJson(
    await readFile(circuit.file(circuitFiles.verificationKey), 'utf8'),
    z.record(z.string(), z.unknown()),
    { typeName: 'verification_key.json' },
  );
  if (!(await snarkjs[system].verify(key, result.publicSignals, result.proof)))
    throw new ProofGenerationError(
      'the split witness does not satisfy the circuit: its program and its circuit disagree; report the model',
    );
  return result;
}
