-- One row per flow: every field of FlowRecord (libs/contracts/src/records.ts; meanings in
-- schemas/flow.avsc), plus `ts`, the flow start as a DateTime for partitioning and time filters.
--
-- The sink writes at least once. Idempotence comes from the table: a re-delivered flow has the
-- same `uid`, hence the same `ts` and sorting key, and ReplacingMergeTree collapses the copies
-- when parts merge; `SELECT ... FROM flows FINAL` collapses them at read time. Of two copies the
-- one with the larger `last_ts_us` wins.
--
-- Portable between ClickHouse 18.16 and current releases: no DateTime64 (microseconds are kept
-- in UInt64 *_us columns), no LowCardinality, no TTL, no Nullable in the keys.
CREATE TABLE IF NOT EXISTS ${database}.flows
(
    uid String,
    flow_id Int64,
    flow_key String,
    ts_us UInt64,
    last_ts_us UInt64,
    duration_us UInt64,
    ts DateTime DEFAULT toDateTime(intDiv(ts_us, 1000000)),
    proto String,
    ip_proto UInt8,
    vlan Nullable(UInt16),
    orig_h String,
    orig_p UInt16,
    resp_h String,
    resp_p UInt16,
    service Nullable(String),
    orig_pkts UInt64,
    resp_pkts UInt64,
    orig_bytes UInt64,
    resp_bytes UInt64,
    orig_ip_bytes UInt64,
    resp_ip_bytes UInt64,
    orig_wire_bytes UInt64,
    resp_wire_bytes UInt64,
    conn_state String,
    history String,
    close_reason String
)
ENGINE = ReplacingMergeTree(last_ts_us)
PARTITION BY toYYYYMMDD(ts)
ORDER BY (ts, uid);
