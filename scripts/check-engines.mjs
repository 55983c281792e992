// Fails when pnpm-lock.yaml holds a package whose engines.node range excludes
// the running Node, but for the packages allowed (with why) below. It stands
// in for pnpm's engine-strict, which can make no per-package exception.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import semver from 'semver';

/** Declare Node >= 22 but run on Node 20: measured by the devnet tests in packages/chain. */
const ALLOWED = /^@acala-network\/chopsticks(-core|-db)?@/;

const lockfile = readFileSync(join(import.meta.dirname, '..', 'pnpm-lock.yaml'), 'utf8');
// In the `packages:` section each entry is `  'name@version':` and, when the
// package declares engines, a line `    engines: {node: '>=20'}` under it.
const entry = /^ {2}'?([^\s']+@[^\s':]+)'?:\n(?: {4}.*\n)*? {4}engines: \{node: '([^']+)'/gm;
const refused = [];
let checked = 0;
for (const [, id, range] of lockfile.matchAll(entry)) {
  checked += 1;
  if (ALLOWED.test(id)) continue;
  if (!semver.satisfies(process.version, range, { includePrerelease: true })) {
    refused.push(`${id} needs Node ${range}`);
  }
}
if (checked === 0) {
  console.error('check-engines: read no engines from pnpm-lock.yaml; has its format changed?');
  process.exit(1);
}
if (refused.length > 0) {
  console.error(
    `check-engines: ${process.version} is outside these packages' engines:\n  ${refused.join('\n  ')}`,
  );
  process.exit(1);
}
console.log(
  `check-engines: ${checked} packages declare engines; each accepts Node ${process.version}`,
);
