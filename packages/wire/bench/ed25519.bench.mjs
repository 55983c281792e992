// Microseconds per ed25519 operation on a 300-byte message (the size of a
// signed envelope's canonical message): node:crypto with a cached KeyObject
// (the baseline) against libsodium (sodium-native), measured in the same run.
//   pnpm --filter @mt/wire bench:ed25519
import { createPrivateKey, createPublicKey, randomBytes, sign, verify } from 'node:crypto';
import sodium from 'sodium-native';
import { meanMicros } from './timing.mjs';

// BENCH_QUICK=1 (CI's check that the command still runs): a few rounds.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (process.env.BENCH_QUICK === '1' ? 50 : 20_000));
const message = randomBytes(300);
const seed = randomBytes(32);
const privateKey = createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
  format: 'der',
  type: 'pkcs8',
});
const publicKey = createPublicKey(privateKey);
const rawPublic = publicKey.export({ format: 'der', type: 'spki' }).subarray(12);
const secret = Buffer.concat([seed, rawPublic]);

const time = (op) => meanMicros(op, ROUNDS, 1_000);

const nodeSignature = sign(null, message, privateKey);
const sodiumSignature = Buffer.alloc(64);
sodium.crypto_sign_detached(sodiumSignature, message, secret);
if (!nodeSignature.equals(sodiumSignature)) throw new Error('the two libraries disagree');

const out = Buffer.alloc(64);
const figures = {
  'node:crypto verify': time(() => verify(null, message, publicKey, nodeSignature)),
  'node:crypto sign': time(() => sign(null, message, privateKey).length === 64),
  'libsodium verify': time(() =>
    sodium.crypto_sign_verify_detached(sodiumSignature, message, rawPublic),
  ),
  'libsodium sign': time(() => {
    sodium.crypto_sign_detached(out, message, secret);
    return true;
  }),
};
console.log(`${ROUNDS} operations each, 300-byte message`);
for (const [name, us] of Object.entries(figures)) {
  console.log(`  ${name.padEnd(20)} ${us.toFixed(1).padStart(6)} µs`);
}
const ratio = (a, b) => (figures[a] / figures[b]).toFixed(2);
console.log(
  `  libsodium / node:crypto: verify ${ratio('libsodium verify', 'node:crypto verify')}, sign ${ratio('libsodium sign', 'node:crypto sign')}`,
);
