import { describe, expect, it } from 'vitest';
import { buildTicketDocument } from '../../../src/health/ticket-document.js';
import { receiptDocumentSchema } from '../../../src/drivers/printer/api.js';

describe('status ticket document', () => {
  it('is a valid printer document with id, addresses, versions, device states, counters and alerts', () => {
    const doc = buildTicketDocument({
      kioskId: 'k-0042',
      version: '0.1.0',
      bootId: '0123456789abcdef',
      startedAt: '2026-11-25T08:00:00.000Z',
      at: '2026-11-25T09:00:00.000Z',
      addresses: ['eth0 10.0.0.12', 'wlan0 192.168.1.20'],
      states: {
        printer: { status: 'ready', detail: {}, since: 'x' },
        scanner: { status: 'offline', detail: {}, since: 'x', error: { code: 'DEVICE_NOT_FOUND', at: 'x' } },
      },
      health: {
        at: 'x', uptimeSec: 3600, bootId: 'b', version: 'v',
        system: { loadavg: [0, 0, 0], memTotalBytes: 1, memFreeBytes: 1, processRssBytes: 1, diskFreeBytes: 2 * 1048576 * 1024, cpuTempC: 51.5, throttled: null },
        mqtt: { connected: true, reconnects: 0 },
        devices: { printer: { status: 'ready', since: 'x', lastError: null, restarts: 2, counters: { jobs: 17 } } },
      },
      alerts: { kioskId: 'k-0042', at: 'x', alerts: [{ id: 'PAPER_NEAR_END:printer', code: 'PAPER_NEAR_END', severity: 'warning', subject: 'printer', message: 'm', since: 'x' }] },
    });
    const parsed = receiptDocumentSchema.parse(doc);
    const text = JSON.stringify(parsed.blocks);
    for (const s of ['k-0042', '0.1.0', 'eth0 10.0.0.12', 'offline (DEVICE_NOT_FOUND)', 'restarts 2, jobs 17', 'WARNING PAPER_NEAR_END printer', '51.5 C', '2048 MB']) expect(text).toContain(s);
  });
});
