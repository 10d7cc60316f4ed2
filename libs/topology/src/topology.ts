import { MARKER_STORE } from './marker-state.codec';
import type { ProcessorSupplier } from './processor';

export interface SourceNode { kind: 'source'; name: string; topics: string[]; children: string[] }
export interface ProcessorNode { kind: 'processor'; name: string; supplier: ProcessorSupplier; stores: string[]; children: string[]; parents: string[] }
export interface SinkNode {
  kind: 'sink'; name: string; topic: string; parents: string[];
  /** Partition count of the sink topic (records are placed by key with `partitionForKey`). */
  partitions: number;
}
export type TopologyNode = SourceNode | ProcessorNode | SinkNode;

export interface StoreSpec {
  name: string;
  /** Backed by a compacted changelog topic `<applicationId>-<name>-changelog`. */
  changelog: boolean;
}

export class TopologyDefinitionError extends Error {
  readonly code = 'TOPOLOGY_INVALID';
  readonly retriable = false;
  constructor(readonly applicationId: string, message: string) {
    super(`topology ${applicationId}: ${message}`);
    this.name = 'TopologyDefinitionError';
  }
}

/** An immutable graph of named nodes, built by `TopologyBuilder`. */
export class Topology {
  // Worked out once: the graph never changes, and a task asks for its source topics on every
  // watermark and end-of-input marker.
  readonly sources: readonly SourceNode[];
  readonly sinks: readonly SinkNode[];
  readonly sourceTopics: readonly string[];
  readonly sinkTopics: readonly string[];

  constructor(
    readonly applicationId: string,
    readonly nodes: ReadonlyMap<string, TopologyNode>,
    readonly stores: ReadonlyMap<string, StoreSpec>,
    /** State rebuilt after a restart by reading input again (TopologyBuilder.rebuildByReplay); null: none. */
    readonly replay: ReplaySpec | null = null,
  ) {
    this.sources = Object.freeze([...nodes.values()].filter((n): n is SourceNode => n.kind === 'source'));
    this.sinks = Object.freeze([...nodes.values()].filter((n): n is SinkNode => n.kind === 'sink'));
    this.sourceTopics = Object.freeze([...new Set(this.sources.flatMap((s) => s.topics))]);
    this.sinkTopics = Object.freeze([...new Set(this.sinks.map((s) => s.topic))]);
  }

  /** The processor nodes in an order where every parent comes before its children. */
  get processorOrder(): ProcessorNode[] {
    const order: ProcessorNode[] = [];
    const seen = new Set<string>();
    const visit = (name: string): void => {
      if (seen.has(name)) return;
      const node = this.nodes.get(name)!;
      if (node.kind === 'processor' && !node.parents.every((p) => seen.has(p) || this.nodes.get(p)!.kind === 'source')) return;
      seen.add(name);
      if (node.kind === 'processor') order.push(node);
      if (node.kind !== 'sink') for (const c of node.children) visit(c);
    };
    for (const s of this.sources) visit(s.name);
    return order;
  }

  /** A stable text rendering of the graph, like Kafka Streams' `Topology.describe()`. */
  describe(): string {
    const lines = [`Topology: ${this.applicationId}`];
    const parentsOf = (name: string) => [...this.nodes.values()].filter((n) => n.kind !== 'sink' && n.children.includes(name)).map((n) => n.name);
    for (const node of this.nodes.values()) {
      if (node.kind === 'source') lines.push(`  Source: ${node.name} (topics: [${node.topics.join(', ')}])`);
      else if (node.kind === 'processor') lines.push(`  Processor: ${node.name} (stores: [${node.stores.join(', ')}])`);
      else lines.push(`  Sink: ${node.name} (topic: ${node.topic})`);
      if (node.kind !== 'sink' && node.children.length > 0) lines.push(`    --> ${node.children.join(', ')}`);
      const parents = parentsOf(node.name);
      if (parents.length > 0) lines.push(`    <-- ${parents.join(', ')}`);
    }
    if (this.replay) lines.push(`  Replay on restart: the last ${this.replay.horizonUs / 1e6} s of event time`);
    for (const store of this.stores.values()) {
      lines.push(`  Store: ${store.name}${store.changelog ? ` (changelog: ${this.applicationId}-${store.name}-changelog)` : ''}`);
    }
    return lines.join('\n') + '\n';
  }
}

/**
 * A topology whose processors keep state in memory only (the signature engine's streams and
 * parsers: too many small changes per packet for a changelog) and rebuild it after a restart by
 * processing again, output discarded, what their task read in the last `horizonUs` of event time
 * before its committed offset. State older than the horizon is not rebuilt.
 */
export interface ReplaySpec {
  horizonUs: number;
}

/** Builds a topology from named sources, processors, stores and sinks. */
export class TopologyBuilder {
  private readonly nodes = new Map<string, TopologyNode>();
  private readonly stores = new Map<string, StoreSpec>();
  private replay: ReplaySpec | null = null;

  constructor(readonly applicationId: string) {}

  addSource(name: string, ...topics: string[]): this {
    this.addNode({ kind: 'source', name, topics, children: [] });
    return this;
  }

  addProcessor(name: string, supplier: ProcessorSupplier, ...parents: string[]): this {
    this.addNode({ kind: 'processor', name, supplier, stores: [], children: [], parents });
    this.link(name, parents);
    return this;
  }

  addStateStore(store: StoreSpec, ...processors: string[]): this {
    if (this.stores.has(store.name)) throw new TopologyDefinitionError(this.applicationId, `store ${store.name} is defined twice`);
    if (store.name === MARKER_STORE) throw new TopologyDefinitionError(this.applicationId, `store name ${MARKER_STORE} is the runtime's own (each task's event-time state)`);
    this.stores.set(store.name, store);
    for (const p of processors) {
      const node = this.nodes.get(p);
      if (node?.kind !== 'processor') throw new TopologyDefinitionError(this.applicationId, `store ${store.name} names unknown processor ${p}`);
      node.stores.push(store.name);
    }
    return this;
  }

  addSink(name: string, topic: string, partitions: number, ...parents: string[]): this {
    this.addNode({ kind: 'sink', name, topic, partitions, parents });
    this.link(name, parents);
    return this;
  }

  /** See ReplaySpec; `horizonUs` 0 turns it off. */
  rebuildByReplay(horizonUs: number): this {
    if (!(Number.isSafeInteger(horizonUs) && horizonUs >= 0)) throw new TopologyDefinitionError(this.applicationId, `replay horizon must be an integer of microseconds >= 0, got ${horizonUs}`);
    this.replay = horizonUs === 0 ? null : { horizonUs };
    return this;
  }

  build(): Topology {
    const sources = [...this.nodes.values()].filter((n): n is SourceNode => n.kind === 'source');
    if (sources.length === 0) throw new TopologyDefinitionError(this.applicationId, 'has no source');
    if (this.replay) {
      // a replay re-applies records to processors: a store would take them twice, and the
      // checkpoints follow the offsets of one input
      if (this.stores.size > 0) throw new TopologyDefinitionError(this.applicationId, 'a topology rebuilt by replay cannot have state stores');
      if (new Set(sources.flatMap((n) => n.topics)).size !== 1) throw new TopologyDefinitionError(this.applicationId, 'a topology rebuilt by replay reads exactly one topic');
    }
    return new Topology(this.applicationId, new Map(this.nodes), new Map(this.stores), this.replay);
  }

  private addNode(node: TopologyNode): void {
    if (this.nodes.has(node.name)) throw new TopologyDefinitionError(this.applicationId, `node ${node.name} is defined twice`);
    this.nodes.set(node.name, node);
  }

  private link(child: string, parents: string[]): void {
    if (parents.length === 0) throw new TopologyDefinitionError(this.applicationId, `node ${child} has no parent`);
    for (const p of parents) {
      const parent = this.nodes.get(p);
      if (!parent) throw new TopologyDefinitionError(this.applicationId, `node ${child} names unknown parent ${p}`);
      if (parent.kind === 'sink') throw new TopologyDefinitionError(this.applicationId, `sink ${p} cannot have children`);
      parent.children.push(child);
    }
  }
}
