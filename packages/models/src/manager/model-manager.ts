import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type JsonObject,
  jsonObjectSchema,
  LatencyHistogram,
  type LatencySnapshot,
  parseJson,
  parseWith,
} from '@mt/protocol';
import { z } from 'zod';
import { ArtifactStore } from '../artifacts/artifact-store.js';
import {
  InvalidModelInputError,
  LoaderUnavailableError,
  ModelInUseError,
  ModelNotFoundError,
} from '../errors.js';
import { ExperimentTracker } from '../experiments/experiment-tracker.js';
import type { ModelLoader } from '../loaders/model-loader.js';
import { onnxLoader } from '../loaders/onnx-loader.js';
import { transformersLoader } from '../loaders/transformers-loader.js';
import { openDatabase, type StoreDatabase } from '../store/open-database.js';
import { LoadCache } from './load-cache.js';
import { highestFirst, isSemver, requireSemver } from './semver-order.js';
import type { ModelInfo, ModelRegistration, ModelVersionInfo } from './types.js';

/** Options of {@link ModelManager.open}. */
export interface ModelManagerOptions {
  /** Folder of the store: `store.db` and `artifacts/` live in it. */
  root: string;
  /** Memory for loaded models, counted by artifact size. Default 1 GiB. */
  cacheMaxBytes?: number;
  /** The clock, in ms since 1970, for timestamps. Default `Date.now`. */
  now?: () => number;
}

interface ModelRow {
  id: string;
  name: string;
  framework: string;
  task_type: string;
  description: string;
  tags: string;
  created_at: number;
  updated_at: number;
}

interface VersionRow {
  model_id: string;
  version: string;
  content_hash: string;
  size_bytes: number;
  metadata: string;
  source_run_id: string | null;
  deprecated: number;
  created_at: number;
}

const nonEmpty = (field: string, value: string) => {
  if (typeof value !== 'string' || value.trim() === '')
    throw new InvalidModelInputError(field, 'must be a non-empty string');
  return value;
};

/**
 * The model registry: models with semver versions whose files live in a
 * content-addressed artifact store, aliases such as `production`, loaders per
 * framework with a byte-bounded cache, inference statistics, and experiment
 * tracking (`manager.experiments`), all on one embedded SQLite database.
 *
 * @example
 * ```ts
 * const manager = await ModelManager.open({ root: './models' });
 * manager.registerModel({ id: 'digits', name: 'Digits MLP', framework: 'onnx', taskType: 'image-classification' });
 * await manager.addVersion('digits', '1.0.0', { path: './digits.onnx' });
 * manager.setAlias('digits', 'production', '1.0.0');
 * const session = await manager.loadModel('digits', 'production');
 * ```
 */
export class ModelManager {
  readonly experiments: ExperimentTracker;
  readonly #db: StoreDatabase;
  readonly #artifacts: ArtifactStore;
  readonly #loaders = new Map<string, ModelLoader>([
    ['onnx', onnxLoader()],
    ['transformers.js', transformersLoader()],
  ]);
  readonly #cache: LoadCache;
  readonly #inference = new Map<string, { latency: LatencyHistogram; items: number }>();
  readonly #now: () => number;

  private constructor(db: StoreDatabase, artifacts: ArtifactStore, options: ModelManagerOptions) {
    this.#db = db;
    this.#artifacts = artifacts;
    this.#now = options.now ?? Date.now;
    this.#cache = new LoadCache(options.cacheMaxBytes ?? 1024 ** 3);
    this.experiments = new ExperimentTracker(db, artifacts, this.#now);
  }

  /** Opens (or creates) the store at `options.root`. */
  static async open(options: ModelManagerOptions): Promise<ModelManager> {
    await mkdir(options.root, { recursive: true });
    const artifacts = await ArtifactStore.open(join(options.root, 'artifacts'));
    return new ModelManager(openDatabase(join(options.root, 'store.db')), artifacts, options);
  }

  /** Closes the database and disposes cached models. */
  close(): void {
    this.#cache.clear();
    this.#db.close();
  }

  // ---- models ----------------------------------------------------------------

  /** Registers a model, or updates its description, tags and names. Its versions are always kept. */
  registerModel(registration: ModelRegistration): ModelInfo {
    const now = this.#now();
    this.#db
      .prepare(
        `INSERT INTO models (id, name, framework, task_type, description, tags, created_at, updated_at)
         VALUES (@id, @name, @framework, @taskType, @description, @tags, @now, @now)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, framework = excluded.framework,
           task_type = excluded.task_type, description = excluded.description, tags = excluded.tags,
           updated_at = excluded.updated_at`,
      )
      .run({
        id: nonEmpty('id', registration.id),
        name: nonEmpty('name', registration.name),
        framework: nonEmpty('framework', registration.framework),
        taskType: nonEmpty('taskType', registration.taskType),
        description: registration.description ?? '',
        tags: JSON.stringify(registration.tags ?? []),
        now,
      });
    return this.getModel(registration.id);
  }

  /** One model with its versions and aliases; `ModelNotFoundError` when there is none. */
  getModel(id: string): ModelInfo {
    const row = this.#db.prepare('SELECT * FROM models WHERE id = ?').get(id) as
      | ModelRow
      | undefined;
    if (!row) throw new ModelNotFoundError(`Model '${id}'`, 'register it first with registerModel');
    return this.#toModelInfo(row);
  }

  /** Models, optionally filtered by framework, task type, and tags (all must match). */
  listModels(filter: { framework?: string; taskType?: string; tags?: string[] } = {}): ModelInfo[] {
    const rows = this.#db.prepare('SELECT * FROM models ORDER BY id').all() as ModelRow[];
    return rows
      .map((row) => this.#toModelInfo(row))
      .filter(
        (model) =>
          (filter.framework === undefined || model.framework === filter.framework) &&
          (filter.taskType === undefined || model.taskType === filter.taskType) &&
          (filter.tags ?? []).every((tag) => model.tags.includes(tag)),
      );
  }

  /** Deletes a model. Refused while it has versions, unless `force` (which deletes them too). */
  async deleteModel(id: string, options: { force?: boolean } = {}): Promise<void> {
    const model = this.getModel(id);
    if (model.versions.length > 0 && !options.force) {
      throw new ModelInUseError(
        `Model '${id}' still has versions (${model.versions.join(', ')}); delete them first or pass { force: true }.`,
      );
    }
    for (const version of model.versions) await this.deleteVersion(id, version, { force: true });
    this.#db.prepare('DELETE FROM models WHERE id = ?').run(id);
  }

  // ---- versions --------------------------------------------------------------

  /**
   * Imports the folder or file at `path` into the artifact store and records it
   * as `version` of model `modelId`. The files are copied and hashed first; the
   * version becomes visible only in the final transaction, so a crash part-way
   * leaves no half-registered version.
   */
  async addVersion(
    modelId: string,
    version: string,
    options: { path: string; metadata?: JsonObject; sourceRunId?: string },
  ): Promise<ModelVersionInfo> {
    this.getModel(modelId);
    requireSemver(version);
    const metadata = parseWith('metadata', jsonObjectSchema, options.metadata ?? {});
    if (options.sourceRunId !== undefined) this.experiments.getRun(options.sourceRunId);
    if (this.#versionRow(modelId, version)) {
      throw new InvalidModelInputError(
        'version',
        `${modelId}@${version} already exists; versions are immutable, add a new one`,
      );
    }
    const digest = await this.#artifacts.import(options.path);
    try {
      this.#db
        .prepare(
          `INSERT INTO versions (model_id, version, content_hash, size_bytes, metadata, source_run_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          modelId,
          version,
          digest.hash,
          digest.size,
          JSON.stringify(metadata),
          options.sourceRunId ?? null,
          this.#now(),
        );
    } catch (error) {
      // Another process added the same version between our check and this insert.
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new InvalidModelInputError(
          'version',
          `${modelId}@${version} already exists; versions are immutable, add a new one`,
        );
      }
      throw error;
    }
    return this.getVersion(modelId, version);
  }

  /** A version by number, alias, or `latest`. */
  getVersion(modelId: string, versionOrAlias = 'latest'): ModelVersionInfo {
    const version = this.resolveVersion(modelId, versionOrAlias);
    const row = this.#versionRow(modelId, version);
    if (!row)
      throw new ModelNotFoundError(`${modelId}@${version}`, 'list the versions with getModel');
    return toVersionInfo(row);
  }

  /** Resolves `latest` (highest semver, not deprecated), an alias, or a version number. */
  resolveVersion(modelId: string, versionOrAlias: string): string {
    const model = this.getModel(modelId);
    if (versionOrAlias === 'latest') {
      if (model.latest === undefined)
        throw new ModelNotFoundError(`A version of '${modelId}'`, 'add one with addVersion');
      return model.latest;
    }
    const aliased = model.aliases[versionOrAlias];
    if (aliased !== undefined) return aliased;
    if (model.versions.includes(versionOrAlias)) return versionOrAlias;
    throw new ModelNotFoundError(
      `Version or alias '${versionOrAlias}' of '${modelId}'`,
      `it has versions ${model.versions.join(', ') || '(none)'} and aliases ${Object.keys(model.aliases).join(', ') || '(none)'}`,
    );
  }

  /** Points `alias` (e.g. `production`) at `version`. */
  setAlias(modelId: string, alias: string, version: string): void {
    nonEmpty('alias', alias);
    if (alias === 'latest' || isSemver(alias)) {
      throw new InvalidModelInputError(
        'alias',
        `'${alias}' would shadow a version; pick a name such as 'production'`,
      );
    }
    const target = this.getVersion(modelId, version).version;
    this.#db
      .prepare(
        `INSERT INTO aliases (model_id, alias, version, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (model_id, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at`,
      )
      .run(modelId, alias, target, this.#now());
  }

  /** Removes an alias; its version stays. */
  removeAlias(modelId: string, alias: string): void {
    this.#db.prepare('DELETE FROM aliases WHERE model_id = ? AND alias = ?').run(modelId, alias);
  }

  /** Marks a version deprecated: it stays loadable by number or alias, but is never `latest`. */
  deprecateVersion(modelId: string, version: string): void {
    this.getVersion(modelId, version);
    this.#db
      .prepare('UPDATE versions SET deprecated = 1 WHERE model_id = ? AND version = ?')
      .run(modelId, version);
  }

  /**
   * Deletes a version. Refused while an alias points at it, unless `force`
   * (which removes those aliases). Its files are removed once no other version
   * or run artifact shares them.
   */
  async deleteVersion(
    modelId: string,
    version: string,
    options: { force?: boolean } = {},
  ): Promise<void> {
    const info = this.getVersion(modelId, version);
    const aliases = Object.entries(this.getModel(modelId).aliases).filter(([, v]) => v === version);
    if (aliases.length > 0 && !options.force) {
      throw new ModelInUseError(
        `${modelId}@${version} is aliased as ${aliases.map(([a]) => a).join(', ')}; move the alias or pass { force: true }.`,
      );
    }
    this.#db.transaction(() => {
      this.#db
        .prepare('DELETE FROM aliases WHERE model_id = ? AND version = ?')
        .run(modelId, version);
      this.#db
        .prepare('DELETE FROM versions WHERE model_id = ? AND version = ?')
        .run(modelId, version);
    })();
    this.#cache.evict(`${modelId}@${version}`);
    await this.#artifacts.removeIfUnused(info.contentHash, (hash) => this.#hashInUse(hash));
  }

  // ---- files and loading -----------------------------------------------------

  /** The folder holding a version's files, after checking they still match their hash. */
  async artifactPath(modelId: string, versionOrAlias = 'latest'): Promise<string> {
    const info = this.getVersion(modelId, versionOrAlias);
    return this.#artifacts.verify(info.contentHash, `${modelId}@${info.version}`);
  }

  /**
   * The path of one file inside a version's (verified) files, e.g.
   * `onnx/model.onnx`. A path that would leave the artifact (`..`, absolute)
   * is refused with `PathEscapeError`.
   */
  async artifactFile(
    modelId: string,
    versionOrAlias: string,
    relativePath: string,
  ): Promise<string> {
    const info = this.getVersion(modelId, versionOrAlias);
    const file = this.#artifacts.resolveInside(info.contentHash, relativePath);
    await this.#artifacts.verify(info.contentHash, `${modelId}@${info.version}`);
    return file;
  }

  /**
   * Uses `loader` for models of `framework` (replacing any earlier one).
   * `onnx` and `transformers.js` are registered by default; both load their
   * runtime only when first used.
   */
  registerLoader(framework: string, loader: ModelLoader): void {
    this.#loaders.set(nonEmpty('framework', framework), loader);
  }

  /**
   * Loads a version (checksums verified first) through its framework's loader.
   * Loaded models are cached by bytes; concurrent loads of one version share a
   * single load.
   */
  async loadModel<M = unknown>(modelId: string, versionOrAlias = 'latest'): Promise<M> {
    const model = this.getModel(modelId);
    const info = this.getVersion(modelId, versionOrAlias);
    const loader = this.#loaders.get(model.framework) as ModelLoader<M> | undefined;
    if (!loader) {
      throw new LoaderUnavailableError(
        `No loader for framework '${model.framework}' (model '${modelId}'); register one with registerLoader.`,
      );
    }
    return this.#cache.get(
      `${modelId}@${info.version}`,
      info.sizeBytes,
      async () =>
        loader.load(
          await this.#artifacts.verify(info.contentHash, `${modelId}@${info.version}`),
          info,
        ),
      loader.dispose?.bind(loader),
    );
  }

  /** Drops a loaded version (or all versions of the model) from memory. */
  unloadModel(modelId: string, version?: string): void {
    this.#cache.evict(version === undefined ? `${modelId}@` : `${modelId}@${version}`);
  }

  // ---- inference tracking ----------------------------------------------------

  /** Records one inference call of a version: its latency and how many items it served. */
  trackInference(modelId: string, version: string, latencyMs: number, batchSize = 1): void {
    const key = `${modelId}@${this.getVersion(modelId, version).version}`;
    const stats = this.#inference.get(key) ?? { latency: new LatencyHistogram(), items: 0 };
    stats.latency.record(latencyMs);
    stats.items += batchSize;
    this.#inference.set(key, stats);
  }

  /** Calls, items and latency per tracked version, keyed `model@version`. */
  getPerformanceSummary(): Record<
    string,
    { calls: number; items: number; latency: LatencySnapshot }
  > {
    const summary: Record<string, { calls: number; items: number; latency: LatencySnapshot }> = {};
    for (const [key, stats] of this.#inference) {
      summary[key] = {
        calls: stats.latency.count,
        items: stats.items,
        latency: stats.latency.snapshot(),
      };
    }
    return summary;
  }

  // ---- internals -------------------------------------------------------------

  #versionRow(modelId: string, version: string): VersionRow | undefined {
    return this.#db
      .prepare('SELECT * FROM versions WHERE model_id = ? AND version = ?')
      .get(modelId, version) as VersionRow | undefined;
  }

  #hashInUse(hash: string): boolean {
    const row = this.#db
      .prepare(
        `SELECT (SELECT COUNT(*) FROM versions WHERE content_hash = ?) + (SELECT COUNT(*) FROM run_artifacts WHERE content_hash = ?) AS uses`,
      )
      .get(hash, hash) as { uses: number };
    return row.uses > 0;
  }

  #toModelInfo(row: ModelRow): ModelInfo {
    const versionRows = this.#db
      .prepare('SELECT version, deprecated FROM versions WHERE model_id = ?')
      .all(row.id) as {
      version: string;
      deprecated: number;
    }[];
    const versions = highestFirst(versionRows.map((v) => v.version));
    const deprecated = new Set(versionRows.filter((v) => v.deprecated === 1).map((v) => v.version));
    const aliasRows = this.#db
      .prepare('SELECT alias, version FROM aliases WHERE model_id = ? ORDER BY alias')
      .all(row.id) as {
      alias: string;
      version: string;
    }[];
    return {
      id: row.id,
      name: row.name,
      framework: row.framework,
      taskType: row.task_type,
      description: row.description,
      tags: parseJson(row.tags, z.array(z.string()), { typeName: 'stored tags' }),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
      versions,
      latest: versions.find((v) => !deprecated.has(v)),
      aliases: Object.fromEntries(aliasRows.map((a) => [a.alias, a.version])),
    };
  }
}

function toVersionInfo(row: VersionRow): ModelVersionInfo {
  return {
    modelId: row.model_id,
    version: row.version,
    contentHash: row.content_hash,
    sizeBytes: row.size_bytes,
    metadata: parseJson(row.metadata, jsonObjectSchema),
    sourceRunId: row.source_run_id ?? undefined,
    deprecated: row.deprecated === 1,
    createdAt: row.created_at,
  };
}
