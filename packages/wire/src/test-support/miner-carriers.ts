import { SignerPool } from '../keys/signer-pool.js';
import {
  createMinerHandler,
  type MinerHandler,
  type MinerServerMetrics,
} from '../server/miner-handler.js';
import { createMinerServer, type MinerServerOptions } from '../server/miner-server.js';

/** A miner handler behind one carrier, as the shared suite drives it. */
export interface CarriedMiner {
  /** Sends a request to `path` (e.g. `/v1/tasks/echo`) and returns the answer. */
  send(path: string, init: RequestInit): Promise<Response>;
  metrics(): MinerServerMetrics;
  close(): Promise<void>;
  handler: MinerHandler;
}

/** A way of carrying the handler: called with the options, it starts one. */
export type MinerCarrier = (options: MinerServerOptions) => Promise<CarriedMiner>;

/**
 * Every carrier the miner handler runs on: in memory (`handler.fetch`, no
 * socket), `node:http` (`createMinerServer`), and `node:http` with its
 * signatures on a `SignerPool`, so one suite checks all three.
 */
export const minerCarriers: Record<string, MinerCarrier> = {
  'fetch (in memory)': async (options) => {
    const handler = createMinerHandler(options);
    return {
      handler,
      send: (path, init) => handler.fetch(new Request(`http://miner.test${path}`, init)),
      metrics: () => handler.metrics(),
      close: () => handler.close(),
    };
  },
  'node:http': async (options) => {
    const server = await createMinerServer(options);
    return {
      handler: server.handler,
      send: (path, init) => fetch(`${server.url}${path}`, init),
      metrics: () => server.metrics(),
      close: () => server.close(),
    };
  },
  'node:http with a SignerPool': async (options) => {
    const signer = await SignerPool.start({ threads: 1 });
    const server = await createMinerServer({ ...options, signer });
    return {
      handler: server.handler,
      send: (path, init) => fetch(`${server.url}${path}`, init),
      metrics: () => server.metrics(),
      close: async () => {
        await server.close();
        await signer.close();
      },
    };
  },
};
