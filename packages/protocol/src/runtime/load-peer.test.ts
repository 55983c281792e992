import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { MissingPeerError, MtError } from '../errors.js';
import { loadPeer, requirePeer } from './load-peer.js';

describe('loadPeer', () => {
  it('loads a package that is installed', async () => {
    const zod = await loadPeer({
      name: 'zod',
      range: '^4',
      feature: 'x',
      load: () => import('zod'),
    });
    expect(typeof zod.z.object).toBe('function');
  });

  it('says what to install when the package is missing', async () => {
    const error = await loadPeer({
      name: 'mt-no-such-package',
      range: '^1.2.0',
      feature: 'The frobnicator',
      // @ts-expect-error: the package does not exist, which is the point
      load: () => import('mt-no-such-package'),
    }).catch((e: unknown) => e);
    expect(MissingPeerError.isInstance(error)).toBe(true);
    expect(MtError.isInstance(error) && error.message).toBe(
      "The frobnicator needs the package 'mt-no-such-package', which is not installed. Install it with: npm install mt-no-such-package@'^1.2.0'",
    );
  });

  it('rethrows a failure that is not the package missing', async () => {
    const broken = new Error('boom');
    await expect(
      loadPeer({ name: 'zod', range: '^4', feature: 'x', load: () => Promise.reject(broken) }),
    ).rejects.toBe(broken);
    const otherMissing = Object.assign(new Error("Cannot find package 'left-pad'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    await expect(
      loadPeer({
        name: 'zod',
        range: '^4',
        feature: 'x',
        load: () => Promise.reject(otherMissing),
      }),
    ).rejects.toBe(otherMissing);
  });
});

describe('requirePeer', () => {
  const require = createRequire(import.meta.url);
  it('finds an installed package without loading it, and names one that is missing', () => {
    expect(
      requirePeer({
        name: 'zod',
        range: '^4',
        feature: 'x',
        resolve: () => require.resolve('zod'),
      }),
    ).toContain('zod');
    let thrown: unknown;
    try {
      requirePeer({
        name: 'mt-no-such-package',
        range: '^1',
        feature: 'The frobnicator',
        resolve: () => require.resolve('mt-no-such-package'),
      });
    } catch (error) {
      thrown = error;
    }
    expect(MissingPeerError.isInstance(thrown) && thrown.peer).toBe('mt-no-such-package');
  });
});
