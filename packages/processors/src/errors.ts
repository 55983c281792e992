import { errorFamily, isMtErrorWithCode, type MtErrorOptions } from '@mt/protocol';

/** The prefix every error code of `@mt/processors` starts with. */
export const PROCESSORS_ERROR_PREFIX = 'MT_PROCESSORS_';

const family = errorFamily(PROCESSORS_ERROR_PREFIX, { invalidInput: 'INVALID_OPTION' });

/**
 * Base class of every error `@mt/processors` throws on purpose. Its `isInstance`
 * recognises any error of this package, from any installed copy of it, by the
 * `MT_PROCESSORS_` prefix of its code; each concrete error adds its own code.
 */
export class ProcessorError extends family.Error {}

/** A queue was full and its policy is to reject rather than wait. */
export class QueueFullError extends ProcessorError {
  static readonly code = 'MT_PROCESSORS_QUEUE_FULL';
  static override readonly isInstance = isMtErrorWithCode<QueueFullError>(QueueFullError.code);

  constructor(maxSize: number) {
    super(
      QueueFullError.code,
      `The queue already holds ${maxSize} waiting tasks (maxSize); retry later, raise maxSize, or use whenFull: 'wait'.`,
    );
  }
}

/** A task's deadline passed before it could start; it was never run. */
export class TaskExpiredError extends ProcessorError {
  static readonly code = 'MT_PROCESSORS_TASK_EXPIRED';
  static override readonly isInstance = isMtErrorWithCode<TaskExpiredError>(TaskExpiredError.code);

  constructor(deadline: number) {
    super(
      TaskExpiredError.code,
      `The task's deadline (${new Date(deadline).toISOString()}) passed while it waited; it was not run.`,
    );
  }
}

/** A task was cancelled through its `AbortSignal`, or its queue or processor was closed. */
export class TaskCancelledError extends ProcessorError {
  static readonly code = 'MT_PROCESSORS_TASK_CANCELLED';
  static override readonly isInstance = isMtErrorWithCode<TaskCancelledError>(
    TaskCancelledError.code,
  );

  constructor(reason: string, options?: MtErrorOptions) {
    super(TaskCancelledError.code, `The task was cancelled: ${reason}`, options);
  }
}

/** A batch function broke its contract (e.g. returned the wrong number of results). */
export class BatchContractError extends ProcessorError {
  static readonly code = 'MT_PROCESSORS_BATCH_CONTRACT';
  static override readonly isInstance = isMtErrorWithCode<BatchContractError>(
    BatchContractError.code,
  );

  constructor(message: string) {
    super(BatchContractError.code, message);
  }
}

/** A job failed on every allowed attempt and was moved to the dead-letter state. */
export class JobFailedError extends ProcessorError {
  static readonly code = 'MT_PROCESSORS_JOB_FAILED';
  static override readonly isInstance = isMtErrorWithCode<JobFailedError>(JobFailedError.code);

  readonly jobId: string;
  readonly attempts: number;

  constructor(jobId: string, attempts: number, lastError: string) {
    super(JobFailedError.code, `Job ${jobId} failed after ${attempts} attempt(s): ${lastError}`);
    this.jobId = jobId;
    this.attempts = attempts;
  }
}

/** An option given to a queue or processor is out of range; `option` names it. */
export class InvalidProcessorOptionError extends family.InvalidInput {}
