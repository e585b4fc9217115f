/**
 * The playground page in Debian's Chromium against the simulated kiosk (real daemon, real Mosquitto over
 * WebSocket, every device simulated over its real wire protocol): the flows of a service kiosk, clicked
 * through as a customer and a UI developer would, and screenshots in English and Arabic for docs/.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { KioskClient } from '../../src/client/index.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../helpers/daemon.js';
import { canRunBrowser, kioskConfig, startKioskPage, type KioskPage } from './kiosk-page.js';

const config = { ...kioskConfig, alerts: { enabled: true, clockSyncFile: false, evaluateSec: 1 } };
// UPDATE_SCREENSHOTS=1 refreshes the committed docs/screenshots; otherwise they go to a temp dir.
const shots = process.env.UPDATE_SCREENSHOTS ? join(repoRoot, 'docs', 'screenshots') : join(tmpdir(), 'kioskd-screenshots');

const byId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);
const text = async (page: Page, id: string): Promise<string> => (await byId(page, id).textContent()) ?? '';

describe.skipIf(!canRunBrowser)('playground page in Chromium against the simulated kiosk', () => {
  let k: KioskPage;
  let page: Page;

  beforeAll(async () => {
    k = await startKioskPage(config);
    page = k.page;
    await k.open('?lang=en');
    for (const dev of ['gpio', 'scanner', 'card', 'cash', 'printer']) {
      await page.waitForSelector(`[data-testid="tile-${dev}"][data-status="ready"]`);
    }
  }, 60_000);
  afterAll(async () => {
    await k?.close();
  });
  // On a failure, say what the page showed and what the daemon logged last (CI has no screen).
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !page) return;
    const shown = await page.locator('body').innerText().catch(() => '(page gone)');
    process.stderr.write(`\n--- page text ---\n${shown}\n--- browser errors ---\n${k.errors.join('\n')}\n--- daemon log (last 20) ---\n${k.daemon.logs.slice(-20).join('\n')}\n`);
  });

  it('shows the daemon online and every device ready, with nothing failing in the page', async () => {
    expect(await byId(page, 'bridge').getAttribute('data-status')).toBe('ready');
    expect(await text(page, 'status-printer')).toBe('ready');
    expect(k.errors).toEqual([]);
  });

  it('switches a guide light and sees a sensor change', async () => {
    await byId(page, 'light-light_card').click();
    await page.waitForSelector('[data-testid="light-light_card"][aria-pressed="true"]');
    expect(k.daemon.daemon.runtimes.find((r) => r.name === 'gpio')?.state.detail).toMatchObject({ outputs: { light_card: true } });
    await byId(page, 'sim-input-presence').click();
    await page.waitForSelector('[data-testid="sensor-presence"][data-value="true"]');
    expect(await text(page, 'sensor-presence')).toBe('on');
  });

  it('says the fee in the page language; the simulator shows the WAV it wrote, with its length and level', async () => {
    await page.waitForSelector('[data-testid="tile-audio"][data-status="ready"]');
    await byId(page, 'audio-say-fee').click();
    await page.waitForFunction(() => /\d+\.\d s, played, peak -13 dBFS/.test(document.querySelector('[data-testid="audio-played"]')?.textContent ?? ''));
    await byId(page, 'audio-louder').click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="audio-status"]')?.textContent ?? '').includes('4/5 (-6 dB)'));
    expect(k.errors).toEqual([]);
  });

  it('a headset plug shows accessible mode on and slows the speech; the page turns it off; a call for assistance lights the light and shows the alert', async () => {
    await page.waitForSelector('[data-testid="a11y-mode"][data-on="false"]');
    await byId(page, 'sim-headset').click();
    await page.waitForSelector('[data-testid="a11y-mode"][data-on="true"]');
    expect(await text(page, 'a11y-mode')).toBe('Accessible mode is on');
    expect(await text(page, 'a11y-detail')).toContain('time allowed ×2');
    await expect.poll(() => (k.daemon.daemon.runtime('audio')?.state.detail as { rate?: string }).rate).toBe('slow');
    await byId(page, 'a11y-toggle').click();
    await page.waitForSelector('[data-testid="a11y-mode"][data-on="false"]');
    expect(await text(page, 'a11y-detail')).toBe('Headset: on · time allowed ×1 · en'); // the page's language became the session's
    await expect.poll(() => (k.daemon.daemon.runtime('audio')?.state.detail as { rate?: string }).rate).toBe('normal');
    await byId(page, 'sim-headset').click(); // unplugged: stays off
    await page.waitForSelector('[data-testid="sensor-headset"][data-value="false"]');
    expect(await byId(page, 'a11y-mode').getAttribute('data-on')).toBe('false');

    await byId(page, 'sim-assist_button').click();
    await page.waitForSelector('[data-testid="assist-state"][data-requested="true"]');
    await page.waitForSelector('[data-testid="light-assist_light"][aria-pressed="true"]');
    await byId(page, 'alert-ASSISTANCE_REQUESTED').waitFor({ timeout: 20_000 });
    expect(await text(page, 'alert-ASSISTANCE_REQUESTED')).toContain('Assistance requested');
    // The page is the UI: only a technician acknowledges.
    const byPage = await page.evaluate(() => (window as unknown as { kiosk: KioskClient }).kiosk.bridgeRequest('assistance-ack', { technician: 'page' }).then(() => 'ok', (e: { code: string }) => e.code));
    expect(byPage).toBe('ROLE_FORBIDDEN');
    expect(k.errors).toEqual([]);
  });

  it('arms the scanner and shows the parsed ID card', async () => {
    await byId(page, 'scanner-arm').click();
    await page.waitForSelector('[data-testid="scanner-armed"][data-armed="true"]');
    await byId(page, 'sim-scanner-td1').click();
    await byId(page, 'scanner-valid').waitFor();
    expect(await text(page, 'doc-documentType')).toMatch(/^I/);
    expect(await text(page, 'doc-surname')).not.toBe('–');
    expect(await text(page, 'doc-documentNumber')).toMatch(/^[A-Z0-9]+$/);
  });

  it('pays the fee by card, showing the terminal progress in the page language', async () => {
    // The simulated terminal waits for a card until released: the page shows the terminal's prompt.
    await page.evaluate(() => (window as unknown as { kiosk: KioskClient }).kiosk.sim('card', 'approve', { holdAt: 'card' }));
    await byId(page, 'card-pay').click();
    await page.waitForSelector('[data-testid="card-progress"][data-code="PRESENT_CARD"]');
    expect(await text(page, 'card-progress')).toBe('Please insert, tap or swipe your card');
    await page.evaluate(() => (window as unknown as { kiosk: KioskClient }).kiosk.sim('card', 'release', {}));
    await byId(page, 'card-approved').waitFor({ timeout: 20_000 });
    expect(await text(page, 'card-approved')).toContain('€25.00');
    // The terminal's prompts for this sale reached the page (and made way for the outcome).
    expect(Number(await byId(page, 'card-progress').getAttribute('data-seen'))).toBeGreaterThan(0);
    expect(await byId(page, 'card-progress').getAttribute('data-code')).toMatch(/^[A-Z_]+$/);
  });

  it('pays the fee in cash; a note that would overpay is handed back', async () => {
    await byId(page, 'cash-pay').click();
    await page.waitForSelector('[data-testid="tile-cash"][data-accepting="true"]');
    // A €50 note can never fit a €25 fee: its channel is inhibited, the validator refuses it.
    await byId(page, 'sim-cash-note-5000').click();
    await byId(page, 'cash-rejected').waitFor();
    await byId(page, 'sim-cash-note-2000').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="cash-progress"]')?.textContent?.includes('€20.00 of €25.00'));
    // A second €20 would make €40 of €25: held in escrow, then handed back.
    await byId(page, 'sim-cash-note-2000').click();
    await byId(page, 'cash-returned').waitFor();
    expect(await text(page, 'cash-returned')).toContain('€20.00');
    await byId(page, 'sim-cash-note-500').click();
    await byId(page, 'cash-paid').waitFor({ timeout: 20_000 });
    expect(await text(page, 'cash-paid')).toBe('Paid €25.00');
    expect(await byId(page, 'cash-meter').evaluate((m: HTMLProgressElement) => [m.value, m.max])).toEqual([2500, 2500]);
  });

  it('previews and prints the receipt', async () => {
    await byId(page, 'printer-preview-button').click();
    await page.waitForFunction(() => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="printer-preview"]');
      return img !== null && !img.hidden && img.complete && img.naturalWidth > 0;
    });
    const width = await byId(page, 'printer-preview').evaluate((img: HTMLImageElement) => img.naturalWidth);
    expect(width).toBeGreaterThanOrEqual(384);
    await byId(page, 'printer-print').click();
    await byId(page, 'printer-printed').waitFor({ timeout: 20_000 });
    mkdirSync(shots, { recursive: true });
    await page.screenshot({ path: join(shots, 'playground-en.png'), fullPage: true });
  });

  it('lays the page out right to left in Arabic', async () => {
    await byId(page, 'language').selectOption('ar');
    expect(await page.evaluate(() => [document.documentElement.dir, document.documentElement.lang])).toEqual(['rtl', 'ar']);
    expect(await text(page, 'card-pay')).toBe('ادفع بالبطاقة');
    // Mirrored: the page title sits at the right edge, and each tile's status badge at its left.
    const title = await page.locator('h1').boundingBox();
    const tile = await byId(page, 'tile-printer').boundingBox();
    const badge = await byId(page, 'status-printer').boundingBox();
    expect(title && title.x + title.width).toBeGreaterThan(1100);
    expect(badge && tile && badge.x - tile.x).toBeLessThan(tile ? tile.width / 2 : 0);
    // The receipt preview again, now in Arabic: rendered by the daemon exactly as the printer prints it.
    const before = await byId(page, 'printer-preview').getAttribute('src');
    await byId(page, 'printer-preview-button').click();
    await page.waitForFunction((old) => {
      const img = document.querySelector<HTMLImageElement>('[data-testid="printer-preview"]');
      return img !== null && img.getAttribute('src') !== old && img.complete && img.naturalWidth > 0;
    }, before);
    await page.screenshot({ path: join(shots, 'playground-ar.png'), fullPage: true });
    await byId(page, 'language').selectOption('en');
  });

  it('shows a paper-out alert while the printer is out of paper, and clears it when paper is loaded', async () => {
    await byId(page, 'sim-printer-paper-out').click();
    await page.waitForSelector('[data-testid="printer-paper"][data-paper="out"]');
    await byId(page, 'alert-PAPER_OUT').waitFor({ timeout: 20_000 });
    expect(await text(page, 'alert-PAPER_OUT')).toContain('Printer out of paper');
    // The printer is in fault: the page does not offer to print.
    await page.waitForSelector('[data-testid="tile-printer"][data-status="fault"]');
    expect(await byId(page, 'printer-print').isDisabled()).toBe(true);
    await byId(page, 'sim-printer-paper-ok').click();
    await page.waitForSelector('[data-testid="alert-PAPER_OUT"]', { state: 'detached', timeout: 20_000 });
    await page.waitForSelector('[data-testid="tile-printer"][data-status="ready"]');
    expect(await byId(page, 'printer-print').isDisabled()).toBe(false);
  });

  it('shows a declined card and a damaged ID as such', async () => {
    await byId(page, 'sim-card-decline').click();
    await byId(page, 'card-pay').click();
    await byId(page, 'card-declined').waitFor({ timeout: 20_000 });
    await byId(page, 'sim-scanner-bad').click();
    await byId(page, 'scanner-invalid').waitFor();
    await byId(page, 'sim-scanner-qr').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="scanner-barcode"]')?.textContent?.includes('ref=FEE-2041'));
  });

  it('works as an MQTT 3.1.1 client too', async () => {
    await k.open('?lang=en&v=4');
    await page.waitForSelector('[data-testid="tile-gpio"][data-status="ready"]');
    const pressed = await byId(page, 'light-light_printer').getAttribute('aria-pressed');
    await byId(page, 'light-light_printer').click();
    await page.waitForSelector(`[data-testid="light-light_printer"][aria-pressed="${pressed === 'true' ? 'false' : 'true'}"]`);
    expect(k.errors).toEqual([]);
  });

  it('shows every device offline when kioskd stops', async () => {
    await k.daemon.stop();
    await page.waitForSelector('[data-testid="bridge"][data-status="offline"]');
    expect(await text(page, 'bridge')).toBe('kioskd offline');
    for (const dev of ['gpio', 'scanner', 'card', 'cash', 'printer']) {
      await page.waitForSelector(`[data-testid="tile-${dev}"][data-status="offline"]`);
    }
    expect(await byId(page, 'card-pay').isDisabled()).toBe(true);
  });
});
