import { describe, expect, it } from 'vitest';
import { builtModulePath } from './built-module-path.js';

describe('builtModulePath', () => {
  it('keeps a module that exists and maps a missing source-tree .js to dist/', () => {
    expect(builtModulePath(new URL(import.meta.url))).toMatch(/built-module-path\.test\.ts$/);
    expect(builtModulePath(new URL('./worker.js', import.meta.url))).toMatch(
      /protocol[\\/]dist[\\/]runtime[\\/]worker\.js$/,
    );
  });
});
