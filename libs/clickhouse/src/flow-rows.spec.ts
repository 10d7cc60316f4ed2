import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowRecord, FlowStats } from '@ids/contracts';
import { defaultMigrationsDir } from './migration-files';
import { splitSqlScript } from './sql-script.splitter';
import { toFlowRow, ZERO_FLOW_STATS, type FlowRow } from './flow-rows';
import { sampleFlow } from './internal/sample-records';

// Every stats field a distinct value (its position + 0.5), so a field copied into the wrong column shows.
const stats = Object.fromEntries(Object.keys(ZERO_FLOW_STATS).map((k, i) => [k, i + 0.5])) as unknown as FlowStats;

const tcpFlow: FlowRecord = sampleFlow({ stats });

describe('toFlowRow', () => {
  const cases: { name: string; flow: FlowRecord; expected: Partial<FlowRow> }[] = [
    { name: 'keeps every field of a TCP flow, flattens stats and derives ts in whole seconds', flow: tcpFlow, expected: { ...withoutStats(tcpFlow), ...stats, ts: 1_700_000_000 } },
    { name: 'writes 0 to every stats column when stats is null', flow: { ...tcpFlow, stats: null }, expected: { ...ZERO_FLOW_STATS, uid: tcpFlow.uid } },
    { name: 'keeps -1 initial windows and fractional means', flow: { ...tcpFlow, stats: { ...stats, init_win_bytes_bwd: -1, pkt_len_mean: 75.25 } }, expected: { init_win_bytes_bwd: -1, pkt_len_mean: 75.25 } },
    {
      name: 'keeps a VLAN id and a null service',
      flow: { ...tcpFlow, vlan: 42, service: null, proto: 'udp', ip_proto: 17, conn_state: 'OTH', history: '', close_reason: 'IDLE' },
      expected: { vlan: 42, service: null, proto: 'udp', ip_proto: 17, conn_state: 'OTH', history: '', close_reason: 'IDLE' },
    },
    { name: 'rounds ts down at a second boundary', flow: { ...tcpFlow, ts_us: 1_699_999_999_999_999 }, expected: { ts: 1_699_999_999, ts_us: 1_699_999_999_999_999 } },
    { name: 'maps the epoch', flow: { ...tcpFlow, ts_us: 0, last_ts_us: 0, duration_us: 0 }, expected: { ts: 0, ts_us: 0, duration_us: 0 } },
    { name: 'keeps ICMP type and code in the port fields', flow: { ...tcpFlow, proto: 'icmp', ip_proto: 1, orig_p: 8, resp_p: 0 }, expected: { proto: 'icmp', orig_p: 8, resp_p: 0 } },
  ];

  it.each(cases)('$name', ({ flow, expected }) => {
    expect(toFlowRow(flow)).toMatchObject(expected);
  });

  it('has exactly the record fields, the stats fields and ts, so every column of flows is filled', () => {
    const expected = [...Object.keys(withoutStats(tcpFlow)), ...Object.keys(stats), 'ts'].sort();
    expect(Object.keys(toFlowRow(tcpFlow)).sort()).toEqual(expected);
    expect(Object.keys(toFlowRow({ ...tcpFlow, stats: null })).sort()).toEqual(expected);
  });

  it('has a stats column in migration 0004 for every stats field, each Float64 DEFAULT 0', () => {
    const statements = splitSqlScript(readFileSync(join(defaultMigrationsDir(), '0004_flow_stats.sql'), 'utf8'));
    const columns = [...statements.join('\n').matchAll(/ADD COLUMN (\w+) Float64 DEFAULT 0/g)].map((m) => m[1]);
    expect(statements).toHaveLength(1);
    expect(columns).toEqual(Object.keys(ZERO_FLOW_STATS));
    expect(Object.values(ZERO_FLOW_STATS).every((v) => v === 0)).toBe(true);
  });
});

function withoutStats(flow: FlowRecord): Omit<FlowRecord, 'stats'> {
  const { stats: _stats, ...rest } = flow;
  return rest;
}
