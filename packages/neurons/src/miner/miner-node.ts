import type { JobQueue } from '@mt/processors';
import {
  type JsonValue,
  type MtLogger,
  type Result,
  type SubnetMiner,
  solveToResult,
  type Task,
  TaskValidationError,
  taskSchema,
} from '@mt/protocol';
import {
  createMetricsRegistry,
  metricsText,
  PROMETHEUS_CONTENT_TYPE,
  type Registry,
  WireMetrics,
} from '@mt/telemetry';
import {
  createMinerHandler,
  createMinerServer,
  type Hotkey,
  type MinerHandler,
  type MinerServer,
  type MinerServerOptions,
  type TaskHandler,
} from '@mt/wire';
import { NEURONS_VERSION } from '../version.js';

/**
 * How a miner answers a task: `solve` runs the subnet honestly. The demo's
 * lazy and cheating miners pass strategies that cut corners or forge.
 */
export type AnswerStrategy = (task: Task, solve: () => Promise<Result>) => Promise<Result>;

/** One subnet a miner serves. */
export interface ServedSubnet {
  /** The subnet's miner role (wrap it with `withResilience` for a cache and retries). */
  miner: SubnetMiner;
  /** Default: honest. */
  strategy?: AnswerStrategy;
}

/** Options of {@link startMinerNode}. */
export interface MinerNodeOptions
  extends Pick<
    MinerServerOptions,
    'blacklist' | 'priority' | 'signer' | 'maxTaskMs' | 'rateLimit'
  > {
  hotkey: Hotkey;
  subnets: ServedSubnet[];
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /**
   * Hands each task to this queue instead of solving it here; workers on any
   * machine (`serveMinerJobs`) solve it. With a `BullJobQueue` on Redis this
   * spreads a miner's work over machines.
   */
  jobQueue?: JobQueue<MinerJob, Result>;
  /**
   * The process's Prometheus registry: wire metrics go here, and `/metrics`
   * serves it (give the subnets' `SubnetMetrics` this same registry). Default:
   * a new one with the process's default metrics and `mt_build_info`.
   */
  registry?: Registry;
  /** One line per request at debug (see `MinerServerOptions.logger`). Default: silent. */
  logger?: MtLogger;
}

/** A task waiting in a miner's job queue, with the deadline its validator signed. */
export interface MinerJob {
  taskType: string;
  task: Task;
  /** When the validator stops waiting, ms since the epoch. */
  deadline: number;
}

/** Solves `task` with `served`, through its strategy, and stamps the result. */
function answer(
  { miner, strategy }: ServedSubnet,
  task: Task,
  signal: AbortSignal,
  deadline: number,
): Promise<Result> {
  const solve = () => solveToResult(miner, task, { signal, deadline });
  return strategy ? strategy(task, solve) : solve();
}

/**
 * Works a miner's job queue: solves each queued task with the subnet of its
 * type, until its deadline. Run it on as many machines as the queue reaches.
 */
export function serveMinerJobs(
  queue: JobQueue<MinerJob, Result>,
  subnets: readonly ServedSubnet[],
  options: { concurrency?: number } = {},
): void {
  const byType = new Map(subnets.map((served) => [served.miner.name, served]));
  queue.process(
    async ({ taskType, task, deadline }) => {
      const served = byType.get(taskType);
      if (!served)
        throw new TaskValidationError(
          task.taskId,
          `this worker serves no subnet named ${taskType}`,
        );
      const signal = AbortSignal.timeout(Math.max(0, deadline - Date.now()));
      return answer(served, task, signal, deadline);
    },
    options.concurrency === undefined ? {} : { concurrency: options.concurrency },
  );
}

/**
 * Serves subnets through the signed miner server: each subnet's tasks arrive
 * at `POST /v1/tasks/<subnet name>` as a `Task` (schema-checked once, at the
 * wire), are solved until the deadline the validator signed, and answered
 * with the `Result`. `GET /metrics` serves one valid Prometheus page.
 */
export function startMinerNode(options: MinerNodeOptions): Promise<MinerServer> {
  return createMinerServer(minerServerOptions(options), {
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
  });
}

/**
 * The same miner as {@link startMinerNode}, as a web-standard handler with no
 * socket: for tests, and for serving it under another server (Bun, Deno, a
 * serverless function).
 */
export function createMinerNodeHandler(options: MinerNodeOptions): MinerHandler {
  return createMinerHandler(minerServerOptions(options));
}

function minerServerOptions(options: MinerNodeOptions): MinerServerOptions {
  const handlers: Record<string, TaskHandler> = {};
  const queue = options.jobQueue;
  for (const served of options.subnets) {
    const taskType = served.miner.name;
    handlers[taskType] = {
      schema: taskSchema,
      handle: async (task: Task, context) => {
        const result = queue
          ? await queue.waitFor(
              await queue.add(
                { taskType, task, deadline: context.deadline },
                { idempotencyKey: task.taskId },
              ),
              Math.max(1, context.deadline - Date.now()),
            )
          : await answer(served, task, context.signal, context.deadline);
        return result as unknown as JsonValue;
      },
    };
  }
  const registry =
    options.registry ?? createMetricsRegistry({ service: 'mt-miner', version: NEURONS_VERSION });
  const {
    subnets: _subnets,
    host: _host,
    port: _port,
    jobQueue: _queue,
    registry: _r,
    ...wire
  } = options;
  return {
    ...wire,
    handlers,
    observer: new WireMetrics(registry),
    routes: {
      'GET /metrics': async () =>
        new Response(await metricsText([registry]), {
          headers: { 'content-type': PROMETHEUS_CONTENT_TYPE },
        }),
    },
  };
}
