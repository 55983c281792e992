import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  Circuit,
  circuitFiles,
  type Optimization,
  type PrivateWeights,
} from '../circuit/circuit.js';
import { type CircuitMetadata, publicSignalCount } from '../circuit/circuit-metadata.js';
import {
  estimateConstraints,
  generateCircom,
  linearTerms,
  privateModelHash,
  sourceChunks,
} from '../circuit/generate-circom.js';
import { FIELD_PRIME, packedPoseidon } from '../circuit/packed-poseidon.js';
import { CircuitTooLargeError } from '../errors.js';
import { type CircuitMode, lowerGraph } from '../lower/lower-graph.js';
import type { FixedPointProgram } from '../lower/program.js';
import { decodeOnnxGraph } from '../onnx/onnx-graph.js';
import { check } from '../option-checks.js';
import { writeWitnessMap } from '../prove/split-witness.js';
import { powerFor } from '../setup/ptau-power.js';
import { runCircom, toolPaths } from './run-circom.js';

/** A progress line from a long step, for a CLI or a log. */
export type ProgressListener = (message: string) => void;

/** Options of {@link CircuitCompiler.compileModel}. */
export interface CompileModelOptions {
  /** `public` (default): weights are circuit constants. `private`: weights are private inputs bound by a commitment. */
  mode?: CircuitMode;
  /** Fractional bits of the fixed-point encoding (default 8). */
  scaleBits?: number;
  /** Signed bit width of the quantised input (default `scaleBits + 8`, i.e. inputs in [−128, 128)). */
  inputBits?: number;
  /** Private mode's commitment salt (default: 31 random bytes). Fix it only to reproduce a circuit. */
  salt?: bigint;
  /**
   * Compile the witness apart from the circuit (see `splitWitness` in
   * `circuit.json`). Default: when the model has more linear terms than
   * circom2 can write a witness generator for, {@link CIRCOM2_MAX_TERMS}.
   */
  splitWitness?: boolean;
  /** Builds to compile now (default `['O2']`, what Groth16 uses; PLONK setup adds `O1` on demand). */
  optimizations?: readonly Optimization[];
  /**
   * The most R1CS constraints a model's circuit may have, by the estimate
   * made right after lowering; a larger one is refused with
   * `CircuitTooLargeError` before anything costly runs. Default
   * {@link DEFAULT_MAX_CONSTRAINTS}.
   */
  maxConstraints?: number;
  signal?: AbortSignal;
}

/**
 * The default constraint budget, 2^22 (about 4.2 million): a circuit that
 * size needs a ptau of 2^23 for its setup, and circom2 compiles in
 * WebAssembly with at most 4 GiB. A choice, not a measured bound: raise it
 * where the machine can compile and prove more.
 */
export const DEFAULT_MAX_CONSTRAINTS = 2 ** 22;

/**
 * The most linear terms (constant × signal) a circuit's source may have for
 * circom2 to write its witness generator. circom2 writes the generator as
 * WebAssembly text that grows with every term, and parses it within its
 * own 4 GiB heap. `pnpm --filter @mt/zkml bench:compile` measures it: a
 * 394,085-term MLP compiles at a 3,591 MiB peak, and LeNet-5 (408,490
 * terms) fails there after the R1CS is written. A model over it gets a
 * split witness: circom2 writes only its R1CS, and a witness circuit
 * without the terms computes its witness.
 */
export const CIRCOM2_MAX_TERMS = 400_000;

/**
 * The most linear terms for circom2 to write a circuit's R1CS alone (a
 * split witness), within its 4 GiB heap. A limit of the tool, not a
 * budget: a model over it is refused before circom2 starts.
 * `bench:compile` measures the widest MLP under it (730,848 terms) at a
 * 3,413 MiB peak, and LeNet-5 (408,490) at 2,206 MiB.
 */
export const CIRCOM2_MAX_R1CS_TERMS = 750_000;

/** The result of one compilation. */
export interface CompiledBuild {
  r1cs: string;
  wasm: string;
  /** True when the build was already there for exactly these sources and flags. */
  cached: boolean;
  /** For a build made now: circom2's wall time, in milliseconds. */
  compileMs?: number;
  /** For a build made now: circom2's peak resident memory, in bytes, as its process measured it. */
  peakMemoryBytes?: number;
}

/** The folder holding our own Circom templates: this package's `circuits/`, their one home. */
export function templatesDir(): string {
  return fileURLToPath(new URL('../../circuits/', import.meta.url));
}

async function sha256OfFolder(dir: string): Promise<string> {
  const hash = createHash('sha256');
  for (const name of (await readdir(dir)).sort()) {
    if (!name.endsWith('.circom')) continue;
    hash
      .update(name)
      .update('\0')
      .update(await readFile(join(dir, name)))
      .update('\0');
  }
  return hash.digest('hex');
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Turns ONNX models and Circom sources into compiled circuits with circom2.
 * Every build is keyed by a hash of its sources (the file, our templates,
 * circomlib), the compiler version and the flags, and is never redone while
 * that key is unchanged.
 *
 * @example
 * ```ts
 * const compiler = new CircuitCompiler({ onProgress: console.log });
 * const circuit = await compiler.compileModel('digits.onnx', 'build/digits');
 * ```
 */
export class CircuitCompiler {
  readonly #onProgress: ProgressListener;

  constructor(options: { onProgress?: ProgressListener } = {}) {
    this.#onProgress = options.onProgress ?? (() => {});
  }

  /**
   * Reads an ONNX model, lowers it to fixed point, writes the circuit folder
   * `outDir` (`circuit.circom`, `circuit.json`, and in private mode
   * `weights.json`, which holds the secret weights and salt) and compiles it.
   *
   * @throws UnsupportedOnnxOpError listing every node it cannot compute,
   *   MalformedOnnxError for files it cannot read, InvalidZkmlInputError for
   *   bad options, CircuitCompilationError when circom2 fails.
   */
  async compileModel(
    onnx: string | Uint8Array,
    outDir: string,
    options: CompileModelOptions = {},
  ): Promise<Circuit> {
    const bytes = typeof onnx === 'string' ? await readFile(onnx) : onnx;
    const program = lowerGraph(decodeOnnxGraph(bytes), {
      ...(options.mode === undefined ? {} : { mode: options.mode }),
      ...(options.scaleBits === undefined ? {} : { scaleBits: options.scaleBits }),
      ...(options.inputBits === undefined ? {} : { inputBits: options.inputBits }),
    });
    const constraints = estimateConstraints(program);
    const terms = linearTerms(program);
    const maxConstraints = check.positive(
      'maxConstraints',
      options.maxConstraints ?? DEFAULT_MAX_CONSTRAINTS,
    );
    if (constraints > maxConstraints || terms > CIRCOM2_MAX_R1CS_TERMS) {
      throw new CircuitTooLargeError({
        constraints,
        maxConstraints,
        terms,
        maxTerms: CIRCOM2_MAX_R1CS_TERMS,
        ptauPower: powerFor(
          constraints +
            publicSignalCount({
              outputSize: program.outputs.reduce((n, o) => n + o.elements.length, 0),
            }),
        ),
        steps: program.steps.length,
      });
    }
    const onnxSha256 = createHash('sha256').update(bytes).digest('hex');
    const dir = resolve(outDir);
    await mkdir(dir, { recursive: true });
    const splitWitness = options.splitWitness ?? terms > CIRCOM2_MAX_TERMS;
    await writeCircuitFolder(dir, program, onnxSha256, {
      ...(options.salt === undefined ? {} : { salt: options.salt }),
      ...(splitWitness ? { splitWitness: bytes } : {}),
    });
    this.#onProgress(
      `Lowered to ${program.steps.length} constrained steps over ${program.signals.length} signals (${program.mode} mode, scale 2^${program.scaleBits}), about ${constraints} constraints and ${terms} linear terms${splitWitness ? '; its witness is compiled apart' : ''}`,
    );
    const circuit = await Circuit.load(dir);
    for (const optimization of options.optimizations ?? ['O2']) {
      await this.ensureBuild(circuit, optimization, options.signal);
    }
    return circuit;
  }

  /** Compiles `circuit` at `optimization` unless an up-to-date build is there. */
  ensureBuild(
    circuit: Circuit,
    optimization: Optimization,
    signal?: AbortSignal,
  ): Promise<CompiledBuild> {
    return this.compileFile(circuit.file(circuitFiles.source), circuit.build(optimization).dir, {
      optimization,
      ...(circuit.metadata.splitWitness
        ? { witnessSource: circuit.file(circuitFiles.witnessSource) }
        : {}),
      ...(signal ? { signal } : {}),
    });
  }

  /**
   * Compiles any Circom file that includes our templates or circomlib into
   * `outDir` (`<name>.r1cs`, `<name>_js/<name>.wasm`), unless an up-to-date
   * build is there. With `witnessSource`, the circuit's R1CS only, then the
   * witness circuit's generator (`<witness>_js/<witness>.wasm`) and the
   * map between them (`witness-map.bin`).
   */
  async compileFile(
    source: string,
    outDir: string,
    options: { optimization?: Optimization; witnessSource?: string; signal?: AbortSignal } = {},
  ): Promise<CompiledBuild> {
    const optimization = options.optimization ?? 'O2';
    const { circomVersion, circomlibRoot } = toolPaths();
    const libDir = resolve(templatesDir());
    const absoluteSource = resolve(source);
    const witnessSource = options.witnessSource && resolve(options.witnessSource);
    const baseName = (path: string) => path.replace(/^.*[\\/]/, '').replace(/\.circom$/, '');
    const name = baseName(absoluteSource);
    const witnessName = witnessSource ? baseName(witnessSource) : name;
    const dir = resolve(outDir);
    const r1cs = join(dir, `${name}.r1cs`);
    const wasm = join(dir, `${witnessName}_js`, `${witnessName}.wasm`);
    const map = join(dir, 'witness-map.bin');
    const stampFile = join(dir, 'build-key.txt');
    const key = createHash('sha256')
      .update(`circom2 ${circomVersion} --${optimization}\n`)
      .update(await readFile(absoluteSource))
      .update(witnessSource ? await readFile(witnessSource) : '')
      .update(await sha256OfFolder(libDir))
      .update(await sha256OfFolder(join(circomlibRoot, 'circomlib', 'circuits')))
      .digest('hex');
    const stamp = await readFile(stampFile, 'utf8').catch(() => '');
    if (
      stamp === key &&
      (await exists(r1cs)) &&
      (await exists(wasm)) &&
      (!witnessSource || (await exists(map)))
    ) {
      this.#onProgress(`${name} (${optimization}) is up to date`);
      return { r1cs, wasm, cached: true };
    }
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    this.#onProgress(
      `Compiling ${name} with circom2 --${optimization}${witnessSource ? ', its witness apart' : ''}…`,
    );
    const started = Date.now();
    const run = (file: string, level: 'O0' | Optimization, outputs: ('r1cs' | 'wasm' | 'sym')[]) =>
      runCircom({
        source: file,
        outDir: dir,
        includeDirs: [libDir, circomlibRoot],
        optimization: level,
        outputs,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    let { log, peakMemoryBytes } = await run(
      absoluteSource,
      optimization,
      witnessSource ? ['r1cs', 'sym'] : ['r1cs', 'wasm'],
    );
    if (witnessSource) {
      // O0: the witness circuit keeps every signal, so each wire finds its name.
      const witness = await run(witnessSource, 'O0', ['wasm', 'sym']);
      if (witness.peakMemoryBytes !== undefined)
        peakMemoryBytes = Math.max(peakMemoryBytes ?? 0, witness.peakMemoryBytes);
      const circuitSym = join(dir, `${name}.sym`);
      const witnessSym = join(dir, `${witnessName}.sym`);
      await writeWitnessMap(circuitSym, witnessSym, map);
      await Promise.all([rm(circuitSym), rm(witnessSym)]);
      log += witness.log;
    }
    const compileMs = Date.now() - started;
    const constraints = /non-linear constraints: (\d+)/.exec(log)?.[1] ?? '?';
    const peak =
      peakMemoryBytes === undefined ? '' : `, peak ${Math.round(peakMemoryBytes / 2 ** 20)} MiB`;
    this.#onProgress(
      `Compiled ${name} (${optimization}): ${constraints} non-linear constraints in ${(compileMs / 1000).toFixed(1)} s${peak}`,
    );
    await writeFile(stampFile, key);
    return {
      r1cs,
      wasm,
      cached: false,
      compileMs,
      ...(peakMemoryBytes === undefined ? {} : { peakMemoryBytes }),
    };
  }
}

/** 31 random bytes: a field element, uniformly far below the prime. */
function randomSalt(): bigint {
  return BigInt(`0x${randomBytes(31).toString('hex')}`) % FIELD_PRIME;
}

/**
 * Writes `circuit.circom`, `circuit.json` and, in private mode,
 * `weights.json` (mode 0600). With `splitWitness` (the model's bytes), also
 * `witness.circom` and `model.onnx` (mode 0600: in private mode it holds
 * the weights).
 */
export async function writeCircuitFolder(
  dir: string,
  program: FixedPointProgram,
  onnxSha256: string,
  options: { salt?: bigint; splitWitness?: Uint8Array } = {},
): Promise<CircuitMetadata> {
  const salt = options.salt ?? randomSalt();
  const split = options.splitWitness;
  const generated = generateCircom(program, { splitWitness: split !== undefined });
  const weightsFile = join(dir, circuitFiles.weights);
  let modelHash = generated.publicModelHash;
  if (program.mode === 'private') {
    const hashes = program.privateTensors.map((t) => packedPoseidon(t.values, t.bits));
    modelHash = privateModelHash(generated.digest, salt, hashes);
    const weights: PrivateWeights = {
      salt: salt.toString(),
      tensors: program.privateTensors.map((t) => t.values.map(String)),
    };
    await writeFile(weightsFile, JSON.stringify(weights), { mode: 0o600 });
  } else await rm(weightsFile, { force: true });
  const metadata: CircuitMetadata = {
    format: 'mt-zkml-circuit/2',
    mode: program.mode,
    scaleBits: program.scaleBits,
    inputBits: program.inputBits,
    inputSize: program.inputSize,
    inputs: program.inputs.map(({ name, dims }) => ({ name, dims })),
    outputSize: program.outputs.reduce((n, o) => n + o.elements.length, 0),
    outputs: program.outputs.map(({ name, dims }) => ({ name, dims })),
    argmaxBits: generated.argmaxBits,
    modelHash: String(modelHash ?? 0n),
    digest: generated.digest,
    onnxSha256,
    steps: program.steps.length,
    privateTensors: program.privateTensors.map((t) => ({
      name: t.name,
      size: t.values.length,
      bits: t.bits,
    })),
  };
  if (split) metadata.splitWitness = true;
  // Written in chunks: a large model's source is more than one string can hold.
  await writeFile(join(dir, circuitFiles.source), sourceChunks(generated.lines));
  if (split && generated.witnessLines) {
    await writeFile(join(dir, circuitFiles.witnessSource), sourceChunks(generated.witnessLines));
    await writeFile(join(dir, circuitFiles.model), split, { mode: 0o600 });
  } else
    await Promise.all(
      [circuitFiles.witnessSource, circuitFiles.model].map((f) =>
        rm(join(dir, f), { force: true }),
      ),
    );
  await writeFile(join(dir, circuitFiles.metadata), `${JSON.stringify(metadata, null, 2)}\n`);
  return metadata;
}
