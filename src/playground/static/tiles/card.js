// Pay the fee by card: the terminal's progress ("insert your card", "enter your PIN") arrives as events
// carrying this request's transaction, already in the customer's language.
import { action, fill, h, ltr, note } from '../dom.js';
import { getLanguage, money, onLanguage, t } from '../i18n.js';
import { deviceTile } from './tile.js';

const CARD_CURRENCIES = ['AED', 'SAR', 'QAR', 'KWD', 'BHD', 'OMR', 'EUR', 'USD', 'GBP', 'CHF'];

export function cardTile(ctx) {
  const tile = deviceTile(ctx, 'card', 'card.title');
  const progress = h('p', { class: 'progress', testid: 'card-progress', 'aria-live': 'polite' });
  const out = h('div', { class: 'out', testid: 'card-result' });
  const pay = h('button', { class: 'primary', testid: 'card-pay', 'data-needs-device': true, i18n: 'card.pay' });
  const cancel = h('button', { testid: 'card-cancel', 'data-needs-device': true, i18n: 'cancel' });
  tile.body.append(h('div', { class: 'buttons' }, pay, cancel), progress, out);

  let lastProgress;
  let lastOutcome;
  let seen = 0;
  const showProgress = () => {
    // The terminal's prompt matters while the customer acts; once there is an outcome, it says it all.
    const p = lastOutcome ? undefined : lastProgress;
    progress.textContent = p ? (p.messages[getLanguage()] ?? p.messages.en) : '';
    if (lastProgress) progress.dataset.code = lastProgress.code;
    progress.dataset.seen = String(seen);
  };
  const showOutcome = () => {
    const o = lastOutcome;
    if (!o) return fill(out);
    const line = note(o.result === 'approved' ? 'good' : 'bad', `${t(`result.${o.result}`)}: ${money(o.amount, o.currency)}`, `card-${o.result}`);
    fill(out, line, o.result === 'approved' ? h('p', {}, ltr(`${o.card.brand} ${o.card.masked}`)) : h('p', {}, ltr(o.reason ?? '')));
  };
  action(pay, out, async () => {
    const fee = ctx.fee();
    lastProgress = undefined;
    lastOutcome = undefined;
    seen = 0;
    showProgress();
    fill(out);
    const idempotencyKey = `${fee.reference}-card-${Date.now().toString(36)}`;
    // The terminal takes the currencies of the card API; otherwise it charges in its configured one.
    const currency = CARD_CURRENCIES.includes(fee.currency) ? fee.currency : undefined;
    lastOutcome = await ctx.kiosk.request('card', 'sale', { amount: fee.amount, currency, reference: fee.reference, idempotencyKey }, {
      onProgress: (p) => {
        lastProgress = p;
        seen++;
        showProgress();
      },
    });
    showOutcome();
    showProgress();
    if (lastOutcome.result === 'approved') ctx.paid({ method: 'card', amount: lastOutcome.amount, currency: lastOutcome.currency, reference: fee.reference });
  });
  action(cancel, out, () => ctx.kiosk.request('card', 'cancel', {}));
  onLanguage(() => {
    showProgress();
    showOutcome();
  });

  const sim = (key, testid, control, params) => action(h('button', { testid, i18n: key }), out, () => ctx.kiosk.sim('card', control, params));
  tile.sim.append(h('div', { class: 'buttons' },
    sim('sim.approve', 'sim-card-approve', 'approve', {}),
    sim('sim.decline', 'sim-card-decline', 'decline', { resultCode: 0x71 }),
    sim('sim.customerCancel', 'sim-card-cancel', 'cancel', {})));
  return tile.el;
}
