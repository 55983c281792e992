import { setTimeout as sleep } from 'node:timers/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  InvalidProcessorOptionError,
  QueueFullError,
  TaskCancelledError,
  TaskExpiredError,
} from '../errors.js';
import { BinaryHeap } from './binary-heap.js';
import { TaskQueue } from './task-queue.js';

/** A task that records its start and waits for the test to release it. */
function gated() {
  let release: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { gate, release };
}

describe('TaskQueue', () => {
  it('runs higher priority first and FIFO within a priority', async () => {
    const queue = new TaskQueue({ concurrency: 1, agingMs: 0 });
    const { gate, release } = gated();
    const order: string[] = [];
    const blocker = queue.add(() => gate);
    const tasks = [
      queue.add(() => order.push('low-1'), { priority: 0 }),
      queue.add(() => order.push('high-1'), { priority: 5 }),
      queue.add(() => order.push('low-2'), { priority: 0 }),
      queue.add(() => order.push('high-2'), { priority: 5 }),
      queue.add(() => order.push('mid'), { priority: 2 }),
    ];
    release();
    await Promise.all([blocker, ...tasks]);
    expect(order).toEqual(['high-1', 'high-2', 'mid', 'low-1', 'low-2']);
  });

  it('ages waiting tasks so a low priority cannot starve', async () => {
    let now = 0;
    const queue = new TaskQueue({ concurrency: 1, agingMs: 100, now: () => now });
    const { gate, release } = gated();
    const order: string[] = [];
    const blocker = queue.add(() => gate);
    const old = queue.add(() => order.push('old low'), { priority: 0 });
    now = 500; // the low task has waited 5 levels' worth
    const newer = queue.add(() => order.push('new priority 3'), { priority: 3 });
    const urgent = queue.add(() => order.push('new priority 9'), { priority: 9 });
    release();
    await Promise.all([blocker, old, newer, urgent]);
    expect(order).toEqual(['new priority 9', 'old low', 'new priority 3']);
  });

  it('never runs a task whose deadline passed while it waited', async () => {
    const queue = new TaskQueue({ concurrency: 1 });
    const { gate, release } = gated();
    let ran = false;
    const blocker = queue.add(() => gate);
    const late = queue.add(
      () => {
        ran = true;
      },
      { deadline: Date.now() + 30 },
    );
    const error = await late.catch((e: unknown) => e);
    expect(TaskExpiredError.isInstance(error)).toBe(true);
    release();
    await blocker;
    await queue.onIdle();
    expect(ran).toBe(false);
    expect(queue.stats()).toMatchObject({ expired: 1, completed: 1, waiting: 0 });
  });

  it('cancels a waiting task through its signal, and signals a running one', async () => {
    const queue = new TaskQueue({ concurrency: 1 });
    const controller = new AbortController();
    let runningSignal: AbortSignal | undefined;
    const running = queue.add(
      (signal) =>
        new Promise((resolve) => {
          runningSignal = signal;
          signal.addEventListener('abort', () => resolve('stopped'));
        }),
      { signal: controller.signal },
    );
    const waiting = queue.add(() => 'never', { signal: controller.signal });
    controller.abort('operator said stop');
    await expect(waiting).rejects.toThrow(TaskCancelledError);
    await expect(waiting).rejects.toThrow(/operator said stop/);
    expect(await running).toBe('stopped');
    expect(runningSignal?.aborted).toBe(true);
    await expect(queue.add(() => 1, { signal: AbortSignal.abort() })).rejects.toThrow(
      TaskCancelledError,
    );
  });

  it('rejects past maxSize, or makes the caller wait, by option', async () => {
    const rejecting = new TaskQueue({ concurrency: 1, maxSize: 2 });
    const first = gated();
    const running = rejecting.add(() => first.gate);
    const queued = [rejecting.add(() => 1), rejecting.add(() => 2)];
    await expect(rejecting.add(() => 3)).rejects.toThrow(QueueFullError);
    first.release();
    await Promise.all([running, ...queued]);
    expect(rejecting.stats().rejected).toBe(1);

    const waiting = new TaskQueue({ concurrency: 1, maxSize: 1, whenFull: 'wait' });
    const second = gated();
    const blocker = waiting.add(() => second.gate);
    const inQueue = waiting.add(() => 'a');
    let admitted = false;
    const overflow = waiting
      .add(() => 'b')
      .then((value) => {
        admitted = true;
        return value;
      });
    await sleep(20);
    expect(admitted).toBe(false);
    expect(waiting.stats().waiting).toBe(1);
    second.release();
    expect(await Promise.all([blocker, inQueue, overflow])).toEqual([undefined, 'a', 'b']);
  });

  it('keeps at most `concurrency` tasks running', async () => {
    const queue = new TaskQueue({ concurrency: 3 });
    let running = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        queue.add(async () => {
          running += 1;
          peak = Math.max(peak, running);
          await sleep(5);
          running -= 1;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(queue.stats()).toMatchObject({ completed: 20, running: 0, waiting: 0 });
    expect(queue.stats().wait.count).toBe(20);
  });

  it('passes task errors through and counts them', async () => {
    const queue = new TaskQueue();
    await expect(
      queue.add(() => {
        throw new Error('model crashed');
      }),
    ).rejects.toThrow('model crashed');
    expect(queue.stats().failed).toBe(1);
  });

  it('cancels waiting tasks on close and refuses new ones', async () => {
    const queue = new TaskQueue({ concurrency: 1 });
    const { gate, release } = gated();
    const running = queue.add(() => gate.then(() => 'finished'));
    const waiting = queue.add(() => 'never');
    queue.close();
    await expect(waiting).rejects.toThrow(/closed/);
    await expect(queue.add(() => 1)).rejects.toThrow(TaskCancelledError);
    release();
    expect(await running).toBe('finished');
  });

  it('refuses bad options with a typed error', () => {
    expect(() => new TaskQueue({ concurrency: 0 })).toThrow(InvalidProcessorOptionError);
    expect(() => new TaskQueue({ maxSize: 1.5 })).toThrow(/maxSize/);
    expect(() => new TaskQueue({ agingMs: -1 })).toThrow(/agingMs/);
  });
});

describe('BinaryHeap', () => {
  it('pops in comparator order for any input', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), (values) => {
        const heap = new BinaryHeap<number>((a, b) => a < b);
        for (const v of values) heap.push(v);
        const out: number[] = [];
        while (heap.size > 0) out.push(heap.pop() as number);
        expect(out).toEqual([...values].sort((a, b) => a - b));
      }),
    );
  });
});
