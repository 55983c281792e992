import { describe, expect, it, vi } from 'vitest';
import { IllegalTransitionError } from '../errors.js';
import { Lifecycle, type StateChange, type SubnetState } from './lifecycle.js';

describe('Lifecycle', () => {
  it('walks the healthy path and tells listeners each step', () => {
    const lifecycle = new Lifecycle();
    const seen: StateChange[] = [];
    lifecycle.subscribe((change) => seen.push(change));
    for (const to of ['starting', 'ready', 'stopping', 'stopped', 'starting'] as const) {
      lifecycle.moveTo(to);
    }
    expect(seen.map(({ from, to }) => `${from}>${to}`)).toEqual([
      'created>starting',
      'starting>ready',
      'ready>stopping',
      'stopping>stopped',
      'stopped>starting',
    ]);
  });

  it.each<[SubnetState[], SubnetState]>([
    [[], 'ready'],
    [[], 'stopping'],
    [['starting'], 'starting'],
    [['starting', 'ready'], 'starting'],
    [['starting', 'failed'], 'starting'],
    [['starting', 'ready', 'stopping', 'stopped'], 'stopping'],
    [['starting', 'ready', 'stopping'], 'ready'],
  ])('after %j refuses a move to %s and stays put', (path, to) => {
    const lifecycle = new Lifecycle();
    for (const step of path) lifecycle.moveTo(step);
    const before = lifecycle.state;
    expect(() => lifecycle.moveTo(to)).toThrow(IllegalTransitionError);
    expect(lifecycle.state).toBe(before);
  });

  it('says what to do instead of an illegal move', () => {
    const lifecycle = new Lifecycle();
    lifecycle.moveTo('starting');
    expect(() => lifecycle.moveTo('starting')).toThrow(/already in progress; await it/);
  });

  it('passes the error along on a move to failed', () => {
    const lifecycle = new Lifecycle();
    const listener = vi.fn();
    lifecycle.subscribe(listener);
    lifecycle.moveTo('starting');
    const error = new Error('model missing');
    lifecycle.moveTo('failed', error);
    expect(listener).toHaveBeenLastCalledWith({ from: 'starting', to: 'failed', error });
  });

  it('keeps a transition when a listener throws, and reports the listener error as uncaught', async () => {
    const lifecycle = new Lifecycle();
    const uncaught: unknown[] = [];
    const onUncaught = (error: unknown) => uncaught.push(error);
    const previous = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', onUncaught);
    try {
      lifecycle.subscribe(() => {
        throw new Error('listener bug');
      });
      const second = vi.fn();
      lifecycle.subscribe(second);
      lifecycle.moveTo('starting');
      expect(lifecycle.state).toBe('starting');
      expect(second).toHaveBeenCalledOnce();
      await new Promise((resolve) => setTimeout(resolve, 10));
      expect(uncaught).toEqual([new Error('listener bug')]);
    } finally {
      process.off('uncaughtException', onUncaught);
      for (const listener of previous) process.on('uncaughtException', listener);
    }
  });

  it('stops calling a listener once unsubscribed', () => {
    const lifecycle = new Lifecycle();
    const listener = vi.fn();
    const unsubscribe = lifecycle.subscribe(listener);
    unsubscribe();
    lifecycle.moveTo('starting');
    expect(listener).not.toHaveBeenCalled();
  });
});
