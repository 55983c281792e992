// Microseconds per sr25519 operation (@scure/sr25519, what Bittensor's wire
// signs with; @polkadot/util-crypto's WebAssembly schnorrkel; our verification
// of a known key) against ed25519 (node:crypto, what our own envelope signs with),
// on the same message: a Bittensor request's signed text
// (`nonce.dendrite.axon.uuid.body_hash`, 219 bytes), measured in the same run.
//   pnpm --filter @mt/wire bench:sr25519
import { createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import { cryptoWaitReady, sr25519PairFromSeed, sr25519Verify } from '@polkadot/util-crypto';
import * as sr25519 from '@scure/sr25519';
import { Sr25519Hotkey, sr25519SignatureRefusal } from '../dist/bittensor/index.js';
import { meanMicros } from './timing.mjs';

// BENCH_QUICK=1 (CI's check that the command still runs): a few rounds.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (process.env.BENCH_QUICK === '1' ? 20 : 2_000));
const message = new TextEncoder().encode(
  '1796583433785730060.5CfCr47V5Dte6bwxNBE8K9oNnQd9fiay6aDEEkgYtFv7w4Fq.5DeZAMjvpmKhgfoju3A2nSarhrSWDrk25vDi38UocrqVUB6z.d94e6302-f1a6-11f1-a5ba-02fc00000001.902854fc532f82828fac8c711d148cc54149276f2b7ef6fb4a398d41f96f3e1e',
);
const seed = randomBytes(32);
const privateKey = createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
  format: 'der',
  type: 'pkcs8',
});
const publicKey = createPublicKey(privateKey);
const srSecret = sr25519.secretFromSeed(seed);
const srPublic = sr25519.getPublicKey(srSecret);

const time = (op) => meanMicros(op, ROUNDS, 100);

const edSignature = sign(null, message, privateKey);
const srSignature = sr25519.sign(srSecret, message);
// Ours: the same verification in variable time, the known key's point and tables cached.
const ours = Sr25519Hotkey.fromSeed(seed);
const text = new TextDecoder().decode(message);
const oursSignature = ours.sign(text);
await cryptoWaitReady();
const wasmPair = sr25519PairFromSeed(seed);
const figures = {
  'ed25519 verify': time(() => verify(null, message, publicKey, edSignature)),
  'ed25519 sign': time(() => sign(null, message, privateKey).length === 64),
  'sr25519 verify': time(() => sr25519.verify(message, srSignature, srPublic)),
  'sr25519 sign': time(() => sr25519.sign(srSecret, message).length === 64),
  'sr25519 verify, wasm': time(() => sr25519Verify(message, srSignature, wasmPair.publicKey)),
  'sr25519 verify, ours': time(
    () => sr25519SignatureRefusal(ours.address, text, oursSignature) === undefined,
  ),
};
console.log(`${ROUNDS} operations each, ${message.length}-byte message`);
for (const [name, us] of Object.entries(figures))
  console.log(`  ${name.padEnd(22)} ${us.toFixed(1).padStart(7)} µs`);
const ratio = (a, b) => (figures[a] / figures[b]).toFixed(1);
console.log(
  `  sr25519 / ed25519: verify ${ratio('sr25519 verify', 'ed25519 verify')}×, sign ${ratio('sr25519 sign', 'ed25519 sign')}×; ours / @scure verify ${ratio('sr25519 verify, ours', 'sr25519 verify')}×`,
);
