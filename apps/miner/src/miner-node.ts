import type { JobQueue } from '@mt/processors';
import type { JsonValue, Result, SubnetProtocol, Task } from '@mt/protocol';
import { taskSchema } from '@mt/protocol';
import {
  createMinerServer,
  type Hotkey,
  type MinerServer,
  type TaskHandler,
} from '@mt/protocol/wire';

/**
 * How a miner answers a task: `solve` runs the subnet honestly. The demo's
 * lazy and cheating miners pass strategies that cut corners or forge.
 */
export type AnswerStrategy = (task: Task, solve: () => Promise<Result>) => Promise<Result>;

/** One subnet a miner serves. */
export interface ServedSubnet {
  /** A subnet after `setup()`. */
  subnet: SubnetProtocol;
  /** Default: honest. */
  strategy?: AnswerStrategy;
}

/** Options of {@link startMinerNode}. */
export interface MinerNodeOptions {
  hotkey: Hotkey;
  subnets: ServedSubnet[];
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Time a task may take before the server answers 504. Default 60 s. */
  handlerTimeoutMs?: number;
  /**
   * Hands each task to this queue instead of solving it here; workers on any
   * machine (`serveMinerJobs`) solve it. With a `BullJobQueue` on Redis this
   * spreads a miner's work over machines.
   */
  jobQueue?: JobQueue<MinerJob, Result>;
}

/** A task waiting in a miner's job queue. */
export interface MinerJob {
  taskType: string;
  task: Task;
}

interface WithPrometheus {
  metrics?: { registry?: { metrics(): Promise<string> } };
}

function answer(
  { subnet, strategy }: ServedSubnet,
  task: Task,
  signal?: AbortSignal,
): Promise<Result> {
  const solve = () => subnet.solveTask(task, signal ? { signal } : {});
  return strategy ? strategy(task, solve) : solve();
}

/**
 * Works a miner's job queue: solves each queued task with the subnet of its
 * type. Run it on as many machines as the queue's backend reaches.
 */
export function serveMinerJobs(
  queue: JobQueue<MinerJob, Result>,
  subnets: readonly ServedSubnet[],
  options: { concurrency?: number } = {},
): void {
  const byType = new Map(subnets.map((served) => [served.subnet.getMetadata().name, served]));
  queue.process(
    async ({ taskType, task }) => {
      const served = byType.get(taskType);
      if (!served) throw new Error(`this worker serves no subnet named ${taskType}`);
      return answer(served, task);
    },
    options.concurrency === undefined ? {} : { concurrency: options.concurrency },
  );
}

/**
 * Serves subnets through the signed miner server: each subnet's tasks arrive
 * at `POST /v1/tasks/<subnet name>` as a `Task`, are solved (with the
 * request's abort signal) and answered with the `Result`. `GET /metrics`
 * gives the subnets' Prometheus metrics.
 */
export async function startMinerNode(options: MinerNodeOptions): Promise<MinerServer> {
  const handlers: Record<string, TaskHandler> = {};
  const timeoutMs = options.handlerTimeoutMs ?? 60_000;
  const queue = options.jobQueue;
  for (const served of options.subnets) {
    const taskType = served.subnet.getMetadata().name;
    handlers[taskType] = {
      schema: taskSchema,
      handle: async (task, context) => {
        const result = queue
          ? await queue.waitFor(
              await queue.add(
                { taskType, task: task as Task },
                { idempotencyKey: (task as Task).taskId },
              ),
              timeoutMs,
            )
          : await answer(served, task as Task, context.signal);
        return JSON.parse(JSON.stringify(result)) as JsonValue;
      },
    };
  }
  return createMinerServer(
    {
      hotkey: options.hotkey,
      handlers,
      handlerTimeoutMs: timeoutMs,
      routes: (app) => {
        app.get('/metrics', async (_request, reply) => {
          const texts = await Promise.all(
            options.subnets.map(
              ({ subnet }) => (subnet as WithPrometheus).metrics?.registry?.metrics() ?? '',
            ),
          );
          return reply.type('text/plain; version=0.0.4').send(texts.filter(Boolean).join('\n'));
        });
      },
    },
    { host: options.host ?? '127.0.0.1', port: options.port ?? 0 },
  );
}
