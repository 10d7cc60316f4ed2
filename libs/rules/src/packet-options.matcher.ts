import { matchBufferChain } from './buffer-chain.matcher';
import { compare } from './comparison.parser';
import { flagsMatch } from './flags.keyword';
import type { Rule, RuleMatchContext } from './rule.types';

const TCP = 6;

/**
 * Every stateless option of the rule against one packet (or reassembled chunk). Header
 * addresses, ports, protocol, flowbits, threshold and detection_filter are the engine's.
 */
export function matchPacketOptions(rule: Rule, ctx: RuleMatchContext): boolean {
  for (const o of rule.options) {
    switch (o.kind) {
      case 'content':
      case 'pcre':
        break;
      case 'flags':
        if (ctx.ipProto !== TCP || !flagsMatch(o, ctx.tcpFlags)) return false;
        break;
      case 'dsize':
        if (!compare(o.comparison, ctx.dsize)) return false;
        break;
      case 'ttl':
        if (!compare(o.comparison, ctx.ttl)) return false;
        break;
      case 'itype':
        if (ctx.icmpType < 0 || !compare(o.comparison, ctx.icmpType)) return false;
        break;
      case 'icode':
        if (ctx.icmpCode < 0 || !compare(o.comparison, ctx.icmpCode)) return false;
        break;
      case 'ip_proto':
        if (!compare(o.comparison, ctx.ipProto)) return false;
        break;
      case 'urilen': {
        const uri = ctx.buffer(o.buffer ?? 'http_uri');
        if (uri === null || !compare(o.comparison, uri.length)) return false;
        break;
      }
      case 'sameip':
        if (ctx.src !== ctx.dst) return false;
        break;
      case 'flow': {
        const { toServer, established } = o.constraint;
        if (toServer === null && established === null) break;
        // Without flow tracking there is no direction to compare and nothing is established.
        if (toServer !== null && (ctx.flow === null || ctx.flow.toServer !== toServer)) return false;
        if (established !== null && (ctx.flow?.established ?? false) !== established) return false;
        break;
      }
    }
  }
  for (const chain of rule.chains) {
    const buf = ctx.buffer(chain.buffer);
    if (buf === null || !matchBufferChain(chain, buf)) return false;
  }
  return true;
}
