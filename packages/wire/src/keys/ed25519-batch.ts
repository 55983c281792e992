// The byte layout of a batch of ed25519 jobs, shared by the main thread
// (`SignerPool`) and its workers (`signer-worker`). One batch is one
// transferable buffer each way, so a message costs the same for one job or
// a thousand.
//
// Request: u32 count, then per job: u8 kind (0 verify, 1 sign), u32 message
// length, the key (32-byte public key to verify, 64-byte libsodium secret key
// to sign), the signature (64 bytes, verify only), the message.
// Answer: per job, 64 bytes: the signature, or byte 0 = 1 when it verified.

/** One job of a batch. */
export type Ed25519Job =
  | { kind: 'verify'; publicKey: Uint8Array; message: Uint8Array; signature: Uint8Array }
  | { kind: 'sign'; secretKey: Uint8Array; message: Uint8Array };

/** Bytes of one answer slot. */
export const ANSWER_BYTES = 64;

/** Packs jobs into one buffer. */
export function packJobs(jobs: readonly Ed25519Job[]): ArrayBuffer {
  let size = 4;
  for (const job of jobs)
    size += 5 + (job.kind === 'verify' ? 32 + 64 : 64) + job.message.byteLength;
  const bytes = new Uint8Array(size);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, jobs.length);
  let at = 4;
  for (const job of jobs) {
    bytes[at] = job.kind === 'verify' ? 0 : 1;
    view.setUint32(at + 1, job.message.byteLength);
    at += 5;
    if (job.kind === 'verify') {
      bytes.set(job.publicKey, at);
      bytes.set(job.signature, at + 32);
      at += 96;
    } else {
      bytes.set(job.secretKey, at);
      at += 64;
    }
    bytes.set(job.message, at);
    at += job.message.byteLength;
  }
  return bytes.buffer;
}

/** Runs every job of a packed batch with `engine` and returns the packed answers. */
export function runJobs(
  packed: ArrayBuffer,
  engine: {
    verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
    sign(secretKey: Uint8Array, message: Uint8Array, out: Uint8Array): void;
  },
): ArrayBuffer {
  const bytes = new Uint8Array(packed);
  const view = new DataView(packed);
  const count = view.getUint32(0);
  const answers = new Uint8Array(count * ANSWER_BYTES);
  let at = 4;
  for (let i = 0; i < count; i += 1) {
    const kind = bytes[at];
    const length = view.getUint32(at + 1);
    at += 5;
    const slot = answers.subarray(i * ANSWER_BYTES, (i + 1) * ANSWER_BYTES);
    if (kind === 0) {
      const publicKey = bytes.subarray(at, at + 32);
      const signature = bytes.subarray(at + 32, at + 96);
      at += 96;
      slot[0] = engine.verify(publicKey, bytes.subarray(at, at + length), signature) ? 1 : 0;
    } else {
      const secretKey = bytes.subarray(at, at + 64);
      at += 64;
      engine.sign(secretKey, bytes.subarray(at, at + length), slot);
    }
    at += length;
  }
  return answers.buffer;
}
