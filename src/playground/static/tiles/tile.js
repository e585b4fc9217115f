// The frame every device tile shares: title, live status badge ("not fitted" when bridge/info does not
// list the device), a body, and a simulator box shown only when the kiosk runs simulated.
import { h } from '../dom.js';
import { onLanguage, t } from '../i18n.js';

export function deviceTile(ctx, device, titleKey) {
  const badge = h('span', { class: 'badge', testid: `status-${device}` });
  const body = h('div', { class: 'body' });
  const sim = h('details', { class: 'sim', open: true, hidden: !ctx.simulation }, h('summary', { i18n: 'sim.title' }));
  const el = h('section', { class: 'tile', testid: `tile-${device}`, 'aria-labelledby': `title-${device}` },
    h('header', {}, h('h2', { id: `title-${device}`, i18n: titleKey }), badge), body, sim);

  let status = 'unknown';
  const render = () => {
    const info = ctx.kiosk.bridge.get().info;
    const fitted = info === undefined ? undefined : info.devices[device]?.enabled === true;
    const state = ctx.kiosk.state(device).get();
    // A retained state outlives its daemon: while kioskd is down (or unreachable) nothing is ready.
    const up = ctx.kiosk.connected.get() && ctx.kiosk.bridge.get().online;
    status = fitted === false ? 'notFitted' : !up && state ? 'offline' : (state?.status ?? 'unknown');
    badge.textContent = t(`status.${status}`);
    badge.dataset.status = status;
    el.dataset.status = status;
    // Actions need a device that can answer; the simulator box stays usable (it may bring it back).
    for (const b of body.querySelectorAll('button[data-needs-device]')) b.disabled = !['ready', 'busy'].includes(status);
  };
  ctx.kiosk.bridge.subscribe(render);
  ctx.kiosk.connected.subscribe(render);
  ctx.kiosk.state(device).subscribe(render);
  onLanguage(render);
  return { el, body, sim, status: () => status, render };
}
