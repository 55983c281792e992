import { Writable } from 'node:stream';
import type { MtLogger } from '@mt/protocol';
import { describe, expect, it } from 'vitest';
import { InvalidLogLevelError } from '../errors.js';
import { createLogger, resolveLogLevel } from './create-logger.js';

function capture(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return {
    stream,
    lines: () =>
      text
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('createLogger', () => {
  it('writes one JSON line per event with level name, ISO time, name and fields', () => {
    const out = capture();
    const logger = createLogger({ name: 'mt-test', level: 'debug', destination: out.stream });
    logger.debug({ route: '/health', status: 200 }, 'request');
    logger.child({ netuid: 1 }).info('round');
    const [first, second] = out.lines();
    expect(first).toMatchObject({
      level: 'debug',
      name: 'mt-test',
      route: '/health',
      msg: 'request',
    });
    expect(new Date(String(first?.time)).toISOString()).toBe(first?.time);
    expect(second).toMatchObject({ level: 'info', netuid: 1, msg: 'round' });
  });

  it('drops lines below its level', () => {
    const out = capture();
    const logger = createLogger({ name: 'mt-test', level: 'warn', destination: out.stream });
    logger.info('hidden');
    logger.warn('shown');
    expect(out.lines().map((l) => l.msg)).toEqual(['shown']);
  });

  it('never writes secrets, even when a caller logs a key object', () => {
    const out = capture();
    const logger = createLogger({ name: 'mt-test', destination: out.stream });
    const secret = 'a1'.repeat(32);
    logger.info({ secretKey: secret, hotkey: { address: 'mtABC', seed: secret } }, 'loaded');
    logger.info({ config: { chain: { passphrase: 'hunter2' } } }, 'deep');
    logger.error({ request: { headers: { authorization: 'Bearer t0ken' } } }, 'failed');
    const written = JSON.stringify(out.lines());
    expect(written).not.toContain(secret);
    expect(written).not.toContain('t0ken');
    expect(written).toContain('mtABC');
    expect(out.lines()[0]).toMatchObject({ secretKey: '[redacted]' });
  });

  it('writes errors with their code and stack under err', () => {
    const out = capture();
    const logger = createLogger({ name: 'mt-test', destination: out.stream });
    logger.error({ err: new InvalidLogLevelError('loud', ['info']) }, 'bad setting');
    expect(out.lines()[0]?.err).toMatchObject({
      type: 'InvalidLogLevelError',
      code: 'MT_TELEMETRY_INVALID_LOG_LEVEL',
    });
  });

  it('is an MtLogger, so libraries take it as it is', () => {
    const logger: MtLogger = createLogger({ name: 'mt-test', level: 'silent' });
    expect(typeof logger.child({}).debug).toBe('function');
  });
});

describe('resolveLogLevel', () => {
  it('takes --log-level, maps --quiet to warn, and defaults to info', () => {
    expect(resolveLogLevel({ level: 'debug' })).toBe('debug');
    expect(resolveLogLevel({ quiet: true })).toBe('warn');
    expect(resolveLogLevel({})).toBe('info');
    expect(resolveLogLevel({ level: 'error', quiet: true })).toBe('error');
  });

  it('refuses a level pino does not have, with a typed error', () => {
    expect(() => resolveLogLevel({ level: 'loud' })).toThrow(InvalidLogLevelError);
    expect(() => resolveLogLevel({ level: 'loud' })).toThrow(/one of trace, debug, info/);
  });
});
