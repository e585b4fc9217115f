// Accessible mode and the assistance path (retained bridge/accessible and bridge/assistance): what a
// kiosk UI shows and asks for. Turning the mode on sends the page's language as the session's; the
// simulator box plugs a headset and presses the assistance button (sim/gpio/request/input). Only a
// technician can acknowledge a call (the page is the UI role: ROLE_FORBIDDEN).
import { action, fill, h, ltr } from '../dom.js';
import { getLanguage, onLanguage, t } from '../i18n.js';

export function accessTile(ctx) {
  const out = h('div', { class: 'out' });
  const mode = h('p', { class: 'note', role: 'status', testid: 'a11y-mode' });
  const detail = h('p', { class: 'note', testid: 'a11y-detail' });
  const assist = h('p', { class: 'note', role: 'status', testid: 'assist-state' });
  const toggle = h('button', { testid: 'a11y-toggle' });
  const simButtons = h('div', { class: 'buttons' });
  const sim = h('details', { class: 'sim', open: true, hidden: !ctx.simulation }, h('summary', { i18n: 'sim.title' }), simButtons);
  const el = h('section', { class: 'tile', testid: 'tile-a11y', 'aria-labelledby': 'title-a11y' },
    h('header', {}, h('h2', { id: 'title-a11y', i18n: 'a11y.title' })),
    h('div', { class: 'body' },
      mode, detail,
      h('div', { class: 'buttons' },
        action(toggle, out, () => ctx.kiosk.bridgeRequest('accessible', { on: !ctx.kiosk.accessible.get()?.on, language: getLanguage() })),
        action(h('button', { i18n: 'a11y.end', testid: 'a11y-reset' }), out, () => ctx.kiosk.bridgeRequest('accessible-reset', {}))),
      assist,
      h('div', { class: 'buttons' }, action(h('button', { i18n: 'assist.call', testid: 'assist-call' }), out, () => ctx.kiosk.bridgeRequest('assistance-request', {}))),
      out),
    sim);

  // A simulated line, flipped from its current level (the GPIO tile shows the same lines).
  const flip = (line) => ctx.kiosk.sim('gpio', 'input', { line, value: !ctx.kiosk.state('gpio').get()?.detail.inputs[line] });
  let lines = '';
  const render = () => {
    const a = ctx.kiosk.accessible.get();
    mode.textContent = t(a?.on ? 'a11y.isOn' : 'a11y.isOff');
    mode.dataset.on = String(a?.on ?? false);
    toggle.textContent = t(a?.on ? 'a11y.turnOff' : 'a11y.turnOn');
    const language = a?.language ? [' · ', ltr(a.language)] : [];
    fill(detail, ...(a ? [t('a11y.headset'), ': ', t(a.headset ? 'on' : 'off'), ' · ', t('a11y.time', { scale: a.timeoutScale }), ...language] : []));
    const s = ctx.kiosk.assistance.get();
    assist.textContent = s?.requested ? t('assist.waiting', { presses: s.presses }) : s?.lastAck ? t('assist.acked', { who: s.lastAck.technician }) : t('assist.none');
    assist.dataset.requested = String(s?.requested ?? false);
    const inputs = Object.keys(ctx.kiosk.state('gpio').get()?.detail.inputs ?? {});
    const shown = ['headset', 'assist_button'].filter((l) => inputs.includes(l));
    if (shown.join() !== lines) {
      lines = shown.join();
      fill(simButtons, shown.map((line) =>
        action(h('button', { testid: `sim-${line}`, i18n: line === 'headset' ? 'sim.headset' : 'sim.assist' }), out, () => flip(line))));
    }
  };
  ctx.kiosk.accessible.subscribe(render);
  ctx.kiosk.assistance.subscribe(render);
  ctx.kiosk.state('gpio').subscribe(render);
  onLanguage(render);
  return el;
}
