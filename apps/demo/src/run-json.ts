import { standings } from './report.js';
import type { DemoRun } from './run-network.js';

/**
 * A run as JSON: rao as decimal strings, maps as objects, and each subnet's
 * {@link standings} beside it, so the dashboard shows the same numbers as the
 * console table without computing them again. What `/run.json`, the live
 * feed and the report carry.
 */
export function runToJson(run: DemoRun | undefined): string {
  const withStandings = run && {
    ...run,
    ...(run.proofFiles && {
      proofFiles: {
        netuid: run.proofFiles.netuid,
        files: run.proofFiles.files.map(({ name, sha256 }) => ({ name, sha256 })),
      },
    }),
    standings: Object.fromEntries(
      run.meta.subnets.map(({ netuid }) => [netuid, standings(run, netuid)]),
    ),
  };
  return JSON.stringify(withStandings ?? null, (_, value) =>
    typeof value === 'bigint'
      ? value.toString()
      : value instanceof Map
        ? Object.fromEntries(value)
        : value,
  );
}
