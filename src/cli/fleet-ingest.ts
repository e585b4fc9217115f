/**
 * `kioskd fleet ingest --url URL --db POSTGRES_URL [--ca F --cert F --key F] [--username U --password-file F]
 * [--prefix fleet] [--group ingest] [--name NAME] [--lanes 8] [--max-batch 500] [--session-expiry SEC]`:
 * one worker of the fleet store (src/fleet/store/ingest.ts). Run as many as needed with distinct names.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { createLogger } from '../core/logger.js';
import { IngestWorker } from '../fleet/store/ingest.js';
import { intOption as int, noneLeft, option as takeOption, UsageError } from './usage.js';

export const INGEST_USAGE =
  'kioskd fleet ingest --url URL --db postgres://... [--ca F --cert F --key F] [--username U --password-file F] [--prefix fleet] [--group ingest] [--name NAME] [--lanes 8] [--max-batch 500] [--session-expiry SEC]';

export async function ingestCommand(args: string[]): Promise<number> {
  const url = takeOption(args, '--url');
  const db = takeOption(args, '--db');
  const ca = takeOption(args, '--ca');
  const cert = takeOption(args, '--cert');
  const key = takeOption(args, '--key');
  const username = takeOption(args, '--username');
  const passwordFile = takeOption(args, '--password-file');
  const prefix = (takeOption(args, '--prefix') ?? 'fleet').replace(/\/+$/, '');
  const group = takeOption(args, '--group') ?? 'ingest';
  const name = takeOption(args, '--name') ?? hostname().replace(/[^A-Za-z0-9._-]/g, '-');
  const lanes = int(args, '--lanes', 8, 1, 64);
  const maxBatch = int(args, '--max-batch', 500, 1, 10_000);
  const sessionExpirySec = int(args, '--session-expiry', 7 * 86_400, 60, 0xffffffff);
  noneLeft(args);
  if (!url || !db) throw new UsageError('--url and --db are required');
  if (!/^[A-Za-z0-9._-]+$/.test(group) || !/^[A-Za-z0-9._-]+$/.test(name)) throw new UsageError('--group and --name: letters, digits, dot, dash, underscore');
  const log = createLogger({ level: 'info', journald: process.env.JOURNAL_STREAM !== undefined });
  const worker = new IngestWorker({
    url,
    db,
    prefix,
    group,
    name,
    lanes,
    maxBatch,
    sessionExpirySec,
    log,
    mqtt: {
      ...(ca ? { ca: readFileSync(ca) } : {}),
      ...(cert ? { cert: readFileSync(cert) } : {}),
      ...(key ? { key: readFileSync(key) } : {}),
      ...(username !== undefined ? { username } : {}),
      ...(passwordFile ? { password: Buffer.from(readFileSync(passwordFile, 'utf8').trim()) } : {}),
    },
  });
  await worker.start();
  let last = { ...worker.stats };
  const every = setInterval(() => {
    const s = worker.stats;
    if (s.received === last.received) return;
    log.info({ ...s, perSec: Math.round((s.received - last.received) / 10) }, 'fleet ingest');
    last = { ...s };
  }, 10_000);
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
  clearInterval(every);
  await worker.stop();
  return 0;
}
