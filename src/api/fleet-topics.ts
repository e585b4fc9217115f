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
  /** Retained: the requires-attention list (src/api/checkout.ts; ids, reasons and amounts, no personal data). */
  attention: string;
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
  /** What the kiosk subscribes to for remote operations. */
  requestFilter: string;
  /** The operation a request topic names (`{base}/request/{op}`), or undefined for any other topic. */
  opOf(topic: string): string | undefined;
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
    attention: `${base}/attention`,
    alertEvent: `${base}/event/alert`,
    kpi: `${base}/kpi`,
    settlement: `${base}/settlement`,
    audit: `${base}/audit`,
    deviceState: (dev) => `${base}/device/${dev}/state`,
    request: (op) => `${base}/request/${op}`,
    response: (op) => `${base}/response/${op}`,
    requestFilter: `${base}/request/+`,
    opOf: (topic) => (topic.startsWith(`${base}/request/`) ? topic.slice(base.length + '/request/'.length) : undefined),
  };
}

/** One kiosk's prefix under the fleet's: `{prefix}/{region}/{kioskId}` (the default template's layout). */
export function fleetKioskBase(prefix: string, region: string, kioskId: string): string {
  return `${prefix}/${region}/${kioskId}`;
}

/** Subscription filters of the fleet's consumers (`kioskd fleet`, `kioskd fleet op`, the fleet store). */
export const fleetFilters = {
  /** Everything of every kiosk (the operator's live view). */
  all: (prefix: string): string => `${prefix}/#`,
  /** One kiosk's retained link state, in whatever region it is. */
  kioskState: (prefix: string, kioskId: string): string => `${prefix}/+/${kioskId}/state`,
  /** Everything the fleet store keeps, as MQTT 5 shared-subscription filters of `group`. */
  store: (prefix: string, group: string): string[] => {
    const suffixes = ['state', 'info', 'alerts', 'device/+/state', ...Object.values(RECORD_TOPICS).map((t) => t.suffix)];
    return suffixes.map((suffix) => `$share/${group}/${prefix}/+/+/${suffix}`);
  },
} as const;

const FLEET_SUFFIX = /^(.*?)\/(state|info|health|alerts|event\/alert|kpi|settlement|audit|device\/([^/]+)\/state)$/;

/**
 * A fleet topic split into the kiosk's prefix and what it carries: `state`, `info`, `health`, `alerts`,
 * a record kind's suffix, or `device/{dev}/state` (with `device`). Undefined for any other topic.
 */
export function splitFleetTopic(topic: string): { base: string; suffix: string; device?: string } | undefined {
  const m = FLEET_SUFFIX.exec(topic);
  if (!m?.[1] || !m[2]) return undefined;
  return m[3] === undefined ? { base: m[1], suffix: m[2] } : { base: m[1], suffix: m[2], device: m[3] };
}

/** Where each kind of store-and-forward record is published, and whether the latest one is retained. */
export const RECORD_TOPICS = {
  alert: { suffix: 'event/alert', retain: false },
  health: { suffix: 'health', retain: true },
  kpi: { suffix: 'kpi', retain: true },
  settlement: { suffix: 'settlement', retain: false },
  audit: { suffix: 'audit', retain: true },
} as const satisfies Record<string, { suffix: string; retain: boolean }>;
