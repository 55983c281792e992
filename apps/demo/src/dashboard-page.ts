import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { runToJson } from './run-json.js';
import type { DemoRun } from './run-network.js';

const require = createRequire(import.meta.url);
const assetDir = new URL('../assets/', import.meta.url);

type AssetName = 'chart.umd.js' | 'dashboard.js' | 'dashboard.css';
let assets: Record<AssetName, string> | undefined;

/**
 * The page's scripts and styles, read on first use and kept: Chart.js from
 * the project's own dependencies, and ours. Not at import, so loading the
 * package for `ValidatorNode` reads no files.
 */
export function dashboardAssets(): Record<AssetName, string> {
  assets ??= {
    'chart.umd.js': readFileSync(
      // Its exports map names no UMD build; the file sits beside the CommonJS one.
      join(dirname(require.resolve('chart.js')), 'chart.umd.js'),
      'utf8',
    ),
    'dashboard.js': readFileSync(new URL('dashboard.js', assetDir), 'utf8'),
    'dashboard.css': readFileSync(new URL('dashboard.css', assetDir), 'utf8'),
  };
  return assets;
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
<link rel="stylesheet" href="/assets/dashboard.css"><script src="/assets/chart.umd.js" defer></script><script src="/assets/dashboard.js" defer></script></head>
<body data-live="true">${body}</body></html>`;
}

/** A CSP source for an inline script or style with exactly this text. */
function sha256Source(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * A self-contained report of a run: the same page with the data, Chart.js and
 * our script inside it. A file has no response headers, so its CSP is a
 * `<meta>` that allows exactly these inline scripts and this style, by hash:
 * anything else that ends up in the page (a miner's text that escaped, a
 * tampered file) does not run, and the page loads nothing from anywhere.
 */
export function renderReport(run: DemoRun): string {
  const { 'dashboard.css': css, 'chart.umd.js': chart, 'dashboard.js': script } = dashboardAssets();
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
