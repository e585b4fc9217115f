// Guide lights (outputs) and sensors (inputs), live from the retained GPIO state.
import { action, fill, h, ltr } from '../dom.js';
import { onLanguage, t } from '../i18n.js';
import { deviceTile } from './tile.js';

export function gpioTile(ctx) {
  const tile = deviceTile(ctx, 'gpio', 'gpio.title');
  const out = h('div', { class: 'out' });
  const lights = h('ul', { class: 'lines', testid: 'gpio-outputs' });
  const sensors = h('ul', { class: 'lines', testid: 'gpio-inputs' });
  const simInputs = h('div', { class: 'buttons' });
  tile.body.append(h('h3', { i18n: 'gpio.lights' }), lights, h('h3', { i18n: 'gpio.sensors' }), sensors, out);
  tile.sim.append(simInputs);

  let shown = '';
  const render = () => {
    const state = ctx.kiosk.state('gpio').get();
    const outputs = state?.detail.outputs ?? {};
    const inputs = state?.detail.inputs ?? {};
    const key = JSON.stringify([Object.keys(outputs), Object.keys(inputs)]);
    if (key !== shown) {
      shown = key;
      fill(lights, Object.keys(outputs).map((line) => {
        const button = h('button', { class: 'switch', testid: `light-${line}`, 'data-needs-device': true });
        action(button, out, async () => {
          const value = !ctx.kiosk.state('gpio').get()?.detail.outputs[line];
          await ctx.kiosk.request('gpio', 'set', { line, value });
          fill(out);
        });
        return h('li', {}, ltr(line), button);
      }));
      fill(sensors, Object.keys(inputs).map((line) => h('li', {}, ltr(line), h('span', { class: 'level', testid: `sensor-${line}` }))));
      fill(simInputs, Object.keys(inputs).map((line) => {
        const button = h('button', { testid: `sim-input-${line}` }, h('span', { i18n: 'sim.input' }), ' ', ltr(line));
        return action(button, out, () => ctx.kiosk.sim('gpio', 'input', { line, value: !ctx.kiosk.state('gpio').get()?.detail.inputs[line] }));
      }));
      tile.render();
    }
    for (const [line, value] of Object.entries(outputs)) {
      const b = lights.querySelector(`[data-testid="light-${line}"]`);
      b.textContent = t(value ? 'on' : 'off');
      b.setAttribute('aria-pressed', String(value));
    }
    for (const [line, value] of Object.entries(inputs)) {
      const s = sensors.querySelector(`[data-testid="sensor-${line}"]`);
      s.textContent = t(value ? 'on' : 'off');
      s.dataset.value = String(value);
    }
  };
  ctx.kiosk.state('gpio').subscribe(render);
  onLanguage(render);
  return tile.el;
}
