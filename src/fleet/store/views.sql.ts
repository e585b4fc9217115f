/**
 * Migration 3: the views a dashboard reads. Days of alerts are UTC days; KPI and settlement days are the
 * kiosk's own local day (as the kiosk counted it). Each view is documented in docs/fleet.md.
 */
export const VIEWS_V3 = `
CREATE VIEW v_kiosk_overview AS
SELECT k.kiosk_id, k.region, s.state, s.reason, s.version, s.boot_id,
       r.last_record_at, r.last_seq, k.last_received,
       floor(extract(epoch FROM now() - r.last_record_at))::bigint AS last_record_age_sec,
       (r.last_record_at IS NULL OR now() - r.last_record_at >
          make_interval(secs => (SELECT value::int FROM store_setting WHERE name = 'stale_after_sec'))) AS stale,
       coalesce(a.critical, 0) AS alerts_critical, coalesce(a.warning, 0) AS alerts_warning,
       coalesce(d.not_ready, 0) AS devices_not_ready
FROM kiosk k
LEFT JOIN kiosk_state s USING (kiosk_id)
LEFT JOIN active_alerts aa USING (kiosk_id)
LEFT JOIN LATERAL (SELECT max(f.at) AS last_record_at, max(f.seq) AS last_seq FROM fleet_record f WHERE f.kiosk_id = k.kiosk_id) r ON true
LEFT JOIN LATERAL (SELECT count(*) FILTER (WHERE x->>'severity' = 'critical') AS critical,
                          count(*) FILTER (WHERE x->>'severity' = 'warning') AS warning
                   FROM jsonb_array_elements(coalesce(aa.alerts, '[]'::jsonb)) x) a ON true
LEFT JOIN LATERAL (SELECT count(*) AS not_ready FROM device_state ds
                   WHERE ds.kiosk_id = k.kiosk_id AND ds.status NOT IN ('ready', 'busy', 'disabled')) d ON true;

CREATE VIEW v_active_alerts AS
SELECT aa.kiosk_id, k.region, x->>'id' AS alert_id, x->>'code' AS code, x->>'severity' AS severity,
       x->>'subject' AS subject, (x->>'since')::timestamptz AS since, x->>'message' AS message, (x->>'value')::float8 AS value
FROM active_alerts aa JOIN kiosk k USING (kiosk_id), jsonb_array_elements(aa.alerts) x;

CREATE VIEW v_alerts_day AS
SELECT (at AT TIME ZONE 'UTC')::date AS day, code, severity, count(*) AS raised, count(DISTINCT kiosk_id) AS kiosks
FROM alert_event WHERE action = 'raised' GROUP BY 1, 2, 3;

-- Records lost between the kiosk and the store: a jump in seq that the record's "dropped" does not explain.
CREATE VIEW v_record_gaps AS
SELECT kiosk_id, prev_seq, seq, seq - prev_seq - 1 - dropped AS missing, boot_id, at
FROM (SELECT kiosk_id, boot_id, seq, at, dropped, lag(seq) OVER (PARTITION BY kiosk_id ORDER BY seq, boot_id) AS prev_seq
      FROM fleet_record) t
WHERE prev_seq IS NOT NULL AND seq - prev_seq - 1 > dropped;

CREATE VIEW v_health_latest AS
SELECT DISTINCT ON (kiosk_id) kiosk_id, boot_id, seq, at, uptime_sec, cpu_temp_c, disk_free_bytes, mem_free_bytes,
       load1, devices_not_ready, queued
FROM health ORDER BY kiosk_id, at DESC, seq DESC;

CREATE VIEW v_kpi_latest AS
SELECT DISTINCT ON (kiosk_id, day) kiosk_id, day, final, at, boot_id, seq, body
FROM kpi_record ORDER BY kiosk_id, day, at DESC, seq DESC;

CREATE VIEW v_kpi_kiosk_day AS
SELECT kiosk_id, day, final, (body->>'visitors')::int AS visitors,
       (body->'consumables'->>'paperUsedMm')::int AS paper_used_mm,
       (body->'consumables'->>'cashboxNotes')::int AS cashbox_notes,
       (body->'consumables'->>'cashboxCapacity')::int AS cashbox_capacity
FROM v_kpi_latest;

CREATE VIEW v_kpi_device_day AS
SELECT l.kiosk_id, l.day, l.final, d.key AS device, d.value->>'kind' AS kind,
       (d.value->>'fittedSec')::bigint AS fitted_sec, (d.value->>'readySec')::bigint AS ready_sec,
       CASE WHEN (d.value->>'fittedSec')::bigint > 0
            THEN round(100.0 * (d.value->>'readySec')::numeric / (d.value->>'fittedSec')::numeric, 2) END AS availability_pct,
       (SELECT coalesce(sum(f.value::int), 0) FROM jsonb_each_text(d.value->'faults') f)::int AS faults,
       d.value->'faults' AS faults_by_code, (d.value->>'mtbfSec')::float8 AS mtbf_sec
FROM v_kpi_latest l, jsonb_each(l.body->'devices') d;

-- Fleet availability per day and device kind: time ready over time fitted, summed over kiosks.
CREATE VIEW v_availability_day AS
SELECT day, kind, count(DISTINCT kiosk_id) AS kiosks, sum(fitted_sec) AS fitted_sec, sum(ready_sec) AS ready_sec,
       round(100.0 * sum(ready_sec) / nullif(sum(fitted_sec), 0), 2) AS availability_pct, sum(faults) AS faults,
       CASE WHEN sum(faults) > 0 THEN sum(ready_sec)::float8 / sum(faults) END AS mtbf_sec
FROM v_kpi_device_day GROUP BY day, kind;

CREATE VIEW v_faults_day AS
SELECT dd.day, dd.kind, f.key AS code, sum(f.value::int) AS faults, count(DISTINCT dd.kiosk_id) AS kiosks
FROM v_kpi_device_day dd, jsonb_each_text(dd.faults_by_code) f GROUP BY 1, 2, 3;

CREATE VIEW v_kpi_service_day AS
SELECT l.kiosk_id, l.day, l.final, s.service, s.method, s.currency, s.started, s.completed, s.failed, s.amount AS amount_minor
FROM v_kpi_latest l,
     jsonb_to_recordset(l.body->'services') AS s(service text, method text, currency text, started int, completed int, failed int, amount bigint);

CREATE VIEW v_transactions_day AS
SELECT day, service, method, currency, count(DISTINCT kiosk_id) AS kiosks, sum(started) AS started,
       sum(completed) AS completed, sum(failed) AS failed,
       round(100.0 * sum(completed) / nullif(sum(started), 0), 2) AS completion_pct, sum(amount_minor) AS amount_minor
FROM v_kpi_service_day GROUP BY day, service, method, currency;

CREATE VIEW v_cash_day AS
SELECT l.kiosk_id, l.day, l.body->'cash'->>'currency' AS currency, d.key::int AS denomination, d.value::int AS count
FROM v_kpi_latest l, jsonb_each_text(l.body->'cash'->'denominations') d
WHERE l.body ? 'cash';

CREATE VIEW v_settlement_day AS
SELECT day, currency, count(*) AS settlements, count(DISTINCT kiosk_id) AS kiosks, sum(card_amount) AS card_amount,
       sum(cash_amount) AS cash_amount, sum(journal_amount) AS journal_amount,
       count(*) FILTER (WHERE NOT matches) AS mismatches
FROM settlement GROUP BY day, currency;

-- The settlement against the kiosk's own KPI summary of the same day: both come from the kiosk, so a
-- disagreement is a kiosk-side bug or a record that never arrived.
CREATE VIEW v_settlement_check AS
SELECT s.kiosk_id, s.day, s.settlement_id, s.currency, s.card_amount + s.cash_amount AS settled_amount, s.journal_amount,
       k.amount AS kpi_amount, s.matches,
       (s.matches AND k.amount IS NOT DISTINCT FROM s.card_amount + s.cash_amount) AS agrees
FROM settlement s
LEFT JOIN LATERAL (SELECT sum(amount_minor) AS amount FROM v_kpi_service_day v
                   WHERE v.kiosk_id = s.kiosk_id AND v.day = s.day AND v.currency = s.currency
                     AND v.method IN ('card', 'cash')) k ON true;

CREATE VIEW v_audit_latest AS
SELECT DISTINCT ON (kiosk_id, chain) kiosk_id, chain, length, head, at, boot_id, seq
FROM audit_head ORDER BY kiosk_id, chain, length DESC, at DESC;

-- A local log rewritten after its head left the kiosk: two heads for the same length, or a chain shorter
-- than one reported before.
CREATE VIEW v_audit_anomalies AS
SELECT a.kiosk_id, a.chain, a.length, 'rewritten' AS problem, a.head, b.head AS other_head, greatest(a.at, b.at) AS at
FROM audit_head a JOIN audit_head b
  ON a.kiosk_id = b.kiosk_id AND a.chain = b.chain AND a.length = b.length AND a.head < b.head
UNION ALL
SELECT kiosk_id, chain, length, 'shortened', head, NULL, at
FROM (SELECT *, max(length) OVER (PARTITION BY kiosk_id, chain ORDER BY seq ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS before
      FROM audit_head) t
WHERE length < before;
`;
