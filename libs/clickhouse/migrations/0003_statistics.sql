-- Per-minute counts, kept up to date by materialized views as rows are inserted into `flows`
-- and `alerts`. SummingMergeTree adds up rows with the same key when parts merge, so always
-- read with sum() and GROUP BY (a minute may still be spread over several rows).
--
--   source = 'flows':  flows, packets (both directions) and bytes (IP-layer bytes, both
--                      directions, as NetFlow counts them) per minute of flow start and proto;
--   source = 'alerts': alerts per minute of event time, proto, detection_family and
--                      detection_method.
--
-- The views count what is inserted: a flow or alert re-delivered by the at-least-once sink is
-- counted again here (the base tables collapse it, these sums do not). Exact figures come from
-- the base tables with FINAL.
CREATE TABLE IF NOT EXISTS ${database}.statistics
(
    minute DateTime,
    source String,
    proto String,
    detection_family String,
    detection_method String,
    flows UInt64,
    packets UInt64,
    bytes UInt64,
    alerts UInt64
)
ENGINE = SummingMergeTree((flows, packets, bytes, alerts))
PARTITION BY toYYYYMM(minute)
ORDER BY (minute, source, proto, detection_family, detection_method);

CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.statistics_flows_mv
TO ${database}.statistics
AS SELECT
    toStartOfMinute(ts) AS minute,
    'flows' AS source,
    lower(proto) AS proto,
    '' AS detection_family,
    '' AS detection_method,
    toUInt64(count()) AS flows,
    toUInt64(sum(orig_pkts + resp_pkts)) AS packets,
    toUInt64(sum(orig_ip_bytes + resp_ip_bytes)) AS bytes,
    toUInt64(0) AS alerts
FROM ${database}.flows
GROUP BY minute, proto;

CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.statistics_alerts_mv
TO ${database}.statistics
AS SELECT
    toStartOfMinute(ts) AS minute,
    'alerts' AS source,
    lower(proto) AS proto,
    detection_family,
    detection_method,
    toUInt64(0) AS flows,
    toUInt64(0) AS packets,
    toUInt64(0) AS bytes,
    toUInt64(count()) AS alerts
FROM ${database}.alerts
GROUP BY minute, proto, detection_family, detection_method;
