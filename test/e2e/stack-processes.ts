import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { ALL_TOPICS, repoRoot } from '@ids/contracts';
import { applyTopics, fromSpec } from '@ids/kafka';

/** Starts a compiled stage app (`dist/apps/<stage>/src/main.js`) as its own process. */
export function startApp(stage: string, env: Record<string, string>): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const main = join(repoRoot(), 'dist', 'apps', stage, 'src', 'main.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run 'npm run build' (make test does) before the end-to-end tests`);
  let output = '';
  const child = spawn(process.execPath, [main], { env: { ...process.env, IDS_LOG_LEVEL: 'warn', IDS_HTTP_PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => { output += d; });
  child.stderr!.on('data', (d) => { output += d; });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    keepLog(stage, child.pid, output);
    resolve(code);
  }));
  return { child, output: () => output, exited };
}

/** With IDS_E2E_LOG_DIR set, each app's whole output is kept there when it exits (for diagnosis). */
function keepLog(stage: string, pid: number | undefined, output: string): void {
  const dir = process.env.IDS_E2E_LOG_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${stage}-${pid ?? 'unknown'}.log`), output);
}

export async function stopApp(app: { child: ChildProcess; exited: Promise<number | null> }): Promise<void> {
  if (app.child.exitCode !== null) return;
  app.child.kill('SIGTERM');
  const timer = setTimeout(() => app.child.kill('SIGKILL'), 15_000);
  await app.exited;
  clearTimeout(timer);
}

/** Polls `probe` until it returns a value `done` accepts, or fails after `timeoutMs`. */
export async function eventually<T>(probe: () => Promise<T>, done: (v: T) => boolean, timeoutMs: number, what: string): Promise<T> {
  const started = Date.now();
  let last: T | undefined;
  while (Date.now() - started < timeoutMs) {
    last = await probe();
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)}`);
}

/**
 * Creates the registry's topics that are missing, as `ids topics apply` does, so a test may read
 * a topic's offsets before the stage that writes it has started (on a fresh broker, where this
 * test may run first, the topic does not exist until then).
 */
export async function registryTopicsExist(admin: Admin): Promise<void> {
  await applyTopics(admin, ALL_TOPICS.map(fromSpec));
}

/**
 * What an end-to-end suite that runs apps against Kafka and ClickHouse holds, with the hooks that
 * set it up (admin connected, the registry's topics created) and clean it up (its apps stopped,
 * its ClickHouse database dropped, the clients closed). Call it inside `describe`.
 */
export function e2eSuite(name: string, teardownMs = 60_000): {
  database: string; kafka: Kafka; admin: Admin; clickhouse: ClickHouseClient; apps: ReturnType<typeof startApp>[];
} {
  const database = `ids_e2e_${name}_${Date.now()}`;
  const kafka = new Kafka({ clientId: `${name}-test`, brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  // the client connects on its first request, so it can be made here
  const clickhouse = createClient({ url: process.env.IDS_CLICKHOUSE_URL ?? 'http://127.0.0.1:8123' });
  const apps: ReturnType<typeof startApp>[] = [];
  beforeAll(async () => { await admin.connect(); await registryTopicsExist(admin); });
  afterAll(async () => {
    for (const app of apps) await stopApp(app);
    await clickhouse.command({ query: `DROP DATABASE IF EXISTS ${database}` }).catch(() => undefined);
    await clickhouse.close();
    await admin.disconnect();
  }, teardownMs);
  return { database, kafka, admin, clickhouse, apps };
}
