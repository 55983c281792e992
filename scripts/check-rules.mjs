// CONTRIBUTING.md's code rules that a type checker cannot see, kept by a
// machine: every library, app and example source file (tests and their
// fixtures aside) is read, comments and strings left out, and each rule below is
// a pattern that must not occur. `npm test` runs it before the build.
//   node scripts/check-rules.mjs
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** The rules: what must not appear, where it may, and what to write instead. */
export const RULES = [
  {
    name: 'JSON.parse outside parseJson',
    pattern: /\bJSON\.parse\s*\(/,
    allowedIn: ['packages/protocol/src/schemas/parse-json.ts'],
    instead: "parseJson(text, schema) from '@mt/protocol': bounded depth, one parse, a schema",
  },
  {
    name: 'a bare Error',
    pattern: /\bnew Error\s*\(/,
    allowedIn: [],
    instead: "an exported MtError subclass with a package-prefixed code (or MtError('MT_…', …))",
  },
  {
    name: 'instanceof on an error class of ours',
    pattern:
      /\binstanceof\s+(?!(?:Error|TypeError|RangeError|SyntaxError|EvalError|ReferenceError|URIError|AggregateError)\b)[A-Z]\w*Error\b/,
    allowedIn: [],
    instead: 'SomeError.isInstance(error), which works across two installed copies of a package',
  },
  {
    name: 'a hand-written cause formatter',
    pattern: /instanceof Error\s*\?\s*\w+\.message\s*:\s*String\(|\bfunction describeCause\b/,
    allowedIn: ['packages/protocol/src/errors.ts'],
    instead: "describeCause(error) from '@mt/protocol'",
  },
  {
    name: 'an error family made by hand',
    pattern: /\bisMtErrorWithCodePrefix\b/,
    allowedIn: ['packages/protocol/src/errors.ts'],
    instead:
      "errorFamily('MT_PKG_') from '@mt/protocol': the package's base error and its InvalidArgumentError",
  },
  {
    name: 'a retired name',
    pattern: /\b(?:cycles?|subnetUid)\b/,
    allowedIn: [],
    instead: '`round` (a validator query of every miner), `epoch` (the chain’s Yuma run), `netuid`',
  },
];

/** The source files the rules cover: `examples/`, and `src/` and `page/` of every package and app, tests and fixtures left out. */
function sourceFiles() {
  const files = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (statSync(path).isDirectory()) {
        if (entry !== 'test-support' && entry !== 'node_modules') walk(path);
      } else if (/\.(?:ts|mts)$/.test(entry) && !/\.(?:test|d)\.ts$/.test(entry)) files.push(path);
    }
  };
  // The examples are the code users copy first; circuits/ is the templates' own package.
  walk(join(root, 'examples'));
  walk(join(root, 'circuits', 'src'));
  for (const group of ['packages', 'apps'])
    for (const name of readdirSync(join(root, group))) {
      // page/ holds the browser sources an app bundles (apps/demo's verifier pages).
      for (const folder of ['src', 'page']) {
        const dir = join(root, group, name, folder);
        try {
          if (statSync(dir).isDirectory()) walk(dir);
        } catch {
          // A package without src/ (a data package) or page/ has nothing there to check.
        }
      }
    }
  return files;
}

/**
 * The code of a source text with comments and the contents of string and
 * template literals blanked (lengths kept, so line numbers stay true): a
 * rule is about code, and a message may say "cycle".
 */
export function codeOnly(text) {
  let out = '';
  let i = 0;
  const blank = (s) => s.replace(/[^\n]/g, ' ');
  while (i < text.length) {
    const c = text[i];
    const next = text[i + 1];
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      out += blank(text.slice(i, stop));
      i = stop;
    } else if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      out += blank(text.slice(i, stop));
      i = stop;
    } else if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\') j += 1;
        else if (c === '`' && text[j] === '$' && text[j + 1] === '{') {
          // A template's expression is code: keep it, blank only the literal parts.
          let depth = 1;
          out += c + blank(text.slice(i + 1, j));
          const start = j;
          j += 2;
          while (j < text.length && depth > 0) {
            if (text[j] === '{') depth += 1;
            else if (text[j] === '}') depth -= 1;
            j += 1;
          }
          out += codeOnly(text.slice(start, j));
          i = j - 1;
          j = i + 1;
          continue;
        }
        j += 1;
      }
      out += c + blank(text.slice(i + 1, j)) + (j < text.length ? c : '');
      i = j + 1;
    } else {
      out += c;
      i += 1;
    }
  }
  return out;
}

/** Every breach of the rules in `files`: file, line, rule. */
export function breaches(files) {
  const found = [];
  for (const file of files) {
    const path = relative(root, file);
    const lines = codeOnly(readFileSync(file, 'utf8')).split('\n');
    for (const rule of RULES) {
      if (rule.allowedIn.includes(path)) continue;
      lines.forEach((line, index) => {
        if (rule.pattern.test(line)) found.push({ path, line: index + 1, rule });
      });
    }
  }
  return found;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = sourceFiles();
  const found = breaches(files);
  for (const { path, line, rule } of found)
    console.error(`${path}:${line}: ${rule.name}; write ${rule.instead}`);
  if (found.length > 0) {
    console.error(`${found.length} breach(es) of CONTRIBUTING.md's rules.`);
    process.exit(1);
  }
  console.log(`CONTRIBUTING.md's code rules hold in ${files.length} source files.`);
}
