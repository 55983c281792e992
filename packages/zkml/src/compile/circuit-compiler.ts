import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Circuit, circuitFiles, type Optimization } from '../circuit/circuit.js';
import { metadataOf } from '../circuit/circuit-metadata.js';
import { type CircuitMode, planCircuit } from '../circuit/circuit-plan.js';
import { generateCircom } from '../circuit/generate-circom.js';
import { parseOnnxMlp } from '../onnx/parse-onnx.js';
import { quantizeMlp } from '../quantize/fixed-point-mlp.js';
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
  /** Builds to compile now (default `['O2']`, what Groth16 uses; PLONK setup adds `O1` on demand). */
  optimizations?: readonly Optimization[];
  signal?: AbortSignal;
}

/** The result of one compilation. */
export interface CompiledBuild {
  r1cs: string;
  wasm: string;
  /** True when the build was already there for exactly these sources and flags. */
  cached: boolean;
}

/** The folder holding our own Circom templates (a copy of the repository's `circuits/lib`). */
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
   * Reads an ONNX MLP, quantises it, writes the circuit folder `outDir`
   * (`circuit.circom`, `circuit.json`, and in private mode `weights.json`,
   * which holds the secret weights) and compiles it.
   *
   * @throws UnsupportedOnnxOpError | MalformedOnnxError for models it cannot read,
   *   InvalidZkmlInputError for bad options, CircuitCompilationError when circom2 fails.
   */
  async compileModel(
    onnx: string | Uint8Array,
    outDir: string,
    options: CompileModelOptions = {},
  ): Promise<Circuit> {
    const bytes = typeof onnx === 'string' ? await readFile(onnx) : onnx;
    const mlp = parseOnnxMlp(bytes);
    const { model, report } = quantizeMlp(mlp, options.scaleBits ?? 8);
    const plan = planCircuit(model, {
      mode: options.mode,
      ...(options.inputBits === undefined ? {} : { inputBits: options.inputBits }),
    });
    const dir = resolve(outDir);
    await mkdir(dir, { recursive: true });
    const onnxSha256 = createHash('sha256').update(bytes).digest('hex');
    await writeFile(join(dir, circuitFiles.source), generateCircom(plan));
    await writeFile(
      join(dir, circuitFiles.metadata),
      `${JSON.stringify(metadataOf(plan, onnxSha256, report), null, 2)}\n`,
    );
    const weightsFile = join(dir, circuitFiles.weights);
    if (plan.mode === 'private') {
      const layers = plan.layers.map((layer) => ({
        weights: layer.weights.map((row) => row.map(String)),
        bias: layer.bias.map(String),
      }));
      await writeFile(weightsFile, JSON.stringify({ layers }), { mode: 0o600 });
    } else await rm(weightsFile, { force: true });
    this.#onProgress(
      `Quantised at 2^${report.scaleBits}: max weight error ${report.maxWeightError.toExponential(2)}, max bias error ${report.maxBiasError.toExponential(2)}`,
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
      ...(signal ? { signal } : {}),
    });
  }

  /**
   * Compiles any Circom file that includes our templates or circomlib into
   * `outDir` (`<name>.r1cs`, `<name>_js/<name>.wasm`), unless an up-to-date
   * build is there. `templates` replaces the folder of our templates on the
   * include path (the repository's `circuits/lib` compiles against itself).
   */
  async compileFile(
    source: string,
    outDir: string,
    options: { optimization?: Optimization; signal?: AbortSignal; templates?: string } = {},
  ): Promise<CompiledBuild> {
    const optimization = options.optimization ?? 'O2';
    const { circomVersion, circomlibRoot } = toolPaths();
    const libDir = resolve(options.templates ?? templatesDir());
    const absoluteSource = resolve(source);
    const name = absoluteSource.replace(/^.*[\\/]/, '').replace(/\.circom$/, '');
    const dir = resolve(outDir);
    const r1cs = join(dir, `${name}.r1cs`);
    const wasm = join(dir, `${name}_js`, `${name}.wasm`);
    const stampFile = join(dir, 'build-key.txt');
    const key = createHash('sha256')
      .update(`circom2 ${circomVersion} --${optimization}\n`)
      .update(await readFile(absoluteSource))
      .update(await sha256OfFolder(libDir))
      .update(await sha256OfFolder(join(circomlibRoot, 'circomlib', 'circuits')))
      .digest('hex');
    const stamp = await readFile(stampFile, 'utf8').catch(() => '');
    if (stamp === key && (await exists(r1cs)) && (await exists(wasm))) {
      this.#onProgress(`${name} (${optimization}) is up to date`);
      return { r1cs, wasm, cached: true };
    }
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    this.#onProgress(`Compiling ${name} with circom2 --${optimization}…`);
    const started = Date.now();
    const { log } = await runCircom({
      source: absoluteSource,
      outDir: dir,
      includeDirs: [libDir, circomlibRoot],
      optimization,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const constraints = /non-linear constraints: (\d+)/.exec(log)?.[1] ?? '?';
    this.#onProgress(
      `Compiled ${name} (${optimization}): ${constraints} non-linear constraints in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    await writeFile(stampFile, key);
    return { r1cs, wasm, cached: false };
  }
}
