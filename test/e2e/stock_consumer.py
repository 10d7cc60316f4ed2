"""Reads a topic of ours with Confluent's stock Python client, as another system would.

    .local/venv/bin/python test/e2e/stock_consumer.py BOOTSTRAP REGISTRY_URL TOPIC [SINCE_MS]

Keys with StringDeserializer, values with AvroDeserializer (schemas fetched from the registry by
the id in each record). Reads every partition from the beginning (or from the first record
written at or after SINCE_MS, by Kafka timestamp: a long-lived cluster's topic can hold more than
a minute's reading) to its end offset, then prints
one JSON object: the records (null values, our event-time markers, and undecodable records
counted apart). Bounded: it
gives up after 60 s.
"""
import json
import sys
import time
from datetime import datetime

from confluent_kafka import OFFSET_BEGINNING, DeserializingConsumer, TopicPartition
from confluent_kafka.error import ValueDeserializationError
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer
from confluent_kafka.serialization import StringDeserializer


def plain(v):
    """JSON-able: bytes as their length, timestamp-micros (a datetime here) as µs since the epoch."""
    if isinstance(v, bytes):
        return len(v)
    if isinstance(v, datetime):
        return round(v.timestamp() * 1_000_000)
    return v


def main(bootstrap, registry_url, topic, since_ms=None):
    registry = SchemaRegistryClient({"url": registry_url})
    consumer = DeserializingConsumer({
        "bootstrap.servers": bootstrap,
        "group.id": f"stock-consumer-{time.time_ns()}",
        "auto.offset.reset": "earliest",
        "enable.auto.commit": False,
        "isolation.level": "read_committed",
        "key.deserializer": StringDeserializer("utf_8"),
        "value.deserializer": AvroDeserializer(registry),
    })
    metadata = consumer.list_topics(topic, timeout=10)
    partitions = sorted(metadata.topics[topic].partitions)
    ends = {p: consumer.get_watermark_offsets(TopicPartition(topic, p), timeout=10)[1] for p in partitions}
    starts = {p: OFFSET_BEGINNING for p in partitions}
    if since_ms is not None:
        # offsets_for_times answers -1 where no record is that recent: nothing to read there
        for tp in consumer.offsets_for_times([TopicPartition(topic, p, int(since_ms)) for p in partitions], timeout=10):
            starts[tp.partition] = tp.offset if tp.offset >= 0 else ends[tp.partition]
    consumer.assign([TopicPartition(topic, p, starts[p]) for p in partitions])
    records, markers, undecodable = [], 0, 0
    done = {p for p, end in ends.items() if end == 0 or starts[p] == end}
    deadline = time.time() + 60
    while len(done) < len(partitions) and time.time() < deadline:
        try:
            msg = consumer.poll(0.5)
        except ValueDeserializationError as error:
            # A poison record (the dead-letter test writes one): skip it, as a real consumer would.
            undecodable += 1
            msg = error.kafka_message
            if msg.offset() + 1 >= ends[msg.partition()]:
                done.add(msg.partition())
            continue
        if msg is None:
            # Transaction markers occupy the last offsets: check positions, not message offsets.
            for tp in consumer.position([TopicPartition(topic, p) for p in partitions]):
                if tp.offset >= ends[tp.partition]:
                    done.add(tp.partition)
            continue
        if msg.error():
            raise SystemExit(f"consumer error: {msg.error()}")
        if msg.value() is None:
            markers += 1
        else:
            value = {k: plain(v) for k, v in msg.value().items()}
            records.append({"key": msg.key(), "partition": msg.partition(), "value": value})
        if msg.offset() + 1 >= ends[msg.partition()]:
            done.add(msg.partition())
    consumer.close()
    print(json.dumps({"topic": topic, "complete": len(done) == len(partitions), "markers": markers, "undecodable": undecodable, "records": records}))


if __name__ == "__main__":
    main(*sys.argv[1:5])
