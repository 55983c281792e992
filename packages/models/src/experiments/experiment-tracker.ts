import { randomUUID } from 'node:crypto';
import { parseJson } from '@mt/protocol';
import { z } from 'zod';
import type { ArtifactStore } from '../artifacts/artifact-store.js';
import { InvalidModelInputError, ModelNotFoundError } from '../errors.js';
import type { StoreDatabase } from '../store/open-database.js';

/** How a run ended, or that it has not. */
export type RunStatus = 'running' | 'finished' | 'failed' | 'killed';

/** One logged value of a metric. */
export interface MetricPoint {
  step: number;
  value: number;
  timestamp: number;
}

/** A run with everything logged to it. */
export interface RunInfo {
  id: string;
  experiment: string;
  name: string;
  status: RunStatus;
  startedAt: number;
  endedAt: number | undefined;
  /** Lineage: the data and code the run used. */
  datasetHash: string | undefined;
  codeRevision: string | undefined;
  tags: Record<string, string>;
  params: Record<string, string>;
  /** The latest value of each metric. */
  metrics: Record<string, number>;
  artifacts: { name: string; contentHash: string; sizeBytes: number }[];
  /** Lineage: model versions recorded as produced by this run (`model@version`). */
  producedVersions: string[];
}

interface RunRow {
  id: string;
  experiment: string;
  name: string;
  status: RunStatus;
  started_at: number;
  ended_at: number | null;
  dataset_hash: string | null;
  code_revision: string | null;
  tags: string;
}

/**
 * Experiment tracking in the MLflow manner: experiments hold runs; a run has
 * params (set once), metrics with a full history by step and time, tags,
 * artifacts (content-addressed, like model versions) and lineage (the dataset
 * hash and code revision it used; model versions name the run they came from).
 */
export class ExperimentTracker {
  readonly #db: StoreDatabase;
  readonly #artifacts: ArtifactStore;
  readonly #now: () => number;

  constructor(db: StoreDatabase, artifacts: ArtifactStore, now: () => number) {
    this.#db = db;
    this.#artifacts = artifacts;
    this.#now = now;
  }

  /** Starts a run in `experiment` (created on first use). */
  startRun(
    experiment: string,
    options: {
      name?: string;
      datasetHash?: string;
      codeRevision?: string;
      tags?: Record<string, string>;
    } = {},
  ): RunInfo {
    if (experiment.trim() === '')
      throw new InvalidModelInputError('experiment', 'must be a non-empty name');
    const id = randomUUID();
    const now = this.#now();
    this.#db.transaction(() => {
      this.#db
        .prepare('INSERT OR IGNORE INTO experiments (id, name, created_at) VALUES (?, ?, ?)')
        .run(randomUUID(), experiment, now);
      const { id: experimentId } = this.#db
        .prepare('SELECT id FROM experiments WHERE name = ?')
        .get(experiment) as { id: string };
      this.#db
        .prepare(
          `INSERT INTO runs (id, experiment_id, name, status, started_at, dataset_hash, code_revision, tags)
           VALUES (?, ?, ?, 'running', ?, ?, ?, ?)`,
        )
        .run(
          id,
          experimentId,
          options.name ?? id.slice(0, 8),
          now,
          options.datasetHash ?? null,
          options.codeRevision ?? null,
          JSON.stringify(options.tags ?? {}),
        );
    })();
    return this.getRun(id);
  }

  /** Logs params; a param keeps the first value it was given (changing it is an error). */
  logParams(runId: string, params: Record<string, string | number | boolean>): void {
    this.#requireRunning(runId);
    this.#db.transaction(() => {
      for (const [key, raw] of Object.entries(params)) {
        const value = String(raw);
        const existing = this.#db
          .prepare('SELECT value FROM params WHERE run_id = ? AND key = ?')
          .get(runId, key) as { value: string } | undefined;
        if (existing && existing.value !== value) {
          throw new InvalidModelInputError(
            `params.${key}`,
            `was already logged as '${existing.value}'; params cannot change within a run`,
          );
        }
        this.#db
          .prepare('INSERT OR IGNORE INTO params (run_id, key, value) VALUES (?, ?, ?)')
          .run(runId, key, value);
      }
    })();
  }

  /** Logs one metric value; `step` defaults to one past the metric's last step. */
  logMetric(
    runId: string,
    key: string,
    value: number,
    options: { step?: number; timestamp?: number } = {},
  ): MetricPoint {
    this.#requireRunning(runId);
    if (!Number.isFinite(value))
      throw new InvalidModelInputError(`metrics.${key}`, `must be a finite number, got ${value}`);
    const last = this.#db
      .prepare('SELECT MAX(step) AS step FROM metrics WHERE run_id = ? AND key = ?')
      .get(runId, key) as {
      step: number | null;
    };
    const step = options.step ?? (last.step === null ? 0 : last.step + 1);
    if (!Number.isInteger(step) || step < 0)
      throw new InvalidModelInputError('step', `must be an integer ≥ 0, got ${step}`);
    const point = { step, value, timestamp: options.timestamp ?? this.#now() };
    this.#db
      .prepare('INSERT INTO metrics (run_id, key, value, step, timestamp) VALUES (?, ?, ?, ?, ?)')
      .run(runId, key, value, step, point.timestamp);
    return point;
  }

  /** Stores a file or folder as an artifact of the run, under `name`. */
  async logArtifact(runId: string, name: string, path: string): Promise<void> {
    this.#requireRunning(runId);
    if (name.trim() === '') throw new InvalidModelInputError('name', 'must be a non-empty name');
    const digest = await this.#artifacts.import(path);
    this.#db
      .prepare(
        'INSERT OR REPLACE INTO run_artifacts (run_id, name, content_hash, size_bytes) VALUES (?, ?, ?, ?)',
      )
      .run(runId, name, digest.hash, digest.size);
  }

  /** The folder of a run's artifact, checked against its hash. */
  async artifactPath(runId: string, name: string): Promise<string> {
    const row = this.#db
      .prepare('SELECT content_hash FROM run_artifacts WHERE run_id = ? AND name = ?')
      .get(runId, name) as { content_hash: string } | undefined;
    if (!row)
      throw new ModelNotFoundError(`Artifact '${name}' of run ${runId}`, 'log it with logArtifact');
    return this.#artifacts.verify(row.content_hash, `artifact '${name}' of run ${runId}`);
  }

  /** Ends a running run. */
  endRun(runId: string, status: Exclude<RunStatus, 'running'> = 'finished'): RunInfo {
    this.#requireRunning(runId);
    this.#db
      .prepare('UPDATE runs SET status = ?, ended_at = ? WHERE id = ?')
      .run(status, this.#now(), runId);
    return this.getRun(runId);
  }

  /** One run: its params, latest metrics, tags, status and lineage; `ModelNotFoundError` when there is none. */
  getRun(runId: string): RunInfo {
    const row = this.#db
      .prepare(
        'SELECT runs.*, experiments.name AS experiment FROM runs JOIN experiments ON experiments.id = runs.experiment_id WHERE runs.id = ?',
      )
      .get(runId) as RunRow | undefined;
    if (!row) throw new ModelNotFoundError(`Run ${runId}`, 'list runs with listRuns');
    return this.#toRunInfo(row);
  }

  /** Runs, newest first, optionally of one experiment or status. */
  listRuns(filter: { experiment?: string; status?: RunStatus } = {}): RunInfo[] {
    const rows = this.#db
      .prepare(
        `SELECT runs.*, experiments.name AS experiment FROM runs JOIN experiments ON experiments.id = runs.experiment_id
         WHERE (@experiment IS NULL OR experiments.name = @experiment) AND (@status IS NULL OR runs.status = @status)
         ORDER BY runs.started_at DESC, runs.rowid DESC`,
      )
      .all({ experiment: filter.experiment ?? null, status: filter.status ?? null }) as RunRow[];
    return rows.map((row) => this.#toRunInfo(row));
  }

  /** Every logged value of one metric, by step then time. */
  metricHistory(runId: string, key: string): MetricPoint[] {
    this.getRun(runId);
    return this.#db
      .prepare(
        'SELECT step, value, timestamp FROM metrics WHERE run_id = ? AND key = ? ORDER BY step, timestamp, rowid',
      )
      .all(runId, key) as MetricPoint[];
  }

  /** The run of `experiment` with the best latest value of `metric` (`max` by default). */
  bestRun(experiment: string, metric: string, goal: 'max' | 'min' = 'max'): RunInfo | undefined {
    const candidates = this.listRuns({ experiment }).filter(
      (run) => run.metrics[metric] !== undefined,
    );
    const sign = goal === 'max' ? 1 : -1;
    candidates.sort((a, b) => sign * ((b.metrics[metric] ?? 0) - (a.metrics[metric] ?? 0)));
    return candidates[0];
  }

  /** A run's full metric history as CSV (`key,step,value,timestamp`) or JSON. */
  exportMetrics(runId: string, format: 'csv' | 'json'): string {
    this.getRun(runId);
    const rows = this.#db
      .prepare(
        'SELECT key, step, value, timestamp FROM metrics WHERE run_id = ? ORDER BY key, step, timestamp, rowid',
      )
      .all(runId) as { key: string; step: number; value: number; timestamp: number }[];
    if (format === 'json') return `${JSON.stringify(rows, null, 2)}\n`;
    const quote = (text: string) =>
      /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
    return `key,step,value,timestamp\n${rows.map((r) => `${quote(r.key)},${r.step},${r.value},${r.timestamp}`).join('\n')}\n`;
  }

  #requireRunning(runId: string): void {
    const run = this.getRun(runId);
    if (run.status !== 'running') {
      throw new InvalidModelInputError(
        'runId',
        `run ${runId} has ended (${run.status}); start a new run to log more`,
      );
    }
  }

  #toRunInfo(row: RunRow): RunInfo {
    const params = this.#db
      .prepare('SELECT key, value FROM params WHERE run_id = ? ORDER BY key')
      .all(row.id) as {
      key: string;
      value: string;
    }[];
    const latest = this.#db
      .prepare(
        `SELECT key, value FROM metrics m WHERE run_id = ? AND rowid = (
           SELECT rowid FROM metrics WHERE run_id = m.run_id AND key = m.key ORDER BY step DESC, timestamp DESC, rowid DESC LIMIT 1)`,
      )
      .all(row.id) as { key: string; value: number }[];
    const artifacts = this.#db
      .prepare(
        'SELECT name, content_hash AS contentHash, size_bytes AS sizeBytes FROM run_artifacts WHERE run_id = ? ORDER BY name',
      )
      .all(row.id) as { name: string; contentHash: string; sizeBytes: number }[];
    const produced = this.#db
      .prepare(
        'SELECT model_id, version FROM versions WHERE source_run_id = ? ORDER BY model_id, version',
      )
      .all(row.id) as { model_id: string; version: string }[];
    return {
      id: row.id,
      experiment: row.experiment,
      name: row.name,
      status: row.status,
      startedAt: row.started_at,
      endedAt: row.ended_at ?? undefined,
      datasetHash: row.dataset_hash ?? undefined,
      codeRevision: row.code_revision ?? undefined,
      tags: parseJson(row.tags, z.record(z.string(), z.string()), { typeName: 'stored tags' }),
      params: Object.fromEntries(params.map((p) => [p.key, p.value])),
      metrics: Object.fromEntries(latest.map((m) => [m.key, m.value])),
      artifacts,
      producedVersions: produced.map((p) => `${p.model_id}@${p.version}`),
    };
  }
}
