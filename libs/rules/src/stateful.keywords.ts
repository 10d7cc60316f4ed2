import type { KeywordHandlers } from './keyword.handler';
import { RuleKeywordUnsupportedError, RuleOptionInvalidError } from './rule-parse.errors';
import type { FlowbitsCommand, ThresholdSpec, ThresholdType } from './rule.types';

/** `type limit, track by_src, count 1, seconds 60` (type omitted for detection_filter). */
export function parseThreshold(keyword: 'threshold' | 'detection_filter', value: string): ThresholdSpec {
  const fields = new Map<string, string>();
  for (const part of value.split(',').map((p) => p.trim())) {
    const m = /^(\w+)\s+(\S+)$/.exec(part);
    if (!m) throw new RuleOptionInvalidError(keyword, value, `bad field '${part}'`);
    if (fields.has(m[1])) throw new RuleOptionInvalidError(keyword, value, `'${m[1]}' twice`);
    fields.set(m[1], m[2]);
  }
  const allowed = keyword === 'threshold' ? ['type', 'track', 'count', 'seconds'] : ['track', 'count', 'seconds'];
  for (const key of fields.keys()) if (!allowed.includes(key)) throw new RuleOptionInvalidError(keyword, value, `unknown field '${key}'`);
  for (const key of allowed) if (!fields.has(key)) throw new RuleOptionInvalidError(keyword, value, `missing '${key}'`);
  let type: ThresholdType = 'detection_filter';
  if (keyword === 'threshold') {
    const t = fields.get('type') as string;
    if (t !== 'limit' && t !== 'threshold' && t !== 'both') throw new RuleOptionInvalidError(keyword, value, `unknown type '${t}'`);
    type = t;
  }
  const track = fields.get('track') as string;
  if (track === 'by_rule' || track === 'by_both' || track === 'by_flow') {
    throw new RuleKeywordUnsupportedError(keyword, value, `track ${track}`);
  }
  if (track !== 'by_src' && track !== 'by_dst') throw new RuleOptionInvalidError(keyword, value, `unknown track '${track}'`);
  const num = (key: string): number => {
    const v = fields.get(key) as string;
    if (!/^\d+$/.test(v) || Number(v) < 1) throw new RuleOptionInvalidError(keyword, value, `${key} must be a positive integer`);
    return Number(v);
  };
  return { type, track, count: num('count'), seconds: num('seconds') };
}

const FLOWBITS_COMMANDS: ReadonlySet<string> = new Set(['set', 'isset', 'isnotset', 'unset', 'toggle', 'noalert']);

export const STATEFUL_KEYWORDS: KeywordHandlers = {
  threshold: (value, b) => {
    b.once('threshold', value);
    b.threshold = parseThreshold('threshold', value ?? '');
  },
  detection_filter: (value, b) => {
    b.once('detection_filter', value);
    b.detectionFilter = parseThreshold('detection_filter', value ?? '');
  },
  flowbits: (value, b) => {
    const v = (value ?? '').trim();
    const [cmd, name, ...rest] = v.split(',').map((s) => s.trim());
    if (!FLOWBITS_COMMANDS.has(cmd) || rest.length > 0) throw new RuleOptionInvalidError('flowbits', v, `bad command '${cmd}'`);
    if (cmd === 'noalert') {
      if (name !== undefined) throw new RuleOptionInvalidError('flowbits', v, 'noalert takes no name');
      b.noalert = true;
      b.flowbits.push({ cmd: 'noalert', name: null });
      return;
    }
    if (name === undefined || name === '') throw new RuleOptionInvalidError('flowbits', v, `${cmd} needs a name`);
    if (/[|&]/.test(name)) throw new RuleKeywordUnsupportedError('flowbits', v, 'name lists with | or &');
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new RuleOptionInvalidError('flowbits', v, `bad name '${name}'`);
    b.flowbits.push({ cmd: cmd as FlowbitsCommand, name });
  },
  noalert: (value, b) => {
    if (value !== null) throw new RuleOptionInvalidError('noalert', value, 'takes no value');
    b.noalert = true;
  },
};
