// Pay the fee in cash: credits arrive as progress (each durably journalled before it is published); a
// note that would overpay is handed back from escrow, and the page says so.
import { action, fill, h, note } from '../dom.js';
import { money, onLanguage, t } from '../i18n.js';
import { deviceTile } from './tile.js';

const NOTES = [500, 1000, 2000, 5000];

export function cashTile(ctx) {
  const tile = deviceTile(ctx, 'cash', 'cash.title');
  const meter = h('progress', { max: 1, value: 0, testid: 'cash-meter' });
  const progress = h('p', { class: 'progress', testid: 'cash-progress', 'aria-live': 'polite' });
  const events = h('div', { class: 'out', testid: 'cash-events' });
  const out = h('div', { class: 'out', testid: 'cash-result' });
  const pay = h('button', { class: 'primary', testid: 'cash-pay', 'data-needs-device': true, i18n: 'cash.pay' });
  const cancel = h('button', { testid: 'cash-cancel', 'data-needs-device': true, i18n: 'cancel' });
  tile.body.append(h('div', { class: 'buttons' }, pay, cancel), meter, progress, events, out);

  const currency = () => ctx.kiosk.state('cash').get()?.detail.currency ?? 'EUR';
  let session; // { due, paid, currency, running }
  let result;
  let lastEvent; // () => element
  const render = () => {
    if (session) {
      meter.max = session.due;
      meter.value = Math.min(session.paid, session.due);
      progress.textContent = session.running ? t('cash.insert', { paid: money(session.paid, session.currency), due: money(session.due, session.currency) }) : '';
    }
    fill(events, lastEvent?.());
    if (!result) return fill(out);
    const ok = result.status === 'paid';
    fill(out, ok
      ? note('good', t('cash.paid', { total: money(result.total, result.currency) }), 'cash-paid')
      : note('bad', t('cash.ended', { status: result.status, total: money(result.total, result.currency) }), 'cash-ended'));
  };
  void ctx.kiosk.on('cash', 'returned', (e) => {
    if (e.reason !== 'overpay') return;
    lastEvent = () => note('warn', t('cash.returned', { amount: money(e.value, e.currency) }), 'cash-returned');
    render();
  });
  void ctx.kiosk.on('cash', 'rejected', () => {
    lastEvent = () => note('warn', t('cash.rejected'), 'cash-rejected');
    render();
  });

  action(pay, out, async () => {
    const fee = ctx.fee();
    session = { due: fee.amount, paid: 0, currency: currency(), running: true };
    result = undefined;
    lastEvent = undefined;
    render();
    try {
      result = await ctx.kiosk.request('cash', 'accept', { amountDue: fee.amount, currency: session.currency, timeoutMs: 300_000 }, {
        onProgress: (credit) => {
          session.paid = credit.total;
          render();
        },
      });
    } finally {
      session.running = false;
    }
    session.paid = result.total;
    render();
    if (result.status === 'paid') ctx.paid({ method: 'cash', amount: result.total, currency: result.currency, reference: fee.reference });
  });
  action(cancel, out, () => ctx.kiosk.request('cash', 'cancel', {}));
  onLanguage(render);
  ctx.kiosk.state('cash').subscribe((state) => {
    tile.el.dataset.accepting = String(state?.detail.accepting === true);
  });

  const sim = (label, testid, control, params) => action(h('button', { testid }, label()), out, () => ctx.kiosk.sim('cash', control, params));
  const noteButtons = NOTES.map((value) => {
    const b = sim(() => t('sim.note', { amount: money(value, currency()) }), `sim-cash-note-${value}`, 'insert-note', { value });
    onLanguage(() => (b.textContent = t('sim.note', { amount: money(value, currency()) })));
    return b;
  });
  tile.sim.append(h('div', { class: 'buttons' }, noteButtons, action(h('button', { testid: 'sim-cash-fake', i18n: 'sim.fake' }), out, () => ctx.kiosk.sim('cash', 'insert-fake', {}))));
  return tile.el;
}
