import { createHash } from 'node:crypto';
import { ZkmlError } from '../errors.js';
import { type Affine, numeratorOf, raised } from '../lower/affine.js';
import { type FixedPointProgram, type Step, unknownStep } from '../lower/program.js';
import { packedPoseidon } from './packed-poseidon.js';
import { sponge } from './poseidon.js';

/** Terms per statement: circom2 crashes on one very long linear expression. */
const TERMS_PER_STATEMENT = 16;

/** Placeholders replaced once the source's digest is known (the digest cannot contain itself). */
const DIGEST_HI = '__MT_DIGEST_HI__';
const DIGEST_LO = '__MT_DIGEST_LO__';
const MODEL_HASH = '__MT_MODEL_HASH__';

/** The commitment's domain tags: which mode a model hash belongs to. */
const PUBLIC_TAG = 1n;
const PRIVATE_TAG = 2n;

function bitLength(v: bigint): number {
  return v === 0n ? 0 : v.toString(2).length;
}

/**
 * A name from the model file, safe inside a `//` comment: quoted, and every
 * character outside printable ASCII escaped. A raw newline in an ONNX name
 * would end the comment and put the rest of the name into the circuit as
 * code, which `mt-zkml audit` would then regenerate and accept.
 */
function commentText(name: string): string {
  return JSON.stringify(name).replace(
    /[^\x20-\x7e]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

function literal(value: bigint): string {
  return value < 0n ? `-${-value}` : `${value}`;
}

/** The generated circuit, its model commitment, and what a prover needs to know about its signals. */
export interface GeneratedCircuit {
  /**
   * The Circom source, line by line: never one string, which past about 512 MiB
   * JavaScript cannot hold (write it with {@link sourceChunks}).
   */
  lines: readonly string[];
  /** SHA-256 (hex) of the source as written. */
  sourceSha256: string;
  /** SHA-256 of the source before the digest was filled in: covers architecture, scale, bounds and public weights. */
  digest: string;
  /** The model commitment in public mode; in private mode the salt is needed, see {@link privateModelHash}. */
  publicModelHash: bigint | undefined;
  /** Argmax width of the `predicted` signal: the logits lie in [−2^argmaxBits, 2^argmaxBits). */
  argmaxBits: number;
  /** With `splitWitness`: the witness circuit's source, line by line. */
  witnessLines?: readonly string[];
}

function digestHalves(digest: string): [bigint, bigint] {
  return [BigInt(`0x${digest.slice(0, 32)}`), BigInt(`0x${digest.slice(32)}`)];
}

/**
 * The private-mode model commitment: a sponge over the tag, the circuit's
 * digest (architecture, scale and bounds), the salt and one packed Poseidon
 * hash per private tensor, exactly as the circuit computes it.
 */
export function privateModelHash(
  digest: string,
  salt: bigint,
  tensorHashes: readonly bigint[],
): bigint {
  return sponge([PRIVATE_TAG, ...digestHalves(digest), salt, ...tensorHashes]);
}

/** The public-mode model commitment: the tag and the digest of the circuit, weights included. */
export function publicModelHash(digest: string): bigint {
  return sponge([PUBLIC_TAG, ...digestHalves(digest)]);
}

/** The largest absolute value an affine form of `program`'s signals can take. */
function boundOf(program: FixedPointProgram): (a: Affine) => bigint {
  return (a) => {
    let b = a.c < 0n ? -a.c : a.c;
    for (let i = 0; i < a.sig.length; i += 1) {
      const q = a.q[i] as bigint;
      b += (q < 0n ? -q : q) * (program.signals[a.sig[i] as number]?.bound ?? 0n);
    }
    return b;
  };
}

/** circomlib's partial rounds of Poseidon by state width t = 2..17. */
const PARTIAL_ROUNDS = [56, 57, 56, 60, 60, 63, 64, 63, 60, 66, 60, 65, 70, 60, 64, 68];

/** R1CS constraints of one circomlib Poseidon over `inputs` elements: 3 per S-box, 8 full rounds of t and the partial rounds. */
function poseidonCost(inputs: number): number {
  const t = inputs + 1;
  return 3 * (8 * t + (PARTIAL_ROUNDS[t - 2] ?? 70));
}

/** R1CS constraints of `Sponge` over `elements`: one Poseidon of the state and up to 15 elements per chunk. */
function spongeCost(elements: number): number {
  const width = Math.max(1, Math.min(elements, 15));
  return Math.max(1, Math.ceil(elements / width)) * poseidonCost(width + 1);
}

/** R1CS constraints of `PackedPoseidon(n, B)`: each value's B-bit range check, then the sponge over the packed elements. */
function packedPoseidonCost(n: number, bits: number): number {
  if (n === 0) return 0; // a constant in the circuit
  return n * bits + spongeCost(Math.ceil(n / Math.max(1, Math.floor(253 / bits))));
}

/**
 * An upper estimate of a lowered program's R1CS constraints, from each
 * template's cost at the widths the generator will give it (see the table in
 * circuits/README.md). Cheap beside generating and compiling the circuit, so
 * the compiler refuses a model over its budget before either.
 */
export function estimateConstraints(program: FixedPointProgram): number {
  const bound = boundOf(program);
  const width = (a: Affine) => Math.max(bitLength(bound(a)), 1);
  let total = packedPoseidonCost(program.inputSize, program.inputBits);
  for (const step of program.steps) {
    if (step.kind === 'shift') total += Math.max(width(step.input), step.k, 1) + 2;
    else if (step.kind === 'sign') total += Math.max(bitLength(bound(step.input) + 1n), 1) + 1;
    else if (step.kind === 'mul') total += 1;
    else if (step.kind === 'div') total += 2 * width(step.den) + width(step.num) + 2;
    else if (step.kind === 'require') total += width(step.input) + 1;
    else if (step.kind === 'sqrt')
      total += 2 * width(step.input) + Math.floor((width(step.input) + 1) / 2) + 5;
    else if (step.kind === 'argmax')
      total += step.inputs.length * (step.inputs.reduce((k, a) => Math.max(k, width(a)), 1) + 4);
    else unknownStep(step);
  }
  const outputs = program.outputs.flatMap((o) =>
    o.elements.map((e) => raised(e, program.scaleBits)),
  );
  const { offset, count } = scoresOutput(program);
  const argmaxBits = outputs
    .slice(offset, offset + count)
    .reduce((bits, e) => Math.max(bits, bitLength(bound(e))), 1);
  total += count * (argmaxBits + 4);
  for (const tensor of program.privateTensors)
    total += packedPoseidonCost(tensor.signals.length, tensor.bits);
  if (program.mode === 'private')
    total += 640 * (Math.ceil((4 + program.privateTensors.length) / 15) + 1);
  return total;
}

/** The affine forms a step's constraints are written from. */
function affinesOf(step: Step): readonly Affine[] {
  if (step.kind === 'mul') return [step.a, step.b];
  if (step.kind === 'div') return [step.num, step.den];
  if (step.kind === 'argmax') return step.inputs;
  if (
    step.kind === 'shift' ||
    step.kind === 'sign' ||
    step.kind === 'require' ||
    step.kind === 'sqrt'
  )
    return [step.input];
  return unknownStep(step);
}

/**
 * The linear terms (a constant times a signal) the generated source writes:
 * a dense layer's every multiply-accumulate is one. circom2's memory and
 * time grow with them (`bench:compile`), not with the constraints.
 */
export function linearTerms(program: FixedPointProgram): number {
  let terms = 0;
  const count = (a: Affine) => {
    for (const q of a.q) if (q !== 0n) terms += 1;
  };
  for (const step of program.steps) for (const a of affinesOf(step)) count(a);
  for (const output of program.outputs)
    for (const e of output.elements) count(raised(e, program.scaleBits));
  return terms;
}

/** How many lines each written chunk of a source joins: a few hundred KiB, far below a string's limit. */
const LINES_PER_CHUNK = 4096;

/**
 * The source's text in chunks, exactly `lines.join('\n')`: for
 * `writeFile`, and for hashing, without ever building the whole string.
 */
export function* sourceChunks(lines: readonly string[]): Generator<string> {
  for (let start = 0; start < lines.length; start += LINES_PER_CHUNK) {
    const chunk = lines.slice(start, start + LINES_PER_CHUNK).join('\n');
    yield start === 0 ? chunk : `\n${chunk}`;
  }
}

function sha256Of(lines: readonly string[]): string {
  const hash = createHash('sha256');
  for (const chunk of sourceChunks(lines)) hash.update(chunk);
  return hash.digest('hex');
}

class Writer {
  readonly lines: string[] = [];
  readonly #names: string[];
  /** In the witness circuit: how many sums were read from the input `s` so far. */
  sums: number | undefined;

  constructor(names: string[], witness: boolean) {
    this.#names = names;
    this.sums = witness ? 0 : undefined;
  }

  name(id: number): string {
    return this.#names[id] ?? `t[${id}]`;
  }

  /**
   * Writes `variable = <affine numerator>` in statements of at most 16
   * terms; in the witness circuit, `variable = s[k]`, the k-th sum
   * `splitWitnessSums` computes.
   */
  expression(variable: string, a: Affine, offset = 0n): void {
    if (this.sums !== undefined) {
      this.lines.push(`    ${variable} = s[${this.sums}];`);
      this.sums += 1;
      return;
    }
    const terms: string[] = [];
    for (let i = 0; i < a.sig.length; i += 1) {
      const q = a.q[i] as bigint;
      if (q !== 0n) terms.push(`${literal(q)} * ${this.name(a.sig[i] as number)}`);
    }
    this.lines.push(`    ${variable} = ${literal(a.c + offset)};`);
    for (let start = 0; start < terms.length; start += TERMS_PER_STATEMENT)
      this.lines.push(
        `    ${variable} += ${terms.slice(start, start + TERMS_PER_STATEMENT).join(' + ')};`,
      );
  }
}

function writeStep(out: Writer, step: Step, index: number, bound: (a: Affine) => bigint): void {
  const target = out.name(step.out);
  const c = `c${index}`;
  if (step.kind === 'shift') {
    const K = Math.max(bitLength(bound(step.input)), step.k, 1);
    out.lines.push(
      `    component ${c} = ${step.relu ? 'ShiftReLU' : 'SignedShift'}(${K}, ${step.k});`,
    );
    out.expression('acc', step.input);
    out.lines.push(`    ${c}.in <== acc;`, `    ${target} <== ${c}.out;`);
  } else if (step.kind === 'sign') {
    const K = Math.max(bitLength(bound(step.input) + 1n), 1);
    out.lines.push(`    component ${c} = SignedShift(${K}, 0);`);
    out.expression('acc', step.input, step.strict ? -1n : 0n);
    out.lines.push(`    ${c}.in <== acc;`, `    ${target} <== ${c}.nonneg;`);
  } else if (step.kind === 'mul') {
    out.expression('acc', step.a);
    out.expression('other', step.b);
    out.lines.push(`    ${target} <== acc * other;`);
  } else if (step.kind === 'div') {
    const KN = Math.max(bitLength(bound(step.num)), 1);
    const KD = Math.max(bitLength(bound(step.den)), 1);
    out.lines.push(`    component ${c} = PositiveDivide(${KN}, ${KD});`);
    out.expression('acc', step.num);
    out.expression('other', step.den);
    out.lines.push(
      `    ${c}.num <== acc;`,
      `    ${c}.den <== other;`,
      `    ${target} <== ${c}.out;`,
    );
  } else if (step.kind === 'require') {
    const K = Math.max(bitLength(bound(step.input)), 1);
    out.lines.push(`    component ${c} = RequireNonPositive(${K});`);
    out.expression('acc', step.input);
    out.lines.push(`    ${c}.in <== acc;`, `    ${target} <== ${c}.out;`);
  } else if (step.kind === 'sqrt') {
    const K = Math.max(bitLength(bound(step.input)), 1);
    out.lines.push(`    component ${c} = SquareRoot(${K});`);
    out.expression('acc', step.input);
    out.lines.push(`    ${c}.in <== acc;`, `    ${target} <== ${c}.out;`);
  } else if (step.kind === 'argmax') {
    const K = step.inputs.reduce((bits, a) => Math.max(bits, bitLength(bound(a))), 1);
    out.lines.push(`    component ${c} = Argmax(${step.inputs.length}, ${K});`);
    step.inputs.forEach((a, i) => {
      out.expression('acc', a);
      out.lines.push(`    ${c}.in[${i}] <== acc;`);
    });
    out.lines.push(`    ${target} <== ${c}.index;`);
  } else unknownStep(step);
}

/**
 * The output `predicted` is the argmax of: the first with more than one
 * element (a classifier exported by sklearn-onnx gives its label first, then
 * its scores), else the first. `offset` is its first element among all the
 * flattened outputs.
 */
export function scoresOutput(program: FixedPointProgram): { offset: number; count: number } {
  const k = Math.max(
    0,
    program.outputs.findIndex((o) => o.elements.length > 1),
  );
  const offset = program.outputs.slice(0, k).reduce((n, o) => n + o.elements.length, 0);
  return { offset, count: program.outputs[k]?.elements.length ?? 1 };
}

/**
 * The sums the witness circuit reads from its input `s`, in the order
 * it reads them: every affine form a step's constraints are written from
 * (plus a strict sign's offset), then every output, each evaluated on the
 * program's signal values (as `evaluateProgram` returns them). The real
 * circuit computes each of them from its linear terms; the witness circuit
 * takes them as given, so that circom2 never writes those terms as code.
 */
export function splitWitnessSums(program: FixedPointProgram, values: readonly bigint[]): bigint[] {
  const sums: bigint[] = [];
  for (const step of program.steps) {
    const offset = step.kind === 'sign' && step.strict ? -1n : 0n;
    for (const a of affinesOf(step)) sums.push(numeratorOf(a, values) + offset);
  }
  for (const output of program.outputs)
    for (const e of output.elements) sums.push(numeratorOf(raised(e, program.scaleBits), values));
  return sums;
}

/** How many sums `splitWitnessSums` gives for `program`. */
function sumCount(program: FixedPointProgram): number {
  let n = 0;
  for (const step of program.steps) n += affinesOf(step).length;
  for (const output of program.outputs) n += output.elements.length;
  return n;
}

/** The model circuit's lines, placeholders unfilled; with `witness`, the witness circuit's. */
function modelSource(
  program: FixedPointProgram,
  witness: boolean,
): { lines: string[]; argmaxBits: number } {
  const S = program.scaleBits;
  const names: string[] = [];
  for (let i = 0; i < program.inputSize; i += 1) names[i] = `x[${i}]`;
  program.privateTensors.forEach((tensor, k) => {
    tensor.signals.forEach((id, j) => {
      names[id] = `p${k}[${j}]`;
    });
  });
  const internal = program.steps.length;
  program.steps.forEach((step, j) => {
    names[step.out] = `t[${j}]`;
  });
  const out = new Writer(names, witness);
  const bound = boundOf(program);
  const outputs = program.outputs.flatMap((o) => o.elements.map((e) => raised(e, S)));
  const { offset: scoresAt, count: scoreCount } = scoresOutput(program);
  const argmaxBits = outputs
    .slice(scoresAt, scoresAt + scoreCount)
    .reduce((bits, e) => Math.max(bits, bitLength(bound(e))), 1);
  const sums = witness ? sumCount(program) : 0;
  const L = out.lines;
  L.push(
    witness
      ? '// Generated by @mt/zkml: the witness circuit of a fixed-point model circuit, its sums given.'
      : '// Generated by @mt/zkml: a fixed-point model circuit.',
    `// mode ${program.mode}, scale 2^${S}, inputs of ${program.inputBits} signed bits`,
    ...program.inputs.map((i) => `// input ${commentText(i.name)} ${JSON.stringify(i.dims)}`),
    ...program.outputs.map((o) => `// output ${commentText(o.name)} ${JSON.stringify(o.dims)}`),
    '',
    'pragma circom 2.1.0;',
    '',
    'include "fixed_point.circom";',
    'include "argmax.circom";',
    'include "packed_poseidon.circom";',
    '',
    'template Model() {',
    `    signal input x[${program.inputSize}];`,
    ...(sums > 0 ? [`    signal input s[${sums}];`] : []),
  );
  program.privateTensors.forEach((t, k) => {
    L.push(`    signal input p${k}[${t.signals.length}];`);
  });
  if (program.mode === 'private') L.push('    signal input salt;');
  L.push(
    `    signal output out[${outputs.length}];`,
    '    signal output predicted;',
    '    signal output modelHash;',
    '    signal output inputHash;',
    ...(internal > 0 ? [`    signal t[${internal}];`] : []),
    '    var acc;',
    '    var other;',
    '',
    ...(program.inputSize === 0
      ? [
          '    // A graph of constants: no input, and the hash of none.',
          `    inputHash <== ${packedPoseidon([], program.inputBits)};`,
        ]
      : [
          '    // Range-checks every input value and hashes them all into one public signal.',
          `    component inputCommitment = PackedPoseidon(${program.inputSize}, ${program.inputBits});`,
          '    inputCommitment.in <== x;',
          '    inputHash <== inputCommitment.hash;',
        ]),
    '',
  );
  program.steps.forEach((step, j) => {
    writeStep(out, step, j, bound);
  });
  L.push('');
  outputs.forEach((e, i) => {
    out.expression('acc', e);
    L.push(`    out[${i}] <== acc;`);
  });
  L.push(
    '',
    `    component best = Argmax(${scoreCount}, ${argmaxBits});`,
    `    for (var i = 0; i < ${scoreCount}; i++) best.in[i] <== out[${scoresAt} + i];`,
    '    predicted <== best.index;',
    '',
  );
  if (program.mode === 'public') {
    L.push(
      '    // The weights are constants of this circuit: the verification key pins them,',
      '    // and this is the commitment to the whole circuit (see mt-zkml audit).',
      `    modelHash <== ${MODEL_HASH};`,
    );
  } else {
    program.privateTensors.forEach((t, k) => {
      L.push(
        `    component h${k} = PackedPoseidon(${t.signals.length}, ${t.bits});`,
        `    h${k}.in <== p${k};`,
      );
    });
    const n = 4 + program.privateTensors.length;
    L.push(
      `    component model = Sponge(${n}, ${n});`,
      `    model.in[0] <== ${PRIVATE_TAG};`,
      `    model.in[1] <== ${DIGEST_HI};`,
      `    model.in[2] <== ${DIGEST_LO};`,
      '    model.in[3] <== salt;',
      ...program.privateTensors.map((_, k) => `    model.in[${4 + k}] <== h${k}.hash;`),
      '    modelHash <== model.hash;',
    );
  }
  L.push('}', '', 'component main = Model();', '');
  // The prover fills `s` from splitWitnessSums: both must walk the steps alike.
  if (witness && out.sums !== sums)
    throw new ZkmlError(
      'MT_ZKML_WITNESS_SUMS',
      `the witness circuit reads ${out.sums} sums, but the prover computes ${sums}`,
    );
  return { lines: L, argmaxBits };
}

/**
 * Writes the Circom source of a lowered program. It includes the templates
 * in this package's `circuits/` and circomlib, so compile it with both on the include
 * path. With `splitWitness`, also the witness circuit: the same template
 * with every linear sum read from a private input `s` (see
 * `splitWitnessSums`), which circom2 can turn into a witness
 * generator where the real circuit's terms are too many for it.
 *
 * Signals: private input `x` (and in private mode `p<k>` per private tensor
 * and `salt`); public outputs, in order, `out` (every graph output
 * flattened, at scale 2^S), `predicted` (the first largest element of the
 * scores output, see {@link scoresOutput}), `modelHash` and `inputHash` (a
 * packed Poseidon hash of `x`).
 */
export function generateCircom(
  program: FixedPointProgram,
  options: { splitWitness?: boolean } = {},
): GeneratedCircuit {
  const { lines: L, argmaxBits } = modelSource(program, false);
  const digest = sha256Of(L);
  const [hi, lo] = digestHalves(digest);
  const publicHash = program.mode === 'public' ? publicModelHash(digest) : undefined;
  // Each placeholder sits in one line of its own making: fill those lines only.
  const fill: Record<string, string> = {
    [DIGEST_HI]: `${hi}`,
    [DIGEST_LO]: `${lo}`,
    [MODEL_HASH]: `${publicHash ?? 0n}`,
  };
  const filled = (source: readonly string[]) =>
    source.map((line) =>
      line.includes('__MT_') ? line.replace(/__MT_[A-Z_]+__/, (name) => fill[name] ?? name) : line,
    );
  const lines = filled(L);
  return {
    lines,
    sourceSha256: sha256Of(lines),
    digest,
    publicModelHash: publicHash,
    argmaxBits,
    ...(options.splitWitness ? { witnessLines: filled(modelSource(program, true).lines) } : {}),
  };
}
