export class ConfigInvalidError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly retriable = false;
  constructor(readonly problems: { variable: string; value: string | undefined; reason: string }[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p.variable}=${JSON.stringify(p.value ?? '')}: ${p.reason}`).join('\n')}`);
    this.name = 'ConfigInvalidError';
  }
}
