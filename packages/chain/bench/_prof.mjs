import { generateKeypair, LocalChain } from '../dist/index.js';
const sudo = (await generateKeypair('ed25519')).pair;
const chain = LocalChain.create(':memory:', { sudo: sudo.address });
const target = (await generateKeypair()).pair.address;
for (let i = 0; i < 1500; i += 1) await chain.setBalance(sudo, target, BigInt(i));
await chain.close();
