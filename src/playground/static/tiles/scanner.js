// Arm the scanner, then show the parsed ID document (or barcode) it publishes. Personal data stays in
// this page: it comes on the local bus only and is never logged by kioskd.
import { action, fill, h, ltr, note } from '../dom.js';
import { onLanguage, t } from '../i18n.js';
import { deviceTile } from './tile.js';

const FIELDS = ['documentType', 'documentNumber', 'surname', 'givenNames', 'nationality', 'birthDate', 'expiryDate'];

export function scannerTile(ctx) {
  const tile = deviceTile(ctx, 'scanner', 'scanner.title');
  const armed = h('p', { class: 'hint', testid: 'scanner-armed' });
  const result = h('div', { class: 'out', testid: 'scanner-result' });
  const arm = h('button', { class: 'primary', testid: 'scanner-arm', 'data-needs-device': true, i18n: 'scanner.arm' });
  const disarm = h('button', { testid: 'scanner-disarm', 'data-needs-device': true, i18n: 'scanner.disarm' });
  tile.body.append(h('div', { class: 'buttons' }, arm, disarm), armed, result);
  action(arm, result, async () => {
    fill(result);
    await ctx.kiosk.request('scanner', 'enable', { timeoutMs: 120_000 });
  });
  action(disarm, result, () => ctx.kiosk.request('scanner', 'disable', {}));

  let last;
  const showDocument = (doc) => {
    const verdict = doc.valid ? note('good', t('scanner.valid'), 'scanner-valid') : note('bad', t('scanner.invalid'), 'scanner-invalid');
    const facts = h('dl', { class: 'facts', testid: 'scanner-document' },
      FIELDS.flatMap((f) => [h('dt', {}, t(`field.${f}`)), h('dd', { testid: `doc-${f}` }, ltr(doc[f] ?? '–'))]));
    const expired = doc.expired ? note('bad', t('scanner.expired'), 'scanner-expired') : undefined;
    fill(result, verdict, expired, facts, h('pre', { class: 'mrz', dir: 'ltr' }, doc.lines.join('\n')));
  };
  const showBarcode = (code) => fill(result, h('dl', { class: 'facts' }, h('dt', {}, t('scanner.barcode')), h('dd', { testid: 'scanner-barcode' }, ltr(code.data))));
  void ctx.kiosk.on('scanner', 'document', (doc) => {
    last = () => showDocument(doc);
    last();
  });
  void ctx.kiosk.on('scanner', 'barcode', (code) => {
    last = () => showBarcode(code);
    last();
  });

  const render = () => {
    const detail = ctx.kiosk.state('scanner').get()?.detail;
    armed.textContent = t(detail?.armed ? 'scanner.armed' : 'scanner.idle');
    armed.dataset.armed = String(detail?.armed === true);
    last?.();
  };
  ctx.kiosk.state('scanner').subscribe(render);
  onLanguage(render);

  const simButton = (key, testid, params) => action(h('button', { testid, i18n: key }), result, () => ctx.kiosk.sim('scanner', ...params));
  tile.sim.append(h('div', { class: 'buttons' },
    simButton('sim.td1', 'sim-scanner-td1', ['document', { format: 'TD1', expiresInDays: 400 }]),
    simButton('sim.td3', 'sim-scanner-td3', ['document', { format: 'TD3', expiresInDays: 400 }]),
    simButton('sim.badCheck', 'sim-scanner-bad', ['document', { format: 'TD1', expiresInDays: 400, badCheckDigit: 'documentNumber' }]),
    simButton('sim.qr', 'sim-scanner-qr', ['barcode', { data: 'https://pay.example.ae/?ref=FEE-2041', aim: ']Q1' }])));
  return tile.el;
}
