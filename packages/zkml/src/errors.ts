import { errorFamily, isMtErrorWithCode, type MtErrorOptions } from '@mt/protocol';

/** The prefix every error code of `@mt/zkml` starts with. */
export const ZKML_ERROR_PREFIX = 'MT_ZKML_';

const family = errorFamily(ZKML_ERROR_PREFIX);

/**
 * Base class of every error `@mt/zkml` throws on purpose. Its `isInstance`
 * recognises any error of this package, from any installed copy of it, by the
 * `MT_ZKML_` prefix of its code; each concrete error adds its own code.
 */
export class ZkmlError extends family.Error {}

/** One node a circuit cannot compute, and why. */
export interface UnsupportedNode {
  /** The node's name (or `#k`, its position, when it has none). */
  node: string;
  op: string;
  reason: string;
}

/**
 * The ONNX graph has nodes a circuit cannot compute. `nodes` lists every one
 * of them (not only the first), each with its name, operator and reason.
 */
export class UnsupportedOnnxOpError extends ZkmlError {
  static readonly code = 'MT_ZKML_UNSUPPORTED_OP';
  static override readonly isInstance = isMtErrorWithCode<UnsupportedOnnxOpError>(
    UnsupportedOnnxOpError.code,
  );

  readonly nodes: readonly UnsupportedNode[];

  constructor(nodes: readonly UnsupportedNode[], supported: readonly string[]) {
    const shown = nodes.slice(0, 50).map((n) => `  - node '${n.node}' (${n.op}): ${n.reason}`);
    if (nodes.length > shown.length) shown.push(`  - … and ${nodes.length - shown.length} more`);
    super(
      UnsupportedOnnxOpError.code,
      `The model has ${nodes.length} node(s) a circuit cannot compute:\n${shown.join('\n')}\nSupported operators: ${supported.join(', ')}.`,
    );
    this.nodes = nodes;
  }
}

/** The ONNX file cannot be decoded, or a field it needs is missing or wrong; `argument` names it. */
export class MalformedOnnxError extends ZkmlError {
  static readonly code = 'MT_ZKML_MALFORMED_ONNX';
  static override readonly isInstance = isMtErrorWithCode<MalformedOnnxError>(
    MalformedOnnxError.code,
  );

  readonly field: string;

  constructor(field: string, problem: string, options?: MtErrorOptions) {
    super(MalformedOnnxError.code, `Malformed ONNX model: ${field} ${problem}`, options);
    this.field = field;
  }
}

/** An option or input value is out of range; `argument` names it. */
export class InvalidZkmlInputError extends family.InvalidInput {}

/** circom2 rejected or failed on a circuit; the message carries its diagnostics. */
export class CircuitCompilationError extends ZkmlError {
  static readonly code = 'MT_ZKML_COMPILATION_FAILED';
  static override readonly isInstance = isMtErrorWithCode<CircuitCompilationError>(
    CircuitCompilationError.code,
  );

  readonly source: string;

  constructor(source: string, diagnostics: string, options?: MtErrorOptions) {
    super(
      CircuitCompilationError.code,
      `circom2 could not compile ${source}:\n${diagnostics}`,
      options,
    );
    this.source = source;
  }
}

/** A file a step needs is missing from a circuit folder; the message says which step makes it. */
export class CircuitArtifactMissingError extends ZkmlError {
  static readonly code = 'MT_ZKML_ARTIFACT_MISSING';
  static override readonly isInstance = isMtErrorWithCode<CircuitArtifactMissingError>(
    CircuitArtifactMissingError.code,
  );

  readonly path: string;

  constructor(path: string, remedy: string, options?: MtErrorOptions) {
    super(
      CircuitArtifactMissingError.code,
      `${path} is missing or unreadable; ${remedy}.`,
      options,
    );
    this.path = path;
  }
}

/** Powers of tau, phase-2 or key export failed; `step` names the step. */
export class TrustedSetupError extends ZkmlError {
  static readonly code = 'MT_ZKML_SETUP_FAILED';
  static override readonly isInstance = isMtErrorWithCode<TrustedSetupError>(
    TrustedSetupError.code,
  );

  readonly step: string;

  constructor(step: string, problem: string, options?: MtErrorOptions) {
    super(TrustedSetupError.code, `Trusted setup failed at ${step}: ${problem}`, options);
    this.step = step;
  }
}

/** A user-supplied powers-of-tau file does not have the pinned hash. */
export class PtauHashMismatchError extends ZkmlError {
  static readonly code = 'MT_ZKML_PTAU_HASH_MISMATCH';
  static override readonly isInstance = isMtErrorWithCode<PtauHashMismatchError>(
    PtauHashMismatchError.code,
  );

  readonly path: string;

  constructor(path: string, expected: string, actual: string) {
    super(
      PtauHashMismatchError.code,
      `Powers of tau file ${path} has blake2b-512 ${actual}, but ${expected} was pinned; the file is corrupt or not the ceremony you meant, so do not use it.`,
    );
    this.path = path;
  }
}

/** The witness or the proof could not be computed (for example, an input outside the circuit's range). */
export class ProofGenerationError extends ZkmlError {
  static readonly code = 'MT_ZKML_PROOF_FAILED';
  static override readonly isInstance = isMtErrorWithCode<ProofGenerationError>(
    ProofGenerationError.code,
  );

  constructor(problem: string, options?: MtErrorOptions) {
    super(ProofGenerationError.code, `Proof generation failed: ${problem}`, options);
  }
}

/** A file fetched for verification does not have the SHA-256 it was pinned to, so it is not used. */
export class ArtifactHashMismatchError extends ZkmlError {
  static readonly code = 'MT_ZKML_ARTIFACT_HASH_MISMATCH';
  static override readonly isInstance = isMtErrorWithCode<ArtifactHashMismatchError>(
    ArtifactHashMismatchError.code,
  );

  readonly url: string;

  constructor(url: string, expected: string, actual: string) {
    super(
      ArtifactHashMismatchError.code,
      `${url} has SHA-256 ${actual}, but ${expected} was published for it; it was changed on the way or is another file, so it is not used.`,
    );
    this.url = url;
  }
}

/**
 * A model whose circuit is over the compiler's constraint budget, refused
 * before the circuit is generated or compiled: circom2 compiles in
 * WebAssembly with at most 4 GiB, and a setup needs a ptau of the power
 * given here.
 */
export class CircuitTooLargeError extends ZkmlError {
  static readonly code = 'MT_ZKML_CIRCUIT_TOO_LARGE';
  static override readonly isInstance = isMtErrorWithCode<CircuitTooLargeError>(
    CircuitTooLargeError.code,
  );

  /** The estimated R1CS constraints. */
  readonly constraints: number;
  /** The constraint budget. */
  readonly maxConstraints: number;
  /** The powers of tau a setup of it would need (2^ptauPower). */
  readonly ptauPower: number;
  /** The linear terms (constant × signal) its source would have: what circom2's memory grows with. */
  readonly terms: number;
  /** The most terms circom2's WebAssembly build compiles, even with a split witness (`CIRCOM2_MAX_R1CS_TERMS`). */
  readonly maxTerms: number;

  constructor(figures: {
    constraints: number;
    maxConstraints: number;
    ptauPower: number;
    steps: number;
    terms: number;
    maxTerms: number;
  }) {
    const n = (v: number) => v.toLocaleString('en-US');
    const size = `about ${n(figures.constraints)} constraints and ${n(figures.terms)} linear terms (${n(figures.steps)} constrained steps); a setup would need powers of tau 2^${figures.ptauPower}`;
    super(
      CircuitTooLargeError.code,
      figures.constraints > figures.maxConstraints
        ? `The model's circuit would have ${size}: over the budget of ${n(figures.maxConstraints)} constraints. Use a smaller model, or raise maxConstraints (mt-zkml compile --max-constraints) if this machine can compile and prove it.`
        : `The model's circuit would have ${size}: over the ${n(figures.maxTerms)} linear terms circom2 compiles. circom2's memory grows with every term, within its 4 GiB WebAssembly heap, even when it writes the R1CS alone (a split witness), and larger circuits exhaust it. Use a model with fewer multiply-accumulates (a narrower layer, a strided or smaller convolution).`,
    );
    this.constraints = figures.constraints;
    this.maxConstraints = figures.maxConstraints;
    this.ptauPower = figures.ptauPower;
    this.terms = figures.terms;
    this.maxTerms = figures.maxTerms;
  }
}
