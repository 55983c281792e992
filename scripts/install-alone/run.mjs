#!/usr/bin/env node
// Installs each published package alone, as a user would, and runs the
// examples/ program of each against it: packs every
// package with pnpm (workspace versions become real ranges), then for each
// case makes an empty npm project, installs the tarball with plain npm (our
// other packages come from their tarballs through `overrides`, so only those
// the case really depends on arrive), measures what arrived, type-checks a
// small program under `node16` and `bundler` resolution with skipLibCheck
// off, and runs it. A case with a `browserEntry` also bundles that entry with
// esbuild for the browser, which fails on any Node built-in it reaches.
//
//   node scripts/install-alone/run.mjs [--only NAME,NAME] [--json FILE] [--keep]
//
// Prints a table of installed size, package count and exported names per
// case; exits 1 when any case fails, and then prints no table.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values } = parseArgs({
  options: { only: { type: 'string' }, json: { type: 'string' }, keep: { type: 'boolean' } },
});

/**
 * Each case: what a user installs (our packages by name, others with a
 * version), the program it runs, and the fixtures that program reads.
 */
const cases = [
  { name: '@mt/protocol', install: ['@mt/protocol'], example: 'protocol-parse-once.ts' },
  { name: '@mt/wire', install: ['@mt/wire'], example: 'wire-signed-round-trip.ts' },
  { name: '@mt/scoring', install: ['@mt/scoring'], example: 'scoring-consensus-and-yuma.ts' },
  {
    name: '@mt/processors',
    install: ['@mt/processors'],
    example: 'processors-batches-and-jobs.ts',
  },
  {
    name: '@mt/models',
    install: ['@mt/models'],
    example: 'models-track-a-run.ts',
    fixtures: ['mlp'],
  },
  { name: '@mt/telemetry', install: ['@mt/telemetry'], example: 'telemetry-metrics-and-logs.ts' },
  { name: '@mt/cli', install: ['@mt/cli'], example: 'cli-define-a-program.ts' },
  { name: '@mt/chain', install: ['@mt/chain'], example: 'chain-signed-local-chain.ts' },
  {
    name: '@mt/neurons',
    install: ['@mt/neurons'],
    example: 'neurons-validate-on-local-chain.ts',
  },
  {
    name: '@mt/zkml',
    install: ['@mt/zkml'],
    example: 'zkml-prove-an-onnx-model.ts',
    fixtures: ['mlp'],
    // Bundled for a browser as well: any Node built-in it reaches fails the case.
    browserEntry: '@mt/zkml/browser',
  },
  {
    name: '@mt/subnets',
    install: ['@mt/subnets', '@mt/wire'],
    example: 'subnets-serve-a-subnet.ts',
  },
  {
    name: '@mt/subnets/text-generation',
    install: ['@mt/subnets', '@huggingface/transformers@4.3.1', 'onnxruntime-node@1.30.0'],
    example: 'subnets-text-generation.ts',
    fixtures: ['text'],
  },
  {
    name: '@mt/subnets/verifiable-inference',
    install: ['@mt/subnets', '@mt/zkml'],
    example: 'subnets-verifiable-inference.ts',
    fixtures: ['mlp'],
  },
  {
    name: '@mt/subnets/verifiable-text',
    install: ['@mt/subnets', '@mt/zkml'],
    example: 'subnets-verifiable-text.ts',
    fixtures: ['nano-gpt'],
  },
].filter((c) => values.only === undefined || values.only.split(',').includes(c.name));
if (cases.length === 0) throw new Error(`no case named ${values.only}`);

const work = mkdtempSync(join(tmpdir(), 'mt-install-alone-'));
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
const run = (cmd, args, cwd, env = {}) => {
  const result = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} (in ${cwd}) exited ${result.status}:\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
};

// 1. Pack every published package.
const published = readdirSync(join(root, 'packages'))
  .map((dir) => join(root, 'packages', dir))
  .filter((dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    return manifest.private !== true;
  });
const tarballOf = {};
for (const dir of published) {
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const out = run('npx', ['--yes', 'pnpm@10.34.9', 'pack', '--pack-destination', tarballs], dir);
  const file = out
    .trim()
    .split('\n')
    .filter((line) => line.endsWith('.tgz'))
    .at(-1);
  tarballOf[manifest.name] = resolve(dir, file);
}

// 2. Fixtures, written by the private testing package (never installed).
const testing = await import(join(root, 'packages/testing/dist/index.js'));
const fixtures = join(work, 'fixtures');
mkdirSync(fixtures);
const mlp = testing.smallMlp([4, 6, 3], 7);
writeFileSync(join(fixtures, 'mlp.onnx'), testing.exportMlpToOnnx(mlp, 'smoke'));
await testing.writeTinyGpt2(join(fixtures, 'tiny-gpt2'), { seed: 1 });
writeFileSync(
  join(fixtures, 'nano-gpt.onnx'),
  testing.nanoGptOnnx({ vocab: 8, hidden: 4, heads: 2, context: 2, blocks: 2 }),
);

/** Every `sources` entry of every `.map` under `dir` that names a file not there. */
function unresolvedSourceMaps(dir) {
  const missing = [];
  for (const entry of readdirSync(dir, { recursive: true })) {
    const file = join(dir, String(entry));
    if (!file.endsWith('.map')) continue;
    const map = JSON.parse(readFileSync(file, 'utf8'));
    for (const source of map.sources ?? []) {
      if (!existsSync(resolve(dirname(file), map.sourceRoot ?? '', source)))
        missing.push(`${file} → ${source}`);
    }
  }
  return missing;
}

// 3. Each case in an empty project.
const typesNode = join(root, 'node_modules/@types');
const tsc = join(root, 'node_modules/typescript/bin/tsc');
const ts = createRequire(join(root, 'package.json'))('typescript');

/**
 * The names an installed package exports, values and types, read from the
 * `.d.ts` files it ships: summed over every entry of its `exports` map, or of
 * the one `entry` a case installs it for (`./text-generation`). The public
 * surface a user meets, which must stay no larger than its users need.
 */
function exportCount(packageDir, entry) {
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8'));
  const files = Object.entries(manifest.exports ?? {})
    .filter(([, target]) => typeof target === 'object' && target.types)
    .filter(([name]) => entry === undefined || name === entry)
    .map(([, target]) => join(packageDir, target.types));
  const program = ts.createProgram(files, { skipLibCheck: true, noEmit: true });
  const checker = program.getTypeChecker();
  let count = 0;
  for (const file of files) {
    const module = checker.getSymbolAtLocation(program.getSourceFile(file));
    if (module) count += checker.getExportsOfModule(module).length;
  }
  return count;
}
const npmInstall = (dir) =>
  // onnxruntime-node's postinstall downloads GPU providers from GitHub;
  // offline it must be told to skip them (the CPU binaries are in its tarball).
  run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], dir, {
    ONNXRUNTIME_NODE_INSTALL: 'skip',
  });
const measure = (dir) => ({
  packages: run('npm', ['ls', '--all', '--parseable'], dir).trim().split('\n').length - 1,
  bytes: Number(
    execFileSync('du', ['-sb', join(dir, 'node_modules')], { encoding: 'utf8' }).split('\t')[0],
  ),
});

// The baseline, measured in the same run: an empty project with only zod, the
// peer every package here needs. Each case is reported beyond it too.
const zodVersion = JSON.parse(readFileSync(join(root, 'packages/protocol/package.json'), 'utf8'))
  .devDependencies.zod;
const baselineDir = join(work, 'baseline-zod');
mkdirSync(baselineDir);
writeFileSync(
  join(baselineDir, 'package.json'),
  JSON.stringify({ name: 'baseline', private: true, dependencies: { zod: zodVersion } }),
);
npmInstall(baselineDir);
const baseline = measure(baselineDir);
console.log(
  `baseline zod@${zodVersion} alone: ${baseline.packages} package, ${(baseline.bytes / 1e6).toFixed(1)} MB`,
);

/**
 * Bundles `entry`, as installed in `dir`, for a browser: esbuild refuses any
 * Node built-in (`node:fs`, `crypto`, …) that a browser would not have, and
 * the metafile is read again for one, in case a package maps it away.
 */
async function bundleForBrowser(dir, entry) {
  const esbuild = createRequire(join(root, 'package.json'))('esbuild');
  writeFileSync(join(dir, 'browser-entry.mjs'), `export * from '${entry}';\n`);
  const result = await esbuild.build({
    entryPoints: [join(dir, 'browser-entry.mjs')],
    absWorkingDir: dir,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
    outfile: join(dir, 'browser-bundle.js'),
  });
  const builtIns = Object.values(result.metafile.inputs)
    .flatMap((input) => input.imports)
    .filter((i) => i.path.startsWith('node:') || i.external);
  if (builtIns.length > 0)
    throw new Error(`${entry} reaches ${builtIns.map((i) => i.path).join(', ')} in a browser`);
  return `${entry} bundles for a browser (${(result.outputFiles[0].contents.length / 1024).toFixed(0)} KiB minified)`;
}

const results = [];
let failed = 0;
for (const testCase of cases) {
  const dir = join(work, testCase.name.replace(/[@/]/g, '_'));
  mkdirSync(dir);
  const dependencies = {};
  for (const spec of testCase.install) {
    if (spec.startsWith('@mt/')) dependencies[spec] = `file:${tarballOf[spec]}`;
    else {
      const at = spec.lastIndexOf('@');
      dependencies[spec.slice(0, at)] = spec.slice(at + 1);
    }
  }
  const overrides = Object.fromEntries(
    Object.entries(tarballOf).map(([name, file]) => [name, `file:${file}`]),
  );
  writeFileSync(
    join(dir, 'package.json'),
    JSON.stringify(
      { name: 'smoke', private: true, type: 'module', dependencies, overrides },
      null,
      2,
    ),
  );
  const started = performance.now();
  try {
    npmInstall(dir);
    const installSeconds = (performance.now() - started) / 1000;
    const { packages, bytes } = measure(dir);
    const unresolved = unresolvedSourceMaps(join(dir, 'node_modules/@mt'));
    if (unresolved.length > 0)
      throw new Error(
        `source maps point at files not shipped:\n${unresolved.slice(0, 5).join('\n')}`,
      );
    cpSync(join(root, 'examples', testCase.example), join(dir, 'smoke.ts'));
    for (const name of testCase.fixtures ?? []) {
      if (name === 'mlp') cpSync(join(fixtures, 'mlp.onnx'), join(dir, 'mlp.onnx'));
      if (name === 'nano-gpt') cpSync(join(fixtures, 'nano-gpt.onnx'), join(dir, 'nano-gpt.onnx'));
      if (name === 'text')
        cpSync(join(fixtures, 'tiny-gpt2'), join(dir, 'tiny-gpt2'), { recursive: true });
    }
    const compilerOptions = {
      strict: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: false,
      target: 'ES2022',
      lib: ['ES2023'],
      types: ['node'],
      typeRoots: [typesNode],
    };
    writeFileSync(
      join(dir, 'tsconfig.node16.json'),
      JSON.stringify({
        compilerOptions: {
          ...compilerOptions,
          module: 'node16',
          moduleResolution: 'node16',
          outDir: 'out',
        },
        files: ['smoke.ts'],
      }),
    );
    writeFileSync(
      join(dir, 'tsconfig.bundler.json'),
      JSON.stringify({
        compilerOptions: {
          ...compilerOptions,
          module: 'esnext',
          moduleResolution: 'bundler',
          noEmit: true,
        },
        files: ['smoke.ts'],
      }),
    );
    run(process.execPath, [tsc, '-p', 'tsconfig.node16.json'], dir);
    run(process.execPath, [tsc, '-p', 'tsconfig.bundler.json'], dir);
    let output = run(process.execPath, ['out/smoke.js'], dir).trim();
    if (testCase.browserEntry) output += `; ${await bundleForBrowser(dir, testCase.browserEntry)}`;
    // A case named for an entry (`@mt/subnets/text-generation`) counts that entry's names.
    const [scope, name, ...entry] = testCase.name.split('/');
    const exported = exportCount(
      join(dir, 'node_modules', scope, name),
      entry.length > 0 ? `./${entry.join('/')}` : undefined,
    );
    results.push({
      name: testCase.name,
      exported,
      installs: testCase.install.join(' + '),
      packages,
      megabytes: bytes / 1e6,
      installSeconds,
      output,
    });
    console.log(
      `ok   ${testCase.name}: ${packages} packages, ${(bytes / 1e6).toFixed(1)} MB, ${exported} exported names, installed in ${installSeconds.toFixed(0)} s; ${output}`,
    );
  } catch (error) {
    failed += 1;
    console.error(
      `FAIL ${testCase.name}:\n${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

if (!values.keep) rmSync(work, { recursive: true, force: true });
else console.log(`kept ${relative(process.cwd(), work) || work}`);
if (failed > 0) {
  console.error(`\n${failed} of ${cases.length} cases failed; no figures printed.`);
  process.exit(1);
}
console.log(
  `\n| installed alone | what the user installs | packages | size on disk | beyond zod@${zodVersion} alone (${baseline.packages}, ${(baseline.bytes / 1e6).toFixed(1)} MB) | exported names |`,
);
console.log('|---|---|---:|---:|---:|---:|');
for (const r of results) {
  const beyond = `+${r.packages - baseline.packages} packages, +${(r.megabytes - baseline.bytes / 1e6).toFixed(1)} MB (${(r.megabytes / (baseline.bytes / 1e6)).toFixed(1)}×)`;
  console.log(
    `| \`${r.name}\` | ${r.installs} | ${r.packages} | ${r.megabytes.toFixed(1)} MB | ${beyond} | ${r.exported} |`,
  );
}
if (values.json) writeFileSync(values.json, `${JSON.stringify(results, null, 2)}\n`);
