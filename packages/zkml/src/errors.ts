import {
  isMtErrorWithCode,
  isMtErrorWithCodePrefix,
  MtError,
  type MtErrorOptions,
} from '@mt/protocol';

/** The prefix every error code of `@mt/zkml` starts with. */
export const ZKML_ERROR_PREFIX = 'MT_ZKML_';

/**
 * Base class of every error `@mt/zkml` throws on purpose. Its `isInstance`
 * recognises any error of this package, from any installed copy of it, by the
 * `MT_ZKML_` prefix of its code; each concrete error adds its own code.
 */
export class ZkmlError extends MtError {
  static override readonly isInstance = isMtErrorWithCodePrefix<ZkmlError>(ZKML_ERROR_PREFIX);

  constructor(code: `MT_ZKML_${string}`, message: string, options?: MtErrorOptions) {
    super(code, message, options);
  }
}

/** The ONNX graph uses an operator the circuit generator does not support; `op` names it. */
export class UnsupportedOnnxOpError extends ZkmlError {
  static readonly code = 'MT_ZKML_UNSUPPORTED_OP';
  static override readonly isInstance = isMtErrorWithCode<UnsupportedOnnxOpError>(
    UnsupportedOnnxOpError.code,
  );

  readonly op: string;

  constructor(op: string, node: string, detail = '') {
    super(
      UnsupportedOnnxOpError.code,
      `ONNX node '${node}' uses operator ${op}${detail ? ` (${detail})` : ''}, which is not supported; supported: Gemm, MatMul, Add, Relu, Flatten, Reshape.`,
    );
    this.op = op;
  }
}

/** The ONNX file cannot be decoded, or a field it needs is missing or wrong; `field` names it. */
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

/** An option or input value is out of range; `field` names it. */
export class InvalidZkmlInputError extends ZkmlError {
  static readonly code = 'MT_ZKML_INVALID_INPUT';
  static override readonly isInstance = isMtErrorWithCode<InvalidZkmlInputError>(
    InvalidZkmlInputError.code,
  );

  readonly field: string;

  constructor(field: string, problem: string) {
    super(InvalidZkmlInputError.code, `Invalid ${field}: ${problem}`);
    this.field = field;
  }
}
