/** The wire protocol version this package speaks. */
export const WIRE_VERSION = '2';

/** HTTP headers of a signed envelope (lower case, as Node presents them). */
export const envelopeHeaders = {
  version: 'x-mt-version',
  sender: 'x-mt-sender',
  receiver: 'x-mt-receiver',
  nonce: 'x-mt-nonce',
  timestamp: 'x-mt-timestamp',
  bodyHash: 'x-mt-body-sha256',
  deadline: 'x-mt-deadline',
  signature: 'x-mt-signature',
} as const;

/** Whether an envelope carries a request or the response to one. */
export type EnvelopeKind = 'request' | 'response';

/** The fields a signature covers, besides the body (covered by its hash). */
export interface EnvelopeFields {
  kind: EnvelopeKind;
  /** Method and path, e.g. `POST /v1/tasks/echo`, so a signed body cannot be replayed to another route. */
  target: string;
  sender: string;
  receiver: string;
  nonce: string;
  timestamp: number;
  bodyHash: string;
  /** For a response: the nonce of the request it answers, binding the two. */
  requestNonce: string;
  /**
   * For a request: when the sender stops waiting, in ms since the epoch. The
   * miner refuses the request once it has passed and aborts its work then.
   * Signed, so nobody on the path can stretch it. Absent from responses.
   */
  deadline?: number;
}

/**
 * The exact bytes that are signed: a domain tag, then every field on its own
 * line. Requests and responses get different tags, so one can never pass for
 * the other.
 */
export function canonicalMessage(fields: EnvelopeFields): Buffer {
  return Buffer.from(
    [
      `moderntensor-wire-v${WIRE_VERSION}-${fields.kind}`,
      fields.target,
      fields.sender,
      fields.receiver,
      fields.nonce,
      String(fields.timestamp),
      fields.bodyHash,
      fields.requestNonce,
      fields.deadline === undefined ? '' : String(fields.deadline),
    ].join('\n'),
    'utf8',
  );
}

/** Where task routes start: `POST /v1/tasks/<taskType>`. */
export const TASK_PREFIX = '/v1/tasks/';

/** The route a task type is served at (both sides of our envelope wire address it so). */
export function taskPath(taskType: string): string {
  return `${TASK_PREFIX}${taskType}`;
}
