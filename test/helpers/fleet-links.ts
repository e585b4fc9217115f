/**
 * Many real fleet links (src/fleet/link.ts: the kiosk's own store-and-forward queue, reconnects, QoS 1
 * and record format) in one process, without daemons behind them: each is fed health, alerts, KPI
 * summaries, settlements and audit heads directly. State directories go to tmpfs where there is one
 * (the queue fdatasyncs alerts, settlements and audit heads).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertEvent } from '../../src/api/alerts.js';
import type { Health } from '../../src/api/envelope.js';
import { ManualClock } from '../../src/core/clock.js';
import { createLogger } from '../../src/core/logger.js';
import { fleetConfigSchema } from '../../src/fleet/config.js';
import { FleetLink } from '../../src/fleet/link.js';
import { auditHead, kpi, settlement } from './fleet-records.js';

export interface SimKiosk {
  kioskId: string;
  bootId: string;
  link: FleetLink;
  clock: ManualClock;
  /** Records queued so far (their seq are 0..sent-1). */
  sent: number;
}

export function health(bootId: string, at: string): Health {
  return {
    at, uptimeSec: 60, bootId, version: '0.0.0-test',
    system: { loadavg: [0.2, 0.1, 0.1], memTotalBytes: 4e9, memFreeBytes: 2e9, processRssBytes: 9e7, diskFreeBytes: 8e9, cpuTempC: 48, throttled: null },
    mqtt: { connected: true, reconnects: 0 },
    devices: { printer: { status: 'ready', since: at, lastError: null, restarts: 0, counters: { printed: 3 } } },
  };
}

function alertEvent(action: 'raised' | 'cleared', at: string): AlertEvent {
  return { action, at, alert: { id: 'PAPER_NEAR_END:printer', code: 'PAPER_NEAR_END', severity: 'warning', subject: 'printer', message: 'Paper is running low', since: at } };
}

export async function startLinks(n: number, url: string, region: string, tag: string): Promise<SimKiosk[]> {
  const root = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'kioskd-links-'));
  const log = createLogger({ level: 'error', journald: false, write: () => undefined });
  const config = fleetConfigSchema.parse({ enabled: true, url, region, healthIntervalSec: 1, stateMinIntervalSec: 0, requireSubscriber: true });
  return Promise.all(
    Array.from({ length: n }, async (_, i) => {
      const kioskId = `${tag}-${String(i).padStart(4, '0')}`;
      const bootId = `boot-${kioskId}`;
      const clock = new ManualClock(Date.parse('2026-03-01T08:00:00.000Z'));
      const link = new FleetLink({
        config, kioskId, bootId, version: '0.0.0-test', stateDir: join(root, kioskId), clock, log,
        info: () => ({ kioskId, version: '0.0.0-test', bootId, startedAt: clock.iso(), simulation: true, mqtt: { root: 'kiosk', protocolVersion: 5 }, devices: {}, bridgeOps: [] }),
        operate: async () => ({ status: 'ok', data: {} }),
      });
      await link.start();
      return { kioskId, bootId, link, clock, sent: 0 };
    }),
  );
}

/** Queue one record of each kind in turn on every link (kind by round: health, alert, kpi, settlement, audit). */
export async function emit(kiosks: SimKiosk[], round: number): Promise<void> {
  await Promise.all(
    kiosks.map(async (k) => {
      k.clock.advance(60_000);
      const at = k.clock.iso();
      switch (round % 5) {
        case 0:
          k.link.health(health(k.bootId, at));
          break;
        case 1:
          k.link.alert(alertEvent(round % 2 ? 'raised' : 'cleared', at), { kioskId: k.kioskId, at, alerts: [] });
          break;
        case 2:
          await k.link.record('kpi', kpi('2026-03-01', false, 1));
          break;
        case 3:
          await k.link.record('settlement', settlement('2026-03-01', `eod-${k.kioskId}`, 1));
          break;
        default:
          await k.link.record('audit', auditHead(100 + round, 'a'));
      }
      k.sent++;
    }),
  );
}
