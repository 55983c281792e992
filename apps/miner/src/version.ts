import { packageVersion } from '@mt/telemetry';

/** This app's version (for `mt_build_info` and the start-up log line). */
export const APP_VERSION = packageVersion(new URL('../package.json', import.meta.url));
