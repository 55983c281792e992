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

/** Arguments of {@link runCircom}. */
export interface CircomRun {
  source: string;
  outDir: string;
  includeDirs: readonly string[];
  optimization: 'O1' | 'O2';
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
export function runCircom(run: CircomRun): Promise<{ log: string }> {
  const { circomCli } = toolPaths();
  const args = [
    circomCli,
    run.source,
    '--r1cs',
    '--wasm',
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
      // biome-ignore lint/suspicious/noControlCharactersInRegex: strips circom's ANSI colours
      const plain = log.replace(/\u001b\[[0-9;]*m/g, '');
      if (code === 0 && plain.includes('Everything went okay')) resolve({ log: plain });
      else
        reject(
          new CircuitCompilationError(run.source, plain.trim() || `circom2 exited with ${code}`),
        );
    });
  });
}
