import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDashboard } from './dashboard.js';
import { type DemoRun, runDemoNetwork } from './run-network.js';

// Debian's chromium; CI installs it (.ci/run), so there a missing browser is a failure, not a skip.
const browserPath = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((path) =>
  existsSync(path),
);
if (!browserPath && process.env.CI)
  throw new Error("Chromium is not installed; .ci/run installs Debian's chromium");
if (!browserPath)
  console.warn('SKIPPED: the dashboard test needs Chromium (apt-get install chromium)');

let latest: DemoRun | undefined;
let dashboard: Awaited<ReturnType<typeof startDashboard>>;

beforeAll(async () => {
  dashboard = await startDashboard(() => latest);
  if (!browserPath) return;
  await runDemoNetwork({
    workDir: await mkdtemp(join(tmpdir(), 'mt-dashboard-')),
    cycles: 2,
    onCycle: (run) => {
      latest = run;
    },
  });
}, 600_000);

afterAll(async () => {
  await dashboard?.close();
});

describe.skipIf(!browserPath)('the dashboard in headless Chromium', () => {
  it('renders the tables and charts of a real run', async () => {
    const browser = await chromium.launch({ executablePath: browserPath, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage();
      await page.goto(dashboard.url);
      await expect(page.locator('h1').textContent()).resolves.toBe('ModernTensor demo network');
      for (const netuid of [1, 2]) {
        const section = page.locator(`section[data-netuid="${netuid}"]`);
        await expect(section.locator('tbody tr').count()).resolves.toBe(3);
        const honest = Number(
          await section.locator('tr[data-miner="honest"] td.emission').textContent(),
        );
        const cheater = Number(
          await section.locator('tr[data-miner="cheater"] td.emission').textContent(),
        );
        expect(honest).toBeGreaterThan(0);
        expect(honest).toBeGreaterThan(cheater);
        // Six charts of three miners on the text subnet; seven (with proof checks) on the proof subnet.
        await expect(section.locator('svg path').count()).resolves.toBe(netuid === 1 ? 15 : 18);
      }
      const proofs = await page
        .locator('section[data-netuid="2"] tr[data-miner="honest"] td')
        .last()
        .textContent();
      expect(proofs).toMatch(/^(\d+)\/\1$/);
      const json = await (await page.request.get(`${dashboard.url}run.json`)).json();
      expect(json.miners.map((m: { name: string }) => m.name)).toEqual([
        'honest',
        'lazy',
        'cheater',
      ]);
    } finally {
      await browser.close();
    }
  });
});
