import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { CircuitCompilationError } from '../errors.js';

const require = createRequire(import.meta.url);

/** Where circom2's CLI and circomlib's templates live in this install. */
export function toolPaths(): { circomCli: string; circomVersion: string; circomlibRoot: string } {
  const circomPackage = require.resolve('circom2/package.json');
  const circomVersion = (require(circomPackage) as { version: string }).version;
  const circomlibPackage = require.resolve('circomlib/package.json');
  return {
    circomCli: circomPackage.replace(/package\.json$/, 'cli.js'),
    circomVersion,
    // circom resolves `include "circomlib/circuits/…"` against this folder.
    circomlibRoot: circomlibPackage.replace(/[\\/]circomlib[\\/]package\.json$/, ''),
  };
}

/**
 * Loaded into circom2's process before its CLI: at exit it reports the
 * process's peak resident memory (circom's WebAssembly heap included) on
 * stderr, where {@link runCircom} reads it back.
 */
const PEAK_MEMORY_HOOK =
  'data:text/javascript,process.on("exit",()=>process.stderr.write("\\nMT_CIRCOM_PEAK_RSS_KIB="+process.resourceUsage().maxRSS+"\\n"))';
const PEAK_LINE = /\n?MT_CIRCOM_PEAK_RSS_KIB=(\d+)\n?/;

/** Arguments of {@link runCircom}. */
export interface CircomRun {
  source: string;
  outDir: string;
  includeDirs: readonly string[];
  /** O0 keeps every signal, as a witness circuit's map needs. */
  optimization: 'O0' | 'O1' | 'O2';
  /** What to write (default R1CS and the witness generator). */
  outputs?: readonly ('r1cs' | 'wasm' | 'sym')[];
  signal?: AbortSignal;
}

/**
 * Runs circom2 (Circom 2 in WebAssembly) in a child process, so the compiler's
 * memory (up to 4 GiB) and CPU stay off this process's event loop. Its
 * filesystem sandbox reaches only folders below its working directory, so it
 * runs from the filesystem root with absolute paths.
 *
 * @throws CircuitCompilationError with circom's own diagnostics.
 */
export function runCircom(run: CircomRun): Promise<{ log: string; peakMemoryBytes?: number }> {
  const { circomCli } = toolPaths();
  const args = [
    '--import',
    PEAK_MEMORY_HOOK,
    circomCli,
    run.source,
    ...(run.outputs ?? ['r1cs', 'wasm']).map((output) => `--${output}`),
    `--${run.optimization}`,
    '-o',
    run.outDir,
    ...run.includeDirs.flatMap((dir) => ['-l', dir]),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, {
      cwd: '/',
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: run.signal,
    });
    let log = '';
    child.stdout.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
    });
    child.on('error', (error) =>
      reject(new CircuitCompilationError(run.source, error.message, { cause: error })),
    );
    child.on('close', (code) => {
      const peak = PEAK_LINE.exec(log);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: strips circom's ANSI colours
      const plain = log.replace(PEAK_LINE, '').replace(/\u001b\[[0-9;]*m/g, '');
      const peakMemoryBytes = peak ? Number(peak[1]) * 1024 : undefined;
      if (code === 0 && plain.includes('Everything went okay'))
        resolve({ log: plain, ...(peakMemoryBytes === undefined ? {} : { peakMemoryBytes }) });
      else
        reject(
          new CircuitCompilationError(run.source, plain.trim() || `circom2 exited with ${code}`),
        );
    });
  });
}
