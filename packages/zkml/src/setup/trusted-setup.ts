import { createHash, randomBytes } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import type { ProofSystem } from '@mt/protocol';
import { parseJson } from '@mt/protocol';
import { z } from 'zod';
import { type Circuit, circuitFiles, type Optimization } from '../circuit/circuit.js';
import { CircuitCompiler, type ProgressListener } from '../compile/circuit-compiler.js';
import { CircuitArtifactMissingError, TrustedSetupError } from '../errors.js';
import {
  checkPtauFile,
  developmentPtau,
  INSECURE_PTAU_WARNING,
  type PtauFile,
} from './powers-of-tau.js';
import { powerFor } from './ptau-power.js';
import { setupLogger, withSnarkjs } from './snarkjs-session.js';

/** Options of {@link setupCircuit}. */
export interface SetupOptions {
  /** `groth16` (default: fast proofs, needs this circuit-specific phase 2) or `plonk` (universal, ~20× slower proving). */
  system?: ProofSystem;
  /** A ceremony phase-1 file for production; without it a cached development ptau is used (insecure). */
  ptau?: PtauFile;
  /** Entropy for the Groth16 phase-2 contribution (default: 32 random bytes). */
  entropy?: string;
  onProgress?: ProgressListener;
  /** Compiles the build the system needs when it is missing. */
  compiler?: CircuitCompiler;
}

/** What `setup.json` in a circuit folder records. */
export interface SetupRecord {
  system: ProofSystem;
  /** The build the keys belong to: O2 for Groth16, O1 for PLONK. */
  optimization: Optimization;
  zkey: string;
  /** SHA-256 of `verification_key.json` as written. */
  verificationKeyHash: string;
  /** The ptau power used, and whether it was a locally made (insecure) one. */
  ptauPower: number;
  development: boolean;
}

const setupRecordSchema = z.object({
  system: z.enum(['groth16', 'plonk']),
  optimization: z.enum(['O1', 'O2']),
  zkey: z.string(),
  verificationKeyHash: z.string().regex(/^[0-9a-f]{64}$/),
  ptauPower: z.int().min(1).max(28),
  development: z.boolean(),
}) satisfies z.ZodType<SetupRecord, unknown>;

/** The build each proof system proves from (see zk-toolchain notes: PLONK gates explode on dense O2 constraints). */
export const optimizationFor: Record<ProofSystem, Optimization> = { groth16: 'O2', plonk: 'O1' };

/** SHA-256 of a verification key in the canonical form {@link setupCircuit} writes. */
export function verificationKeyHash(json: string): string {
  return createHash('sha256').update(json).digest('hex');
}

async function phase1(
  power: number,
  options: SetupOptions,
  onProgress: ProgressListener,
): Promise<{ path: string; power: number; development: boolean }> {
  if (options.ptau) {
    const available = await checkPtauFile(options.ptau);
    if (available < power) {
      throw new TrustedSetupError(
        'choosing the powers of tau',
        `the circuit needs 2^${power}, but ${options.ptau.path} holds 2^${available}; use powersOfTau28_hez_final_${power}.ptau or larger`,
      );
    }
    return { path: options.ptau.path, power: available, development: false };
  }
  onProgress(INSECURE_PTAU_WARNING);
  return { path: await developmentPtau(power, onProgress), power, development: true };
}

/**
 * Runs the trusted setup of a compiled circuit: phase 1 (a pinned ceremony
 * file, or the cached development ptau with a loud warning), then Groth16's
 * circuit key with one phase-2 contribution, or PLONK's universal key. Writes
 * the proving key, `verification_key.json` (snarkjs format) and `setup.json`.
 *
 * @throws TrustedSetupError | PtauHashMismatchError
 */
export async function setupCircuit(
  circuit: Circuit,
  options: SetupOptions = {},
): Promise<SetupRecord> {
  const system = options.system ?? 'groth16';
  const onProgress = options.onProgress ?? (() => {});
  const optimization = optimizationFor[system];
  const compiler = options.compiler ?? new CircuitCompiler({ onProgress });
  const { r1cs } = await compiler.ensureBuild(circuit, optimization);
  const zkey = `${system}.zkey`;
  const zkeyPath = circuit.file(zkey);
  const logger = setupLogger(onProgress);

  const info = await withSnarkjs((snarkjs) => snarkjs.r1cs.info(r1cs));
  let ptau: { path: string; power: number; development: boolean };
  if (system === 'groth16') {
    ptau = await phase1(
      powerFor(info.nConstraints + info.nPubInputs + info.nOutputs + 1),
      options,
      onProgress,
    );
    const initial = `${zkeyPath}.initial`;
    onProgress(`Groth16 setup over ${info.nConstraints} constraints (ptau 2^${ptau.power})…`);
    await withSnarkjs(async (snarkjs) => {
      logger.check('groth16 setup', await snarkjs.zKey.newZKey(r1cs, ptau.path, initial, logger));
      onProgress('Phase-2 contribution…');
      logger.check(
        'zkey contribute',
        await snarkjs.zKey.contribute(
          initial,
          zkeyPath,
          'mt-zkml phase 2',
          options.entropy ?? randomBytes(32).toString('hex'),
          logger,
        ),
      );
    });
    await rm(initial, { force: true });
  } else {
    // PLONK's gate count is known only once snarkjs has translated the
    // constraints, so a first attempt reports it when the ptau is too small.
    ptau = await phase1(powerFor(2 * info.nConstraints), options, onProgress);
    for (;;) {
      onProgress(`PLONK setup (ptau 2^${ptau.power})…`);
      logger.errors.length = 0;
      const result = await withSnarkjs((snarkjs) =>
        snarkjs.plonk.setup(r1cs, ptau.path, zkeyPath, logger),
      );
      const gates = logger.infos
        .map((m) => /Plonk constraints: (\d+)/.exec(m)?.[1])
        .findLast(Boolean);
      const needed = gates === undefined ? undefined : powerFor(Number(gates));
      if (result === -1 && needed !== undefined && needed > ptau.power && !options.ptau) {
        ptau = await phase1(needed, options, onProgress);
        continue;
      }
      logger.check('plonk setup', result);
      break;
    }
  }
  const vk = await withSnarkjs((snarkjs) => snarkjs.zKey.exportVerificationKey(zkeyPath));
  const vkJson = `${JSON.stringify(vk, null, 1)}\n`;
  await writeFile(circuit.file(circuitFiles.verificationKey), vkJson);
  const record: SetupRecord = {
    system,
    optimization,
    zkey,
    verificationKeyHash: verificationKeyHash(vkJson),
    ptauPower: ptau.power,
    development: ptau.development,
  };
  await writeFile(circuit.file(circuitFiles.setup), `${JSON.stringify(record, null, 2)}\n`);
  onProgress(
    `Setup done: ${zkey}, ${circuitFiles.verificationKey} (sha256 ${record.verificationKeyHash.slice(0, 16)}…)`,
  );
  return record;
}

/** Reads `setup.json` of a circuit folder. */
export async function readSetup(circuit: Circuit): Promise<SetupRecord> {
  const path = circuit.file(circuitFiles.setup);
  try {
    return parseJson(await readFile(path, 'utf8'), setupRecordSchema, { typeName: 'setup.json' });
  } catch (error) {
    throw new CircuitArtifactMissingError(path, 'run the trusted setup first (mt-zkml setup DIR)', {
      cause: error,
    });
  }
}
