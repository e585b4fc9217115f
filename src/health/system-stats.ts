/** Board and process figures for bridge/health. Every probe degrades to null where the board lacks it. */
import { readFile, statfs } from 'node:fs/promises';
import { freemem, loadavg, totalmem } from 'node:os';

/** Raspberry Pi firmware exposes get_throttled here (same bits as `vcgencmd get_throttled`). */
const THROTTLED_PATH = '/sys/devices/platform/soc/soc:firmware/get_throttled';

export interface SystemStats {
  loadavg: [number, number, number];
  memTotalBytes: number;
  memFreeBytes: number;
  processRssBytes: number;
  diskFreeBytes: number | null;
  cpuTempC: number | null;
  throttled: string | null;
}

async function readNumber(path: string): Promise<number | null> {
  try {
    const n = Number((await readFile(path, 'utf8')).trim());
    return Number.isFinite(n) ? n : null;
  } catch {
    return null;
  }
}

export async function readSystemStats(opts: { diskPath: string; thermalZone: string }): Promise<SystemStats> {
  const [l1, l5, l15] = loadavg();
  const milli = await readNumber(opts.thermalZone);
  const throttled = await readNumber(THROTTLED_PATH);
  let diskFreeBytes: number | null = null;
  try {
    const s = await statfs(opts.diskPath);
    diskFreeBytes = s.bavail * s.bsize;
  } catch {
    diskFreeBytes = null;
  }
  return {
    loadavg: [l1 ?? 0, l5 ?? 0, l15 ?? 0],
    memTotalBytes: totalmem(),
    memFreeBytes: freemem(),
    processRssBytes: process.memoryUsage.rss(),
    diskFreeBytes,
    cpuTempC: milli === null ? null : Math.round(milli / 100) / 10,
    throttled: throttled === null ? null : `0x${throttled.toString(16)}`,
  };
}
