import type { JsonObject } from '@mt/protocol';

/** What {@link ModelManager.registerModel} takes. */
export interface ModelRegistration {
  /** Stable identifier, e.g. `gpt2-tiny`. */
  id: string;
  name: string;
  /** e.g. `onnx`, `transformers.js`; picks the loader. */
  framework: string;
  /** e.g. `text-generation`, `image-classification`. */
  taskType: string;
  description?: string;
  tags?: string[];
}

/** A registered model. */
export interface ModelInfo extends Required<ModelRegistration> {
  createdAt: number;
  updatedAt: number;
  /** Versions, highest semver first. */
  versions: string[];
  /** The highest semver version that is not deprecated, if any. */
  latest: string | undefined;
  aliases: Record<string, string>;
}

/** A stored version of a model. */
export interface ModelVersionInfo {
  modelId: string;
  version: string;
  /** SHA-256 over the sorted relative paths, sizes and bytes of its files. */
  contentHash: string;
  sizeBytes: number;
  metadata: JsonObject;
  /** The experiment run that produced it, when known (lineage). */
  sourceRunId: string | undefined;
  deprecated: boolean;
  createdAt: number;
}
