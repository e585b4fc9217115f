// Pay for a service (a checkout, docs/checkout.md): the service from the kiosk's catalogue, cash, card
// or cash first and the rest by card, one result and a receipt. The page opens a UI session for the
// payment (the money devices answer only to it) and remembers the checkout in sessionStorage, so a
// reloaded page finds it by its key and finishes it.
import { openSession } from '/lib/client/index.js';
import { action, fill, h, note } from '../dom.js';
import { money, onLanguage, t } from '../i18n.js';

const SAVED = 'kioskd.checkout';
const FINAL = new Set(['paid', 'cancelled', 'declined', 'attention']);

export function serviceTile(ctx) {
  const { kiosk } = ctx;
  const service = h('select', { testid: 'service-select' });
  const method = h('select', { testid: 'service-method' }, ['cash', 'card', 'split'].map((m) => h('option', { value: m, i18n: `service.method.${m}` })));
  const cashPart = h('input', { type: 'number', min: '1', step: '1', value: '100', testid: 'service-cash-amount', dir: 'ltr' });
  const pay = h('button', { class: 'primary', testid: 'service-pay', i18n: 'service.pay' });
  const next = h('button', { testid: 'service-continue', i18n: 'service.continue' });
  const cancel = h('button', { testid: 'service-cancel', i18n: 'cancel' });
  const avail = h('p', { class: 'progress', testid: 'service-availability' });
  const progress = h('p', { class: 'progress', testid: 'service-progress', 'aria-live': 'polite' });
  const out = h('div', { class: 'out', testid: 'service-result' });
  let catalogue = [];
  let session;

  const renderAvailability = () => {
    const a = kiosk.availability.get();
    const s = a?.services.find((x) => x.id === service.value);
    avail.textContent = !s ? '' : s.available ? t('service.available', { methods: s.methods.join(', ') }) : t('service.unavailable', { reasons: s.reasons.map((r) => r.code).join(', ') });
    avail.dataset.available = String(s?.available ?? false);
  };
  const renderServices = () => {
    const lang = document.documentElement.lang;
    const chosen = service.value;
    fill(service, ...catalogue.map((s) => h('option', { value: s.id }, `${s.names[lang] ?? s.names.en} — ${s.fee !== undefined ? money(s.fee, s.currency) : '…'}`)));
    if (chosen) service.value = chosen;
    renderAvailability();
  };
  const show = (rec) => {
    out.dataset.state = rec.state;
    const paid = `${money(rec.paid.cash, rec.currency)} + ${money(rec.paid.card, rec.currency)}`;
    fill(out, note(rec.state === 'paid' ? 'good' : 'warn', t('service.result', { state: rec.state, paid, receipt: rec.receipt }), 'service-outcome'));
  };
  const run = async (params) => {
    sessionStorage.setItem(SAVED, JSON.stringify(params));
    session ??= await openSession(kiosk, { language: document.documentElement.lang });
    const currency = catalogue.find((s) => s.id === params.service)?.currency ?? 'AED';
    const rec = await session.checkout(params, (p) => {
      progress.dataset.messageKey = p.messageKey;
      progress.dataset.step = p.step;
      progress.textContent = `${t(p.messageKey)} · ${money(p.paid.cash + p.paid.card, currency)} · ${t('service.remaining')} ${money(p.remaining, currency)}`;
    });
    show(rec);
    if (FINAL.has(rec.state)) sessionStorage.removeItem(SAVED);
    await session.close();
    session = undefined;
    return rec;
  };

  action(pay, out, async () => {
    const chosen = catalogue.find((s) => s.id === service.value);
    const id = Math.random().toString(36).slice(2, 10);
    const params = {
      service: service.value, method: method.value, reference: `SVC-${id.toUpperCase()}`, idempotencyKey: `pg-${id}-${Date.now()}`,
      ...(method.value === 'split' ? { cashAmount: Math.round(Number(cashPart.value) * 100) } : {}),
      ...(chosen?.feeRange ? { amount: chosen.feeRange.min } : {}),
    };
    await run(params);
  });
  action(next, out, () => session?.continueWithCard());
  action(cancel, out, () => session?.cancelCheckout());

  const el = h('section', { class: 'tile', testid: 'tile-service', 'aria-labelledby': 'title-service' },
    h('header', {}, h('h2', { id: 'title-service', i18n: 'service.title' })),
    h('div', { class: 'body' },
      h('label', {}, h('span', { i18n: 'service.label' }), ' ', service),
      h('label', {}, h('span', { i18n: 'service.methodLabel' }), ' ', method),
      h('label', {}, h('span', { i18n: 'service.cashPart' }), ' ', cashPart),
      avail, h('div', { class: 'buttons' }, pay, next, cancel), progress, out));

  service.addEventListener('change', renderAvailability);
  kiosk.availability.subscribe(renderAvailability);
  onLanguage(renderServices);
  void (async () => {
    catalogue = (await kiosk.bridgeRequest('catalogue', {})).services;
    renderServices();
    el.dataset.ready = 'true';
    // A reload in the middle of a payment: find the checkout by its key and finish it.
    const saved = JSON.parse(sessionStorage.getItem(SAVED) ?? 'null');
    if (!saved) return;
    const rec = await kiosk.bridgeRequest('checkout-get', { idempotencyKey: saved.idempotencyKey }).catch(() => undefined);
    if (rec) show(rec);
    if (rec && FINAL.has(rec.state)) return sessionStorage.removeItem(SAVED);
    el.dataset.resuming = 'true';
    await run(saved).catch((err) => fill(out, note('bad', String(err?.code ?? err?.message ?? err), 'service-error')));
  })();
  return el;
}
