// Every path the docs name exists: each relative Markdown link, and each
// inline-code path with a file extension (`packages/wire/bench/load.mjs`,
// `src/bittensor/axon.test.ts`), in the READMEs, CONTRIBUTING, BENCHMARKS
// and docs/ (not the generated API pages). A link is relative to its file;
// a code path may be written from the repository root, the file's folder or
// its package's (a root document's, from any package's).
// Built output (`dist/`), what commands write (git ignores it: the demo's
// report, the API pages), installed packages, home folders and the data
// beside the checkout (`../shared`) are not the repository's, and are skipped.
//   node scripts/check-doc-paths.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownFiles } from './markdown-files.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Where a code-span path in `file` may be written from: the repository, the
 * file's folder, its package's; a root document may also name a path inside
 * any package (`bench/bench-models.mjs` in a section about that package).
 */
function bases(file) {
  const parts = relative(root, file).split('/');
  if (parts[0] === 'packages' || parts[0] === 'apps')
    return [root, dirname(file), join(root, parts[0], parts[1] ?? '')];
  const all = [root, dirname(file)];
  for (const group of ['packages', 'apps'])
    for (const name of readdirSync(join(root, group))) all.push(join(root, group, name));
  return all;
}

const EXTENSION = /\.(?:ts|mts|mjs|cjs|js|json|md|circom|sh|yml|yaml|html|css|png|onnx)$/;

/** The paths a Markdown text names: relative links, and code spans that look like a file path. */
export function namedPaths(text) {
  const found = [];
  for (const [index, line] of text.split('\n').entries()) {
    for (const match of line.matchAll(/\]\(([^)\s]+)\)/g)) {
      const target = (match[1] ?? '').split('#')[0] ?? '';
      if (target === '' || /^[a-z]+:/i.test(target)) continue;
      found.push({ path: target, line: index + 1, kind: 'link' });
    }
    for (const match of line.matchAll(/`([^`\s]+)`/g)) {
      const candidate = (match[1] ?? '').replace(/[:,;]$/, '');
      if (!candidate.includes('/') || !EXTENSION.test(candidate)) continue;
      found.push({ path: candidate, line: index + 1, kind: 'code' });
    }
  }
  return found;
}

/** Not the repository's files: built output, installed packages, home, shared data, patterns. */
function outside(path) {
  return (
    /(^|\/)(dist|node_modules)\//.test(path) ||
    /^(~|\/|\$|\.\.\/shared|\.\.\/\.\.\/shared)/.test(path) ||
    /[*<>{}…]|\.\.\./.test(path) ||
    // A placeholder folder (`DIR/verification_key.json`, `NAME/coldkey`).
    path.split('/').some((part) => /^[A-Z][A-Z_]*$/.test(part)) ||
    /^@[\w-]+\//.test(path)
  );
}

/**
 * Whether `path` is something a command writes (the demo's report, the API
 * pages): git ignores it, so a fresh clone has none until it is made.
 */
function generated(bases, path) {
  return bases.some(
    (base) =>
      spawnSync('git', ['check-ignore', '-q', join(base, path)], { cwd: root }).status === 0,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const missing = [];
  let checked = 0;
  for (const file of markdownFiles(root)) {
    for (const { path, line, kind } of namedPaths(readFileSync(file, 'utf8'))) {
      if (outside(path)) continue;
      checked += 1;
      const from = kind === 'link' ? [dirname(file)] : bases(file);
      if (!from.some((base) => existsSync(join(base, path))) && !generated(from, path))
        missing.push(`${relative(root, file)}:${line}: ${path} does not exist`);
    }
  }
  for (const line of missing) console.error(line);
  if (missing.length > 0) {
    console.error(`${missing.length} path(s) named in the docs do not exist.`);
    process.exit(1);
  }
  console.log(`${checked} paths named in the docs exist.`);
}
