-- One row per alert: the alert contract of ARCHITECTURE.md (AlertRecord in
-- libs/contracts/src/records.ts, schemas/alert.avsc), with the EVE `alert` and `detection`
-- blocks flattened into alert_* and detection_* columns. `timestamp` keeps the EVE text as
-- emitted; `ts_us` is the same instant in microseconds and `ts` in seconds (for partitions).
--
-- Keyed on `alert_id` the same way as flows: a re-delivered alert has the same id and event
-- time, so ReplacingMergeTree collapses the copies on merge and `FINAL` at read time; the last
-- written copy wins.
CREATE TABLE IF NOT EXISTS ${database}.alerts
(
    alert_id String,
    timestamp String,
    ts_us UInt64,
    ts DateTime DEFAULT toDateTime(intDiv(ts_us, 1000000)),
    flow_id Int64,
    src_ip String,
    src_port UInt16,
    dest_ip String,
    dest_port UInt16,
    proto String,
    alert_signature_id Int64,
    alert_rev UInt32,
    alert_signature String,
    alert_category String,
    alert_severity UInt8,
    detection_method String,
    detection_confidence Float64,
    detection_family String,
    detection_label String
)
ENGINE = ReplacingMergeTree()
PARTITION BY toYYYYMMDD(ts)
ORDER BY (ts, alert_id);
