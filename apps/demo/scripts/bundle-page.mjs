// Bundles the pages' own scripts with esbuild for the browser: the dashboard's
// verifier and the drop-a-file page, each from @mt/zkml/browser (snarkjs's
// browser build) and, for the dashboard, onnxruntime-web. Nothing comes from a
// CDN; `platform: 'browser'` fails on any Node built-in that slips in.
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { build } from 'esbuild';

const out = new URL('../dist/assets/', import.meta.url);
mkdirSync(out, { recursive: true });
await build({
  entryPoints: {
    'dashboard-verify': 'page/dashboard-verify.ts',
    'verify-file': 'page/verify-file.ts',
  },
  absWorkingDir: new URL('..', import.meta.url).pathname,
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'chrome110',
  minify: true,
  legalComments: 'none',
  outdir: out.pathname,
  logLevel: 'warning',
});
// onnxruntime-web's wasm binary (the bundle above holds its JavaScript glue).
const require = createRequire(import.meta.url);
const ortDist = dirname(require.resolve('onnxruntime-web/wasm'));
copyFileSync(
  join(ortDist, 'ort-wasm-simd-threaded.wasm'),
  new URL('ort-wasm-simd-threaded.wasm', out),
);
