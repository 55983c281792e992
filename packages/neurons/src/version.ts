import { packageVersion } from '@mt/telemetry';

/** This package's version, which the miner's metrics report as `mt_build_info`. */
export const NEURONS_VERSION = packageVersion(new URL('../package.json', import.meta.url));
