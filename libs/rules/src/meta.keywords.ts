import { DEFAULT_CLASSIFICATIONS } from './classification.table';
import type { KeywordHandlers } from './keyword.handler';
import { decodeQuotedValue } from './quoted-value.decoder';
import { RuleOptionInvalidError } from './rule-parse.errors';

function positiveInt(keyword: string, value: string | null, min: number, max: number): number {
  const v = (value ?? '').trim();
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new RuleOptionInvalidError(keyword, value ?? '', `expected an integer in ${min}..${max}`);
  }
  return Number(v);
}

function required(keyword: string, value: string | null): string {
  if (value === null || value.trim() === '') throw new RuleOptionInvalidError(keyword, '', 'needs a value');
  return value.trim();
}

/** Rule identity and description: none of these changes what matches. */
export const META_KEYWORDS: KeywordHandlers = {
  msg: (value, b) => {
    b.once('msg', value);
    b.msg = decodeQuotedValue('msg', required('msg', value), false).text;
  },
  sid: (value, b) => {
    b.once('sid', value);
    b.sid = positiveInt('sid', value, 1, 0xffffffff);
  },
  rev: (value, b) => {
    b.once('rev', value);
    b.rev = positiveInt('rev', value, 0, 0xffffffff);
  },
  gid: (value, b) => {
    b.once('gid', value);
    b.gid = positiveInt('gid', value, 0, 0xffffffff);
  },
  classtype: (value, b) => {
    b.once('classtype', value);
    const name = required('classtype', value);
    if (DEFAULT_CLASSIFICATIONS[name] === undefined) throw new RuleOptionInvalidError('classtype', name, `unknown classtype '${name}'`);
    b.classtype = name;
  },
  priority: (value, b) => {
    b.once('priority', value);
    b.priority = positiveInt('priority', value, 1, 255);
  },
  reference: (value, b) => {
    const v = required('reference', value);
    const comma = v.indexOf(',');
    if (comma <= 0 || comma === v.length - 1) throw new RuleOptionInvalidError('reference', v, 'expected system,id');
    b.references.push({ system: v.slice(0, comma).trim(), id: v.slice(comma + 1).trim() });
  },
  metadata: (value, b) => {
    for (const entry of required('metadata', value).split(',')) {
      const pair = entry.trim();
      if (pair === '') continue;
      const m = /^(\S+)(?:\s+(.*))?$/.exec(pair) as RegExpExecArray;
      const key = m[1];
      (b.metadata[key] ??= []).push((m[2] ?? '').trim());
    }
  },
};
