import type { WireStage } from '@mt/protocol';

/**
 * One named step of a request's way through a server: it reads what the
 * steps before it learned from the exchange, adds what it learns, or
 * refuses by throwing (a `WireReply`, whose status and code it answers).
 * Our miner handler, Bittensor's axon and the Epistula handler are each a
 * list of these, composed by {@link runStages}.
 */
export interface Stage<X> {
  name: WireStage;
  run(exchange: X): void | Promise<void>;
}

/**
 * Runs `stages` in order on one exchange, keeping `exchange.stage` at the
 * one running, so a refusal (or a metric) names where the request ended.
 */
export async function runStages<X extends { stage: WireStage }>(
  stages: readonly Stage<X>[],
  exchange: X,
): Promise<void> {
  for (const step of stages) {
    exchange.stage = step.name;
    await step.run(exchange);
  }
}
