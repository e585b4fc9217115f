/**
 * Which services the kiosk can sell now, and why not (pure): from the catalogue and every device's
 * retained state. The daemon recomputes it on every device state change and publishes it retained on
 * `bridge/availability` when it changed, so a UI learns within one device-state change that paper ran
 * out or the card terminal went down.
 *
 * Rules: a payment method needs its devices `ready` or `busy` (cash: the acceptor, not in fault, the
 * cashbox present and not full; card: the terminal); `split` needs both. A service is available when
 * every device it requires is usable (the printer: ready or busy, paper not out, cover closed, no
 * cutter error) and at least one of its methods works.
 */
import type { Availability, PaymentMethod, Service, UnavailableReason } from '../api/catalogue.js';

/** What availability reads of a device: its retained state. */
export interface DeviceView {
  readonly status: string;
  readonly detail: Readonly<Record<string, unknown>>;
  readonly error?: { readonly code: string } | undefined;
}

type States = Readonly<Record<string, DeviceView | undefined>>;

const UP = new Set(['ready', 'busy']);

function rec(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {};
}

/** Why `device` cannot be used now (empty: it can). */
export function deviceReasons(device: string, states: States): UnavailableReason[] {
  const s = states[device];
  if (!s || s.status === 'disabled') return [{ code: 'DEVICE_NOT_CONFIGURED', device }];
  const d = s.detail;
  if (device === 'cash') {
    const box = rec(d.cashbox);
    const fault = rec(d.fault);
    const codes = Array.isArray(fault.codes) ? (fault.codes as unknown[]) : [];
    const out: UnavailableReason[] = [];
    if (box.present === false || codes.includes('CASH_CASHBOX_REMOVED')) out.push({ code: 'CASHBOX_REMOVED', device });
    if (box.full === true || codes.includes('CASH_CASHBOX_FULL')) out.push({ code: 'CASHBOX_FULL', device });
    if (codes.includes('JOURNAL_UNAVAILABLE')) out.push({ code: 'JOURNAL_UNAVAILABLE', device });
    if (out.length === 0 && codes.length > 0) out.push({ code: 'CASH_FAULT', device });
    if (out.length === 0 && !UP.has(s.status)) out.push({ code: 'DEVICE_DOWN', device });
    return out;
  }
  if (device === 'printer') {
    // A printer out of paper reports itself in fault: the reason a UI can act on is the paper.
    const out: UnavailableReason[] = [];
    if (d.paper === 'out') out.push({ code: 'PAPER_OUT', device });
    if (d.cover === 'open') out.push({ code: 'PRINTER_COVER_OPEN', device });
    if (d.cutterError === true) out.push({ code: 'PRINTER_ERROR', device });
    if (out.length > 0) return out;
  }
  if (!UP.has(s.status)) return [{ code: s.error?.code === 'JOURNAL_CORRUPT' ? 'JOURNAL_UNAVAILABLE' : 'DEVICE_DOWN', device }];
  return [];
}

/** The devices a payment method takes money with. */
export function methodDevices(method: PaymentMethod): readonly ('cash' | 'card')[] {
  return method === 'split' ? ['cash', 'card'] : [method];
}

function serviceAvailability(service: Service, states: States): Availability['services'][number] {
  const reasons: UnavailableReason[] = [];
  const seen = new Set<string>();
  const add = (list: readonly UnavailableReason[]): void => {
    for (const r of list) {
      const key = `${r.code}/${r.device ?? ''}`;
      if (!seen.has(key)) reasons.push(r);
      seen.add(key);
    }
  };
  for (const device of service.requires) add(deviceReasons(device, states));
  const methods = service.methods.filter((m) => {
    const why = methodDevices(m).flatMap((d) => deviceReasons(d, states));
    add(why);
    return why.length === 0;
  });
  const requiredOk = service.requires.every((d) => deviceReasons(d, states).length === 0);
  if (methods.length === 0) add([{ code: 'NO_PAYMENT_METHOD' }]);
  const available = requiredOk && methods.length > 0;
  // An available service still lists why some of its methods are not offered (card down: cash only).
  return { id: service.id, available, methods: available ? methods : [], reasons };
}

/** Availability without its time stamp (compared to decide whether to publish). */
export function computeAvailability(catalogue: readonly Service[], states: States, sessionActive: boolean): Omit<Availability, 'since'> {
  const services = catalogue.map((s) => serviceAvailability(s, states));
  return { kiosk: services.some((s) => s.available) ? 'available' : 'unavailable', sessionActive, services };
}
