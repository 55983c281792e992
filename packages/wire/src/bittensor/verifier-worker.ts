import { parentPort } from 'node:worker_threads';
import { sr25519SignatureRefusal } from './sr25519.js';

// A worker of `Sr25519VerifierPool`: answers each batch of (address, message,
// signature) triples with their refusals, `null` for a signature that verifies.
parentPort?.on('message', ({ id, batch }: { id: number; batch: string[] }) => {
  const answers: (string | null)[] = [];
  for (let i = 0; i + 2 < batch.length; i += 3)
    answers.push(
      sr25519SignatureRefusal(batch[i] as string, batch[i + 1] as string, batch[i + 2] as string) ??
        null,
    );
  parentPort?.postMessage({ id, answers });
});
