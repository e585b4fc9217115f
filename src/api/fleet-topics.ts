/**
 * Fleet topic layout. Everything of one kiosk sits under one prefix, `fleet/{region}/{kioskId}` by
 * default, so a clustered broker can route, authorise (ACL on the client certificate's CN = kioskId)
 * and share subscriptions by region. See docs/fleet.md.
 */
export interface FleetTopics {
  readonly base: string;
  /** Retained: online (birth) / offline (last will or clean stop). */
  state: string;
  /** Retained: versions and device kinds. */
  info: string;
  /** Retained latest health; each snapshot is a store-and-forward record. */
  health: string;
  /** Retained: the active alert set. */
  alerts: string;
  /** Not retained: raised/cleared alert events, as store-and-forward records. */
  alertEvent: string;
  /** Retained latest: the day's KPI summary records (src/api/fleet-records.ts). */
  kpi: string;
  /** Not retained: settlement (end of day) records. */
  settlement: string;
  /** Retained latest: audit chain head records. */
  audit: string;
  deviceState(dev: string): string;
  request(op: string): string;
  response(op: string): string;
}

export function fleetBase(template: string, vars: { region: string; kioskId: string }): string {
  return template.replaceAll('{region}', vars.region).replaceAll('{kioskId}', vars.kioskId);
}

export function makeFleetTopics(base: string): FleetTopics {
  return {
    base,
    state: `${base}/state`,
    info: `${base}/info`,
    health: `${base}/health`,
    alerts: `${base}/alerts`,
    alertEvent: `${base}/event/alert`,
    kpi: `${base}/kpi`,
    settlement: `${base}/settlement`,
    audit: `${base}/audit`,
    deviceState: (dev) => `${base}/device/${dev}/state`,
    request: (op) => `${base}/request/${op}`,
    response: (op) => `${base}/response/${op}`,
  };
}

/** Where each kind of store-and-forward record is published, and whether the latest one is retained. */
export const RECORD_TOPICS = {
  alert: { suffix: 'event/alert', retain: false },
  health: { suffix: 'health', retain: true },
  kpi: { suffix: 'kpi', retain: true },
  settlement: { suffix: 'settlement', retain: false },
  audit: { suffix: 'audit', retain: true },
} as const satisfies Record<string, { suffix: string; retain: boolean }>;
