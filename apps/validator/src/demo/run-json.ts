import type { DemoRun } from './run-network.js';

/** A run as JSON: rao as decimal strings, maps as objects. What `/run.json`, the live feed and the report carry. */
export function runToJson(run: DemoRun | undefined): string {
  return JSON.stringify(run ?? null, (_, value) =>
    typeof value === 'bigint'
      ? value.toString()
      : value instanceof Map
        ? Object.fromEntries(value)
        : value,
  );
}
