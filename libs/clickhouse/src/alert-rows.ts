import type { AlertRecord } from '@ids/contracts';
import { AlertTimestampInvalidError } from './alert-timestamp-invalid.error';

/** A row of the `alerts` table (migrations/0002_alerts.sql): AlertRecord flattened. */
export type AlertRow = {
  alert_id: string;
  /** The EVE timestamp text as emitted. */
  timestamp: string;
  /** The same instant in microseconds since the epoch. */
  ts_us: number;
  /** The same instant in whole seconds (the DateTime partition and filter column). */
  ts: number;
  flow_id: number;
  src_ip: string;
  src_port: number;
  dest_ip: string;
  dest_port: number;
  proto: string;
  alert_signature_id: number;
  alert_rev: number;
  alert_signature: string;
  alert_category: string;
  alert_severity: number;
  detection_method: string;
  detection_confidence: number;
  detection_family: string;
  detection_label: string;
};

/** AlertRecord → `alerts` row; throws AlertTimestampInvalidError when `timestamp` is not ISO 8601. */
export function toAlertRow(alert: AlertRecord): AlertRow {
  const tsUs = eveTimestampToMicros(alert.timestamp, alert.alert_id);
  return {
    alert_id: alert.alert_id,
    timestamp: alert.timestamp,
    ts_us: tsUs,
    ts: Math.floor(tsUs / 1_000_000),
    flow_id: alert.flow_id,
    src_ip: alert.src_ip,
    src_port: alert.src_port,
    dest_ip: alert.dest_ip,
    dest_port: alert.dest_port,
    proto: alert.proto,
    alert_signature_id: alert.alert.signature_id,
    alert_rev: alert.alert.rev,
    alert_signature: alert.alert.signature,
    alert_category: alert.alert.category,
    alert_severity: alert.alert.severity,
    detection_method: alert.detection.method,
    detection_confidence: alert.detection.confidence,
    detection_family: alert.detection.family,
    detection_label: alert.detection.label,
  };
}

// EVE writes "2024-01-15T10:20:30.123456+0000"; "+00:00", "Z" and other fraction lengths are
// accepted too. Digits past the sixth of the fraction are dropped (truncated, not rounded).
const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|([+-])(\d{2}):?(\d{2}))$/;

/** Microseconds since the epoch of an EVE (ISO 8601) timestamp. */
export function eveTimestampToMicros(timestamp: string, alertId = ''): number {
  const m = ISO_8601.exec(timestamp);
  if (!m) throw new AlertTimestampInvalidError(timestamp, alertId, 'not ISO 8601 with an offset (YYYY-MM-DDThh:mm:ss[.ffffff]±hhmm)');
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  const millis = Date.UTC(year, month - 1, day, hour, minute, second);
  const check = new Date(millis);
  if (
    check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day
    || check.getUTCHours() !== hour || check.getUTCMinutes() !== minute || check.getUTCSeconds() !== second
  ) {
    throw new AlertTimestampInvalidError(timestamp, alertId, 'no such date or time of day');
  }
  const offsetMinutes = m[8] === 'Z' ? 0 : (m[9] === '-' ? -1 : 1) * (Number(m[10]) * 60 + Number(m[11]));
  if (Math.abs(offsetMinutes) > 18 * 60 || Number(m[11]) > 59) {
    throw new AlertTimestampInvalidError(timestamp, alertId, 'offset out of range');
  }
  const fractionUs = Number((m[7] ?? '').padEnd(6, '0').slice(0, 6));
  const micros = (millis / 1000 - offsetMinutes * 60) * 1_000_000 + fractionUs;
  if (micros < 0) throw new AlertTimestampInvalidError(timestamp, alertId, 'before 1970-01-01T00:00:00Z');
  return micros;
}
