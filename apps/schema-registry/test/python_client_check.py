"""Drives our schema registry with Confluent's stock Python client (confluent-kafka).

    .local/venv/bin/python apps/schema-registry/test/python_client_check.py URL SUBJECT_PREFIX

Exits 0 and prints one JSON line of what it saw when every check passes; an assertion names
the first check that failed. Run by registry.int-spec.ts against a registry on a test topic.
"""
import json
import sys

from confluent_kafka.schema_registry import Schema, SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroDeserializer, AvroSerializer
from confluent_kafka.schema_registry.error import SchemaRegistryError
from confluent_kafka.serialization import MessageField, SerializationContext


def record(*fields):
    return {"type": "record", "name": "Alert", "namespace": "ids.pytest", "fields": list(fields)}


SEVERITY = {"name": "severity", "type": "int"}
LABEL_DEFAULT = {"name": "label", "type": "string", "default": "benign"}
LABEL_REQUIRED = {"name": "label", "type": "string"}
V1 = json.dumps(record(SEVERITY))
V1_SPACED = json.dumps(record(SEVERITY), indent=2)
V2 = json.dumps(record(SEVERITY, LABEL_DEFAULT))
V3_INCOMPATIBLE = json.dumps(record(SEVERITY, LABEL_REQUIRED, {"name": "score", "type": "double"}))


def expect_error(code, call):
    try:
        call()
    except SchemaRegistryError as error:
        assert error.error_code == code, f"expected error {code}, got {error}"
        return error.http_status_code
    raise AssertionError(f"expected error {code}, the call succeeded")


def main(url, prefix):
    client = SchemaRegistryClient({"url": url})
    subject = f"{prefix}-value"
    seen = {}

    id1 = client.register_schema(subject, Schema(V1, "AVRO"))
    assert isinstance(id1, int) and id1 > 0, id1
    fresh = SchemaRegistryClient({"url": url})  # no client-side cache
    assert fresh.register_schema(subject, Schema(V1_SPACED, "AVRO")) == id1, "same schema, same id"

    got = fresh.get_schema(id1)
    assert json.loads(got.schema_str) == json.loads(V1), got.schema_str
    assert got.schema_type == "AVRO", got.schema_type

    latest = fresh.get_latest_version(subject)
    assert (latest.schema_id, latest.version, latest.subject) == (id1, 1, subject), latest

    id2 = client.register_schema(subject, Schema(V2, "AVRO"))
    assert id2 > id1, (id1, id2)
    assert client.get_versions(subject) == [1, 2], client.get_versions(subject)
    assert subject in client.get_subjects(), client.get_subjects()
    assert client.get_version(subject, 2).schema_id == id2

    found = SchemaRegistryClient({"url": url}).lookup_schema(subject, Schema(V1_SPACED, "AVRO"))
    assert (found.schema_id, found.version) == (id1, 1), found
    assert expect_error(40403, lambda: client.lookup_schema(subject, Schema(V3_INCOMPATIBLE, "AVRO"))) == 404
    assert expect_error(40401, lambda: client.get_versions(f"{prefix}-missing")) == 404
    assert expect_error(40403, lambda: SchemaRegistryClient({"url": url}).get_schema(10**9)) == 404

    assert client.test_compatibility(subject, Schema(V2, "AVRO")) is True
    assert client.test_compatibility(subject, Schema(V3_INCOMPATIBLE, "AVRO")) is False
    assert client.test_compatibility(subject, Schema(V1, "AVRO"), version=1) is True

    assert client.get_compatibility() == "BACKWARD"
    client.set_compatibility(subject_name=subject, level="FULL")
    assert client.get_compatibility(subject) == "FULL"
    assert expect_error(409, lambda: client.register_schema(subject, Schema(V3_INCOMPATIBLE, "AVRO"))) == 409

    # A record through the stock Avro serde: auto-registers under <topic>-value.
    topic = f"{prefix}-serde"
    serializer = AvroSerializer(client, V2)
    ctx = SerializationContext(topic, MessageField.VALUE)
    alert = {"severity": 3, "label": "portscan"}
    data = serializer(alert, ctx)
    assert data[0] == 0, "Confluent wire format: magic byte 0"
    serde_id = int.from_bytes(data[1:5], "big")
    assert serde_id == id2, (serde_id, id2)
    decoded = AvroDeserializer(SchemaRegistryClient({"url": url}))(data, ctx)
    assert decoded == alert, decoded
    seen["serde_subject"] = f"{topic}-value"
    seen["serde_bytes"] = data.hex()

    assert client.delete_subject(subject) == [1, 2]
    assert subject not in client.get_subjects()
    assert subject in client.get_subjects(deleted=True)
    assert client.delete_subject(subject, permanent=True) == [1, 2]
    assert subject not in client.get_subjects(deleted=True)

    seen.update({"subject": subject, "ids": [id1, id2]})
    print(json.dumps(seen))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
