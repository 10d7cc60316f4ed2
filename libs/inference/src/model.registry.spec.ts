import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ModelLoadError, ModelMetadataInvalidError, ModelNotAvailableError } from './inference.errors';
import { ModelRegistry, type ModelArtifact } from './model.registry';

const SOURCE = join(__dirname, '..', 'test-models', 'models');

/** Copies the test models, optionally as another version whose metadata `edit` changes. */
function addVersion(dir: string, name: string, version: string, edit: (m: Record<string, unknown>) => void = () => undefined): string {
  const target = join(dir, name, version);
  cpSync(join(SOURCE, name, '1.0.0'), target, { recursive: true });
  const meta = JSON.parse(readFileSync(join(target, 'metadata.json'), 'utf8')) as Record<string, unknown>;
  meta.version = version;
  edit(meta);
  writeFileSync(join(target, 'metadata.json'), JSON.stringify(meta));
  return target;
}

describe('ModelRegistry', () => {
  let dir: string;
  const accept = async (): Promise<void> => undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ids-models-'));
    cpSync(SOURCE, dir, { recursive: true });
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('serves each role named in registry.json, shadows included', async () => {
    const s = await new ModelRegistry({ dir }).resolve(accept);
    expect([s.classifier?.key, s.anomaly?.key, s.shadows.map((m) => m.key)]).toEqual(['flow-gbdt@1.0.0', 'flow-ae@1.0.0', ['flow-mlp@1.0.0']]);
    expect(s.id).toBe('flow-gbdt@1.0.0,flow-ae@1.0.0,shadow:flow-mlp@1.0.0');
  });

  it('serves the highest version in numeric order (1.10.0 above 1.9.0)', async () => {
    addVersion(dir, 'flow-gbdt', '1.9.0');
    addVersion(dir, 'flow-gbdt', '1.10.0');
    const s = await new ModelRegistry({ dir }).resolve(accept);
    expect(s.classifier?.key).toBe('flow-gbdt@1.10.0');
  });

  it('skips an incomplete version (no metadata.json yet) without calling it bad', async () => {
    const target = addVersion(dir, 'flow-gbdt', '2.0.0');
    rmSync(join(target, 'metadata.json'));
    const registry = new ModelRegistry({ dir });
    expect((await registry.resolve(accept)).classifier?.key).toBe('flow-gbdt@1.0.0');
    expect(registry.problems).toEqual([]);
  });

  it.each([
    ['a missing role', (m: Record<string, unknown>) => { delete m.role; }, 'role'],
    ['classes missing on a classifier', (m: Record<string, unknown>) => { delete m.classes; }, 'classes'],
    ['an alert threshold above 1', (m: Record<string, unknown>) => { m.thresholds = { alert: 2 }; }, 'thresholds.alert'],
    ['a version that is not the directory\'s', (m: Record<string, unknown>) => { m.version = '9.9.9'; }, 'version'],
    ['empty feature_names', (m: Record<string, unknown>) => { m.feature_names = []; }, 'feature_names'],
    ['an unknown operators kind', (m: Record<string, unknown>) => { m.operators = 'gpu'; }, 'operators'],
  ])('refuses %s, naming file and field, and the previous version keeps serving', async (_name, edit, field) => {
    const target = addVersion(dir, 'flow-gbdt', '1.1.0', edit);
    const registry = new ModelRegistry({ dir });
    expect((await registry.resolve(accept)).classifier?.key).toBe('flow-gbdt@1.0.0');
    expect(registry.problems).toHaveLength(1);
    expect(registry.problems[0].key).toBe('flow-gbdt@1.1.0');
    expect(registry.problems[0].error).toContain(join(target, 'metadata.json'));
    expect(registry.problems[0].error).toContain(`field "${field}"`);
  });

  it('falls back to the version below when the activator refuses the model file', async () => {
    addVersion(dir, 'flow-gbdt', '1.1.0');
    const activate = async (a: ModelArtifact): Promise<void> => {
      if (a.key === 'flow-gbdt@1.1.0') throw new ModelLoadError(join(a.dir, 'model.onnx'), 'protobuf parsing failed');
    };
    const registry = new ModelRegistry({ dir });
    expect((await registry.resolve(activate)).classifier?.key).toBe('flow-gbdt@1.0.0');
    expect(registry.problems[0].error).toContain('protobuf parsing failed');
  });

  it('says which model has no usable version', async () => {
    rmSync(join(dir, 'flow-gbdt'), { recursive: true });
    await expect(new ModelRegistry({ dir }).resolve(accept)).rejects.toThrow(ModelNotAvailableError);
  });

  it('refuses a model registered under the wrong role', async () => {
    writeFileSync(join(dir, 'registry.json'), JSON.stringify({ classifier: 'flow-ae' }));
    await expect(new ModelRegistry({ dir }).resolve(accept)).rejects.toThrow('field "role" is "anomaly" but registry.json serves flow-ae as classifier');
  });

  it('skips a shadow whose feature schema differs, keeping the serving models', async () => {
    rmSync(join(dir, 'flow-mlp', '1.0.0'), { recursive: true });
    addVersion(dir, 'flow-mlp', '1.0.0', (m) => { m.feature_schema = 'other/2'; });
    const s = await new ModelRegistry({ dir }).resolve(accept);
    expect(s.shadows).toEqual([]);
    expect(s.classifier?.key).toBe('flow-gbdt@1.0.0');
  });

  it('names registry.json when it is not JSON', async () => {
    writeFileSync(join(dir, 'registry.json'), '{ nope');
    const err = await new ModelRegistry({ dir }).resolve(accept).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ModelMetadataInvalidError);
    expect((err as ModelMetadataInvalidError).file).toBe(join(dir, 'registry.json'));
  });

  it('calls back once, debounced, when a version directory appears', async () => {
    const registry = new ModelRegistry({ dir, debounceMs: 50, pollIntervalMs: 100 });
    let calls = 0;
    registry.watch(() => { calls++; });
    addVersion(dir, 'flow-gbdt', '1.1.0');
    await new Promise((r) => setTimeout(r, 400));
    registry.stop();
    expect(calls).toBe(1);
  });
});
