// Reads the shipped rule files (rules/*.rules) into header, options and the fields the alert
// contract needs, for the checks of this directory. Not a rule parser for the engine: it knows
// just enough of the language to split options ("\;" and quoted strings respected).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const RULES_DIR = join(__dirname, '..', '..', '..', 'rules');
export const RULE_FILES = ['dos.rules', 'scan.rules', 'web.rules', 'bruteforce.rules'] as const;

export interface ShippedRule {
  file: string;
  line: number;
  text: string;
  action: string;
  proto: string;
  options: { keyword: string; value: string | undefined }[];
  sid: number;
  metadata: Record<string, string>;
}

const RULE = /^(\w+)\s+(\w+)\s+\S+\s+\S+\s+(?:->|<>)\s+\S+\s+\S+\s+\((.*)\)\s*$/;
const OPTION = /\s*([\w.]+)\s*(?::((?:[^;"\\]|\\.|"(?:[^"\\]|\\.)*")*))?;/gy;

export function parseOptions(body: string): { keyword: string; value: string | undefined }[] {
  const out: { keyword: string; value: string | undefined }[] = [];
  let at = 0;
  for (;;) {
    OPTION.lastIndex = at;
    const m = OPTION.exec(body);
    if (m === null) break;
    out.push({ keyword: m[1], value: m[2]?.trim() });
    at = OPTION.lastIndex;
  }
  if (body.slice(at).trim() !== '') throw new Error(`unparsed rule options at "${body.slice(at)}"`);
  return out;
}

export function readShippedRules(): ShippedRule[] {
  return RULE_FILES.flatMap((file) =>
    readFileSync(join(RULES_DIR, file), 'utf8')
      .split('\n')
      .map((text, i) => ({ text: text.trim(), line: i + 1 }))
      .filter(({ text }) => text !== '' && !text.startsWith('#'))
      .map(({ text, line }) => {
        const m = RULE.exec(text);
        if (m === null) throw new Error(`${file}:${line}: not a rule: ${text}`);
        const options = parseOptions(m[3]);
        const value = (k: string) => options.find((o) => o.keyword === k)?.value ?? '';
        const metadata = Object.fromEntries(value('metadata').split(',').map((kv) => kv.trim().split(/\s+/, 2) as [string, string]));
        return { file, line, text, action: m[1], proto: m[2], options, sid: Number(value('sid')), metadata };
      }),
  );
}

/** The four files, concatenated in order: Suricata takes a single -S file. */
export const concatenatedRules = (): string => RULE_FILES.map((f) => readFileSync(join(RULES_DIR, f), 'utf8')).join('\n');
