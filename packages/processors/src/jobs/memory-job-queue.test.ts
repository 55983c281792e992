import { MemoryJobQueue } from './memory-job-queue.js';
import { describeJobQueue } from './test-support/job-queue-conformance.js';

describeJobQueue('in-memory', async () => new MemoryJobQueue());
