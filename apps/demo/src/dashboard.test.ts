/// <reference lib="dom" />
// Code passed to page.evaluate runs in the browser, hence the DOM types.
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MinerRound } from '@mt/neurons';
import type { Proof } from '@mt/protocol';
import { ProofVerifier } from '@mt/zkml';
import { InferenceSession, Tensor } from 'onnxruntime-node';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Dashboard, startDashboard } from './dashboard.js';
import { renderReport, renderVerifyPage } from './dashboard-page.js';
import { type DemoRun, runDemoNetwork } from './run-network.js';

// Debian's chromium; CI installs it (.ci/run), so there a missing browser is a failure, not a skip.
const browserPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) =>
  existsSync(path),
);
if (!browserPath && process.env.CI)
  throw new Error("Chromium is not installed; .ci/run installs Debian's chromium");
if (!browserPath)
  console.warn('SKIPPED: the dashboard test needs Chromium (apt-get install chromium)');

const outputDir = fileURLToPath(new URL('../test-output/', import.meta.url));
// Enough epochs that the page, opened after the first, sees later ones arrive even on a loaded machine.
const EPOCHS = 4;
let dashboard: Dashboard;
let browser: Browser;
let page: Page;
let finalRun: DemoRun;
let workDir: string;
const cspViolations: string[] = [];
let statusAtOpen = '';

beforeAll(async () => {
  dashboard = await startDashboard();
  if (!browserPath) return;
  browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox'] });
  page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/.test(message.text()))
      cspViolations.push(message.text());
  });
  let opened: Promise<void> | undefined;
  workDir = await mkdtemp(join(tmpdir(), 'mt-dashboard-'));
  finalRun = await runDemoNetwork({
    workDir,
    epochs: EPOCHS,
    onCycle: (run) => {
      dashboard.publish(run);
      // Open the page while the network is still running, after the first epoch.
      opened ??= page.goto(dashboard.url).then(async () => {
        await page.waitForFunction(
          () => (window as { mtDashboard?: { updates: number } }).mtDashboard?.updates,
        );
        statusAtOpen = (await page.locator('#status').textContent()) ?? '';
      });
    },
  });
  await opened;
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await dashboard?.close();
});

describe.skipIf(!browserPath)('the dashboard in headless Chromium, during a real run', () => {
  it('receives live updates without reloading the page', async () => {
    expect(statusAtOpen).toMatch(new RegExp(`Running: [1-3] of ${EPOCHS} epochs`));
    await page.waitForFunction(
      (epochs) =>
        document
          .querySelector('#status')
          ?.textContent?.includes(`Finished: ${epochs} of ${epochs}`),
      EPOCHS,
      { timeout: 60_000 },
    );
    const navigation = await page.evaluate(() => ({
      navigations: performance.getEntriesByType('navigation').length,
      updates: (window as unknown as { mtDashboard: { updates: number } }).mtDashboard.updates,
    }));
    expect(navigation.navigations).toBe(1);
    expect(navigation.updates).toBeGreaterThanOrEqual(2);
    const labels = await page.evaluate(
      () =>
        (
          window as unknown as { Chart: { getChart(c: Element): { data: { labels: unknown[] } } } }
        ).Chart.getChart(document.querySelector('canvas[data-chart="score-1"]') as Element).data
          .labels.length,
    );
    expect(labels).toBe(EPOCHS);
  });

  it('draws charts with titled axes, ticks, tooltips and distinguishable series', async () => {
    const charts = await page.evaluate(() => {
      const { Chart } = window as unknown as {
        Chart: { getChart(c: Element): Record<string, never> };
      };
      return Array.from(document.querySelectorAll('canvas[data-chart]')).map((canvas) => {
        const chart = Chart.getChart(canvas) as unknown as {
          options: {
            scales: Record<'x' | 'y', { title: { text: string } }>;
            plugins: { tooltip: { enabled: boolean } };
          };
          scales: Record<'x' | 'y', { ticks: unknown[] }>;
          data: {
            datasets: {
              label: string;
              borderDash: number[];
              pointStyle: string;
              borderColor: string;
            }[];
          };
        };
        return {
          id: canvas.getAttribute('data-chart'),
          x: chart.options.scales.x.title.text,
          y: chart.options.scales.y.title.text,
          xTicks: chart.scales.x.ticks.length,
          yTicks: chart.scales.y.ticks.length,
          tooltip: chart.options.plugins.tooltip.enabled,
          series: chart.data.datasets.map(
            (d) => `${d.borderColor}|${d.borderDash.join(',')}|${d.pointStyle}`,
          ),
          labels: chart.data.datasets.map((d) => d.label),
        };
      });
    });
    // Five per subnet (one more with proofs), two per subnet for validators.
    expect(
      charts.filter((c) => /^(score|weights|incentive|emission|proofs)-/.test(c.id ?? '')),
    ).toHaveLength(9);
    for (const chart of charts) {
      expect(chart.x, chart.id ?? '').not.toBe('');
      expect(chart.y).not.toBe('');
      expect(chart.xTicks).toBeGreaterThan(0);
      expect(chart.yTicks).toBeGreaterThan(1);
      expect(chart.tooltip).toBe(true);
      expect(new Set(chart.series).size).toBe(chart.series.length);
    }
    const score = charts.find((c) => c.id === 'score-1');
    expect(score?.labels).toEqual(['honest', 'lazy', 'cheater']);
    expect(score?.y).toBe('score (0–1)');
    expect(charts.find((c) => c.id === 'emission-2')?.y).toBe('τ');
  });

  it('shows the chain’s standings: the honest miner earns the most on both subnets', async () => {
    for (const netuid of [1, 2]) {
      const section = page.locator(`section[data-netuid="${netuid}"]`);
      await expect(section.locator('tbody tr').count()).resolves.toBe(3);
      const emission = async (miner: string) =>
        Number(await section.locator(`tr[data-miner="${miner}"] td.emission`).textContent());
      expect(await emission('honest')).toBeGreaterThan(0);
      expect(await emission('honest')).toBeGreaterThan(await emission('cheater'));
    }
    await expect(page.locator('#meta').textContent()).resolves.toContain(
      'LocalChain (SQLite, signed calls)',
    );
    await expect(page.locator('#meta').textContent()).resolves.toContain(
      'ModernTensor envelope (ed25519)',
    );
  });

  it('drills down into a miner: scores per validator, latency, samples and each proof’s verdict', async () => {
    await page.locator('section[data-netuid="2"] tr[data-miner="cheater"] button').click();
    await expect(page.locator('#drilldown').isVisible()).resolves.toBe(true);
    const rows = page.locator('#drill-rounds-2 tbody tr');
    await expect(rows.count()).resolves.toBe(2 * EPOCHS);
    for (const verdict of await page.locator('#drill-rounds-2 td.verdict').allTextContents())
      expect(verdict).toMatch(/^invalid/);
    for (const reason of await page.locator('#drill-rounds-2 td.reason').allTextContents())
      expect(reason).not.toBe('');
    expect(page.url()).toContain('#miner=cheater');
    await page.locator('section[data-netuid="1"] tr[data-miner="honest"] button').click();
    await expect(page.locator('#drilldown-title').textContent()).resolves.toContain('Miner honest');
    for (const verdict of await page.locator('#drill-rounds-2 td.verdict').allTextContents())
      expect(verdict).toBe('valid');
    const samples = await page.locator('#drill-rounds-1 td.sample').allTextContents();
    expect(samples.filter((s) => s.length > 0).length).toBe(2 * EPOCHS);
    await expect(page.locator('canvas[data-chart="drill-latency-1"]').count()).resolves.toBe(1);
  });

  it('has a view per validator with its weights, vtrust and dividends from the chain', async () => {
    const rows = page.locator('#validators-table-1 tbody tr');
    await expect(rows.count()).resolves.toBe(2);
    const vtrust = (await page.locator('#validators-table-1 td.vtrust').allTextContents()).map(
      Number,
    );
    expect(vtrust.some((v) => v > 0)).toBe(true);
    const weights = await rows.first().locator('td').last().textContent();
    expect(weights).toMatch(/honest \d\.\d\d · lazy \d\.\d\d · cheater \d\.\d\d/);
  });

  /** The proof subnet's outcomes for `miner`, in round order, each with the evidence its validator recorded. */
  const proofOutcomes = (miner: string): MinerRound[] => {
    const hotkey = finalRun.miners.find((m) => m.name === miner)?.hotkey;
    return finalRun.rounds
      .filter((r) => r.netuid === finalRun.proofFiles?.netuid)
      .flatMap((r) => r.outcomes.filter((o) => o.hotkey === hotkey));
  };
  /** The pins the page reads from /run.json: each public file's name and SHA-256. */
  const publishedPins = async () =>
    (await (await fetch(`${dashboard.url}run.json`)).json()).proofFiles as {
      netuid: number;
      files: { name: string; sha256: string }[];
    };
  type PageVerify = {
    mtVerify: {
      check(
        evidence: unknown,
        pins: unknown,
      ): Promise<{ verdict: { valid: boolean; code?: string } }>;
      runModel(input: number[], pins: unknown): Promise<number[]>;
    };
  };

  it('re-checks every proof in the reader’s browser, agreeing with the validator’s verdict and code', async () => {
    for (const miner of ['honest', 'cheater']) {
      await page.locator(`section[data-netuid="2"] tr[data-miner="${miner}"] button`).click();
      const withEvidence = proofOutcomes(miner).filter((o) => o.evidence).length;
      expect(withEvidence).toBeGreaterThan(0);
      await expect(page.locator('#drill-rounds-2 button.verify-here').count()).resolves.toBe(
        withEvidence,
      );
      await page.evaluate(() => {
        for (const button of Array.from(
          document.querySelectorAll<HTMLButtonElement>('#drill-rounds-2 button.verify-here'),
        ))
          button.click();
      });
      await page.waitForFunction(
        () => document.querySelectorAll('#drill-rounds-2 button.verify-here').length === 0,
        undefined,
        { timeout: 120_000 },
      );
      const rows = await page.locator('#drill-rounds-2 tbody tr').evaluateAll((trs) =>
        trs.map((tr) => ({
          validator: tr.querySelector('td.verdict')?.textContent ?? '',
          local: (tr.querySelector('td.local') as HTMLElement | null)?.dataset.code,
          text: tr.querySelector('td.local')?.textContent ?? '',
        })),
      );
      const checked = rows.filter((r) => r.local !== undefined);
      expect(checked).toHaveLength(withEvidence);
      for (const row of checked) {
        // The validator's column says `valid` or `invalid (code)`; the page's code must be the same.
        const code = row.validator === 'valid' ? 'valid' : /\((\w+)\)/.exec(row.validator)?.[1];
        expect(row.local, `${miner}: ${row.text}`).toBe(code);
      }
      if (miner === 'honest') {
        for (const row of checked) expect(row.text).toMatch(/^valid · local run predicts \d/);
        await mkdir(outputDir, { recursive: true });
        await page
          .locator('#drill-rounds-2')
          .screenshot({ path: join(outputDir, 'verified-here.png') });
      }
    }
  });

  it('runs the model in the page with onnxruntime-web, equal to onnxruntime-node within 1e-5', async () => {
    const pins = await publishedPins();
    const circuit = JSON.parse(
      await readFile(join(workDir, 'digits-circuit', 'circuit.json'), 'utf8'),
    );
    const [input] = circuit.inputs as { name: string; dims: number[] }[];
    const session = await InferenceSession.create(join(workDir, 'digits.onnx'));
    const samples = proofOutcomes('honest').map((o) => o.evidence?.taskData.input as number[]);
    expect(samples.length).toBeGreaterThanOrEqual(2);
    for (const sample of samples) {
      const feeds = {
        [input?.name ?? '']: new Tensor('float32', Float32Array.from(sample), input?.dims),
      };
      const expected = Array.from(
        (await session.run(feeds))[session.outputNames[0] ?? '']?.data as Float32Array,
      );
      const inPage = await page.evaluate(
        ([x, p]) => (window as unknown as PageVerify).mtVerify.runModel(x, p),
        [sample, pins] as const,
      );
      expect(inPage).toHaveLength(expected.length);
      const worst = Math.max(...inPage.map((v, i) => Math.abs(v - (expected[i] ?? Number.NaN))));
      expect(worst).toBeLessThanOrEqual(1e-5);
    }
    await session.release();
  });

  it('refuses a key or a model whose hash is not the published one', async () => {
    const pins = await publishedPins();
    const evidence = proofOutcomes('honest')[0]?.evidence;
    const tamper = (name: string, sha256: string) => ({
      ...pins,
      files: pins.files.map((f) => (f.name === name ? { ...f, sha256 } : f)),
    });
    const attempt = (p: unknown): Promise<string> =>
      page.evaluate(
        ([e, q]) =>
          (window as unknown as PageVerify).mtVerify.check(e, q).then(
            () => 'accepted',
            (error: { code?: string }) => error.code ?? 'uncoded',
          ),
        [evidence as unknown, p] as [unknown, unknown],
      );
    // Another key than the one published: the bytes served do not hash to it.
    await expect(attempt(tamper('verification_key.json', 'ab'.repeat(32)))).resolves.toBe(
      'MT_ZKML_ARTIFACT_HASH_MISMATCH',
    );
    // A model the circuit was not compiled from is refused before it is fetched.
    await expect(attempt(tamper('model.onnx', 'cd'.repeat(32)))).resolves.toBe(
      'MT_ZKML_INVALID_INPUT',
    );
    await expect(attempt(pins)).resolves.toBe('accepted');
  });

  it('checks dropped files from file://, refusing each tampering with the code Node gives', async () => {
    const circuitDir = join(workDir, 'digits-circuit');
    const circuit = JSON.parse(await readFile(join(circuitDir, 'circuit.json'), 'utf8'));
    const verifier = await ProofVerifier.load(circuitDir);
    const [first, ...rest] = proofOutcomes('honest').map((o) => o.evidence);
    if (!first) throw new TypeError('no honest evidence');
    const other = rest.find(
      (e) => JSON.stringify(e?.taskData.input) !== JSON.stringify(first.taskData.input),
    );
    if (!other) throw new TypeError('every round asked about the same image');
    const proof = first.proof as Proof & { proof: Record<string, unknown> };
    const signals = [...proof.publicSignals];
    signals[circuit.outputSize + 1] = '12345';
    const cases: Record<string, { taskData: typeof first.taskData; proof: unknown }> = {
      valid: first,
      pairing_failed: {
        ...first,
        proof: {
          ...proof,
          proof: { ...proof.proof, pi_a: (other.proof as typeof proof).proof.pi_a },
        },
      },
      wrong_key: { ...first, proof: { ...proof, verificationKeyHash: 'ef'.repeat(32) } },
      wrong_model: { ...first, proof: { ...proof, publicSignals: signals } },
      wrong_input: { taskData: other.taskData, proof },
    };
    const dir = await mkdtemp(join(tmpdir(), 'mt-verify-page-'));
    await writeFile(join(dir, 'verify.html'), renderVerifyPage());
    const violations: string[] = [];
    for (const [expected, evidence] of Object.entries(cases)) {
      const node = await verifier.check(evidence.proof, {
        input: evidence.taskData.input as number[],
      });
      expect(node.valid ? 'valid' : node.code).toBe(expected);
      const file = join(dir, `${expected}.json`);
      await writeFile(file, JSON.stringify(evidence));
      const dropPage = await browser.newPage();
      dropPage.on('console', (m) => {
        if (/Content Security Policy|Refused to/.test(m.text())) violations.push(m.text());
      });
      await dropPage.goto(`file://${join(dir, 'verify.html')}`);
      await dropPage.setInputFiles('#files', [
        join(circuitDir, 'circuit.json'),
        join(circuitDir, 'verification_key.json'),
        file,
      ]);
      await dropPage.waitForFunction(
        () => document.querySelector<HTMLElement>('#verdict')?.dataset.code !== 'waiting',
        undefined,
        { timeout: 60_000 },
      );
      const inPage = await dropPage.locator('#verdict').getAttribute('data-code');
      expect(inPage, (await dropPage.locator('#verdict').textContent()) ?? '').toBe(expected);
      await dropPage.close();
    }
    // A file past the page's bound is refused by its size, before it is read.
    const huge = join(dir, 'huge.json');
    await writeFile(huge, Buffer.alloc(17 * 1024 * 1024, 32));
    const hugePage = await browser.newPage();
    await hugePage.goto(`file://${join(dir, 'verify.html')}`);
    await hugePage.setInputFiles('#files', [huge]);
    await hugePage.waitForFunction(
      () => document.querySelector<HTMLElement>('#verdict')?.dataset.code === 'error',
      undefined,
      { timeout: 60_000 },
    );
    expect(await hugePage.locator('#verdict').textContent()).toMatch(/huge\.json.*it was not read/);
    await hugePage.close();
    await verifier.close();
    expect(violations).toEqual([]);
  });

  it('saves a screenshot and loads under its CSP without violations', async () => {
    await mkdir(outputDir, { recursive: true });
    await page.locator('section[data-netuid="2"] tr[data-miner="honest"] button').click();
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: join(outputDir, 'dashboard.png') });
    expect(existsSync(join(outputDir, 'dashboard.png'))).toBe(true);
    expect(cspViolations).toEqual([]);
  });

  it('keeps serving the final state after the run ends', async () => {
    const json = await (await fetch(`${dashboard.url}run.json`)).json();
    expect(json.status).toBe('finished');
    expect(json.miners.map((m: { name: string }) => m.name)).toEqual(['honest', 'lazy', 'cheater']);
  });

  it('renders the saved report on its own, from a file', async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'mt-report-')), 'report.html');
    const html = renderReport(finalRun);
    expect(html).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'sha256-/,
    );
    // A script that is not one of the report's own, as an escaped sample or a tampered file would add.
    await writeFile(file, html.replace('</body>', '<script>window.injected = 1</script></body>'));
    const report = await browser.newPage();
    await report.goto(`file://${file}`);
    // The report's own scripts run under its policy...
    await report.waitForFunction(() =>
      document.querySelector('#status')?.textContent?.includes('Finished'),
    );
    await expect(report.locator('section[data-netuid="2"] tbody tr').count()).resolves.toBe(3);
    // ...and the stranger does not.
    expect(await report.evaluate(() => (window as { injected?: number }).injected)).toBeUndefined();
    await report.close();
  });
});

function getWithHost(url: string, host: string) {
  return new Promise<{ status: number; headers: Record<string, unknown> }>((resolve, reject) => {
    const req = request(url, { headers: { host } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, headers: res.headers });
    });
    req.once('error', reject);
    req.end();
  });
}

describe('the dashboard server', () => {
  it('stays on loopback and refuses a foreign Host header (DNS rebinding)', async () => {
    expect(dashboard.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const port = new URL(dashboard.url).port;
    expect((await getWithHost(dashboard.url, `evil.example:${port}`)).status).toBe(403);
    expect((await getWithHost(`${dashboard.url}run.json`, 'evil.example')).status).toBe(403);
    expect((await getWithHost(dashboard.url, `localhost:${port}`)).status).toBe(200);
  });

  it('sends a CSP, nosniff and no referrer', async () => {
    const response = await fetch(dashboard.url);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
    expect((await fetch(`${dashboard.url}assets/..%2Fpackage.json`)).status).toBe(404);
    expect(
      (await fetch(`${dashboard.url}assets/chart.umd.js`)).headers.get('content-type'),
    ).toContain('javascript');
  });
});
