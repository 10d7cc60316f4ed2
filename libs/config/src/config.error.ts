/** One bad setting: the variable, its value as given (`***` for a secret), and why. */
export interface ConfigProblem { variable: string; value: string | undefined; reason: string }

export class ConfigInvalidError extends Error {
  readonly code = 'CONFIG_INVALID';
  readonly retriable = false;
  constructor(readonly problems: ConfigProblem[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p.variable}=${JSON.stringify(p.value ?? '')}: ${p.reason}`).join('\n')}`);
    this.name = 'ConfigInvalidError';
  }
}
