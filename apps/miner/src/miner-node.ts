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
}

interface WithPrometheus {
  metrics?: { registry?: { metrics(): Promise<string> } };
}

/**
 * Serves subnets through the signed miner server: each subnet's tasks arrive
 * at `POST /v1/tasks/<subnet name>` as a `Task`, are solved (with the
 * request's abort signal) and answered with the `Result`. `GET /metrics`
 * gives the subnets' Prometheus metrics.
 */
export async function startMinerNode(options: MinerNodeOptions): Promise<MinerServer> {
  const handlers: Record<string, TaskHandler> = {};
  for (const { subnet, strategy } of options.subnets) {
    handlers[subnet.getMetadata().name] = {
      schema: taskSchema,
      handle: async (task, context) => {
        const solve = () => subnet.solveTask(task as Task, { signal: context.signal });
        const result = strategy ? await strategy(task as Task, solve) : await solve();
        return JSON.parse(JSON.stringify(result)) as JsonValue;
      },
    };
  }
  return createMinerServer(
    {
      hotkey: options.hotkey,
      handlers,
      handlerTimeoutMs: options.handlerTimeoutMs ?? 60_000,
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
