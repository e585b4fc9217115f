// Speech: say a sentence or the fee in the page's language, repeat, stop, volume; with the simulator,
// what the simulated card played (duration and level of the WAV file it wrote).
import { action, fill, h, ltr, note } from '../dom.js';
import { getLanguage, onLanguage, t } from '../i18n.js';
import { deviceTile } from './tile.js';

export function audioTile(ctx) {
  const tile = deviceTile(ctx, 'audio', 'audio.title');
  const out = h('div', { class: 'out' });
  const text = h('textarea', { rows: 3, testid: 'audio-text', 'aria-label': t('audio.text'), style: 'width: 100%; box-sizing: border-box; font: inherit' });
  const status = h('p', { class: 'note', role: 'status', testid: 'audio-status' });
  const played = h('p', { class: 'note', testid: 'audio-played' });
  const button = (key, testid, fn) => action(h('button', { i18n: key, testid, 'data-needs-device': true }), out, async () => {
    await fn();
    fill(out);
  });
  const say = (payload) => ctx.kiosk.request('audio', 'say', { lang: getLanguage(), interrupt: true, ...payload });
  tile.body.append(
    text,
    h('div', { class: 'buttons' },
      button('audio.say', 'audio-say', () => say({ text: text.value })),
      button('audio.sayFee', 'audio-say-fee', () => {
        const fee = ctx.fee();
        return say({ parts: [{ text: t('audio.feeIs') }, { amount: { minor: fee.amount, currency: fee.currency } }] });
      }),
      button('audio.repeat', 'audio-repeat', () => ctx.kiosk.request('audio', 'repeat', {})),
      button('audio.stop', 'audio-stop', () => ctx.kiosk.request('audio', 'stop', {})),
      button('audio.quieter', 'audio-quieter', () => ctx.kiosk.request('audio', 'volume', { step: -1 })),
      button('audio.louder', 'audio-louder', () => ctx.kiosk.request('audio', 'volume', { step: 1 }))),
    status, out);
  tile.sim.append(played);

  const render = () => {
    const d = ctx.kiosk.state('audio').get()?.detail;
    text.placeholder = t('audio.sample');
    if (!text.value || text.dataset.lang !== getLanguage()) {
      text.value = t('audio.sample');
      text.dataset.lang = getLanguage();
    }
    if (d) fill(status, t(d.speaking ? 'audio.speaking' : 'audio.quiet'), ' · ', t('audio.volume'), ' ', ltr(`${d.volume.level + 1}/${d.volume.levels} (${d.volume.gainDb} dB)`));
    tile.render();
  };
  let last;
  const renderPlayed = () => {
    if (last) fill(played, t('audio.played'), ' ', ltr(`${(last.durationMs / 1000).toFixed(1)} s, ${last.outcome}, peak ${last.peakDb ?? '-'} dBFS, RMS ${last.rmsDb ?? '-'} dBFS`));
  };
  void ctx.kiosk.on('audio', 'ended', async () => {
    if (!ctx.simulation) return;
    last = (await ctx.kiosk.sim('audio', 'played', { last: 1 })).played[0];
    renderPlayed();
  });
  ctx.kiosk.state('audio').subscribe(render);
  onLanguage(render);
  onLanguage(renderPlayed);
  return tile.el;
}
