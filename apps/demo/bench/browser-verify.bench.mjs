// Verification in the reader's browser against verification in Node, on the
// demo's digits circuit (196 → 32 → 10 on pooled MNIST, Groth16), in one run:
//   pnpm --filter @mt/app-demo bench        (after the build; needs Chromium)
// Prints, for the same proof: `ProofVerifier.check` in Node (its worker
// thread, warm), `mt-zkml verify` as a user runs it (a fresh process each
// time), and `BrowserProofVerifier.check` in headless Chromium (first check,
// which builds snarkjs's curve, and warm), with the page scripts' sizes.
// Every verdict must be valid, and a tampered proof refused in both places,
// or no figure is printed.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { CircuitCompiler, ProofGenerator, ProofVerifier, setupCircuit } from '@mt/zkml';
import { build } from 'esbuild';
import { chromium } from 'playwright-core';
import { trainDigits } from '../dist/digits.js';

const QUICK = process.env.BENCH_QUICK === '1';
const CHECKS = QUICK ? 3 : 20;
const CLI_RUNS = QUICK ? 1 : 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fail = (message) => {
  console.error(`FAILED: ${message}; no figures printed.`);
  process.exit(1);
};

const browserPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find(existsSync);
if (!browserPath) fail('Chromium is not installed (apt-get install chromium); .ci/run installs it');

// 1. The demo's circuit and one honest proof.
const work = await mkdtemp(join(tmpdir(), 'mt-browser-bench-'));
const digits = trainDigits();
const dir = join(work, 'digits-circuit');
const circuit = await new CircuitCompiler({ onProgress: () => {} }).compileModel(digits.onnx, dir, {
  inputBits: 10,
});
await setupCircuit(circuit, { onProgress: () => {} });
const input = digits.heldOut[0];
const generator = await ProofGenerator.load(dir);
const proof = await generator.generateProof(input);
await generator.close();
const tampered = { ...proof, proof: { ...proof.proof, pi_a: proof.proof.pi_c } };
await writeFile(join(work, 'proof.json'), JSON.stringify(proof));
await writeFile(join(work, 'input.json'), JSON.stringify({ input }));

// 2. Node: the verifier a validator runs (warm), and the CLI a user runs.
const verifier = await ProofVerifier.load(dir);
const nodeTimes = [];
for (let i = 0; i <= CHECKS; i += 1) {
  const started = performance.now();
  const verdict = await verifier.check(proof, { input });
  if (!verdict.valid) fail(`Node refused the honest proof (${verdict.code})`);
  if (i > 0) nodeTimes.push(performance.now() - started); // the first warms the worker
}
const nodeTampered = await verifier.check(tampered, { input });
await verifier.close();
const cli = createRequire(import.meta.url)
  .resolve('@mt/zkml/package.json')
  .replace(/package\.json$/, 'dist/cli/mt-zkml.js');
const cliTimes = [];
for (let i = 0; i < CLI_RUNS; i += 1) {
  const started = performance.now();
  execFileSync(
    process.execPath,
    [cli, 'verify', dir, join(work, 'proof.json'), '--input', join(work, 'input.json')],
    { stdio: 'ignore' },
  );
  cliTimes.push(performance.now() - started);
}

// 3. The browser: @mt/zkml/browser bundled as the pages bundle it, in Chromium.
const bundled = await build({
  stdin: { contents: "export * from '@mt/zkml/browser';", resolveDir: process.cwd() },
  bundle: true,
  platform: 'browser',
  format: 'iife',
  globalName: 'mtZkml',
  minify: true,
  write: false,
  logLevel: 'silent',
});
const browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox'] });
let inPage;
try {
  const page = await browser.newPage();
  await page.addScriptTag({ content: bundled.outputFiles[0].text });
  inPage = await page.evaluate(
    async ({ circuitJson, key, proof, tampered, input, checks }) => {
      const { BrowserProofVerifier } = window.mtZkml;
      const v = await BrowserProofVerifier.fromFiles({
        circuit: circuitJson,
        verificationKey: key,
      });
      let started = performance.now();
      const first = await v.check(proof, { input });
      const firstMs = performance.now() - started;
      const times = [];
      const verdicts = [first.valid];
      for (let i = 0; i < checks; i += 1) {
        started = performance.now();
        verdicts.push((await v.check(proof, { input })).valid);
        times.push(performance.now() - started);
      }
      const refused = await v.check(tampered, { input });
      return { firstMs, times, verdicts, refused: refused.valid ? 'valid' : refused.code };
    },
    {
      circuitJson: readFileSync(join(dir, 'circuit.json'), 'utf8'),
      key: readFileSync(join(dir, 'verification_key.json'), 'utf8'),
      proof,
      tampered,
      input,
      checks: CHECKS,
    },
  );
} finally {
  await browser.close();
}
if (!inPage.verdicts.every(Boolean)) fail('the browser refused the honest proof');
if (nodeTampered.valid || inPage.refused !== nodeTampered.code)
  fail(
    `a tampered proof: Node says ${nodeTampered.valid ? 'valid' : nodeTampered.code}, the page ${inPage.refused}`,
  );

// 4. What a reader downloads: the pages' scripts as the build bundled them.
const assets = new URL('../dist/assets/', import.meta.url);
const size = (name) => {
  const bytes = readFileSync(new URL(name, assets));
  return `${(bytes.length / 1024).toFixed(0)} KiB (${(gzipSync(bytes).length / 1024).toFixed(0)} KiB gzip)`;
};

const nodeMs = median(nodeTimes);
const pageMs = median(inPage.times);
const cliMs = median(cliTimes);
console.log(
  `\nVerifying one Groth16 proof of the demo's digits model (${circuit.metadata.steps} steps), same run:\n`,
);
console.log('| where | time | against ProofVerifier in Node |');
console.log('|---|---:|---:|');
console.log(
  `| \`ProofVerifier.check\`, Node, warm worker, median of ${CHECKS} | ${nodeMs.toFixed(1)} ms | 1.00× |`,
);
console.log(
  `| \`BrowserProofVerifier.check\`, Chromium, warm, median of ${CHECKS} | ${pageMs.toFixed(1)} ms | ${(pageMs / nodeMs).toFixed(2)}× |`,
);
console.log(
  `| \`BrowserProofVerifier.check\`, Chromium, first (builds the curve) | ${inPage.firstMs.toFixed(0)} ms | ${(inPage.firstMs / nodeMs).toFixed(1)}× |`,
);
console.log(
  `| \`mt-zkml verify\`, a fresh process, median of ${CLI_RUNS} | ${cliMs.toFixed(0)} ms | ${(cliMs / nodeMs).toFixed(1)}× |`,
);
console.log(`\nA tampered proof: refused as ${inPage.refused} in both.`);
console.log('\n| page script | size |');
console.log('|---|---:|');
console.log(
  `| dashboard-verify.js (verifier + onnxruntime-web's JavaScript) | ${size('dashboard-verify.js')} |`,
);
console.log(`| verify-file.js (the drop-a-file page's verifier) | ${size('verify-file.js')} |`);
console.log(
  `| ort-wasm-simd-threaded.wasm (onnxruntime's binary, fetched by the dashboard) | ${size('ort-wasm-simd-threaded.wasm')} |`,
);
