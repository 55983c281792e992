// snarkjs ships no types; these cover the calls @mt/zkml makes.
declare module 'snarkjs' {
  export interface SnarkjsLogger {
    debug(message: string): void;
    info(message: string): void;
    warn(message: string): void;
    error(message: string): void;
  }
  export type SnarkjsProof = Record<string, unknown>;
  export type VerificationKey = Record<string, unknown>;
  type ZkeySource = string | Uint8Array;
  type WitnessInput = Record<string, unknown>;

  /** A file snarkjs reads or writes in memory: `data` holds it once written. */
  export interface MemFile {
    type: 'mem';
    data?: Uint8Array;
  }

  /** What Groth16 and PLONK share in snarkjs. */
  interface ProvingSystemApi {
    /** A proof from a witness already computed (a `.wtns`). */
    prove(
      zkey: ZkeySource,
      wtns: string | MemFile,
      logger?: SnarkjsLogger,
    ): Promise<{ proof: SnarkjsProof; publicSignals: string[] }>;
    fullProve(
      input: WitnessInput,
      wasm: string | Uint8Array,
      zkey: ZkeySource,
      logger?: SnarkjsLogger,
    ): Promise<{ proof: SnarkjsProof; publicSignals: string[] }>;
    verify(
      vk: VerificationKey,
      publicSignals: readonly string[],
      proof: SnarkjsProof,
      logger?: SnarkjsLogger,
    ): Promise<boolean>;
    exportSolidityCallData(proof: SnarkjsProof, publicSignals: readonly string[]): Promise<string>;
  }
  export const groth16: ProvingSystemApi;
  export const plonk: ProvingSystemApi & {
    setup(r1cs: string, ptau: string, zkey: string, logger?: SnarkjsLogger): Promise<unknown>;
  };
  export const zKey: {
    newZKey(r1cs: string, ptau: string, zkey: string, logger?: SnarkjsLogger): Promise<unknown>;
    contribute(
      oldZkey: string,
      newZkey: string,
      name: string,
      entropy: string,
      logger?: SnarkjsLogger,
    ): Promise<unknown>;
    exportVerificationKey(zkey: string, logger?: SnarkjsLogger): Promise<VerificationKey>;
    verifyFromR1cs(
      r1cs: string,
      ptau: string,
      zkey: string,
      logger?: SnarkjsLogger,
    ): Promise<boolean>;
    exportSolidityVerifier(
      zkey: string,
      templates: Record<string, string>,
      logger?: SnarkjsLogger,
    ): Promise<string>;
  };
  export const powersOfTau: {
    newAccumulator(
      curve: unknown,
      power: number,
      file: string,
      logger?: SnarkjsLogger,
    ): Promise<unknown>;
    contribute(
      oldPtau: string,
      newPtau: string,
      name: string,
      entropy: string,
      logger?: SnarkjsLogger,
    ): Promise<unknown>;
    beacon(
      oldPtau: string,
      newPtau: string,
      name: string,
      beaconHash: string,
      numIterationsExp: number,
      logger?: SnarkjsLogger,
    ): Promise<unknown>;
    preparePhase2(oldPtau: string, newPtau: string, logger?: SnarkjsLogger): Promise<unknown>;
    truncate(ptau: string, template: string, logger?: SnarkjsLogger): Promise<unknown>;
  };
  export const r1cs: {
    /** The constraints as JSON: `{ nVars, nOutputs, nPubInputs, nPrvInputs, constraints: [A, B, C][] }`. */
    exportJson(file: string, logger?: SnarkjsLogger): Promise<unknown>;
    info(
      file: string,
      logger?: SnarkjsLogger,
    ): Promise<{
      nConstraints: number;
      nPubInputs: number;
      nOutputs: number;
      nPrvInputs: number;
      nVars: number;
      nLabels: number;
    }>;
  };
  export const wtns: {
    calculate(input: WitnessInput, wasm: string, wtnsFile: string | MemFile): Promise<void>;
    exportJson(wtnsFile: string): Promise<bigint[]>;
    /** Whether the witness satisfies every constraint of the R1CS. */
    check(r1cs: string, wtns: string | MemFile, logger?: SnarkjsLogger): Promise<boolean>;
  };
  /**
   * ffjavascript's curves. `singleThread` builds a fresh curve that starts
   * no workers. snarkjs's browser build reads the second argument as this
   * options object, its Node build (ffjavascript 0.3.1) as a positional
   * flag: an object is truthy, so passing one works in both.
   */
  export const curves: {
    getCurveFromName(
      name: string,
      options?: { singleThread?: boolean },
    ): Promise<{ terminate(): Promise<void> }>;
  };
}
