/**
 * Alert rules: pure functions from what the daemon knows (device states, the last health snapshot, the
 * clock and fleet checks) to the conditions that hold now. No timers, no I/O: the engine decides when
 * to evaluate and turns changes of the result into raised/cleared events.
 */
import type { AlertCode, AlertSeverity } from '../../api/alerts.js';
import type { DeviceStateMessage, Health } from '../../api/envelope.js';
import type { AlertsConfig } from './config.js';

export interface Condition {
  id: string;
  code: AlertCode;
  severity: AlertSeverity;
  subject?: string;
  message: string;
  value?: number;
}

export interface TrackedState {
  state: DeviceStateMessage;
  /** Monotonic ms when the device went offline/fault (undefined while up). */
  downSinceMs?: number;
}

export interface AlertInputs {
  devices: ReadonlyMap<string, TrackedState>;
  health: Health | undefined;
  /** null: unknown (the check is off or cannot tell). */
  clockSynced: boolean | null;
  /** Records waiting in the fleet queue; null without a fleet link. */
  fleetBacklog: number | null;
  nowMs: number;
}

type Rules = Pick<AlertsConfig, 'deviceDownSec' | 'doorInputs' | 'tamperInputs' | 'cpuHotC' | 'diskLowBytes' | 'fleetBacklogRecords'>;

function cond(code: AlertCode, severity: AlertSeverity, message: string, subject?: string, value?: number): Condition {
  return { id: subject === undefined ? code : `${code}:${subject}`, code, severity, message, ...(subject !== undefined ? { subject } : {}), ...(value !== undefined ? { value } : {}) };
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Printer detail (src/drivers/printer/api.ts stateDetail): paper ok|near_end|out|unknown, cover open|closed|unknown. */
function printerRules(name: string, detail: Record<string, unknown>): Condition[] {
  const out: Condition[] = [];
  if (detail.paper === 'out') out.push(cond('PAPER_OUT', 'critical', `Receipt printer ${name} is out of paper: load a new roll`, name));
  else if (detail.paper === 'near_end') out.push(cond('PAPER_NEAR_END', 'warning', `Receipt printer ${name} paper is near its end: bring a new roll`, name));
  if (detail.cover === 'open') out.push(cond('COVER_OPEN', 'warning', `Receipt printer ${name} cover is open: close it`, name));
  return out;
}

/** Cash detail (src/drivers/cash/api.ts): cashbox { nearFull, full, present }, payout { state }; tolerant of their absence. */
function cashRules(name: string, detail: Record<string, unknown>): Condition[] {
  return [...payoutRules(name, record(detail.payout)), ...cashboxRules(name, record(detail.cashbox))];
}

/** Recycler and hoppers, most urgent first (jammed > empty > near empty), as the payout state orders them. */
function payoutRules(name: string, payout: Record<string, unknown> | undefined): Condition[] {
  if (payout?.state === 'jammed') return [cond('PAYOUT_JAMMED', 'critical', `A note or coin jammed while ${name} paid out: clear it (sim/technician), then check detail.payout.unresolved`, name)];
  if (payout?.state === 'empty') return [cond('PAYOUT_EMPTY', 'warning', `${name} cannot give change or refunds: refill the recycler and hoppers`, name)];
  if (payout?.state === 'near-empty') return [cond('PAYOUT_NEAR_EMPTY', 'info', `${name} is low on change: plan a refill`, name)];
  return [];
}

function cashboxRules(name: string, box: Record<string, unknown> | undefined): Condition[] {
  if (!box) return [];
  if (box.present === false) return [cond('CASHBOX_REMOVED', 'critical', `Cashbox of ${name} is removed: put a cashbox back`, name)];
  if (box.full === true) return [cond('CASHBOX_FULL', 'critical', `Cashbox of ${name} is full: empty it`, name)];
  if (box.nearFull === true) return [cond('CASHBOX_NEAR_FULL', 'warning', `Cashbox of ${name} is nearly full: plan a collection`, name)];
  return [];
}

/** Card detail (src/drivers/card/api.ts): `attention`, the transactions whose terminal figures differ from the kiosk's. */
function cardRules(name: string, detail: Record<string, unknown>): Condition[] {
  const list = Array.isArray(detail.attention) ? detail.attention : [];
  if (list.length === 0) return [];
  const keys = list.map((a) => { const k = record(a)?.idempotencyKey; return typeof k === 'string' ? k : '?'; }).join(', ');
  return [
    cond('CARD_MISMATCH', 'critical', `Card terminal ${name} reported other figures than the kiosk asked for (${keys}): check the terminal's journal, refund if needed, then send card/request/resolve`, name, list.length),
  ];
}

/** GPIO detail: inputs { name: active }. An active door input means open. */
function gpioRules(detail: Record<string, unknown>, config: Rules): Condition[] {
  const inputs = record(detail.inputs) ?? {};
  const out: Condition[] = [];
  for (const name of config.doorInputs) if (inputs[name] === true) out.push(cond('DOOR_OPEN', 'warning', `Door "${name}" is open`, name));
  for (const name of config.tamperInputs) if (inputs[name] === true) out.push(cond('TAMPER', 'critical', `Tamper switch "${name}" is triggered: check the kiosk on site`, name));
  return out;
}

function deviceRules(name: string, tracked: TrackedState, inputs: AlertInputs, config: Rules): Condition[] {
  const { state } = tracked;
  const out: Condition[] = [];
  if (tracked.downSinceMs !== undefined) {
    const downSec = Math.floor((inputs.nowMs - tracked.downSinceMs) / 1000);
    if (downSec >= config.deviceDownSec) {
      const code = state.status === 'fault' ? 'DEVICE_FAULT' : 'DEVICE_OFFLINE';
      const why = state.error ? ` (${state.error.code})` : '';
      out.push(cond(code, 'critical', `Device ${name} has been ${state.status}${why} for ${downSec} s: check its cable and power, see journalctl -u kioskd`, name, downSec));
    }
  }
  const detail = state.detail;
  if (name === 'printer') out.push(...printerRules(name, detail));
  if (name === 'cash') out.push(...cashRules(name, detail));
  if (name === 'gpio') out.push(...gpioRules(detail, config));
  if (name === 'card') out.push(...cardRules(name, detail));
  return out;
}

/** Raspberry Pi get_throttled: bit 0 under-voltage now, bit 1 frequency capped now, bit 2 throttled now, bit 3 soft temperature limit now. */
function throttleRule(throttled: string | null): Condition[] {
  if (throttled === null) return [];
  const bits = Number.parseInt(throttled, 16);
  if (!Number.isFinite(bits) || (bits & 0xf) === 0) return [];
  const why = bits & 1 ? 'under-voltage: check the power supply' : 'temperature: check ventilation';
  return [cond('CPU_THROTTLED', 'warning', `The CPU is throttled (${throttled}, ${why})`, undefined, bits)];
}

function systemRules(inputs: AlertInputs, config: Rules): Condition[] {
  const out: Condition[] = [];
  const s = inputs.health?.system;
  if (s?.cpuTempC != null && s.cpuTempC >= config.cpuHotC) {
    out.push(cond('CPU_HOT', 'warning', `CPU at ${s.cpuTempC} °C (limit ${config.cpuHotC}): check the fan and vents`, undefined, s.cpuTempC));
  }
  if (s) out.push(...throttleRule(s.throttled));
  if (s?.diskFreeBytes != null && s.diskFreeBytes < config.diskLowBytes) {
    const critical = s.diskFreeBytes < config.diskLowBytes / 4;
    const mb = Math.round(s.diskFreeBytes / 1048576);
    out.push(cond('DISK_LOW', critical ? 'critical' : 'warning', `Only ${mb} MB free for the state directory: clear old logs (journalctl --vacuum-size=100M)`, undefined, s.diskFreeBytes));
  }
  if (inputs.clockSynced === false) {
    out.push(cond('CLOCK_UNSYNCED', 'warning', 'The clock is not synchronised: check network access to NTP (timedatectl timesync-status)'));
  }
  if (inputs.fleetBacklog !== null && inputs.fleetBacklog > config.fleetBacklogRecords) {
    out.push(cond('FLEET_BACKLOG', 'warning', `${inputs.fleetBacklog} records wait for the fleet link: check the uplink`, undefined, inputs.fleetBacklog));
  }
  return out;
}

/** Every condition that holds now, ordered by device then system. */
export function evaluateRules(inputs: AlertInputs, config: Rules): Condition[] {
  const out: Condition[] = [];
  for (const [name, tracked] of inputs.devices) {
    if (tracked.state.status === 'disabled') continue;
    out.push(...deviceRules(name, tracked, inputs, config));
  }
  out.push(...systemRules(inputs, config));
  return out;
}
