/** Topic layout of the MQTT contract. The only place topic strings are built or parsed. */
export interface Topics {
  readonly base: string;
  bridgeState: string;
  bridgeInfo: string;
  bridgeHealth: string;
  bridgeRequest(op: string): string;
  bridgeResponse(op: string): string;
  deviceState(dev: string): string;
  deviceEvent(dev: string, event: string): string;
  deviceRequest(dev: string, cmd: string): string;
  deviceResponse(dev: string, cmd: string): string;
  simRequest(dev: string, cmd: string): string;
  simResponse(dev: string, cmd: string): string;
}

export function makeTopics(root: string, kioskId: string): Topics {
  const base = `${root}/${kioskId}`;
  return {
    base,
    bridgeState: `${base}/bridge/state`,
    bridgeInfo: `${base}/bridge/info`,
    bridgeHealth: `${base}/bridge/health`,
    bridgeRequest: (op) => `${base}/bridge/request/${op}`,
    bridgeResponse: (op) => `${base}/bridge/response/${op}`,
    deviceState: (dev) => `${base}/device/${dev}/state`,
    deviceEvent: (dev, event) => `${base}/device/${dev}/event/${event}`,
    deviceRequest: (dev, cmd) => `${base}/device/${dev}/request/${cmd}`,
    deviceResponse: (dev, cmd) => `${base}/device/${dev}/response/${cmd}`,
    simRequest: (dev, cmd) => `${base}/sim/${dev}/request/${cmd}`,
    simResponse: (dev, cmd) => `${base}/sim/${dev}/response/${cmd}`,
  };
}

/** A request topic, parsed. `scope` tells bridge, device and simulator requests apart. */
export interface ParsedRequestTopic {
  scope: 'bridge' | 'device' | 'sim';
  target: string;
  command: string;
}

/** Parse `{base}/bridge/request/{op}`, `{base}/device/{dev}/request/{cmd}` or `{base}/sim/{dev}/request/{cmd}`. */
export function parseRequestTopic(base: string, topic: string): ParsedRequestTopic | undefined {
  if (!topic.startsWith(base) || topic.charCodeAt(base.length) !== 47 /* / */) return undefined;
  const parts = topic.slice(base.length + 1).split('/');
  if (parts.length === 3 && parts[0] === 'bridge' && parts[1] === 'request') {
    return { scope: 'bridge', target: 'bridge', command: parts[2] ?? '' };
  }
  if (parts.length === 4 && (parts[0] === 'device' || parts[0] === 'sim') && parts[2] === 'request') {
    return { scope: parts[0], target: parts[1] ?? '', command: parts[3] ?? '' };
  }
  return undefined;
}

/**
 * Whether an MQTT 5 response topic may be used. The daemon may write anywhere under its root, so a
 * response topic there would let any client make it publish a fake device state or event: under the
 * root only `{base}/client/...` is allowed. Wildcards are never valid in a topic name.
 */
export function isAllowedResponseTopic(base: string, topic: string): boolean {
  if (topic.length === 0 || topic.length > 256 || /[+#\u0000]/.test(topic)) return false;
  const root = base.slice(0, base.indexOf('/') + 1);
  if (!topic.startsWith(root)) return true;
  return topic.startsWith(`${base}/client/`) && !topic.slice(base.length).split('/').includes('..');
}
