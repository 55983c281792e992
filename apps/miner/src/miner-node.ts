import type { JobQueue } from '@mt/processors';
import type { JsonValue, MtLogger, Result, SubnetProtocol, Task } from '@mt/protocol';
import { taskSchema } from '@mt/protocol';
import {
  createMinerServer,
  type Hotkey,
  type MinerServer,
  type TaskHandler,
} from '@mt/protocol/wire';
import {
  createMetricsRegistry,
  metricsText,
  PROMETHEUS_CONTENT_TYPE,
  type Registry,
  WireMetrics,
} from '@mt/telemetry';
import { APP_VERSION } from './version.js';

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
  /**
   * The process's Prometheus registry: wire metrics go here, and `/metrics`
   * serves it merged with the subnets' registries (each once; give the
   * subnets this same registry and it is one page of one registry). Default:
   * a new one with the process's default metrics and `mt_build_info`.
   */
  registry?: Registry;
  /** One line per request at debug (see `MinerServerOptions.logger`). Default: silent. */
  logger?: MtLogger;
}

/** A task waiting in a miner's job queue. */
export interface MinerJob {
  taskType: string;
  task: Task;
}

interface WithPrometheus {
  metrics?: { registry?: Registry };
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
 * serves one valid Prometheus page: the process's default metrics, build
 * info, the wire's metrics and the subnets'.
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
  const registry =
    options.registry ?? createMetricsRegistry({ service: 'mt-miner', version: APP_VERSION });
  const registries = [
    registry,
    ...options.subnets.flatMap(({ subnet }) => (subnet as WithPrometheus).metrics?.registry ?? []),
  ];
  return createMinerServer(
    {
      hotkey: options.hotkey,
      handlers,
      handlerTimeoutMs: timeoutMs,
      observer: new WireMetrics(registry),
      ...(options.logger ? { logger: options.logger } : {}),
      routes: (app) => {
        app.get('/metrics', async (_request, reply) =>
          reply.type(PROMETHEUS_CONTENT_TYPE).send(await metricsText(registries)),
        );
      },
    },
    { host: options.host ?? '127.0.0.1', port: options.port ?? 0 },
  );
}
