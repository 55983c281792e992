// Every benchmark command BENCHMARKS.md quotes still runs: each
// `pnpm --filter @mt/<package> <script> [-- args]` found there is run as
// written (the package's own script, with its arguments), in the quick mode
// every benchmark has (`BENCH_QUICK=1`: small sizes, short durations). It
// must exit 0, print its table, and never print FAILED. The figures of a
// quick run on a loaded machine mean nothing and are not read. Run by
// `npm test` after the build.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Longest one quick run may take before it counts as hung. */
const LIMIT_MS = 10 * 60_000;

/** The distinct benchmark commands of BENCHMARKS.md: package, script and arguments. */
export function benchmarkCommands(markdown) {
  const found = new Map();
  for (const match of markdown.matchAll(
    /pnpm --filter (@mt\/[\w-]+) (bench[\w:-]*)((?: -- (?:--?[\w-]+ ?)+)?)/g,
  )) {
    const [, name, script, rest] = match;
    const args = (rest ?? '').replace(/^ -- /, '').trim().split(/\s+/).filter(Boolean);
    found.set(`${name} ${script} ${args.join(' ')}`.trim(), { name, script, args });
  }
  return [...found.values()];
}

/** The workspace folder whose package.json is named `name` (`@mt/app-demo` lives in apps/demo). */
function packageDir(name) {
  for (const group of ['packages', 'apps'])
    for (const folder of readdirSync(join(root, group))) {
      const dir = join(root, group, folder);
      const manifest = join(dir, 'package.json');
      if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === name)
        return dir;
    }
  return undefined;
}

function run({ name, script, args }) {
  const dir = packageDir(name);
  if (!dir) return Promise.resolve(`${name} is no package of this workspace`);
  const scripts = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts ?? {};
  if (!scripts[script]) return Promise.resolve(`${name} has no script "${script}"`);
  return new Promise((resolve) => {
    const child = spawn(
      'npm',
      ['run', '--silent', script, ...(args.length ? ['--', ...args] : [])],
      {
        cwd: dir,
        env: { ...process.env, BENCH_QUICK: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => {
      output += chunk;
    });
    child.stderr.on('data', (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => {
      process.kill(-child.pid, 'SIGKILL');
    }, LIMIT_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const tail = output.trim().split('\n').slice(-20).join('\n');
      if (signal) resolve(`stopped by ${signal} (over ${LIMIT_MS / 60_000} min?)\n${tail}`);
      else if (code !== 0) resolve(`exited with ${code}\n${tail}`);
      else if (/FAILED/.test(output)) resolve(`printed FAILED\n${tail}`);
      else if (!/\d/.test(output)) resolve(`printed no figures\n${tail}`);
      else resolve(undefined);
    });
  });
}

/** Another listed script of the same package whose command runs this one's (`bench` running `bench:cnn`). */
function runWithin(command, commands) {
  const dir = packageDir(command.name);
  if (!dir || command.args.length > 0) return undefined;
  const scripts = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).scripts ?? {};
  const own = scripts[command.script];
  return commands.find(
    (other) =>
      other !== command &&
      other.name === command.name &&
      typeof own === 'string' &&
      scripts[other.script]?.includes(own),
  );
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const commands = benchmarkCommands(readFileSync(join(root, 'BENCHMARKS.md'), 'utf8'));
  if (commands.length === 0) {
    console.error('BENCHMARKS.md quotes no benchmark command: has its form changed?');
    process.exit(1);
  }
  let failed = 0;
  for (const command of commands) {
    const line = `pnpm --filter ${command.name} ${command.script}${command.args.length ? ` -- ${command.args.join(' ')}` : ''}`;
    const within = runWithin(command, commands);
    if (within) {
      console.log(`✓ ${line} (run within ${within.script})`);
      continue;
    }
    const started = performance.now();
    const problem = await run(command);
    const seconds = ((performance.now() - started) / 1000).toFixed(0);
    if (problem) {
      failed += 1;
      console.error(`✗ ${line} (quick mode, ${seconds} s): ${problem}`);
    } else console.log(`✓ ${line} (quick mode, ${seconds} s)`);
  }
  if (failed > 0) {
    console.error(`${failed} benchmark command(s) of BENCHMARKS.md no longer run.`);
    process.exit(1);
  }
}
