import type { JsonObject, Result, Solution, Task } from '@mt/protocol';
import { TaskTimeoutError } from '@mt/protocol';
import { describe, expect, it } from 'vitest';
import { InvalidSubnetInputError, TransientSubnetError } from '../errors.js';
import { BaseSubnet, type BaseSubnetOptions } from './base-subnet.js';

/** Uppercases `text`; fails as scripted; records every call and the signal it got. */
class ScriptedSubnet extends BaseSubnet {
  calls = 0;
  failures: Error[] = [];
  delayMs = 0;
  signals: AbortSignal[] = [];

  constructor(options: Partial<BaseSubnetOptions> = {}) {
    super({
      name: 'scripted',
      version: '1.0.0',
      description: 'test subnet',
      retry: { minTimeoutMs: 1, maxTimeoutMs: 2 },
      ...options,
    });
  }

  protected createTaskImpl() {
    return { taskData: { text: 'hello' } as JsonObject };
  }

  protected async solve(task: Task, signal: AbortSignal): Promise<Solution> {
    this.calls += 1;
    this.signals.push(signal);
    const failure = this.failures.shift();
    if (failure) throw failure;
    if (this.delayMs > 0) {
      await new Promise((resolve, reject) => {
        const timer = setTimeout(resolve, this.delayMs);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          reject(signal.reason);
        });
      });
    }
    return { resultData: { text: String(task.taskData.text).toUpperCase(), call: this.calls } };
  }

  protected scoreResultImpl(_task: Task, _result: Result) {
    return { value: 1 };
  }
}

async function ready(options: Partial<BaseSubnetOptions> = {}) {
  const subnet = new ScriptedSubnet(options);
  await subnet.setup();
  return subnet;
}

const context = (minerUid: string) => ({ minerUid, difficulty: 0.5, subnetUid: 1, cycle: 0 });

describe('BaseSubnet', () => {
  it("serves a repeated task from the cache, stamped for the task that asked, never another task's id or miner", async () => {
    const subnet = await ready();
    const first = await subnet.createTask(context('miner-a'));
    const second = await subnet.createTask(context('miner-b'));
    const a = await subnet.solveTask(first);
    const b = await subnet.solveTask(second);
    expect(subnet.calls).toBe(1);
    expect(b.resultData).toEqual(a.resultData);
    expect(b.taskId).toBe(second.taskId);
    expect(b.minerUid).toBe('miner-b');
    expect(a.taskId).toBe(first.taskId);
    expect(a.minerUid).toBe('miner-a');
    // Mutating what one caller got does not change what the next one gets.
    (b.resultData as { text: string }).text = 'tampered';
    expect(
      (await subnet.solveTask(await subnet.createTask(context('miner-c')))).resultData.text,
    ).toBe('HELLO');
    const metrics = await subnet.metrics.registry.metrics();
    expect(metrics).toContain('mt_subnet_solutions_total{subnet="scripted",outcome="cached"} 2');
    expect(metrics).toContain('mt_subnet_solutions_total{subnet="scripted",outcome="computed"} 1');
  });

  it('keys the cache on the payload in canonical form, and expires entries after the TTL', async () => {
    const subnet = await ready({ cache: { ttlMs: 40 } });
    const task = await subnet.createTask(context('m'));
    await subnet.solveTask(task);
    await subnet.solveTask({ ...task, taskData: { text: 'other' } });
    expect(subnet.calls).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 60));
    await subnet.solveTask(task);
    expect(subnet.calls).toBe(3);
  });

  it('retries transient failures with backoff, and never retries invalid input', async () => {
    const subnet = await ready({ cache: false });
    subnet.failures = [
      new TransientSubnetError('worker busy'),
      new TransientSubnetError('worker busy'),
    ];
    const result = await subnet.solveTask(await subnet.createTask(context('m')));
    expect(result.resultData.call).toBe(3);
    expect(await subnet.metrics.registry.metrics()).toContain(
      'mt_subnet_retries_total{subnet="scripted"} 2',
    );

    subnet.calls = 0;
    subnet.failures = [new InvalidSubnetInputError('prompt', 'is empty')];
    await expect(subnet.solveTask(await subnet.createTask(context('m')))).rejects.toSatisfy(
      InvalidSubnetInputError.isInstance,
    );
    expect(subnet.calls).toBe(1);

    subnet.calls = 0;
    subnet.failures = [
      new TransientSubnetError('a'),
      new TransientSubnetError('b'),
      new TransientSubnetError('c'),
    ];
    await expect(subnet.solveTask(await subnet.createTask(context('m')))).rejects.toSatisfy(
      TransientSubnetError.isInstance,
    );
    expect(subnet.calls).toBe(3);
  });

  it('enforces the task timeout and passes the abort down to the model', async () => {
    const subnet = await ready({ cache: false });
    subnet.delayMs = 5_000;
    const task = { ...(await subnet.createTask(context('m'))), timeoutMs: 50 };
    await expect(subnet.solveTask(task)).rejects.toSatisfy(TaskTimeoutError.isInstance);
    expect(subnet.signals.at(-1)?.aborted).toBe(true);
  });

  it('refuses bad options with a typed error', () => {
    expect(() => new ScriptedSubnet({ cache: { maxEntries: 0 } })).toThrow(/cache.maxEntries/);
    expect(() => new ScriptedSubnet({ retry: { retries: -1 } })).toThrow(/retry.retries/);
  });
});
