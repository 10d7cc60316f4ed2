import { existsSync, readFileSync, readdirSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '@ids/observability';
import { InferenceError, ModelMetadataInvalidError, ModelNotAvailableError } from './inference.errors';
import { compareSemver, isSemver, parseModelMetadata, parseModelRoles, type ModelMetadata, type ModelRoles } from './model-metadata';

/** One version directory that passed validation. */
export interface ModelArtifact {
  /** name@version */
  key: string;
  dir: string;
  metadata: ModelMetadata;
}

/** The models serving now, one per role, plus shadows. */
export interface ModelSnapshot {
  classifier: ModelArtifact | null;
  anomaly: ModelArtifact | null;
  shadows: ModelArtifact[];
  /** Identity of the set (name@version of each), part of every cache key. */
  id: string;
}

/** Opens a model for serving (sessions in the pool); rejects when the model file is unusable. */
export type ModelActivator = (artifact: ModelArtifact) => Promise<void>;

export interface ModelRegistryOptions {
  /** The `models/` directory holding registry.json and <name>/<version>/. */
  dir: string;
  logger?: Logger;
  /** Polling interval, the fallback when fs.watch is unavailable or misses events. Default 5000 ms; 0 = off. */
  pollIntervalMs?: number;
  /** Quiet time after the last change before a reload, so a version being copied is read whole. Default 500 ms. */
  debounceMs?: number;
  /** fs.watch on the directory tree. Default true. */
  watch?: boolean;
}

export interface ModelProblem {
  key: string;
  error: string;
}

const META = 'metadata.json';

export function snapshotId(s: Omit<ModelSnapshot, 'id'>): string {
  return [s.classifier?.key ?? '-', s.anomaly?.key ?? '-', ...s.shadows.map((m) => `shadow:${m.key}`)].join(',');
}

/**
 * Reads models/registry.json and the version directories, and finds the highest version of each
 * named model that validates and opens. A version that fails (bad metadata, a model.onnx ONNX
 * Runtime refuses) is logged with the file at fault and remembered as bad until its files change,
 * so the version below it, usually the one serving, keeps serving.
 */
export class ModelRegistry {
  private readonly bad = new Map<string, { signature: string; error: string }>();
  private watcher: FSWatcher | null = null;
  private pollTimer: NodeJS.Timeout | null = null;
  private debounceTimer: NodeJS.Timeout | null = null;
  private lastSignature = '';

  constructor(private readonly options: ModelRegistryOptions) {}

  get dir(): string {
    return this.options.dir;
  }

  /** Versions that were refused, with the reason. */
  get problems(): ModelProblem[] {
    return [...this.bad].map(([key, b]) => ({ key, error: b.error }));
  }

  readRoles(): ModelRoles {
    const file = join(this.options.dir, 'registry.json');
    return parseModelRoles(readJson(file), file);
  }

  /**
   * The snapshot to serve: for each role, walks the versions from the highest down and returns
   * the first that `activate` accepts. Throws ModelNotAvailableError when a role named in
   * registry.json has no usable version.
   */
  async resolve(activate: ModelActivator): Promise<ModelSnapshot> {
    const roles = this.readRoles();
    const classifier = roles.classifier ? await this.pick(roles.classifier, 'classifier', activate) : null;
    const anomaly = roles.anomaly ? await this.pick(roles.anomaly, 'anomaly', activate) : null;
    const schema = (classifier ?? anomaly)!.metadata.feature_schema;
    if (classifier && anomaly && anomaly.metadata.feature_schema !== schema) {
      throw new ModelMetadataInvalidError(join(anomaly.dir, META), 'feature_schema', `is "${anomaly.metadata.feature_schema}" but the classifier ${classifier.key} uses "${schema}"`);
    }
    const shadows: ModelArtifact[] = [];
    for (const name of roles.shadow) {
      try {
        const shadow = await this.pick(name, null, activate);
        if (shadow.metadata.feature_schema !== schema) {
          throw new ModelMetadataInvalidError(join(shadow.dir, META), 'feature_schema', `is "${shadow.metadata.feature_schema}", the serving models use "${schema}"`);
        }
        shadows.push(shadow);
      } catch (err) {
        // a broken shadow never stops the models that alert
        this.options.logger?.error({ model: name, err: (err as Error).message }, 'shadow model skipped');
      }
    }
    const partial = { classifier, anomaly, shadows };
    return { ...partial, id: snapshotId(partial) };
  }

  /** Calls `onChange` (debounced) when the models directory changes. */
  watch(onChange: () => void): void {
    this.stop();
    this.lastSignature = this.signature();
    const changed = (): void => {
      if (this.debounceTimer) clearTimeout(this.debounceTimer);
      this.debounceTimer = setTimeout(() => {
        this.debounceTimer = null;
        const signature = this.signature();
        if (signature === this.lastSignature) return;
        this.lastSignature = signature;
        onChange();
      }, this.options.debounceMs ?? 500);
      this.debounceTimer.unref();
    };
    if (this.options.watch ?? true) {
      try {
        this.watcher = watch(this.options.dir, { recursive: true, persistent: false }, changed);
        this.watcher.on('error', (err) => this.options.logger?.warn({ err: err.message }, 'model directory watch failed; polling only'));
      } catch (err) {
        this.options.logger?.warn({ err: (err as Error).message }, 'fs.watch unavailable; polling the model directory');
      }
    }
    const poll = this.options.pollIntervalMs ?? 5_000;
    if (poll > 0) {
      this.pollTimer = setInterval(changed, poll);
      this.pollTimer.unref();
    }
  }

  stop(): void {
    this.watcher?.close();
    this.watcher = null;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.debounceTimer) clearTimeout(this.debounceTimer);
    this.pollTimer = this.debounceTimer = null;
  }

  /** name, size and mtime of everything that decides what serves: cheap to compute on each poll. */
  private signature(): string {
    const parts: string[] = [];
    const walk = (dir: string, depth: number): void => {
      let names: string[];
      try {
        names = readdirSync(dir).sort();
      } catch {
        return;
      }
      for (const name of names) {
        const path = join(dir, name);
        try {
          const st = statSync(path);
          parts.push(`${path}:${st.size}:${st.mtimeMs}`);
          if (st.isDirectory() && depth < 2) walk(path, depth + 1);
        } catch {
          /* removed while walking: the next poll sees it */
        }
      }
    };
    walk(this.options.dir, 0);
    return parts.join('|');
  }

  private versions(name: string): string[] {
    const dir = join(this.options.dir, name);
    if (!existsSync(dir)) return [];
    return readdirSync(dir).filter((v) => isSemver(v) && statSync(join(dir, v)).isDirectory()).sort(compareSemver).reverse();
  }

  private async pick(name: string, role: 'classifier' | 'anomaly' | null, activate: ModelActivator): Promise<ModelArtifact> {
    const reasons: string[] = [];
    for (const version of this.versions(name)) {
      const dir = join(this.options.dir, name, version);
      const key = `${name}@${version}`;
      const metaFile = join(dir, META);
      // metadata.json is written last by the training pipeline: without it the version is incomplete, not bad
      if (!existsSync(metaFile)) continue;
      const signature = fileSignature(dir);
      const known = this.bad.get(key);
      if (known && known.signature === signature) {
        reasons.push(`${key}: ${known.error}`);
        continue;
      }
      try {
        const metadata = parseModelMetadata(readJson(metaFile), metaFile, { name, version });
        if (role && metadata.role !== role) throw new ModelMetadataInvalidError(metaFile, 'role', `is "${metadata.role}" but registry.json serves ${name} as ${role}`);
        const modelFile = join(dir, metadata.file);
        if (!existsSync(modelFile)) continue;
        const artifact = { key, dir, metadata };
        await activate(artifact);
        this.bad.delete(key);
        return artifact;
      } catch (err) {
        if (!(err instanceof InferenceError)) throw err;
        this.bad.set(key, { signature, error: err.message });
        reasons.push(`${key}: ${err.message}`);
        this.options.logger?.error({ model: key, code: err.code, err: err.message }, 'model version refused; a lower version serves');
      }
    }
    throw new ModelNotAvailableError(role ?? 'shadow', `${name}: ${reasons.length > 0 ? reasons.join('; ') : `no complete version in ${join(this.options.dir, name)}`}`);
  }
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new ModelMetadataInvalidError(file, '(file)', `cannot be read: ${(err as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ModelMetadataInvalidError(file, '(file)', `is not valid JSON: ${(err as Error).message}`);
  }
}

function fileSignature(dir: string): string {
  return readdirSync(dir).sort().map((f) => {
    const st = statSync(join(dir, f));
    return `${f}:${st.size}:${st.mtimeMs}`;
  }).join('|');
}
