import { readFile, writeFile } from 'node:fs/promises';
import { type CliRunner, defineCli, integer, jsonOption, Option, printResult } from '@mt/cli';
import { CliUsageError, JsonParseError, parseJson, SchemaValidationError } from '@mt/protocol';
import { packageVersion } from '@mt/protocol/node';
import { z } from 'zod';
import { Circuit } from '../circuit/circuit.js';
import { CircuitCompiler, DEFAULT_MAX_CONSTRAINTS } from '../compile/circuit-compiler.js';
import type { CircuitMode } from '../lower/lower-graph.js';
import { ProofGenerator } from '../prove/proof-generator.js';
import { ProofVerifier } from '../prove/proof-verifier.js';
import { auditCircuit } from '../setup/audit-circuit.js';
import { exportInferenceVerifier } from '../setup/export-verifier.js';
import { setupCircuit } from '../setup/trusted-setup.js';

const inputFileSchema = z.looseObject({ input: z.array(z.number()) });

async function readInput(path: string): Promise<number[]> {
  try {
    return parseJson(await readFile(path, 'utf8'), inputFileSchema, { typeName: path }).input;
  } catch (error) {
    if (JsonParseError.isInstance(error) || SchemaValidationError.isInstance(error))
      throw new CliUsageError(`${path} must hold {"input": [numbers]}`);
    throw error;
  }
}

/**
 * `mt-zkml`: ONNX models to circuits, trusted setup, proofs and their
 * verification. Progress goes to stderr, results to stdout (readable, or
 * JSON with `--json`). `verify` exits 1 for a proof it refuses.
 *
 * @example
 * ```ts
 * await runZkmlCli(['compile', 'digits.onnx', '--out', 'build/digits'], processIo);
 * ```
 */
export const runZkmlCli: CliRunner = defineCli(
  {
    name: 'mt-zkml',
    version: () => packageVersion(new URL('../../package.json', import.meta.url)),
    description: 'ONNX models to Circom circuits; Groth16 and PLONK proofs of inference.',
  },
  (program, cli) => {
    const progress = (message: string) => cli.io.stderr(`${message}\n`);

    jsonOption(
      program
        .command('compile')
        .description('an ONNX model to a fixed-point Circom circuit in DIR, compiled with circom2')
        .argument('<model>', 'the ONNX file')
        .requiredOption('--out <dir>', 'the circuit folder')
        .addOption(
          new Option('--mode <mode>', 'weights as constants (public) or private inputs')
            .choices(['public', 'private'])
            .default('public'),
        )
        .option('--scale <bits>', 'fixed-point fraction bits', integer({ min: 1, max: 24 }))
        .option('--input-bits <bits>', 'bits of each input', integer({ min: 2, max: 64 }))
        .option(
          '--max-constraints <n>',
          `refuse a model whose circuit would have more (default ${DEFAULT_MAX_CONSTRAINTS})`,
          integer({ min: 1 }),
        ),
    ).action(
      async (
        model: string,
        options: {
          out: string;
          mode: CircuitMode;
          scale?: number;
          inputBits?: number;
          maxConstraints?: number;
          json?: boolean;
        },
      ) => {
        const circuit = await new CircuitCompiler({ onProgress: progress }).compileModel(
          model,
          options.out,
          {
            mode: options.mode,
            ...(options.scale === undefined ? {} : { scaleBits: options.scale }),
            ...(options.inputBits === undefined ? {} : { inputBits: options.inputBits }),
            ...(options.maxConstraints === undefined
              ? {}
              : { maxConstraints: options.maxConstraints }),
          },
        );
        cli.io.stdout(printResult(circuit.metadata, { json: options.json === true }));
      },
    );

    jsonOption(
      program
        .command('setup')
        .description('the trusted setup; without --ptau a development ptau made here (INSECURE)')
        .argument('<dir>', 'the circuit folder')
        .addOption(
          new Option('--system <system>', 'the proof system')
            .choices(['groth16', 'plonk'])
            .default('groth16'),
        )
        .option('--ptau <file>', 'a powers-of-tau file (Hermez files are pinned by hash)')
        .option('--ptau-hash <blake2b>', "the ptau file's blake2b-512, for any other file"),
    ).action(
      async (
        dir: string,
        options: { system: 'groth16' | 'plonk'; ptau?: string; ptauHash?: string; json?: boolean },
      ) => {
        if (options.ptauHash !== undefined && options.ptau === undefined)
          throw new CliUsageError('--ptau-hash needs --ptau FILE');
        const record = await setupCircuit(await Circuit.load(dir), {
          system: options.system,
          onProgress: progress,
          ...(options.ptau === undefined
            ? {}
            : {
                ptau: {
                  path: options.ptau,
                  ...(options.ptauHash === undefined ? {} : { blake2b: options.ptauHash }),
                },
              }),
        });
        cli.io.stdout(printResult(record, { json: options.json === true }));
      },
    );

    jsonOption(
      program
        .command('prove')
        .description('prove the model on an input; the outputs are computed in the circuit')
        .argument('<dir>', 'the circuit folder')
        .requiredOption('--input <file>', 'INPUT.json: {"input": [numbers]} in the model\'s units')
        .requiredOption('--out <file>', 'where the proof goes (JSON)'),
    ).action(async (dir: string, options: { input: string; out: string; json?: boolean }) => {
      const input = await readInput(options.input);
      const generator = await ProofGenerator.load(dir);
      try {
        progress('Proving…');
        const started = Date.now();
        const proof = await generator.generateProof(input);
        await writeFile(options.out, `${JSON.stringify(proof, null, 2)}\n`);
        progress(`Proved in ${Date.now() - started} ms: class ${proof.predicted}`);
        cli.io.stdout(
          printResult(
            { predicted: proof.predicted, outputs: proof.outputs },
            { json: options.json === true },
          ),
        );
      } finally {
        await generator.close();
      }
    });

    jsonOption(
      program
        .command('verify')
        .description(
          'check a proof against the key, the model commitment and the input; exit 1 if refused',
        )
        .argument('<dir>', 'the circuit folder (circuit.json and verification_key.json)')
        .argument('<proof>', 'the proof file')
        .option('--input <file>', 'INPUT.json the proof must be of')
        .option('--model-only', 'check the key and the model only, accepting a proof of any input'),
    ).action(
      async (
        dir: string,
        proofFile: string,
        options: { input?: string; modelOnly?: boolean; json?: boolean },
      ) => {
        // A proof checked without its input proves only that someone ran the
        // model on something: say so explicitly, or give the input.
        if (options.input === undefined && options.modelOnly !== true)
          throw new CliUsageError(
            'give --input INPUT.json, or --model-only to check the model alone',
          );
        if (options.input !== undefined && options.modelOnly === true)
          throw new CliUsageError('give --input or --model-only, not both');
        // Any JSON: the verifier reads it with the proof's schema and answers with a verdict code.
        const proof = parseJson(await readFile(proofFile, 'utf8'), z.unknown(), {
          typeName: proofFile,
        });
        const input = options.input === undefined ? undefined : await readInput(options.input);
        const verifier = await ProofVerifier.load(dir);
        try {
          const verdict = await verifier.check(proof, input === undefined ? {} : { input });
          cli.io.stdout(printResult(verdict, { json: options.json === true }));
          if (!verdict.valid) cli.fail();
        } finally {
          await verifier.close();
        }
      },
    );

    jsonOption(
      program
        .command('audit')
        .description(
          'check that DIR proves MODEL: the source regenerates, the constraints recompile, the keys derive from them; exit 1 if not',
        )
        .argument('<dir>', 'the circuit folder')
        .argument('<model>', 'the ONNX file it claims to prove')
        .option(
          '--ptau <file>',
          'the powers-of-tau file the keys were made from (default: the development one)',
        ),
    ).action(async (dir: string, model: string, options: { ptau?: string; json?: boolean }) => {
      const report = await auditCircuit(dir, model, {
        onProgress: progress,
        ...(options.ptau === undefined ? {} : { ptau: { path: options.ptau } }),
      });
      cli.io.stdout(printResult(report, { json: options.json === true }));
      if (!report.ok) cli.fail();
    });

    program
      .command('export-verifier')
      .description(
        "the Solidity verifier of DIR's key, wrapped in MtInferenceVerifier, which pins the model commitment",
      )
      .argument('<dir>', 'the circuit folder')
      .requiredOption('--out <file>', 'Verifier.sol')
      .action(async (dir: string, options: { out: string }) => {
        const source = await exportInferenceVerifier(await Circuit.load(dir));
        await writeFile(options.out, source);
        progress(`Wrote ${options.out} (${source.length} bytes); deploy MtInferenceVerifier`);
      });
  },
);
