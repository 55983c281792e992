// Compiles every harness in harness/ against the templates @mt/zkml ships
// (packages/zkml/circuits/, their one home) into build/<name>/.
// Each build is keyed by a hash of its sources, the templates, circomlib,
// circom2's version and the flags, so an unchanged circuit is never recompiled.
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CircuitCompiler } from '@mt/zkml';

const root = fileURLToPath(new URL('..', import.meta.url));
const compiler = new CircuitCompiler({ onProgress: (message) => console.log(message) });
for (const file of readdirSync(`${root}/harness`)
  .filter((f) => f.endsWith('.circom'))
  .sort()) {
  const name = file.replace(/\.circom$/, '');
  await compiler.compileFile(`${root}/harness/${file}`, `${root}/build/${name}`);
}
