import { RuleOptionInvalidError } from './rule-parse.errors';
import type {
  BufferName,
  ContentOption,
  DetectionOption,
  FlowbitsOp,
  FlowConstraint,
  PcreOption,
  RuleReference,
  ThresholdSpec,
} from './rule.types';

/** The mutable state keywords write into while one rule's options are read in order. */
export class RuleBuilder {
  gid = 1;
  sid: number | null = null;
  rev = 0;
  msg = '';
  classtype: string | null = null;
  priority: number | null = null;
  metadata: Record<string, string[]> = {};
  references: RuleReference[] = [];
  flow: FlowConstraint | null = null;
  threshold: ThresholdSpec | null = null;
  detectionFilter: ThresholdSpec | null = null;
  flowbits: FlowbitsOp[] = [];
  noalert = false;
  readonly options: DetectionOption[] = [];
  /** The buffer a sticky-buffer keyword selected for the contents and pcres that follow. */
  sticky: BufferName = 'pkt_data';
  lastContent: ContentOption | null = null;
  /** Modifiers already applied to lastContent (each may appear once). */
  readonly lastContentModifiers = new Set<string>();
  private readonly seenOnce = new Set<string>();

  /** Keywords that may appear once per rule (Suricata refuses repeats). */
  once(keyword: string, value: string | null): void {
    if (this.seenOnce.has(keyword)) throw new RuleOptionInvalidError(keyword, value ?? '', 'given twice');
    this.seenOnce.add(keyword);
  }

  addContent(content: ContentOption): void {
    this.options.push(content);
    this.lastContent = content;
    this.lastContentModifiers.clear();
  }

  addPcre(pcre: PcreOption): void {
    this.options.push(pcre);
  }

  /** The content a modifier keyword (nocase, depth, http_uri, ...) applies to. */
  contentFor(modifier: string, value: string | null): ContentOption {
    if (this.lastContent === null) throw new RuleOptionInvalidError(modifier, value ?? '', 'needs a preceding content');
    if (this.lastContentModifiers.has(modifier)) throw new RuleOptionInvalidError(modifier, value ?? '', 'given twice for one content');
    this.lastContentModifiers.add(modifier);
    return this.lastContent;
  }
}
