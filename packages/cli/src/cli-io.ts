/** Where a program writes: injectable, so tests run a CLI in-process. */
export interface CliIo {
  /** Writes results. */
  stdout(text: string): void;
  /** Writes progress and errors. */
  stderr(text: string): void;
}

/** The process's own stdout and stderr. */
export const processIo: CliIo = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** An abort signal that fires on SIGINT or SIGTERM, for a bin's long-running commands. */
export function stopSignal(): AbortSignal {
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  return stop.signal;
}
