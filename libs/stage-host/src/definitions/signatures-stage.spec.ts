import { EventEmitter } from 'node:events';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { StageMetrics } from '@ids/observability';
import { RuleSetHolder } from '@ids/stages';
import { SignatureRulesReloader } from './signatures-stage';

const rule = (sid: number) => `alert udp any any -> any 53 (msg:"m${sid}"; content:"c${sid}"; sid:${sid};)`;

function setup(watcher: { pollIntervalMs: number; debounceMs: number; watch: boolean } | null = null) {
  const dir = mkdtempSync(join(tmpdir(), 'ids-reloader-'));
  const file = join(dir, 'local.rules');
  writeFileSync(file, `${rule(1)}\n`);
  const lines: { level: number; msg: string; error?: string }[] = [];
  const logger = pino({ level: 'info' }, new Writable({ write(chunk: Buffer, _e, done) { lines.push(JSON.parse(chunk.toString())); done(); } }));
  const metrics = new StageMetrics('signatures', false);
  const signals = new EventEmitter();
  const holder = new RuleSetHolder(file);
  const reloader = new SignatureRulesReloader(holder, file, { logger, metrics, signals, watcher });
  const count = async (name: string, labels: Record<string, string> = {}) => {
    const values = (await metrics.registry.getSingleMetric(name)!.get()).values;
    return values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value;
  };
  return { file, holder, reloader, signals, lines, count };
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('SignatureRulesReloader', () => {
  it('reloads on SIGHUP, counts the outcome and shows the serving version', async () => {
    const s = setup();
    s.reloader.start();
    try {
      writeFileSync(s.file, `${rule(1)}\n${rule(2)}\n`);
      s.signals.emit('SIGHUP');
      expect(s.holder.current.rules.map((r) => r.sid)).toEqual([1, 2]);
      s.signals.emit('SIGHUP');
      expect({
        applied: await s.count('ids_signature_rule_reloads_total', { outcome: 'applied' }),
        unchanged: await s.count('ids_signature_rule_reloads_total', { outcome: 'unchanged' }),
        rejected: await s.count('ids_signature_rule_reloads_total', { outcome: 'rejected' }),
        version: await s.count('ids_signature_rules_version'),
        rules: await s.count('ids_signature_rules'),
      }).toEqual({ applied: 1, unchanged: 1, rejected: 0, version: 2, rules: 2 });
      expect(s.reloader.health()).toEqual({ rules: { version: 2, count: 2, skipped: 0, lastReload: { trigger: 'sighup', outcome: 'unchanged' } } });
    } finally {
      s.reloader.stop();
    }
  });

  it('keeps the previous set on a broken reload and logs every error with file and line', async () => {
    const s = setup();
    s.reloader.start();
    try {
      writeFileSync(s.file, 'alert udp any any -> any 53 (msg:"m1"; bogus; sid:1;)\n');
      s.signals.emit('SIGHUP');
      expect(s.holder.current.rules.map((r) => r.sid)).toEqual([1]);
      expect(await s.count('ids_signature_rule_reloads_total', { outcome: 'rejected' })).toBe(1);
      expect(await s.count('ids_signature_rules_version')).toBe(1);
      const errors = s.lines.filter((l) => l.level === 50);
      expect(errors.map((l) => l.error ?? l.msg)).toEqual([
        expect.stringContaining('rule reload rejected, the previous rule set (version 1) keeps serving'),
        `${s.file}:1: sid 1: unsupported keyword 'bogus'`,
      ]);
    } finally {
      s.reloader.stop();
    }
  });

  it('no longer listens to SIGHUP once stopped', () => {
    const s = setup();
    s.reloader.start();
    s.reloader.stop();
    expect(s.signals.listenerCount('SIGHUP')).toBe(0);
    writeFileSync(s.file, `${rule(1)}\n${rule(2)}\n`);
    s.signals.emit('SIGHUP');
    expect(s.holder.version).toBe(1);
  });

  it('reloads when the rules file changes (poll, debounced), without a signal', async () => {
    const s = setup({ pollIntervalMs: 20, debounceMs: 30, watch: false });
    s.reloader.start();
    try {
      await settle(100);
      expect(s.holder.version).toBe(1); // polls without a change reload nothing
      writeFileSync(s.file, `${rule(1)}\n${rule(2)}\n${rule(3)}\n`);
      for (let i = 0; i < 100 && s.holder.version === 1; i++) await settle(20);
      expect({ version: s.holder.version, sids: s.holder.current.rules.map((r) => r.sid), health: s.reloader.health() })
        .toEqual({ version: 2, sids: [1, 2, 3], health: { rules: { version: 2, count: 3, skipped: 0, lastReload: { trigger: 'file-change', outcome: 'applied' } } } });
    } finally {
      s.reloader.stop();
    }
  });

  it('reloads on a change seen by fs.watch', async () => {
    const s = setup({ pollIntervalMs: 0, debounceMs: 30, watch: true });
    s.reloader.start();
    try {
      writeFileSync(s.file, `${rule(1)}\n${rule(2)}\n`);
      for (let i = 0; i < 100 && s.holder.version === 1; i++) await settle(20);
      expect(s.holder.version).toBe(2);
    } finally {
      s.reloader.stop();
    }
  });
});
