/**
 * `@mt/processors`: how a miner gets work done.
 *
 * - {@link TaskQueue}: priorities with aging, deadlines, backpressure, cancellation.
 * - {@link BatchProcessor}: dynamic batching, with a tuned size that is the size used.
 * - {@link ParallelProcessor}: CPU-bound work on a piscina worker pool.
 * - {@link JobQueue}: {@link MemoryJobQueue} in one process, {@link BullJobQueue}
 *   on Redis across machines.
 *
 * @packageDocumentation
 */

export {
  type AdaptiveBatching,
  type BatchFunction,
  BatchProcessor,
  type BatchProcessorOptions,
  type BatchStats,
  type ItemResult,
} from './batch/batch-processor.js';
export {
  BatchContractError,
  InvalidProcessorOptionError,
  JobFailedError,
  PROCESSORS_ERROR_PREFIX,
  ProcessorError,
  QueueFullError,
  TaskCancelledError,
  TaskExpiredError,
} from './errors.js';
export { BullJobQueue, type BullJobQueueOptions } from './jobs/bull-job-queue.js';
export type { JobHandler, JobOptions, JobQueue, JobRecord, JobState } from './jobs/job-queue.js';
export { MemoryJobQueue } from './jobs/memory-job-queue.js';
export {
  ParallelProcessor,
  type ParallelProcessorOptions,
  type ParallelStats,
} from './parallel/parallel-processor.js';
export {
  type AddOptions,
  TaskQueue,
  type TaskQueueOptions,
  type TaskQueueStats,
} from './queue/task-queue.js';
