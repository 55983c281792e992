import type { CliRunner } from './define-cli.js';
import type { ExitCode } from './exit-codes.js';

/** What a program printed, and how it exited. */
export interface CapturedRun {
  code: ExitCode;
  stdout: string;
  stderr: string;
}

/**
 * Runs a program in-process and returns its exit code and everything it
 * wrote: the way to test a CLI without spawning it.
 *
 * @example
 * ```ts
 * const { code, stderr } = await runCaptured(runZkmlCli, ['verify', 'dir', 'proof.json']);
 * expect(code).toBe(EXIT_CODES.usage);
 * ```
 */
export async function runCaptured(
  runner: CliRunner,
  args: readonly string[],
  signal?: AbortSignal,
): Promise<CapturedRun> {
  let stdout = '';
  let stderr = '';
  const code = await runner(
    args,
    {
      stdout: (text) => {
        stdout += text;
      },
      stderr: (text) => {
        stderr += text;
      },
    },
    signal,
  );
  return { code, stdout, stderr };
}
