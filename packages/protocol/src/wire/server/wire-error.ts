/** The JSON body of every error a miner server answers with. */
export interface WireErrorBody {
  error: { code: string; message: string };
}

/** An error to answer a request with: an HTTP status, a stable code and a message. */
export class WireReply extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.headers = headers;
  }

  toBody(): WireErrorBody {
    return { error: { code: this.code, message: this.message } };
  }
}
