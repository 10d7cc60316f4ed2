import type { Message } from 'kafkajs';

/**
 * Bytes of messages one produce request may carry for one topic. A broker refuses a record batch
 * larger than its `message.max.bytes` (1 MiB by default) with MESSAGE_TOO_LARGE, and KafkaJS puts
 * everything one `send` gives a partition into one batch: a poll of a thousand flows all keyed to
 * one host, or a burst of full-size frames of one flow, went over it and stopped the stage for
 * good. Kept well under the default to leave room for the batch and record headers.
 */
export const MAX_BATCH_BYTES = 768 * 1024;

/** What a message adds to a record batch, near enough: its key, value and headers, plus framing. */
export function messageBytes(m: Message): number {
  let n = 32 + byteLength(m.key) + byteLength(m.value);
  if (m.headers) {
    for (const [k, v] of Object.entries(m.headers)) {
      n += Buffer.byteLength(k);
      for (const one of Array.isArray(v) ? v : [v]) n += byteLength(one as Buffer | string | null | undefined);
    }
  }
  return n;
}

function byteLength(v: Buffer | string | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'string' ? Buffer.byteLength(v) : v.length;
}

/**
 * Consecutive runs of `messages` of at most `maxBytes` each (order kept). A message larger than
 * `maxBytes` on its own goes alone: the broker judges it, and names the problem if it refuses.
 */
export function splitByBytes(messages: readonly Message[], maxBytes = MAX_BATCH_BYTES): Message[][] {
  const chunks: Message[][] = [];
  let chunk: Message[] = [];
  let bytes = 0;
  for (const m of messages) {
    const size = messageBytes(m);
    if (chunk.length > 0 && bytes + size > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 0;
    }
    chunk.push(m);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}
