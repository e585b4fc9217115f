/**
 * The fleet store's tables (migration 1). One row per store-and-forward record in `fleet_record`, keyed by
 * (kiosk, boot id, seq): the key every insert de-duplicates on, and what the gap view reads. Each kind also
 * lands in its own table under the same key; retained "current" topics (link state, info, device states,
 * the active alert set) are one row per kiosk (and device), replaced by newer arrivals.
 */
export const SCHEMA_V1 = `
CREATE TABLE kiosk (
  kiosk_id      text PRIMARY KEY,
  region        text NOT NULL,
  first_seen    timestamptz NOT NULL DEFAULT now(),
  last_received timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE kiosk_state (
  kiosk_id    text PRIMARY KEY REFERENCES kiosk,
  state       text NOT NULL CHECK (state IN ('online', 'offline')),
  reason      text,
  boot_id     text,
  version     text,
  since       timestamptz,
  received_at timestamptz NOT NULL
);

-- One row per daemon run: when it came online, when it went offline and why (shutdown / connection-lost).
CREATE TABLE kiosk_boot (
  kiosk_id       text NOT NULL REFERENCES kiosk,
  boot_id        text NOT NULL,
  version        text,
  started_at     timestamptz,
  online_at      timestamptz,
  offline_at     timestamptz,
  offline_reason text,
  PRIMARY KEY (kiosk_id, boot_id)
);

CREATE TABLE kiosk_info (
  kiosk_id    text PRIMARY KEY REFERENCES kiosk,
  version     text,
  boot_id     text,
  simulation  boolean,
  body        jsonb NOT NULL,
  received_at timestamptz NOT NULL
);

CREATE TABLE device_state (
  kiosk_id    text NOT NULL REFERENCES kiosk,
  device      text NOT NULL,
  status      text NOT NULL,
  since       timestamptz,
  error_code  text,
  detail      jsonb NOT NULL DEFAULT '{}',
  received_at timestamptz NOT NULL,
  PRIMARY KEY (kiosk_id, device)
);

CREATE TABLE active_alerts (
  kiosk_id    text PRIMARY KEY REFERENCES kiosk,
  at          timestamptz NOT NULL,
  alerts      jsonb NOT NULL,
  received_at timestamptz NOT NULL
);

CREATE TABLE fleet_record (
  kiosk_id    text NOT NULL REFERENCES kiosk,
  boot_id     text NOT NULL,
  seq         bigint NOT NULL,
  kind        text NOT NULL,
  at          timestamptz NOT NULL,
  dropped     integer NOT NULL DEFAULT 0,
  received_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kiosk_id, boot_id, seq)
);
CREATE INDEX fleet_record_kiosk_seq ON fleet_record (kiosk_id, seq);
CREATE INDEX fleet_record_kiosk_at ON fleet_record (kiosk_id, at DESC);

CREATE TABLE health (
  kiosk_id          text NOT NULL,
  boot_id           text NOT NULL,
  seq               bigint NOT NULL,
  at                timestamptz NOT NULL,
  uptime_sec        double precision,
  cpu_temp_c        double precision,
  disk_free_bytes   bigint,
  mem_free_bytes    bigint,
  load1             double precision,
  devices_not_ready integer,
  queued            integer,
  body              jsonb NOT NULL,
  PRIMARY KEY (kiosk_id, boot_id, seq)
);
CREATE INDEX health_kiosk_at ON health (kiosk_id, at DESC);

CREATE TABLE alert_event (
  kiosk_id  text NOT NULL,
  boot_id   text NOT NULL,
  seq       bigint NOT NULL,
  at        timestamptz NOT NULL,
  action    text NOT NULL CHECK (action IN ('raised', 'cleared')),
  alert_id  text NOT NULL,
  code      text NOT NULL,
  severity  text NOT NULL,
  subject   text,
  since     timestamptz,
  value     double precision,
  message   text,
  PRIMARY KEY (kiosk_id, boot_id, seq)
);
CREATE INDEX alert_event_at ON alert_event (at);

-- Messages the ingest could not use (bad JSON, schema failure): the topic and why, never the payload.
CREATE TABLE ingest_rejected (
  id          bigserial PRIMARY KEY,
  received_at timestamptz NOT NULL DEFAULT now(),
  topic       text NOT NULL,
  reason      text NOT NULL
);

CREATE TABLE store_setting (
  name  text PRIMARY KEY,
  value text NOT NULL
);
INSERT INTO store_setting VALUES ('stale_after_sec', '900');
`;

/**
 * Migration 2: the kiosk-side records of issue 17 (KPI daily summaries, settlements, audit chain heads).
 * KPI records are kept whole; the views expand the latest record of each kiosk and day, so an out-of-order
 * arrival never overwrites a newer summary.
 */
export const SCHEMA_V2 = `
CREATE TABLE kpi_record (
  kiosk_id text NOT NULL,
  boot_id  text NOT NULL,
  seq      bigint NOT NULL,
  at       timestamptz NOT NULL,
  day      date NOT NULL,
  final    boolean NOT NULL,
  body     jsonb NOT NULL,
  PRIMARY KEY (kiosk_id, boot_id, seq)
);
CREATE INDEX kpi_record_day ON kpi_record (kiosk_id, day, at DESC, seq DESC);

CREATE TABLE settlement (
  kiosk_id        text NOT NULL,
  settlement_id   text NOT NULL,
  boot_id         text NOT NULL,
  seq             bigint NOT NULL,
  day             date NOT NULL,
  closed_at       timestamptz NOT NULL,
  currency        text NOT NULL,
  card_count      integer NOT NULL,
  card_amount     bigint NOT NULL,
  terminal_count  integer,
  terminal_amount bigint,
  cash_count      integer NOT NULL,
  cash_amount     bigint NOT NULL,
  journal_count   integer NOT NULL,
  journal_amount  bigint NOT NULL,
  matches         boolean NOT NULL,
  body            jsonb NOT NULL,
  PRIMARY KEY (kiosk_id, settlement_id)
);
CREATE INDEX settlement_day ON settlement (day);

CREATE TABLE audit_head (
  kiosk_id text NOT NULL,
  boot_id  text NOT NULL,
  seq      bigint NOT NULL,
  at       timestamptz NOT NULL,
  chain    text NOT NULL,
  length   bigint NOT NULL,
  head     text NOT NULL,
  PRIMARY KEY (kiosk_id, boot_id, seq)
);
CREATE INDEX audit_head_chain ON audit_head (kiosk_id, chain, length);
`;
