import { MtError } from '@mt/protocol';

/**
 * A request as the miner handler's stages see it, whatever carried it: a
 * web-standard `Request` (`MinerHandler.fetch`) or a `node:http` request (the
 * adapter in `createMinerServer`, which skips building a `Request` on the hot
 * path). The body is already read, within the size limit.
 */
export interface WireRequest {
  method: string;
  /** The path, without the query. */
  path: string;
  /** Header lookup by lower-case name. */
  header(name: string): string | undefined | null;
  /** The whole body, or the reason the carrier refused to read it (too large, too slow). */
  body: Uint8Array | WireReply;
  /**
   * Registers what to do if the client goes away before its answer. A
   * callback rather than a signal: most requests never need one, and a
   * signal per request showed in profiles.
   */
  onGone?: (listener: () => void) => void;
}

/** A miner handler's answer, before a carrier writes it. */
export interface WireAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array;
  /**
   * A body written as it is made (chunked), instead of `body`: a streaming
   * synapse's chunks. The carrier stops reading it when the client goes.
   */
  stream?: AsyncIterable<Uint8Array>;
}

/** The JSON body of every error a miner server answers with. */
export interface WireErrorBody {
  error: { code: string; message: string };
}

/**
 * An error to answer a request with: an HTTP status, a stable `MT_WIRE_*`
 * code and a message. Thrown by a stage and turned into the signed answer by
 * the handler; it never escapes to a caller.
 */
export class WireReply extends MtError {
  readonly status: number;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(code, message);
    this.status = status;
    this.headers = headers;
  }

  /** The JSON body the miner answers with. */
  toBody(): WireErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}
