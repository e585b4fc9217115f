// The playground page: connects `kioskd/client` (the same compiled code a Node UI uses) to the kiosk's
// broker over WebSocket and mounts one tile per device. Settings come from /config.json, which the
// query string may override: ?url=ws://host:port&kiosk=ID&root=kiosk&v=5&lang=ar
import { connect } from '/lib/client/index.js';
import { fill, h, ltr } from './dom.js';
import { LANGUAGES, money, onLanguage, setLanguage, t } from './i18n.js';
import { alertsBanner } from './tiles/alerts.js';
import { accessTile } from './tiles/access.js';
import { cardTile } from './tiles/card.js';
import { cashTile } from './tiles/cash.js';
import { audioTile } from './tiles/audio.js';
import { gpioTile } from './tiles/gpio.js';
import { healthTile } from './tiles/health.js';
import { printerTile } from './tiles/printer.js';
import { scannerTile } from './tiles/scanner.js';
import { serviceTile } from './tiles/service.js';

const NATIVE_NAMES = { en: 'English', ar: 'العربية', es: 'Español', fr: 'Français', de: 'Deutsch', ru: 'Русский', zh: '中文' };

async function settings() {
  const config = await (await fetch('/config.json')).json();
  const q = new URLSearchParams(location.search);
  return {
    url: q.get('url') ?? config.url,
    kioskId: q.get('kiosk') ?? config.kioskId,
    root: q.get('root') ?? config.root,
    protocolVersion: q.get('v') === '4' ? 4 : q.get('v') === '5' ? 5 : config.protocolVersion,
    simulation: q.has('sim') ? q.get('sim') !== '0' : config.simulation,
    lang: q.get('lang') ?? navigator.language.slice(0, 2),
    // never from the address bar: only what the page server hands over (the per-boot credential)
    username: config.username,
    password: config.password,
  };
}

function header(kiosk, s) {
  const select = h('select', { id: 'lang', testid: 'language', onchange: (e) => setLanguage(e.target.value) },
    LANGUAGES.map((l) => h('option', { value: l, lang: l }, NATIVE_NAMES[l])));
  select.value = document.documentElement.lang;
  const link = h('span', { class: 'badge', testid: 'bridge' });
  const render = () => {
    const up = kiosk.connected.get();
    const online = kiosk.bridge.get().online;
    link.textContent = !up ? t('broker.down') : t(online ? 'bridge.online' : 'bridge.offline');
    link.dataset.status = up && online ? 'ready' : 'offline';
  };
  kiosk.connected.subscribe(render);
  kiosk.bridge.subscribe(render);
  onLanguage(render);
  return h('header', { class: 'top' },
    h('h1', { i18n: 'title' }),
    h('span', { class: 'kiosk' }, h('span', { i18n: 'kiosk' }), ' ', ltr(s.kioskId)),
    s.simulation ? h('span', { class: 'badge sim', i18n: 'simulation' }) : undefined,
    link,
    h('label', {}, h('span', { i18n: 'language' }), ' ', select));
}

/** The service being paid for: one fee, shared by the card and cash tiles and the receipt. */
function feeBar(kiosk) {
  const input = h('input', { type: 'number', min: '0.01', step: '0.01', value: '25.00', testid: 'fee-amount', dir: 'ltr' });
  const shown = h('output', { testid: 'fee-shown' });
  const reference = `FEE-${Math.floor(Math.random() * 9000 + 1000)}`;
  const fee = () => ({ amount: Math.round(Number(input.value) * 100), currency: kiosk.state('cash').get()?.detail.currency ?? 'EUR', reference });
  const render = () => {
    const f = fee();
    shown.textContent = money(f.amount, f.currency);
  };
  input.addEventListener('input', render);
  kiosk.state('cash').subscribe(render);
  onLanguage(render);
  const el = h('section', { class: 'fee' },
    h('strong', { i18n: 'fee.service' }), h('label', {}, h('span', { i18n: 'fee.label' }), ' ', input), shown, ltr(reference));
  return { el, fee };
}

async function main() {
  const s = await settings();
  setLanguage(LANGUAGES.includes(s.lang) ? s.lang : 'en');
  const status = h('p', { class: 'connecting', testid: 'connecting' }, `${s.url} …`);
  document.body.append(status);
  // The page may come up before the broker (a kiosk booting): keep trying.
  let kiosk;
  for (let attempt = 1; !kiosk; attempt++) {
    try {
      // username/password: the per-boot UI credential, when the page server has one (kioskd ui-credential)
      kiosk = await connect({ url: s.url, kioskId: s.kioskId, root: s.root, protocolVersion: s.protocolVersion, connectTimeoutMs: 5000, ...(s.username ? { username: s.username, password: s.password } : {}) });
    } catch (err) {
      status.textContent = `${s.url}: ${err?.message ?? err} (${attempt})`;
    }
  }
  window.kiosk = kiosk; // for the browser console: try kiosk.request('gpio', 'read', {})
  let payment;
  const bar = feeBar(kiosk);
  const ctx = {
    kiosk,
    simulation: s.simulation,
    fee: bar.fee,
    payment: () => payment,
    paid: (p) => (payment = p),
  };
  const tiles = h('main', { class: 'tiles' },
    serviceTile(ctx), scannerTile(ctx), cardTile(ctx), cashTile(ctx), printerTile(ctx), audioTile(ctx), accessTile(ctx), gpioTile(ctx), healthTile(ctx));
  fill(document.body, header(kiosk, s), alertsBanner(ctx), bar.el, tiles);
  document.body.dataset.ready = 'true';
}

main().catch((err) => {
  document.body.append(h('p', { class: 'note bad', role: 'alert', testid: 'fatal' }, String(err?.message ?? err)));
});
