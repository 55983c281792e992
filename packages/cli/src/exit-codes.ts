/**
 * The exit codes of every `mt-*` program:
 * - `0`: done (for a check, such as `mt-zkml verify`: it passed);
 * - `1`: the command ran and failed or was refused (a typed error, an invalid proof);
 * - `2`: bad usage (an unknown command or option, a missing or malformed argument).
 */
export const EXIT_CODES = { ok: 0, failed: 1, usage: 2 } as const;

/** One of {@link EXIT_CODES}. */
export type ExitCode = (typeof EXIT_CODES)[keyof typeof EXIT_CODES];
