import type { Processor, ProcessorContext } from './processor';
import { ChangeLoggingStore, InMemoryKeyValueStore, type KeyValueStore } from './key-value.store';
import { partitionForKey } from './partitioner';
import { endOfInput, watermark, type ControlMarker, type MarkerProducer, type RecordOrigin, type StreamRecord } from './stream-record';
import type { ProcessorNode, Topology } from './topology';
import { changelogTopicName } from './internal-topics';
import { decodeMarkerState, emptyMarkerState, encodeMarkerState, MARKER_STATE_KEY, MARKER_STORE, MarkerStateInvalidError, type MarkerState } from './marker-state.codec';
import { REPLAY_CHECKPOINTS_KEY, ReplayCheckpoints, ReplayCheckpointsInvalidError } from './replay-checkpoints';

export interface OutputRecord {
  topic: string;
  partition: number;
  key: string | null;
  value: unknown;
  timestampUs: number;
  control?: ControlMarker;
}

export interface ChangelogRecord { topic: string; partition: number; key: string; value: string | null }

export interface TaskDeadLetter {
  origin: RecordOrigin | undefined;
  key: string | null;
  value: unknown;
  errorCode: string;
  reason: string;
}

/** What a task produced since its last flush; the runtime writes it, then commits the inputs. */
export interface TaskOutput {
  records: OutputRecord[];
  changelog: ChangelogRecord[];
  deadLetters: TaskDeadLetter[];
}

const SOLE_PRODUCER: MarkerProducer = { id: '', count: 1 };

/**
 * The topology a producer belongs to: its id is `<application id>-<partition>`. A topic written
 * by several topologies is read as complete only when every task of each topology seen so far has
 * spoken; a topology that has written no marker yet is unknown to the reader, so the stages keep
 * one writing topology per topic (the signatures stage sends every hit through its thresholds
 * sub-topology for that reason).
 */
function producerGroup(id: string): string {
  return id.replace(/-\d+$/, '');
}

/**
 * Rounds of end-of-input kept open while waiting for the other inputs: a round that reached only
 * some of them never completes, so the oldest open one is dropped beyond this many.
 */
const MAX_OPEN_ROUNDS = 64;

interface RunningNode { node: ProcessorNode; processor: Processor; context: ProcessorContext }

/**
 * One partition's instance of a topology: its processors and state stores. Both runtimes drive
 * tasks the same way (process records in offset order, then flush, write the output, commit),
 * so a topology behaves identically in one process and on a cluster.
 */
export interface StreamTaskOptions {
  /**
   * Log every change of the stores (and of the marker state) for their changelog topics (default
   * true). Off, `flush` hands over no changelog records, and nothing can be restored: for a run that
   * is never resumed, which would otherwise keep (and serialise) every state change it makes.
   */
  changelogs?: boolean;
}

export class StreamTask {
  readonly id: string;
  private readonly changelogs: boolean;
  private readonly running = new Map<string, RunningNode>();
  private readonly stores = new Map<string, ChangeLoggingStore<unknown> | KeyValueStore<unknown>>();
  /**
   * What the markers read so far say (producers' watermarks, open end-of-input rounds): kept in
   * the task's own changelog store, so a restarted task resumes it (see marker-state.codec.ts).
   */
  private marks: MarkerState = emptyMarkerState();
  private marksLoaded = false;
  private marksChanged = false;
  private readonly markerStore = new ChangeLoggingStore<unknown>(new InMemoryKeyValueStore<unknown>(MARKER_STORE));
  private output: TaskOutput = { records: [], changelog: [], deadLetters: [] };
  /** Markers to write at the next flush, after the records of the batch. */
  private markers: OutputRecord[] = [];
  readonly counters = new Map<string, number>();
  /** Topologies rebuilt by replay: where a restarted task reads again from (see replay-checkpoints.ts). */
  private checkpoints: ReplayCheckpoints | null = null;
  private checkpointsChanged = false;
  /** While replaying: what the replay must leave as it found (see beginReplay). */
  private beforeReplay: { marks: MarkerState; marksLoaded: boolean; marksChanged: boolean; counters: Map<string, number>; records: number } | null = null;

  /**
   * @param taskCount how many tasks the topology runs (its input partitions): downstream readers
   *   wait for the markers of all of them.
   */
  constructor(readonly topology: Topology, readonly partition: number, readonly taskCount: number, options: StreamTaskOptions = {}) {
    this.id = `${topology.applicationId}-${partition}`;
    this.changelogs = options.changelogs ?? true;
    this.stores.set(MARKER_STORE, this.markerStore);
    for (const spec of topology.stores.values()) {
      const base = new InMemoryKeyValueStore<unknown>(spec.name);
      this.stores.set(spec.name, spec.changelog && this.changelogs ? new ChangeLoggingStore(base) : base);
    }
    for (const node of topology.processorOrder) {
      const processor = node.supplier();
      this.running.set(node.name, { node, processor, context: this.contextFor(node) });
    }
    for (const { processor, context } of this.running.values()) processor.init?.(context);
  }

  /** Applies a changelog entry to a store before processing starts. */
  restore(storeName: string, key: string, value: string | null): void {
    const store = this.stores.get(storeName);
    if (!(store instanceof ChangeLoggingStore)) throw new Error(`task ${this.id}: store ${storeName} has no changelog`);
    store.restore(key, value);
  }

  /** Routes one input record to the sources that read `topic`. Never throws for a bad record. */
  process(topic: string, record: StreamRecord<unknown, unknown>, origin?: RecordOrigin): void {
    if (record.control) return this.processControl(topic, record.control, record.timestampUs);
    if (!this.marksLoaded) this.loadMarks();
    if (this.beforeReplay !== null) this.beforeReplay.records++;
    else if (this.topology.replay !== null && origin !== undefined && this.replayCheckpoints().note(record.timestampUs, origin.offset)) this.checkpointsChanged = true;
    for (const source of this.topology.sources) {
      if (!source.topics.includes(topic)) continue;
      for (const child of source.children) {
        try {
          this.deliver(child, record);
        } catch (error) {
          this.deadLetter(origin, record, error);
        }
      }
    }
  }

  /** Calls every processor's flush, then hands over what the task produced since the last one. */
  async flush(): Promise<TaskOutput> {
    if (this.beforeReplay !== null) throw new Error(`task ${this.id}: flush while replaying (call endReplay first)`);
    for (const { processor } of this.running.values()) await processor.flush?.();
    if (this.marksChanged) {
      this.markerStore.put(MARKER_STATE_KEY, encodeMarkerState(this.marks));
      this.marksChanged = false;
    }
    if (this.checkpointsChanged) {
      this.markerStore.put(REPLAY_CHECKPOINTS_KEY, this.replayCheckpoints().encode());
      this.checkpointsChanged = false;
    }
    // Markers go after whatever the processors forwarded in flush (records scored asynchronously,
    // say): written before them, a watermark would make them late downstream. A marker written
    // later than it could have been is still true.
    this.output.records.push(...this.markers);
    this.markers = [];
    for (const [name, store] of this.stores) {
      if (!this.changelogs || !(store instanceof ChangeLoggingStore)) continue;
      const topic = changelogTopicName(this.topology.applicationId, name);
      for (const change of store.drainChanges()) this.output.changelog.push({ topic, partition: this.partition, ...change });
    }
    const out = this.output;
    this.output = { records: [], changelog: [], deadLetters: [] };
    return out;
  }

  /**
   * For a topology rebuilt by replay (Topology.replay), the input offset to read again from after
   * a restart (call once the stores are restored): null when there is nothing to replay.
   */
  replayFrom(): number | null {
    return this.topology.replay === null ? null : this.replayCheckpoints().startOffset;
  }

  /**
   * Starts a replay: the records given to `process` until `endReplay` rebuild the processors'
   * in-memory state, and nothing else. Their markers are read as by a task that had read none
   * before (the committed event-time state is put back at the end), and whatever they produce
   * (records, markers, dead letters, counters) is dropped: it was written before the restart.
   */
  beginReplay(): void {
    if (this.beforeReplay !== null) throw new Error(`task ${this.id}: already replaying`);
    if (!this.marksLoaded) this.loadMarks();
    this.beforeReplay = { marks: this.marks, marksLoaded: this.marksLoaded, marksChanged: this.marksChanged, counters: new Map(this.counters), records: 0 };
    this.marks = emptyMarkerState();
  }

  /** Ends a replay (see beginReplay); resolves to how many data records it replayed. */
  async endReplay(): Promise<number> {
    const saved = this.beforeReplay;
    if (saved === null) throw new Error(`task ${this.id}: not replaying`);
    for (const { processor } of this.running.values()) await processor.flush?.();
    this.output = { records: [], changelog: [], deadLetters: [] };
    this.markers = [];
    this.marks = saved.marks;
    this.marksLoaded = saved.marksLoaded;
    this.marksChanged = saved.marksChanged;
    this.counters.clear();
    for (const [event, n] of saved.counters) this.counters.set(event, n);
    this.beforeReplay = null;
    this.count('replayed', saved.records);
    return saved.records;
  }

  async close(): Promise<void> {
    for (const { processor } of this.running.values()) await processor.close?.();
  }

  store<V>(name: string): KeyValueStore<V> {
    const store = this.stores.get(name);
    if (!store) throw new Error(`task ${this.id}: unknown store ${name}`);
    return store as KeyValueStore<V>;
  }

  /** The replay checkpoints, read from the markers store the first time they are needed (restoring is over then). */
  private replayCheckpoints(): ReplayCheckpoints {
    if (this.checkpoints !== null) return this.checkpoints;
    const horizonUs = this.topology.replay!.horizonUs;
    const saved = this.markerStore.get(REPLAY_CHECKPOINTS_KEY);
    this.checkpoints = new ReplayCheckpoints(horizonUs);
    if (saved !== undefined) {
      try {
        this.checkpoints = ReplayCheckpoints.decode(saved, horizonUs);
      } catch (error) {
        if (!(error instanceof ReplayCheckpointsInvalidError)) throw error;
        // unreadable: nothing is replayed (the state starts empty, as before replays existed)
        this.count('replay-checkpoints-invalid');
      }
    }
    return this.checkpoints;
  }

  /** The marker state restored from the changelog, read once restoring is over (at the first record). */
  private loadMarks(): void {
    this.marksLoaded = true;
    const saved = this.markerStore.get(MARKER_STATE_KEY);
    if (saved === undefined) return;
    try {
      this.marks = decodeMarkerState(saved);
    } catch (error) {
      if (!(error instanceof MarkerStateInvalidError)) throw error;
      // a state this version cannot read: start as a task that has read no marker (the next
      // markers of every producer set it again), rather than fail every batch
      this.count('marker-state-invalid');
    }
  }

  private processControl(topic: string, control: ControlMarker, timestampUs: number): void {
    if (!this.marksLoaded) this.loadMarks();
    this.marksChanged = true;
    const producer: MarkerProducer = control.producer ?? SOLE_PRODUCER;
    if (control.kind === 'watermark') {
      const seen = this.marks.watermarks.get(topic) ?? { groups: new Map<string, number>(), byProducer: new Map<string, number>() };
      seen.groups.set(producerGroup(producer.id), producer.count);
      seen.byProducer.set(producer.id, Math.max(seen.byProducer.get(producer.id) ?? Number.NEGATIVE_INFINITY, control.watermarkUs));
      this.marks.watermarks.set(topic, seen);
      const low = Math.min(...this.topology.sourceTopics.map((t) => this.topicWatermark(t)));
      if (low <= this.marks.taskWatermark) return;
      this.marks.taskWatermark = low;
      for (const { processor } of this.running.values()) processor.onWatermark?.(low);
      this.emitControl(watermark(low, this.producer));
      return;
    }
    const endingGroups = this.marks.endingGroups.get(topic) ?? new Map<string, number>();
    endingGroups.set(producerGroup(producer.id), producer.count);
    this.marks.endingGroups.set(topic, endingGroups);
    const round = control.round ?? '';
    const open = this.marks.rounds.get(round) ?? { untilUs: Number.NEGATIVE_INFINITY, topics: new Map<string, Set<string>>() };
    const ended = open.topics.get(topic) ?? new Set<string>();
    ended.add(producer.id);
    open.topics.set(topic, ended);
    open.untilUs = Math.max(open.untilUs, timestampUs);
    this.marks.rounds.set(round, open);
    if (this.marks.rounds.size > MAX_OPEN_ROUNDS) {
      const oldest = this.marks.rounds.keys().next().value as string;
      this.marks.rounds.delete(oldest);
      this.count('end-of-input:round-abandoned');
    }
    if (!this.topology.sourceTopics.every((t) => this.topicEnded(t, open.topics.get(t)))) return;
    this.marks.rounds.delete(round);
    // The round's own end time travels on, not this task's watermark: on a shared topic a round
    // that ends long after it was written (a stage that was not running) must not finish the
    // state of rounds replayed since.
    const untilUs = Number.isFinite(open.untilUs) ? open.untilUs : 0;
    for (const { processor } of this.running.values()) processor.onEndOfInput?.(untilUs);
    this.emitControl(endOfInput(untilUs, { producer: this.producer, round: control.round }));
  }

  /** Whether every writing topology known on `topic` (from its markers) has ended it in a round. */
  private topicEnded(topic: string, ended: Set<string> | undefined): boolean {
    if (!ended) return false;
    const groups = new Map([...(this.marks.watermarks.get(topic)?.groups ?? []), ...(this.marks.endingGroups.get(topic) ?? [])]);
    return [...groups].every(([group, count]) => [...ended].filter((id) => producerGroup(id) === group).length >= count);
  }

  /** A topic's watermark: the lowest of its producers', once every producer has written one. */
  private topicWatermark(topic: string): number {
    const seen = this.marks.watermarks.get(topic);
    if (!seen) return Number.NEGATIVE_INFINITY;
    for (const [group, count] of seen.groups) {
      if ([...seen.byProducer.keys()].filter((id) => producerGroup(id) === group).length < count) return Number.NEGATIVE_INFINITY;
    }
    return Math.min(...seen.byProducer.values());
  }

  private get producer(): MarkerProducer {
    return { id: this.id, count: this.taskCount };
  }

  /**
   * Markers go to every partition of every sink, tagged with this task: a partition of a
   * repartition topic holds records of every upstream task, so its reader must hear from all.
   */
  private emitControl(record: StreamRecord<null, null>): void {
    for (const sink of this.topology.sinks) {
      for (let p = 0; p < sink.partitions; p++) {
        this.markers.push({ topic: sink.topic, partition: p, key: null, value: null, timestampUs: record.timestampUs, control: record.control });
      }
    }
  }

  private deliver(nodeName: string, record: StreamRecord<unknown, unknown>): void {
    const node = this.topology.nodes.get(nodeName)!;
    if (node.kind === 'sink') {
      const key = record.key === null || record.key === undefined ? null : String(record.key);
      const partition = key === null ? this.partition % node.partitions : partitionForKey(key, node.partitions);
      this.output.records.push({ topic: node.topic, partition, key, value: record.value, timestampUs: record.timestampUs });
      return;
    }
    this.running.get(nodeName)!.processor.process(record);
  }

  private deadLetter(origin: RecordOrigin | undefined, record: StreamRecord<unknown, unknown>, error: unknown): void {
    const err = error as { code?: string; message?: string };
    const errorCode = typeof err?.code === 'string' ? err.code : 'PROCESSOR_FAILED';
    this.count(`dead-letter:${errorCode}`);
    this.output.deadLetters.push({
      origin,
      key: record.key === null ? null : String(record.key),
      value: record.value,
      errorCode,
      reason: err?.message ?? String(error),
    });
  }

  private count(event: string, by = 1): void {
    this.counters.set(event, (this.counters.get(event) ?? 0) + by);
  }

  private contextFor(node: ProcessorNode): ProcessorContext {
    return {
      applicationId: this.topology.applicationId,
      taskId: this.id,
      partition: this.partition,
      forward: (record, childName) => {
        for (const child of node.children) if (childName === undefined || child === childName) this.deliver(child, record as StreamRecord<unknown, unknown>);
      },
      getStateStore: <S>(name: string): S => {
        if (!node.stores.includes(name)) throw new Error(`processor ${node.name} is not connected to store ${name}`);
        return this.store(name) as S;
      },
      count: (event, by) => this.count(event, by),
    };
  }
}
