// Print the receipt of the fee just paid, in the customer's language, with a preview rendered by the
// daemon exactly as the printer would print it.
import { action, fill, h, note } from '../dom.js';
import { getLanguage, money, onLanguage, t } from '../i18n.js';
import { deviceTile } from './tile.js';

/** The receipt document (the printer API's block model) for the last payment, in the current language. */
export function receipt(payment, fee) {
  const lang = getLanguage();
  const p = payment ?? { method: 'card', amount: fee.amount, currency: fee.currency, reference: fee.reference };
  return {
    blocks: [
      { type: 'text', text: t('receipt.title'), lang, align: 'center', size: 2, bold: true },
      { type: 'text', text: t('fee.service'), lang, align: 'center' },
      { type: 'separator' },
      { type: 'row', key: t('fee.label'), value: money(p.amount, p.currency), lang },
      { type: 'row', key: t('receipt.paidBy'), value: t(`method.${p.method}`), lang },
      { type: 'row', key: t('receipt.reference'), value: p.reference, lang },
      { type: 'separator', style: 'double' },
      { type: 'qr', data: `https://services.example.gov/receipt/${p.reference}` },
      { type: 'text', text: t('receipt.thanks'), lang, align: 'center' },
    ],
  };
}

export function printerTile(ctx) {
  const tile = deviceTile(ctx, 'printer', 'printer.title');
  const paper = h('p', { class: 'hint', testid: 'printer-paper' });
  const progress = h('p', { class: 'progress', testid: 'printer-progress' });
  const out = h('div', { class: 'out', testid: 'printer-result' });
  const img = h('img', { class: 'preview', testid: 'printer-preview', alt: '', hidden: true });
  const preview = h('button', { testid: 'printer-preview-button', 'data-needs-device': true, i18n: 'printer.preview' });
  const print = h('button', { class: 'primary', testid: 'printer-print', 'data-needs-device': true, i18n: 'printer.print' });
  tile.body.append(h('div', { class: 'buttons' }, preview, print), paper, progress, out, img);

  let printed = false;
  let lastPhase;
  const showPhase = () => {
    const p = lastPhase;
    progress.textContent = !p ? '' : p.bytesTotal ? `${t(`phase.${p.phase}`)} ${Math.round((100 * p.bytesSent) / p.bytesTotal)}%` : t(`phase.${p.phase}`);
  };
  action(preview, out, async () => {
    const png = await ctx.kiosk.request('printer', 'preview', { document: receipt(ctx.payment(), ctx.fee()) });
    img.src = `data:image/png;base64,${png.png}`;
    img.alt = t('printer.preview');
    img.hidden = false;
  });
  action(print, out, async () => {
    printed = false;
    fill(out);
    const key = `rcpt-${ctx.fee().reference}-${Date.now().toString(36)}`;
    await ctx.kiosk.request('printer', 'print', { document: receipt(ctx.payment(), ctx.fee()), idempotencyKey: key }, {
      onProgress: (p) => {
        lastPhase = p;
        showPhase();
      },
    });
    printed = true;
    render();
  });

  const render = () => {
    const d = ctx.kiosk.state('printer').get()?.detail;
    paper.textContent = d ? t('printer.paper', { paper: t(`paper.${d.paper}`) }) : '';
    paper.dataset.paper = d?.paper ?? 'unknown';
    if (printed) fill(out, note('good', t('printer.printed'), 'printer-printed'));
    showPhase();
  };
  ctx.kiosk.state('printer').subscribe(render);
  onLanguage(render);

  const sim = (key, testid, control, params) => action(h('button', { testid, i18n: key }), out, () => ctx.kiosk.sim('printer', control, params));
  tile.sim.append(h('div', { class: 'buttons' },
    sim('sim.paperOut', 'sim-printer-paper-out', 'paper', { state: 'out' }),
    sim('sim.paperOk', 'sim-printer-paper-ok', 'paper', { state: 'ok' }),
    sim('sim.coverOpen', 'sim-printer-cover-open', 'cover', { open: true }),
    sim('sim.coverClose', 'sim-printer-cover-close', 'cover', { open: false })));
  return tile.el;
}
