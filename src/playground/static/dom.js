// A few DOM helpers: the page is plain ES modules with no framework and no build step.
import { getLanguage, t } from './i18n.js';

/** Create an element: h('button', { class: 'x', onclick }, 'text', child...). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'testid') el.dataset.testid = value;
    else if (key === 'i18n') {
      el.dataset.i18n = value;
      el.textContent = t(value);
    } else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null && child !== false) el.append(child);
  return el;
}

/** Replace an element's children. */
export function fill(el, ...children) {
  el.replaceChildren(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
}

/** Text in a fixed direction inside any page direction (codes, numbers, MRZ lines). */
export function ltr(text) {
  return h('bdi', { dir: 'ltr' }, text);
}

/** A message line whose class tells good from bad news. */
export function note(kind, text, testid) {
  return h('p', { class: `note ${kind}`, role: kind === 'bad' ? 'alert' : 'status', testid }, text);
}

/** The daemon's error as a translated line (KioskRequestError has code and message). */
export function errorNote(err, testid) {
  const code = err && typeof err === 'object' && 'code' in err ? err.code : 'INTERNAL';
  const message = err instanceof Error ? err.message : String(err);
  return note('bad', t('error', { code, message }), testid);
}

/** Run an async action from a button: disabled while it runs, errors shown in `out`. */
export function action(button, out, fn) {
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await fn();
    } catch (err) {
      fill(out, errorNote(err, 'error'));
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

export const isRtl = () => getLanguage() === 'ar';
