import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./test-support/bin-under-test.mjs', import.meta.url));

function start(behaviour: string) {
  const child = spawn(process.execPath, [script, behaviour]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const started = new Promise<void>((resolve) => {
    child.stdout.on('data', () => resolve());
  });
  return { child, started, output: () => ({ stdout, stderr }) };
}

async function exitOf(child: ChildProcess): Promise<number | null> {
  const [code] = await once(child, 'exit');
  return code as number | null;
}

describe('runBin', () => {
  it('lets a program stop cleanly on SIGTERM', async () => {
    const bin = start('polite');
    await bin.started;
    const exit = exitOf(bin.child);
    bin.child.kill('SIGTERM');
    expect(await exit).toBe(0);
    expect(bin.output().stdout).toBe('started\nstopped\n');
  });

  it('exits anyway once the grace after SIGTERM is over', async () => {
    const bin = start('stubborn');
    await bin.started;
    const exit = exitOf(bin.child);
    bin.child.kill('SIGTERM');
    expect(await exit).toBe(1);
    expect(bin.output().stderr).toBe('mt-test: still running 500 ms after SIGTERM; exiting\n');
  });

  it('turns an exception that escapes into one line and exit 1', async () => {
    const bin = start('escape');
    const exit = exitOf(bin.child);
    expect(await exit).toBe(1);
    expect(bin.output().stderr).toBe('mt-test: uncaught exception: frame was not JSON\n');
  });
});
