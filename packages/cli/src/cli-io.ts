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
