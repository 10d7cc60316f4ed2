import { loadSchema, type FlowRecord } from '@ids/contracts';
import { Type } from 'avsc';
import { F, TcpScript } from './flow-test.packets';
import { FlowTable } from './flow.table';

// The Flow schema against what the mapper emits: every FlowStats field is a documented double,
// records encode, and a reader of the new schema reads records written with the old one.

interface AvroField { name: string; type: unknown; doc?: string; default?: unknown }

const schema = loadSchema('flow.avsc') as { fields: AvroField[] };
const statsField = schema.fields.find((f) => f.name === 'stats');
const statsRecord = (statsField?.type as [string, { fields: AvroField[] }] | undefined)?.[1];

function sampleFlows(): FlowRecord[] {
  const table = new FlowTable();
  const script = new TcpScript().handshake().send('c', F.PSH | F.ACK, 100).send('s', F.PSH | F.ACK, 1000).send('c', F.FIN | F.ACK).send('s', F.FIN | F.ACK).send('c', F.ACK);
  return [...script.packets.flatMap((p) => table.add(p)), ...table.flush()];
}

describe('schemas/flow.avsc', () => {
  const flow = sampleFlows()[0];

  it('has a nullable stats field defaulting to null', () => {
    expect(statsField).toMatchObject({ default: null });
    expect((statsField?.type as unknown[])[0]).toBe('null');
  });

  it('declares exactly the FlowStats fields the mapper emits, each a double with a doc', () => {
    expect(flow.stats).not.toBeNull();
    expect(statsRecord?.fields.map((f) => f.name)).toEqual(Object.keys(flow.stats ?? {}));
    for (const f of statsRecord?.fields ?? []) {
      expect([f.name, f.type]).toEqual([f.name, 'double']);
      expect((f.doc ?? '').length).toBeGreaterThan(20);
    }
  });

  it('encodes and decodes an emitted record unchanged', () => {
    const type = Type.forSchema(schema as never);
    expect(type.fromBuffer(type.toBuffer(flow))).toEqual(flow);
    expect(type.fromBuffer(type.toBuffer({ ...flow, stats: null }))).toEqual({ ...flow, stats: null });
  });

  it('is backward compatible: the new schema reads a record written with the old one (stats = null)', () => {
    const oldSchema = { ...schema, fields: schema.fields.filter((f) => f.name !== 'stats') };
    const writer = Type.forSchema(oldSchema as never);
    const reader = Type.forSchema(schema as never);
    const { stats: _stats, ...old } = flow;
    const read = reader.fromBuffer(writer.toBuffer(old), reader.createResolver(writer));
    expect(read).toEqual({ ...old, stats: null });
  });
});
