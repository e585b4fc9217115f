/**
 * What may leave the kiosk. The fleet link forwards an allow-list of message kinds (bridge state, info,
 * health, device states, alerts) and, within them, these functions rebuild each payload from known
 * fields only, then scrub anything that still looks personal: keys that name personal or card data
 * and string values shaped like an MRZ line or a card number. Events are never forwarded.
 */
import type { BridgeInfo, DeviceStateMessage, Health } from '../api/envelope.js';
import { REDACTED_KEYS } from '../core/logger.js';

/**
 * Keys are judged by their words (camelCase, snake_case and digits split: `documentNumber` is
 * document + number), so that a key naming personal or card data goes wherever it appears, while a
 * device or field that merely contains such letters stays: `card` (the terminal), `scanner`,
 * `cardsRead`. Values are judged separately (PERSONAL_VALUE), whatever their key.
 */
const PERSONAL_WORDS = new Set([
  'mrz', 'name', 'names', 'surname', 'surnames', 'given', 'birth', 'birthday', 'dob', 'document', 'documents', 'passport',
  'nationality', 'sex', 'gender', 'address', 'phone', 'mobile', 'email', 'pan', 'track', 'iban', 'account', 'cvv', 'cvc',
  'pin', 'expiry', 'expires', 'expiration', 'barcode', 'barcodes', 'qr', 'scan', 'scans', 'raw', 'payload', 'text',
  'personal', 'holder', 'cardholder', 'signature', 'photo', 'image', 'face', 'portrait', 'data',
]);
/** A number is personal when it is a card's, a document's, an account's... */
const NUMBERED = new Set(['card', 'document', 'doc', 'id', 'account', 'passport', 'personal', 'phone', 'licence', 'license']);
const NUMBER_WORDS = new Set(['number', 'no', 'num', 'nr']);
/** Whole keys that are personal although their words are not (MRZ lines, the logger's list). */
const EXACT = new Set<string>([...REDACTED_KEYS, 'line', 'lines']);
/** An MRZ fragment (`<<`), 12+ digits in a row, possibly spaced (a PAN, a document number), or a masked PAN. */
const PERSONAL_VALUE = /<<|(?:\d[ -]?){12,}|\d{4,6}\*{3,}\d{2,4}/;

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])(\d)/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

export function looksPersonalKey(key: string): boolean {
  if (EXACT.has(key)) return true;
  const w = words(key);
  if (w.some((x) => PERSONAL_WORDS.has(x))) return true;
  return w.some((x) => NUMBER_WORDS.has(x)) && w.some((x) => NUMBERED.has(x));
}

/** Deep copy without personal-looking keys or values. */
export function scrub(value: unknown, depth = 0): unknown {
  if (depth > 6) return undefined;
  if (typeof value === 'string') return PERSONAL_VALUE.test(value) ? '[redacted]' : value;
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (looksPersonalKey(k)) continue;
    const s = scrub(v, depth + 1);
    if (s !== undefined) out[k] = s;
  }
  return out;
}

export function fleetDeviceState(state: DeviceStateMessage): DeviceStateMessage {
  return {
    status: state.status,
    since: state.since,
    detail: scrub(state.detail) as Record<string, unknown>,
    ...(state.error ? { error: { code: state.error.code, at: state.error.at } } : {}),
  };
}

export interface FleetInfo {
  kioskId: string;
  version: string;
  bootId: string;
  startedAt: string;
  simulation: boolean;
  region: string;
  devices: Record<string, { kind: string; enabled: boolean; simulated: boolean }>;
}

export function fleetInfo(info: BridgeInfo, region: string): FleetInfo {
  return {
    kioskId: info.kioskId,
    version: info.version,
    bootId: info.bootId,
    startedAt: info.startedAt,
    simulation: info.simulation,
    region,
    devices: Object.fromEntries(Object.entries(info.devices).map(([n, d]) => [n, { kind: d.kind, enabled: d.enabled, simulated: d.simulated }])),
  };
}

/** Health as the fleet sees it: figures and per-device status/counters, nothing else. */
export function fleetHealth(h: Health, kioskId: string): Record<string, unknown> {
  return {
    kioskId,
    at: h.at,
    uptimeSec: h.uptimeSec,
    bootId: h.bootId,
    version: h.version,
    system: { ...h.system },
    mqtt: { ...h.mqtt },
    devices: Object.fromEntries(
      Object.entries(h.devices).map(([n, d]) => [
        n,
        { status: d.status, since: d.since, lastError: d.lastError, restarts: d.restarts, counters: scrub(d.counters) },
      ]),
    ),
  };
}
