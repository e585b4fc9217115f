// bridge/health, live: uptime, temperature, memory, disk, and each device's status and restarts.
import { fill, h, ltr } from '../dom.js';
import { onLanguage, t } from '../i18n.js';

const mb = (bytes) => (bytes === null || bytes === undefined ? '–' : `${Math.round(bytes / 1048576)} MB`);

export function healthTile(ctx) {
  const list = h('dl', { class: 'facts', testid: 'health' });
  const devices = h('ul', { class: 'lines' });
  const el = h('section', { class: 'tile', testid: 'tile-health' }, h('header', {}, h('h2', { i18n: 'health.title' })), h('div', { class: 'body' }, list, devices));
  const render = () => {
    const health = ctx.kiosk.health.get();
    if (!health) return fill(list, h('dd', {}, t('status.unknown')));
    const s = health.system;
    const uptime = `${Math.floor(health.uptimeSec / 3600)}h ${Math.floor((health.uptimeSec % 3600) / 60)}m`;
    fill(list,
      h('dt', {}, t('health.uptime')), h('dd', {}, ltr(uptime)),
      h('dt', {}, t('health.cpu')), h('dd', {}, ltr(s.cpuTempC === null ? '–' : `${s.cpuTempC.toFixed(1)} °C`)),
      h('dt', {}, t('health.memory')), h('dd', {}, ltr(mb(s.memFreeBytes))),
      h('dt', {}, t('health.disk')), h('dd', {}, ltr(mb(s.diskFreeBytes))));
    fill(devices, Object.entries(health.devices).map(([name, d]) =>
      h('li', {}, ltr(name), h('span', { class: 'badge', 'data-status': d.status }, t(`status.${d.status}`)))));
  };
  ctx.kiosk.health.subscribe(render);
  onLanguage(render);
  return el;
}
