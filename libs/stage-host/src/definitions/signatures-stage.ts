import type { IdsConfig } from '@ids/config';
import type { Logger, StageMetrics } from '@ids/observability';
import { RuleSetHolder, RulesPathWatcher, signaturesTopology, type RuleReloadResult, type RulesPathWatcherOptions } from '@ids/stages';
import type { StageDefinition } from '../stage-definition';
import { topologyStage } from './topology-stage';

/** HOME_NET / EXTERNAL_NET overrides (IDS_HOME_NET / IDS_EXTERNAL_NET, or `ids analyze --home-net`), as rule variables. */
export function ruleVariablesFrom({ homeNet, externalNet }: Pick<IdsConfig['signatures'], 'homeNet' | 'externalNet'>): Record<string, string> {
  return { ...(homeNet === undefined ? {} : { HOME_NET: homeNet }), ...(externalNet === undefined ? {} : { EXTERNAL_NET: externalNet }) };
}

export type RuleReloadTrigger = 'sighup' | 'file-change';

/** What sends SIGHUP: `process`, or an EventEmitter in tests. */
export interface SignalSource {
  on(signal: 'SIGHUP', listener: () => void): unknown;
  off(signal: 'SIGHUP', listener: () => void): unknown;
}

export interface SignatureRulesReloaderOptions {
  logger: Logger;
  metrics: StageMetrics;
  /** Default `process`. */
  signals?: SignalSource;
  /** Watch the rules path; null: SIGHUP only. Default: a RulesPathWatcher with its defaults. */
  watcher?: RulesPathWatcherOptions | null;
}

/**
 * Reloads the rule set on SIGHUP and when the rules path changes (fs.watch with a poll fallback,
 * debounced), and says how each reload went: a rejected one is logged at error with every
 * `file:line: reason` and the previous set goes on serving; skipped rules of an applied one are
 * logged at warn, as at start. Counted in `ids_signature_rule_reloads_total{outcome}`; the serving
 * version and rule count are the gauges `ids_signature_rules_version` and `ids_signature_rules`.
 */
export class SignatureRulesReloader {
  private readonly reloads;
  private readonly versionGauge;
  private readonly rulesGauge;
  private readonly watcher: RulesPathWatcher | null;
  private readonly onSighup = (): void => { this.reload('sighup'); };
  private last: { trigger: RuleReloadTrigger; outcome: RuleReloadResult['outcome']; reason?: string } | null = null;

  constructor(private readonly holder: RuleSetHolder, private readonly path: string, private readonly options: SignatureRulesReloaderOptions) {
    const { metrics } = options;
    this.reloads = metrics.counter('ids_signature_rule_reloads_total', 'Signature rule reloads, by outcome (applied, unchanged, rejected).', ['outcome']);
    this.versionGauge = metrics.gauge('ids_signature_rules_version', 'Version of the serving signature rule set (1 at start, +1 per applied reload).');
    this.rulesGauge = metrics.gauge('ids_signature_rules', 'Signature rules in the serving set.');
    for (const outcome of ['applied', 'unchanged', 'rejected']) this.reloads.inc({ outcome }, 0);
    this.showServing();
    this.watcher = options.watcher === null ? null : new RulesPathWatcher(path, {
      ...options.watcher,
      onWatchError: (err) => options.logger.warn({ path, err: err.message }, 'fs.watch unavailable for the rules path; polling only'),
    });
  }

  start(): void {
    (this.options.signals ?? process).on('SIGHUP', this.onSighup);
    this.watcher?.start(() => this.reload('file-change'));
  }

  stop(): void {
    (this.options.signals ?? process).off('SIGHUP', this.onSighup);
    this.watcher?.stop();
  }

  reload(trigger: RuleReloadTrigger): RuleReloadResult {
    const { logger } = this.options;
    const result = this.holder.reload();
    this.reloads.inc({ outcome: result.outcome });
    this.last = { trigger, outcome: result.outcome, ...(result.reason === undefined ? {} : { reason: result.reason }) };
    const set = this.holder.current;
    if (result.outcome === 'rejected') {
      logger.error({ trigger, path: this.path, version: result.version, errors: result.errors }, `rule reload rejected, the previous rule set (version ${result.version}) keeps serving: ${result.reason}`);
      for (const e of result.errors) logger.error({ trigger, error: e }, 'rule reload error');
      return result;
    }
    for (const e of result.errors) logger.warn({ trigger, error: e }, 'rule skipped');
    logger.info({ trigger, path: this.path, outcome: result.outcome, version: result.version, files: set.files, rules: set.rules.length, skipped: result.errors.length }, 'rules reloaded');
    this.showServing();
    return result;
  }

  health(): Record<string, unknown> {
    return { rules: { version: this.holder.version, count: this.holder.current.rules.length, skipped: this.holder.current.errors.length, lastReload: this.last } };
  }

  private showServing(): void {
    this.versionGauge.set(this.holder.version);
    this.rulesGauge.set(this.holder.current.rules.length);
  }
}

/**
 * The signatures stage: loads IDS_RULES_PATH at start (an unreadable path fails the start; each
 * rule that does not load is logged with file, line and reason, and skipped), runs the signatures
 * topology with one engine per task, and hot-reloads the rules on SIGHUP or when the path changes
 * (RuleSetHolder: a broken reload keeps the previous set). Each task swaps its engine on the next
 * packet after a reload, losing its connection, stream and threshold state (see
 * SignatureDetectProcessor).
 */
export function signaturesStage(reloader: Omit<SignatureRulesReloaderOptions, 'logger' | 'metrics'> = {}): StageDefinition {
  return {
    name: 'signatures',
    async create(deps) {
      const path = deps.config.signatures.rulesPath;
      const holder = new RuleSetHolder(path, { vars: ruleVariablesFrom(deps.config.signatures) });
      const loaded = holder.current;
      for (const e of loaded.errors) deps.logger.warn({ file: e.file, line: e.line, sid: e.sid, code: e.code, reason: e.reason }, 'rule skipped');
      deps.logger.info({ files: loaded.files, rules: loaded.rules.length, skipped: loaded.errors.length }, 'rules loaded');
      const reloads = new SignatureRulesReloader(holder, path, { ...reloader, logger: deps.logger, metrics: deps.metrics });
      const runnable = await topologyStage('signatures', () => signaturesTopology(holder, { replayHorizonUs: deps.config.signatures.replayS * 1_000_000 })).create(deps);
      return {
        ...runnable,
        start: async () => { reloads.start(); await runnable.start(); },
        stop: async () => { reloads.stop(); await runnable.stop(); },
        health: () => ({ ...runnable.health?.(), ...reloads.health() }),
      };
    },
  };
}
