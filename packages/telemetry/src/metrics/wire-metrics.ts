import type { MinerServerObserver, MinerServerProbe, WireResponseEvent } from '@mt/protocol';
import type { Registry } from 'prom-client';
import { counterIn, gaugeIn, histogramIn, LATENCY_BUCKETS_SECONDS } from './metric-family.js';

/**
 * The miner server's metrics, as a {@link MinerServerObserver}: pass it as
 * the server's `observer` and it records into `registry`
 *
 * - `mt_wire_requests_total{route,task_type,status}` and
 *   `mt_wire_request_duration_seconds{route,task_type}` for every route;
 * - `mt_wire_envelope_refusals_total{code}` (bad signatures, replays, stale
 *   timestamps, ...), `mt_wire_rate_limited_total`, `mt_wire_queue_full_total`;
 * - `mt_wire_refusals_total{stage,code}` for every refused task request;
 * - `mt_wire_queue_waiting` and `mt_wire_queue_running`, read at scrape time.
 *
 * Every label value comes from a bounded set (route patterns, the server's
 * own task types or `unknown`, status codes, the server's error codes), so a
 * peer cannot grow the registry by inventing URLs.
 */
export class WireMetrics implements MinerServerObserver {
  readonly #requests;
  readonly #duration;
  readonly #envelopeRefusals;
  readonly #refusals;
  readonly #rateLimited;
  readonly #queueFull;
  #probe: MinerServerProbe | undefined;

  constructor(registry: Registry) {
    this.#requests = counterIn(registry, {
      name: 'mt_wire_requests_total',
      help: 'Requests the miner server answered, by route, task type and HTTP status',
      labelNames: ['route', 'task_type', 'status'],
    });
    this.#duration = histogramIn(registry, {
      name: 'mt_wire_request_duration_seconds',
      help: 'Time from a request arriving to its answer, by route and task type',
      labelNames: ['route', 'task_type'],
      buckets: [...LATENCY_BUCKETS_SECONDS],
    });
    this.#envelopeRefusals = counterIn(registry, {
      name: 'mt_wire_envelope_refusals_total',
      help: 'Task requests refused by envelope verification, by error code',
      labelNames: ['code'],
    });
    this.#refusals = counterIn(registry, {
      name: 'mt_wire_refusals_total',
      help: 'Task requests not answered with a result, by the stage that refused them and error code',
      labelNames: ['stage', 'code'],
    });
    this.#rateLimited = counterIn(registry, {
      name: 'mt_wire_rate_limited_total',
      help: 'Task requests refused because their sender exceeded its rate limit',
    });
    this.#queueFull = counterIn(registry, {
      name: 'mt_wire_queue_full_total',
      help: 'Task requests refused because the work queue was full',
    });
    const probe = () => this.#probe?.queue();
    gaugeIn(registry, {
      name: 'mt_wire_queue_waiting',
      help: 'Task requests waiting in the miner server queue',
      collect() {
        this.set(probe()?.waiting ?? 0);
      },
    });
    gaugeIn(registry, {
      name: 'mt_wire_queue_running',
      help: 'Task requests being worked on by the miner server',
      collect() {
        this.set(probe()?.running ?? 0);
      },
    });
  }

  attach(probe: MinerServerProbe): void {
    this.#probe = probe;
  }

  response(event: WireResponseEvent): void {
    const taskType = event.taskType ?? '';
    this.#requests.inc({ route: event.route, task_type: taskType, status: String(event.status) });
    this.#duration.observe({ route: event.route, task_type: taskType }, event.durationMs / 1000);
    if (event.stage === undefined || event.stage === 'answered') return;
    const code = event.code ?? 'none';
    this.#refusals.inc({ stage: event.stage, code });
    if (event.stage === 'envelope') this.#envelopeRefusals.inc({ code });
    if (code === 'MT_WIRE_RATE_LIMITED') this.#rateLimited.inc();
    if (code === 'MT_WIRE_QUEUE_FULL') this.#queueFull.inc();
  }
}
