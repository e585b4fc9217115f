/**
 * Topic layout of the MQTT contract. With src/api/fleet-topics.ts (the fleet link's), the only place
 * topic strings are built or parsed: the daemon, the bus, the CLI and the client library all get theirs here.
 *
 * Requests come in on a role's namespace (see src/core/roles.ts): the UI's is the base itself
 * (`{base}/device/{dev}/request/{cmd}`), the technician's is `{base}/technician/...` with the same
 * layout under it. Responses go back on the same namespace, so the broker ACL that decides who may
 * publish there also decides who may read the answers.
 */
import type { Role } from '../core/roles.js';

/** The roles that have a topic namespace on the local broker (`fleet` arrives over the fleet link). */
export type LocalRole = Exclude<Role, 'fleet'>;

/**
 * The bridge's retained topics, relative to `{root}/{kioskId}`: `kioskd status` keys what it read by
 * these (src/cli/common.ts readRetained).
 */
export const BRIDGE_RETAINED = {
  state: 'bridge/state',
  info: 'bridge/info',
  health: 'bridge/health',
  /** Every active alert (src/api/alerts.ts). */
  alerts: 'bridge/alerts',
  /** The fleet link as a technician sees it, when the fleet link is configured. */
  fleet: 'bridge/fleet',
  /** Today's KPI summary (src/api/fleet-records.ts kpiDailySchema), when KPIs are enabled. */
  kpi: 'bridge/kpi',
  /** Which services can be offered now (src/api/catalogue.ts). */
  availability: 'bridge/availability',
  /** The requires-attention list (src/api/checkout.ts). */
  attention: 'bridge/attention',
  /** Whether a UI session holds the devices (src/api/session.ts). */
  session: 'bridge/session',
  /** Accessible mode and the session language (src/api/kiosk.ts). */
  accessible: 'bridge/accessible',
  /** A pending request for assistance and the last acknowledgement (src/api/kiosk.ts). */
  assistance: 'bridge/assistance',
} as const;

/** The device whose retained state a topic below the base is (`device/{dev}/state`), else undefined. */
export function deviceOfStateTopic(relative: string): string | undefined {
  return /^device\/([^/]+)\/state$/.exec(relative)?.[1];
}

export interface Topics {
  readonly base: string;
  bridgeState: string;
  bridgeInfo: string;
  bridgeHealth: string;
  /** Retained: the active alert set. */
  bridgeAlerts: string;
  /** Not retained: an alert raised or cleared. */
  bridgeAlertEvent: string;
  /** Retained: the fleet link's status (only when configured). */
  bridgeFleet: string;
  bridgeKpi: string;
  /** Retained: availability, the requires-attention list, the UI session. */
  bridgeAvailability: string;
  bridgeAttention: string;
  bridgeSession: string;
  /** Not retained: `bridge/event/session`, `bridge/event/checkout`. */
  bridgeEvent(name: 'session' | 'checkout'): string;
  /** Retained: accessible mode (src/api/kiosk.ts). */
  bridgeAccessible: string;
  /** Not retained: accessible mode or the session language changed. */
  bridgeAccessibleEvent: string;
  /** Retained: the assistance request state. */
  bridgeAssistance: string;
  /** Not retained: assistance requested, pressed again, acknowledged. */
  bridgeAssistanceEvent: string;
  bridgeRequest(op: string, role?: LocalRole): string;
  bridgeResponse(op: string, role?: LocalRole): string;
  deviceState(dev: string): string;
  deviceEvent(dev: string, event: string): string;
  deviceRequest(dev: string, cmd: string, role?: LocalRole): string;
  deviceResponse(dev: string, cmd: string, role?: LocalRole): string;
  simRequest(dev: string, cmd: string): string;
  simResponse(dev: string, cmd: string): string;
  /** Where a client's MQTT 5 responses go: `{ns}/client/{clientId}/response`. */
  clientResponse(clientId: string, role?: LocalRole): string;
  /**
   * What the daemon subscribes to: every request of every local role, and the simulator controls:
   * `all` when every simulator runs in the daemon (unknown devices are answered UNKNOWN_DEVICE there),
   * else those of the devices whose simulators it runs (`kioskd simulate` answers the rest).
   */
  requestFilters(simulated: 'all' | readonly string[]): string[];
  /** Every retained message of the kiosk: the bridge's and each device's state (`kioskd status`). */
  retainedFilters: string[];
}

/** The prefix of a role's namespace: the base for the UI, `{base}/technician` for the technician. */
export function namespaceOf(base: string, role: LocalRole = 'ui'): string {
  return role === 'technician' ? `${base}/technician` : base;
}

export function makeTopics(root: string, kioskId: string): Topics {
  const base = `${root}/${kioskId}`;
  const ns = (role?: LocalRole): string => namespaceOf(base, role);
  return {
    base,
    bridgeState: `${base}/${BRIDGE_RETAINED.state}`,
    bridgeInfo: `${base}/${BRIDGE_RETAINED.info}`,
    bridgeHealth: `${base}/${BRIDGE_RETAINED.health}`,
    bridgeAlerts: `${base}/${BRIDGE_RETAINED.alerts}`,
    bridgeAlertEvent: `${base}/bridge/event/alert`,
    bridgeFleet: `${base}/${BRIDGE_RETAINED.fleet}`,
    bridgeKpi: `${base}/${BRIDGE_RETAINED.kpi}`,
    bridgeAvailability: `${base}/${BRIDGE_RETAINED.availability}`,
    bridgeAttention: `${base}/${BRIDGE_RETAINED.attention}`,
    bridgeSession: `${base}/${BRIDGE_RETAINED.session}`,
    bridgeEvent: (name) => `${base}/bridge/event/${name}`,
    bridgeAccessible: `${base}/${BRIDGE_RETAINED.accessible}`,
    bridgeAccessibleEvent: `${base}/bridge/event/accessible`,
    bridgeAssistance: `${base}/${BRIDGE_RETAINED.assistance}`,
    bridgeAssistanceEvent: `${base}/bridge/event/assistance`,
    bridgeRequest: (op, role) => `${ns(role)}/bridge/request/${op}`,
    bridgeResponse: (op, role) => `${ns(role)}/bridge/response/${op}`,
    deviceState: (dev) => `${base}/device/${dev}/state`,
    deviceEvent: (dev, event) => `${base}/device/${dev}/event/${event}`,
    deviceRequest: (dev, cmd, role) => `${ns(role)}/device/${dev}/request/${cmd}`,
    deviceResponse: (dev, cmd, role) => `${ns(role)}/device/${dev}/response/${cmd}`,
    simRequest: (dev, cmd) => `${base}/sim/${dev}/request/${cmd}`,
    simResponse: (dev, cmd) => `${base}/sim/${dev}/response/${cmd}`,
    clientResponse: (clientId, role) => `${ns(role)}/client/${clientId}/response`,
    requestFilters: (simulated) => {
      const tech = ns('technician');
      const sims = simulated === 'all' ? [`${base}/sim/+/request/+`] : simulated.map((dev) => `${base}/sim/${dev}/request/+`);
      return [`${base}/bridge/request/+`, `${base}/device/+/request/+`, `${tech}/bridge/request/+`, `${tech}/device/+/request/+`, ...sims];
    },
    retainedFilters: [`${base}/bridge/+`, `${base}/device/+/state`],
  };
}

/** A request topic, parsed. `scope` tells bridge, device and simulator requests apart; `role` is its namespace's. */
export interface ParsedRequestTopic {
  scope: 'bridge' | 'device' | 'sim';
  target: string;
  command: string;
  role: LocalRole;
}

/** Parse `{ns}/bridge/request/{op}`, `{ns}/device/{dev}/request/{cmd}` or `{base}/sim/{dev}/request/{cmd}`. */
export function parseRequestTopic(base: string, topic: string): ParsedRequestTopic | undefined {
  if (!topic.startsWith(base) || topic.charCodeAt(base.length) !== 47 /* / */) return undefined;
  let parts = topic.slice(base.length + 1).split('/');
  let role: LocalRole = 'ui';
  if (parts[0] === 'technician') {
    role = 'technician';
    parts = parts.slice(1);
  }
  if (parts.length === 3 && parts[0] === 'bridge' && parts[1] === 'request') {
    return { scope: 'bridge', target: 'bridge', command: parts[2] ?? '', role };
  }
  if (parts.length === 4 && (parts[0] === 'device' || (parts[0] === 'sim' && role === 'ui')) && parts[2] === 'request') {
    return { scope: parts[0], target: parts[1] ?? '', command: parts[3] ?? '', role };
  }
  return undefined;
}

/**
 * Whether an MQTT 5 response topic may be used for a request that came in on `role`'s namespace. The
 * daemon may write anywhere under its root, so a response topic there would let any client make it
 * publish a fake device state or event: under the root only `{ns}/client/...` of the request's own
 * namespace is allowed (a UI request cannot aim its answer at a technician's client). Wildcards are
 * never valid in a topic name.
 */
export function isAllowedResponseTopic(base: string, topic: string, role: LocalRole = 'ui'): boolean {
  if (topic.length === 0 || topic.length > 256 || /[+#\u0000]/.test(topic)) return false;
  const root = base.slice(0, base.indexOf('/') + 1);
  if (!topic.startsWith(root)) return true;
  const ns = namespaceOf(base, role);
  return topic.startsWith(`${ns}/client/`) && !topic.slice(ns.length).split('/').includes('..');
}
