/**
 * Remote operations the fleet may ask for (only those listed in fleet.remoteOps reach here). Each maps
 * onto the daemon's own request path (bridge ops, device commands) so that validation, error codes and
 * logs are the same as for a local request.
 */
import type { ActiveAlerts } from '../api/alerts.js';
import type { BridgeInfo, DeviceStateMessage, Health, ResponseEnvelope } from '../api/envelope.js';
import { buildTicketDocument } from '../health/ticket-document.js';

export interface RemoteOpsHost {
  /** Run a request as if it had arrived on the local bus; never throws. */
  request(scope: 'bridge' | 'device', target: string, command: string, input: unknown, requester: string): Promise<ResponseEnvelope>;
  info(): BridgeInfo;
  states(): Record<string, DeviceStateMessage>;
  health(): Promise<Health>;
  alerts(): ActiveAlerts | undefined;
  addresses(): string[];
  now(): Date;
}

function error(code: string, message: string): ResponseEnvelope {
  return { status: 'error', error: { code, message, retryable: false } };
}

async function selfTest(host: RemoteOpsHost, requester: string): Promise<ResponseEnvelope> {
  const health = await host.health();
  const devices: Record<string, { status: string; pass: boolean; code?: string }> = {};
  for (const [name, s] of Object.entries(host.states())) {
    devices[name] = { status: s.status, pass: s.status === 'ready' || s.status === 'busy' || s.status === 'disabled', ...(s.error ? { code: s.error.code } : {}) };
  }
  if (devices.printer?.status === 'ready') {
    const r = await host.request('device', 'printer', 'status', {}, requester);
    devices.printer = { ...devices.printer, pass: r.status === 'ok', ...(r.status === 'error' ? { code: r.error.code } : {}) };
  }
  const alerts = host.alerts()?.alerts ?? [];
  const pass = Object.values(devices).every((d) => d.pass) && !alerts.some((a) => a.severity === 'critical');
  return { status: 'ok', data: { pass, devices, alerts: alerts.map((a) => a.id), system: health.system } };
}

export function makeRemoteOperate(host: RemoteOpsHost): (op: string, input: unknown, requester: string) => Promise<ResponseEnvelope> {
  return async (op, input, requester) => {
    switch (op) {
      case 'rebirth':
      case 'restart-device':
      case 'log-level':
      case 'assistance-ack': // an operator who has sent someone acknowledges the call (audited like a technician's)
        return host.request('bridge', 'bridge', op, input ?? {}, requester);
      case 'self-test':
        return selfTest(host, requester);
      case 'ticket': {
        const info = host.info();
        if (!info.devices.printer?.enabled) return error('UNKNOWN_DEVICE', 'this kiosk has no printer configured');
        const health = await host.health();
        const alerts = host.alerts();
        const document = buildTicketDocument({
          kioskId: info.kioskId,
          version: info.version,
          bootId: info.bootId,
          startedAt: info.startedAt,
          at: host.now().toISOString(),
          addresses: host.addresses(),
          states: host.states(),
          health,
          ...(alerts ? { alerts } : {}),
        });
        const idempotencyKey = `ticket-${info.bootId.slice(0, 8)}-${host.now().getTime()}`;
        return host.request('device', 'printer', 'print', { document, idempotencyKey }, requester);
      }
      default:
        return error('UNKNOWN_COMMAND', `no remote operation ${op}`);
    }
  };
}
