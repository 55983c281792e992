import { parentPort } from 'node:worker_threads';
import { runJobs } from './ed25519-batch.js';
import { loadSodium } from './sodium.js';

// A worker of `SignerPool`: runs batches of ed25519 jobs with libsodium.
const sodium = await loadSodium();
const engine = {
  verify: (publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array) =>
    sodium.crypto_sign_verify_detached(signature, message, publicKey),
  sign: (secretKey: Uint8Array, message: Uint8Array, out: Uint8Array) =>
    sodium.crypto_sign_detached(out, message, secretKey),
};
parentPort?.on('message', ({ id, batch }: { id: number; batch: ArrayBuffer }) => {
  const answers = runJobs(batch, engine);
  parentPort?.postMessage({ id, answers }, [answers]);
});
