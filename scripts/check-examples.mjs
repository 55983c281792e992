// The examples type-check against the packages as built, in seconds: each
// `@mt/…` import (every entry of every package's exports map) resolves to the
// `.d.ts` the package ships, strict, `noUncheckedIndexedAccess` on. The
// install test (`npm run test:install`) type-checks and runs each example
// against the packed packages too; this catches a broken example before that
// slower step. Run by `npm test` after the build.
//   node scripts/check-examples.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const paths = {};
for (const name of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', name);
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  for (const [entry, target] of Object.entries(manifest.exports ?? {}))
    if (typeof target === 'object' && target.types)
      paths[posix.join(manifest.name, entry)] = [join(dir, target.types)];
}
// The peer every package needs, from the package that owns the schemas.
paths.zod = [
  dirname(createRequire(join(root, 'packages/protocol/package.json')).resolve('zod/package.json')),
];

const work = mkdtempSync(join(tmpdir(), 'mt-examples-'));
const config = join(work, 'tsconfig.json');
writeFileSync(
  config,
  JSON.stringify({
    compilerOptions: {
      strict: true,
      noUncheckedIndexedAccess: true,
      module: 'esnext',
      moduleResolution: 'bundler',
      target: 'ES2022',
      lib: ['ES2023'],
      noEmit: true,
      skipLibCheck: true,
      types: ['node'],
      typeRoots: [join(root, 'node_modules/@types')],
      paths,
    },
    files: readdirSync(join(root, 'examples'))
      .filter((file) => file.endsWith('.ts'))
      .map((file) => join(root, 'examples', file)),
  }),
);
try {
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', config], {
    stdio: 'inherit',
  });
  console.log('The examples type-check against the built packages.');
} catch {
  console.error('An example no longer type-checks against the packages; see above.');
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
