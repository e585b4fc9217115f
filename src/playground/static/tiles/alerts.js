// The active alerts (retained bridge/alerts), as a banner a technician cannot miss.
import { fill, h, ltr } from '../dom.js';
import { has, onLanguage, t } from '../i18n.js';

export function alertsBanner(ctx) {
  const list = h('ul', { class: 'alerts', testid: 'alerts' });
  const el = h('section', { class: 'alerts-box', 'aria-live': 'polite' }, h('h2', { i18n: 'alerts.title' }), list);
  const render = () => {
    const alerts = ctx.kiosk.alerts.get()?.alerts ?? [];
    el.dataset.count = String(alerts.length);
    if (alerts.length === 0) return fill(list, h('li', { class: 'none' }, t('alerts.none')));
    fill(list, alerts.map((a) =>
      h('li', { class: `alert ${a.severity}`, testid: `alert-${a.code}` },
        h('strong', {}, has(`alert.${a.code}`) ? t(`alert.${a.code}`) : ltr(a.code)), ' ',
        // The daemon's own words (English, for the technician), isolated from the page's direction.
        h('bdi', { dir: 'ltr', lang: 'en', class: 'detail' }, a.message))));
  };
  ctx.kiosk.alerts.subscribe(render);
  onLanguage(render);
  return el;
}
