/**
 * The bridge operations (`bridge/request/{op}`, src/api/bridge.ts): the daemon itself rather than a
 * device. Each handler is typed by its op's schemas; the router has already checked the role and the
 * input before a handler runs.
 */
import type { BridgeOps } from '../api/bridge.js';
import type { BridgeInfo, Health } from '../api/envelope.js';
import type { HandlersOf } from '../core/driver.js';
import { KioskError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { AccessibleMode } from './accessibility.js';
import type { Assistance } from './assistance.js';
import type { Devices } from './devices.js';
import type { MoneyJournal } from './money-journal.js';
import type { Operations } from './operations.js';
import { auditDiagnosis } from './audit-check.js';
import { hourlyAvailability } from '../health/kpi/summary.js';
import type { ServiceOps } from '../services/kiosk-services.js';

export interface BridgeHost {
  readonly log: Logger;
  readonly devices: Pick<Devices, 'runtime' | 'runtimes'>;
  readonly journal: MoneyJournal;
  /** KPIs, end of day and the audit trail (set once built). */
  operations(): Operations;
  /** The bridge/info document, now. */
  info(): BridgeInfo;
  /** A health snapshot, published. */
  health(): Promise<Health>;
  /** Republish every retained message of the birth; returns how many went out. */
  rebirth(): number;
  /** The kiosk-level services' operations (sessions, catalogue, availability, checkout, attention). */
  services: HandlersOf<ServiceOps>;
  readonly accessible: Pick<AccessibleMode, 'set' | 'reset'>;
  readonly assistance: Pick<Assistance, 'request' | 'acknowledge'>;
}

export function bridgeHandlers(host: BridgeHost): HandlersOf<BridgeOps> {
  const { log, devices, journal, accessible, assistance } = host;
  return {
    ...host.services,
    info: async () => host.info(),
    health: () => host.health(),
    rebirth: async () => ({ republished: host.rebirth() }),
    'restart-device': async ({ device }) => {
      const runtime = devices.runtime(device);
      if (!runtime) throw new KioskError('UNKNOWN_DEVICE', `no device ${device}`);
      log.warn({ device: runtime.name }, 'device restart requested');
      await runtime.restart();
      return { device: runtime.name, status: runtime.state.status };
    },
    'log-level': async ({ level }) => {
      log.level = level;
      log.warn({ level }, 'log level changed');
      return { level: log.level };
    },
    'journal-verify': () => journal.inspect(),
    kpi: async ({ day }) => {
      const ops = host.operations();
      const d = day ?? ops.kpis.today();
      const totals = ops.kpis.requireBook().state.days[d];
      const availabilityByHour = totals ? Object.fromEntries(Object.keys(totals.devices).map((n) => [n, hourlyAvailability(totals, n)])) : {};
      return { days: ops.kpis.days(), kpi: ops.kpis.summary(d) ?? null, availabilityByHour };
    },
    'end-of-day': (input, ctx) => host.operations().closeDay(ctx.requester ?? ctx.role, input.print),
    'audit-verify': async () => auditDiagnosis(host.operations(), journal),
    'journal-recover': async (input, ctx) => {
      const report = await journal.recover(input, ctx.requester);
      const money = devices.runtimes.filter((r) => r.usesJournal && r.enabled);
      await Promise.all(money.map((r) => r.restart()));
      return { ...report, devices: Object.fromEntries(money.map((r) => [r.name, r.state.status])) };
    },
    accessible: (input) => accessible.set({ on: input.on, language: input.language, source: 'ui' }),
    'accessible-reset': () => accessible.reset(),
    'assistance-request': () => assistance.request('ui'),
    'assistance-ack': (input, ctx) => assistance.acknowledge(input.technician, ctx),
  };
}
