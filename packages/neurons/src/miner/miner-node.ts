import type { JobQueue } from '@mt/processors';
import {
  describeCause,
  InvalidArgumentError,
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
  type MinerServerMetrics,
  type MinerServerOptions,
  type TaskHandler,
} from '@mt/wire';
import {
  type AxonRoute,
  axonRoute,
  BittensorAxon,
  type Sr25519Hotkey,
  Sr25519VerifierPool,
} from '@mt/wire/bittensor';
import {
  bittensorHotkeyFor,
  type NeuronHotkey,
  type NeuronWire,
  type SynapseMapping,
  taskSynapse,
} from '../bittensor-wire.js';
import { NEURONS_VERSION } from '../version.js';

/**
 * How a miner answers a task: `solve` runs the subnet honestly. The demo's
 * lazy and cheating miners (in its `mt-miner` program, `apps/miner`) pass
 * strategies that cut corners or forge.
 */
export type AnswerStrategy = (task: Task, solve: () => Promise<Result>) => Promise<Result>;

/** One subnet a miner serves. */
export interface ServedSubnet {
  /** The subnet's miner role (wrap it with `withResilience` for a cache and retries). */
  miner: SubnetMiner;
  /** Default: honest. */
  strategy?: AnswerStrategy;
  /**
   * On Bittensor's wire, the synapse its tasks arrive in. Default
   * `taskSynapse(miner.name)`.
   */
  synapse?: SynapseMapping;
}

/** Options of {@link startMinerNode}. */
export interface MinerNodeOptions
  extends Pick<
    MinerServerOptions,
    'blacklist' | 'priority' | 'signer' | 'maxTaskMs' | 'rateLimit'
  > {
  /** The miner's hotkey: an ed25519 `Hotkey` on our envelope, an `Sr25519Hotkey` on Bittensor's wire. */
  hotkey: NeuronHotkey;
  /** The wire validators query it on. Default `'envelope'`. */
  wire?: NeuronWire;
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
 * Solves a task that arrived on either wire: hands it to the job queue when
 * there is one (workers anywhere solve it), else solves it here, until the
 * validator's deadline.
 */
function solveHere(
  queue: JobQueue<MinerJob, Result> | undefined,
  served: ServedSubnet,
  task: Task,
  context: { deadline: number; signal: AbortSignal },
): Promise<Result> {
  if (!queue) return answer(served, task, context.signal, context.deadline);
  const job = { taskType: served.miner.name, task, deadline: context.deadline };
  return queue
    .add(job, { idempotencyKey: task.taskId })
    .then((id) => queue.waitFor(id, Math.max(1, context.deadline - Date.now())));
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

/** A running miner node, on either wire. */
export interface MinerNode {
  /** The address validators sign for: `mt…` on the envelope, SS58 on Bittensor's wire. */
  readonly address: string;
  /** Base URL once listening. */
  readonly url: string;
  /** Responses by status, latency, the queue, the replay memory. */
  metrics(): MinerServerMetrics;
  /** Stops accepting connections and resolves once the requests in flight are answered. */
  close(): Promise<void>;
}

/**
 * Serves subnets to validators. On our envelope (the default) each subnet's
 * tasks arrive at `POST /v1/tasks/<subnet name>`; on Bittensor's wire
 * (`wire: 'bittensor'`, an `Sr25519Hotkey`) they arrive as the subnet's
 * synapse at `/<synapse name>`, from any Bittensor dendrite, Python's
 * included. Either way a task is schema-checked once, solved until the
 * validator's deadline, and answered with the `Result`; `GET /metrics`
 * serves one valid Prometheus page.
 */
export async function startMinerNode(options: MinerNodeOptions): Promise<MinerNode> {
  const listen = { host: options.host ?? '127.0.0.1', port: options.port ?? 0 };
  const bittensor = bittensorHotkeyFor(options.wire, options.hotkey);
  if (!bittensor) return createMinerServer(minerServerOptions(options), listen);
  // sr25519 checks cost about 0.4 ms of JavaScript each: on worker threads
  // they leave the event loop free, which serves about 1.7× the requests
  // (`pnpm --filter @mt/wire bench`).
  const verifier = await Sr25519VerifierPool.start();
  const axon = bittensorMinerAxon(options, bittensor, verifier);
  const server = await axon.serve(listen).catch(async (error: unknown) => {
    await verifier.close();
    throw error;
  });
  return {
    address: axon.address,
    url: server.url,
    metrics: () => axon.metrics(),
    close: async () => {
      await server.close();
      await verifier.close();
    },
  };
}

/**
 * The Bittensor axon of a miner node: one route per subnet, each synapse's
 * inputs turned into the subnet's task, its result into the outputs.
 */
function bittensorMinerAxon(
  options: MinerNodeOptions,
  hotkey: Sr25519Hotkey,
  verifier: Sr25519VerifierPool,
): BittensorAxon {
  const routes: AxonRoute[] = options.subnets.map((served) => {
    const mapping = served.synapse ?? taskSynapse(served.miner.name);
    return axonRoute(mapping.synapse, async (values, context) => {
      let task: Task;
      try {
        task = mapping.task(values);
      } catch (error) {
        // The validator's request is at fault: a 422 that names why, never the miner's failure.
        throw new TaskValidationError(
          '(synapse)',
          `the synapse carries no valid task: ${describeCause(error)}`,
        );
      }
      return mapping.outputs(await solveHere(options.jobQueue, served, task, context));
    });
  });
  const { observer, pages } = minerPages(options);
  return new BittensorAxon({
    hotkey,
    verifier,
    routes,
    pages,
    observer,
    ...(options.blacklist ? { blacklist: options.blacklist } : {}),
    ...(options.priority ? { priority: options.priority } : {}),
    ...(options.maxTaskMs === undefined ? {} : { maxTimeoutMs: options.maxTaskMs }),
    ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  });
}

/** The node's metrics: the wire's counts into the registry, and `GET /metrics` serving it. */
function minerPages(options: MinerNodeOptions) {
  const registry =
    options.registry ?? createMetricsRegistry({ service: 'mt-miner', version: NEURONS_VERSION });
  return {
    observer: new WireMetrics(registry),
    pages: {
      'GET /metrics': async () =>
        new Response(await metricsText([registry]), {
          headers: { 'content-type': PROMETHEUS_CONTENT_TYPE },
        }),
    },
  };
}

/**
 * The same miner as {@link startMinerNode}, as a web-standard handler with no
 * socket: for tests, and for serving it under another server (Bun, Deno, a
 * serverless function).
 */
export function createMinerNodeHandler(options: MinerNodeOptions): MinerHandler {
  bittensorHotkeyFor(options.wire, options.hotkey);
  if (options.wire === 'bittensor')
    throw new InvalidArgumentError(
      'wire',
      "the handler speaks our envelope; use startMinerNode for Bittensor's wire",
    );
  return createMinerHandler(minerServerOptions(options));
}

function minerServerOptions(options: MinerNodeOptions): MinerServerOptions {
  const handlers: Record<string, TaskHandler> = {};
  const queue = options.jobQueue;
  for (const served of options.subnets) {
    const taskType = served.miner.name;
    handlers[taskType] = {
      schema: taskSchema,
      handle: async (task: Task, context) =>
        (await solveHere(queue, served, task, context)) as unknown as JsonValue,
    };
  }
  const {
    subnets: _subnets,
    host: _host,
    port: _port,
    jobQueue: _queue,
    registry: _r,
    wire: _wire,
    hotkey,
    ...wire
  } = options;
  const { observer, pages } = minerPages(options);
  return { ...wire, hotkey: hotkey as Hotkey, handlers, observer, routes: pages };
}
