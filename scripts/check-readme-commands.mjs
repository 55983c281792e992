// Every `mt-*` command a README or doc shows runs as written: its program is
// one of ours, each command word names a real (sub)command, and each option is
// one that (sub)command or its parents take, with its value where it needs
// one. Run by `npm test` after the build, on the built programs' own --help.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { markdownFiles } from './markdown-files.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Every program the workspace ships: name → built file. */
function programs() {
  const found = new Map();
  for (const group of ['packages', 'apps']) {
    for (const name of readdirSync(join(root, group))) {
      const manifest = join(root, group, name, 'package.json');
      if (!existsSync(manifest)) continue;
      const { bin } = JSON.parse(readFileSync(manifest, 'utf8'));
      for (const [program, file] of Object.entries(bin ?? {}))
        found.set(program, join(root, group, name, file));
    }
  }
  return found;
}

/** Shell-like words: quotes grouped, a trailing comment dropped. */
function words(line) {
  const out = [];
  for (const match of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) {
    const word = match[1] ?? match[2] ?? match[3];
    if (match[3]?.startsWith('#')) break;
    out.push(word);
  }
  return out;
}

/** The `mt-*` invocations in a file's code blocks, continuation lines joined. */
function invocations(file) {
  const found = [];
  let fenced = false;
  let pending = '';
  for (const [index, raw] of readFileSync(file, 'utf8').split('\n').entries()) {
    if (/^\s*```/.test(raw)) {
      fenced = !fenced;
      pending = '';
      continue;
    }
    if (!fenced) continue;
    const line = pending + raw;
    if (line.trimEnd().endsWith('\\')) {
      pending = `${line.trimEnd().slice(0, -1)} `;
      continue;
    }
    pending = '';
    const tokens = words(line.trim().replace(/^\$\s+/, ''));
    while (tokens[0] === 'npx' || /^[A-Z_]+=/.test(tokens[0] ?? '')) tokens.shift();
    if (/^mt-[a-z]+$/.test(tokens[0] ?? ''))
      found.push({ where: `${relative(root, file)}:${index + 1}`, tokens });
  }
  return found;
}

const helps = new Map();
/** A (sub)command's options (flag → takes a value) and command names, from its --help. */
function helpOf(bin, path) {
  const key = `${bin} ${path.join(' ')}`;
  if (!helps.has(key)) {
    const text = execFileSync(process.execPath, [bin, ...path, '--help'], { encoding: 'utf8' });
    const options = new Map();
    const commands = new Set();
    let section = '';
    for (const line of text.split('\n')) {
      if (/^\S.*:$/.test(line)) section = line;
      const entry = /^ {2}(\S.*?)(?: {2,}|$)/.exec(line)?.[1];
      if (!entry) continue;
      if (section === 'Options:') {
        for (const flag of entry.split(/,\s*/)) {
          const [name, value] = flag.split(' ');
          if (name?.startsWith('-')) options.set(name, value !== undefined);
        }
      } else if (section === 'Commands:')
        // `metagraph|status`: a command and its aliases.
        for (const name of (entry.split(' ')[0] ?? '').split('|')) commands.add(name);
    }
    helps.set(key, { options, commands });
  }
  return helps.get(key);
}

/** Why an invocation would not run as written, or undefined. */
function problemWith(bin, tokens) {
  const path = [];
  const levels = [helpOf(bin, path)];
  for (let i = 1; i < tokens.length; i += 1) {
    const token = tokens[i];
    if (token.startsWith('-')) {
      const flag = token.split('=')[0];
      const level = levels.findLast((l) => l.options.has(flag));
      if (!level) return `no option ${flag} for '${[tokens[0], ...path].join(' ')}'`;
      if (level.options.get(flag) && !token.includes('=')) {
        if (i + 1 >= tokens.length) return `${flag} needs a value`;
        i += 1;
      }
      continue;
    }
    const here = levels.at(-1);
    if (here.commands.size === 0) continue; // a positional argument
    if (!here.commands.has(token))
      return `no command '${token}' in '${[tokens[0], ...path].join(' ')}'`;
    path.push(token);
    levels.push(helpOf(bin, path));
  }
  if (levels.at(-1).commands.size > 0) return `'${[tokens[0], ...path].join(' ')}' needs a command`;
  return undefined;
}

const bins = programs();
const failures = [];
let checked = 0;
for (const file of markdownFiles(root)) {
  for (const { where, tokens } of invocations(file)) {
    checked += 1;
    const bin = bins.get(tokens[0]);
    const problem = bin ? problemWith(bin, tokens) : `${tokens[0]} is no program of ours`;
    if (problem) failures.push(`${where}: ${tokens.join(' ')}\n    ${problem}`);
  }
}
if (failures.length > 0) {
  console.error(`These documented commands would not run as written:\n${failures.join('\n')}`);
  process.exit(1);
}
if (checked === 0) {
  console.error('No documented mt-* command was found; the check itself is broken.');
  process.exit(1);
}
console.log(`Documented commands: all ${checked} name real programs, commands and options.`);
