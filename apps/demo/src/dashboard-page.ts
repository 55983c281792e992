import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runToJson } from './run-json.js';
import type { DemoRun } from './run-network.js';

const require = createRequire(import.meta.url);
const assetDir = new URL('../assets/', import.meta.url);
// What scripts/bundle-page.mjs writes at build time (the same folder from src/ and dist/).
const bundleDir = new URL('../dist/assets/', import.meta.url);

/** The files the dashboard serves under `/assets/`. */
export type AssetName =
  | 'chart.umd.js'
  | 'dashboard.js'
  | 'dashboard.css'
  | 'dashboard-verify.js'
  | 'verify-file.js'
  | 'ort-wasm-simd-threaded.wasm';
const assets = new Map<AssetName, Uint8Array<ArrayBuffer>>();

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

/** Where each asset comes from: Chart.js from the project's dependencies, ours, and the build's bundles. */
function assetPath(name: AssetName): string | URL {
  switch (name) {
    case 'chart.umd.js':
      // Its exports map names no UMD build; the file sits beside the CommonJS one.
      return join(dirname(require.resolve('chart.js')), 'chart.umd.js');
    case 'dashboard.js':
    case 'dashboard.css':
      return new URL(name, assetDir);
    default:
      return new URL(name, bundleDir);
  }
}

/**
 * One of the pages' scripts and styles, read on its first use and kept. Each
 * on its own: the report, written every epoch, never reads the verifier's
 * bundles or onnxruntime's 14 MB of wasm, and loading the package reads no
 * files at all.
 */
export function dashboardAsset(name: AssetName): Uint8Array<ArrayBuffer> {
  let bytes = assets.get(name);
  if (!bytes) {
    bytes = new Uint8Array(readFileSync(assetPath(name)));
    assets.set(name, bytes);
  }
  return bytes;
}

/** JSON that is safe inside a `<script>` element (no `</script>` or HTML comment can close it). */
function scriptJson(text: string): string {
  return text.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

const body = `<header><h1>ModernTensor demo network</h1><p id="status"></p><dl id="meta"></dl></header>
<nav id="views"></nav><main id="subnets"></main><section id="drilldown" hidden></section><section id="validators"></section>`;

/** The live dashboard's page: its scripts and styles come from the same server (CSP `'self'`). */
export function livePage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>ModernTensor demo network</title>
<link rel="stylesheet" href="/assets/dashboard.css"><script src="/assets/chart.umd.js" defer></script><script src="/assets/dashboard-verify.js" defer></script><script src="/assets/dashboard.js" defer></script></head>
<body data-live="true">${body}</body></html>`;
}

/** A CSP source for an inline script or style with exactly this text. */
function sha256Source(source: string): string {
  return `'sha256-${createHash('sha256').update(source).digest('base64')}'`;
}

/**
 * A self-contained report of a run: the same page with the data, Chart.js and
 * our script inside it. A file has no response headers, so its CSP is a
 * `<meta>` that allows exactly these inline scripts and this style, by hash:
 * anything else that ends up in the page (a miner's text that escaped, a
 * tampered file) does not run, and the page loads nothing from anywhere.
 */
export function renderReport(run: DemoRun): string {
  const css = text(dashboardAsset('dashboard.css'));
  const chart = text(dashboardAsset('chart.umd.js'));
  const script = text(dashboardAsset('dashboard.js'));
  const policy = [
    "default-src 'none'",
    `script-src ${sha256Source(chart)} ${sha256Source(script)}`,
    `style-src ${sha256Source(css)}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}"><title>ModernTensor demo network</title>
<style>${css}</style></head><body data-live="false">${body}
<script type="application/json" id="run">${scriptJson(runToJson(run))}</script>
<script>${chart}</script><script>${script}</script></body></html>`;
}

const VERIFY_STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem}
#drop{border:2px dashed #888;border-radius:8px;padding:2rem;text-align:center}
#verdict{font-weight:600}#verdict[data-code=valid]{color:#1b7837}#verdict[data-code]:not([data-code=valid]):not([data-code=waiting]){color:#b2182b}`;

/**
 * A page that checks one proof from files dropped on it, in the reader's
 * browser and from `file://`: the bundled verifier inline, under a CSP that
 * allows that script and style by hash, and `'wasm-unsafe-eval'` because
 * snarkjs compiles its curve arithmetic to WebAssembly (the only relaxation).
 */
export function renderVerifyPage(): string {
  const script = text(dashboardAsset('verify-file.js'));
  const policy = [
    "default-src 'none'",
    `script-src ${sha256Source(script)} 'wasm-unsafe-eval'`,
    `style-src ${sha256Source(VERIFY_STYLE)}`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${policy}"><title>Check a zk inference proof</title>
<style>${VERIFY_STYLE}</style></head><body>
<h1>Check a zk inference proof</h1>
<p>Drop the circuit's <code>circuit.json</code> and <code>verification_key.json</code>, and a proof or a round's evidence (proof and input). Nothing leaves this page; no validator is trusted.</p>
<div id="drop"><input type="file" id="files" multiple accept=".json,application/json"><p>or drop files here</p></div>
<ul id="loaded"></ul><p id="verdict" data-code="waiting">Waiting for circuit.json, verification_key.json and a proof.</p>
<button type="button" id="reset">Clear</button>
<script>${script}</script></body></html>`;
}
