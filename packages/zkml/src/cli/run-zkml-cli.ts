import { readFile, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { CliUsageError, cliErrorMessage, parseJson } from '@mt/protocol';
import { Circuit } from '../circuit/circuit.js';
import type { CircuitMode } from '../circuit/circuit-plan.js';
import { CircuitCompiler } from '../compile/circuit-compiler.js';
import { ProofGenerator } from '../prove/proof-generator.js';
import { ProofVerifier } from '../prove/proof-verifier.js';
import { exportSolidityVerifier } from '../setup/export-verifier.js';
import { setupCircuit } from '../setup/trusted-setup.js';

/** Where the CLI writes; injectable so tests run it in-process. */
export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const usage = `Usage: mt-zkml COMMAND

Commands:
  compile MODEL.onnx --out DIR [--mode public|private] [--scale S] [--input-bits B]
      ONNX MLP -> fixed-point Circom circuit in DIR, compiled with circom2
  setup DIR [--system groth16|plonk] [--ptau FILE [--ptau-hash BLAKE2B]]
      trusted setup; without --ptau a development ptau made on this machine (INSECURE)
  prove DIR --input INPUT.json --out PROOF.json
      INPUT.json is {"input": [numbers]} in the model's float units
  verify DIR PROOF.json [--input INPUT.json]
      exit 0 valid, 1 invalid, 2 error
  export-verifier DIR --out Verifier.sol
      the Solidity verifier of DIR's key

Progress goes to stderr; results (JSON) to stdout.
`;

function need(value: string | undefined, what: string): string {
  if (!value) throw new CliUsageError(`missing ${what}`);
  return value;
}

async function readInput(path: string): Promise<number[]> {
  const parsed = parseJson(await readFile(path, 'utf8')) as { input?: unknown };
  if (!Array.isArray(parsed.input))
    throw new CliUsageError(`${path} must hold {"input": [numbers]}`);
  return parsed.input as number[];
}

/**
 * Runs `mt-zkml` with `args` and returns the exit status: 0 success (for
 * verify: valid), 1 invalid proof, 2 bad usage or any error.
 *
 * @example
 * ```ts
 * await runZkmlCli(['compile', 'digits.onnx', '--out', 'build/digits'], { stdout, stderr });
 * ```
 */
export async function runZkmlCli(args: readonly string[], out: CliOutput): Promise<number> {
  const progress = (message: string) => out.stderr(`${message}\n`);
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        mode: { type: 'string' },
        scale: { type: 'string' },
        'input-bits': { type: 'string' },
        system: { type: 'string' },
        ptau: { type: 'string' },
        'ptau-hash': { type: 'string' },
        input: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
    const [command, first, second] = positionals;
    if (values.help || !command) {
      out.stdout(usage);
      return values.help ? 0 : 2;
    }
    switch (command) {
      case 'compile': {
        const mode = values.mode ?? 'public';
        if (mode !== 'public' && mode !== 'private')
          throw new CliUsageError('--mode must be public or private');
        const circuit = await new CircuitCompiler({ onProgress: progress }).compileModel(
          need(first, 'MODEL.onnx'),
          need(values.out, '--out DIR'),
          {
            mode: mode as CircuitMode,
            ...(values.scale ? { scaleBits: Number(values.scale) } : {}),
            ...(values['input-bits'] ? { inputBits: Number(values['input-bits']) } : {}),
          },
        );
        out.stdout(`${JSON.stringify(circuit.metadata, null, 2)}\n`);
        return 0;
      }
      case 'setup': {
        const system = values.system ?? 'groth16';
        if (system !== 'groth16' && system !== 'plonk')
          throw new CliUsageError('--system must be groth16 or plonk');
        const circuit = await Circuit.load(need(first, 'DIR'));
        const record = await setupCircuit(circuit, {
          system,
          onProgress: progress,
          ...(values.ptau
            ? {
                ptau: {
                  path: values.ptau,
                  ...(values['ptau-hash'] ? { blake2b: values['ptau-hash'] } : {}),
                },
              }
            : {}),
        });
        out.stdout(`${JSON.stringify(record, null, 2)}\n`);
        return 0;
      }
      case 'prove': {
        const input = await readInput(need(values.input, '--input INPUT.json'));
        const generator = await ProofGenerator.load(need(first, 'DIR'));
        try {
          progress('Proving…');
          const started = Date.now();
          const proof = await generator.generateProof(input);
          await writeFile(
            need(values.out, '--out PROOF.json'),
            `${JSON.stringify(proof, null, 2)}\n`,
          );
          progress(`Proved in ${Date.now() - started} ms: class ${proof.predicted}`);
          out.stdout(`${JSON.stringify({ predicted: proof.predicted, outputs: proof.outputs })}\n`);
        } finally {
          await generator.close();
        }
        return 0;
      }
      case 'verify': {
        const proof = parseJson(await readFile(need(second, 'PROOF.json'), 'utf8'));
        const input = values.input ? await readInput(values.input) : undefined;
        const verifier = await ProofVerifier.load(need(first, 'DIR'));
        try {
          const verdict = await verifier.check(proof, input ? { input } : {});
          out.stdout(`${JSON.stringify(verdict)}\n`);
          return verdict.valid ? 0 : 1;
        } finally {
          await verifier.close();
        }
      }
      case 'export-verifier': {
        const circuit = await Circuit.load(need(first, 'DIR'));
        const source = await exportSolidityVerifier(circuit);
        await writeFile(need(values.out, '--out Verifier.sol'), source);
        progress(`Wrote ${values.out} (${source.length} bytes)`);
        return 0;
      }
      default:
        throw new CliUsageError(`unknown command ${command}`);
    }
  } catch (error) {
    out.stderr(cliErrorMessage('mt-zkml', error, usage));
    return 2;
  }
}
