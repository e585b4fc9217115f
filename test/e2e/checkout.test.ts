/**
 * The playground's service screen in Debian's Chromium against the simulated kiosk (real daemon, real
 * Mosquitto over WebSocket, printer, ZVT terminal and SSP validator simulated over their real wire
 * protocols): a fee paid with 100 AED in cash and the rest by card, with a reload in the middle; a
 * second page that tries to take the cash acceptor; a page closed while a note is being read.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { checkoutConfig } from '../helpers/checkout-kiosk.js';
import { canRunBrowser, kioskConfig, startKioskPage, type KioskPage } from './kiosk-page.js';

const base = checkoutConfig();
const config = {
  ...base,
  devices: {
    ...kioskConfig.devices,
    ...(base.devices as Record<string, unknown>),
    // Slow enough that a note is still being read when a page closes.
    cash: { ...((base.devices as { cash: Record<string, unknown> }).cash), simulator: { currency: 'AED', notes: [5, 10, 20, 50, 100, 200, 500, 1000], multiplier: 100, coins: [], stepMs: 700 } },
  },
};

const byId = (page: Page, id: string) => page.locator(`[data-testid="${id}"]`);

describe.skipIf(!canRunBrowser)('the playground service screen: checkout in Chromium', () => {
  let k: KioskPage;
  let page: Page;
  const sim = (dev: string, cmd: string, input: Record<string, unknown> = {}) => {
    const s = k.daemon.daemon.simulator(dev);
    const run = s?.commands[cmd];
    if (!run) throw new Error(`no simulator command ${dev}/${cmd}`);
    return run(input) as Promise<Record<string, unknown>>;
  };
  const stacked = async () => Number((await sim('cash', 'stacked')).total);
  const pages = async () => (await sim('printer', 'lastPage', {}).then((p) => Number(p.pages), () => 0));
  const messageKey = (p: Page, key: string) => p.waitForSelector(`[data-testid="service-progress"][data-message-key="${key}"]`, { timeout: 30_000 });
  const record = (ref: string) => k.daemon.daemon.services.checkouts.get({ reference: ref });
  const ready = async (p: Page) => {
    await p.waitForSelector('body[data-ready="true"]');
    await p.waitForSelector('[data-testid="tile-service"][data-ready="true"]');
  };

  beforeAll(async () => {
    k = await startKioskPage(config);
    page = k.page;
    await k.open('?lang=en');
    for (const dev of ['card', 'cash', 'printer']) await page.waitForSelector(`[data-testid="tile-${dev}"][data-status="ready"]`);
    await ready(page);
    await page.waitForSelector('[data-testid="service-availability"][data-available="true"]');
  }, 90_000);
  afterAll(async () => {
    await k?.close();
  });
  afterEach(async (ctx) => {
    if (ctx.task.result?.state !== 'fail' || !page || page.isClosed()) return;
    const shown = await page.locator('body').innerText().catch(() => '(page gone)');
    process.stderr.write(`\n--- page text ---\n${shown}\n--- browser errors ---\n${k.errors.join('\n')}\n--- daemon log (last 30) ---\n${k.daemon.logs.slice(-30).join('\n')}\n`);
  });

  it('pays 150 AED with 100 AED in cash and the rest by card; reloaded mid-payment, the page finds its checkout and finishes it; one receipt', async () => {
    const [stackedBefore, pagesBefore] = [await stacked(), await pages()];
    await byId(page, 'service-select').selectOption('good-conduct');
    await byId(page, 'service-method').selectOption('split');
    await byId(page, 'service-cash-amount').fill('100');
    await byId(page, 'service-pay').click();
    await messageKey(page, 'checkout.insertCash');
    await page.waitForSelector('[data-testid="tile-cash"][data-status="busy"]');
    await sim('cash', 'insert-note', { value: 5000 });
    await messageKey(page, 'checkout.cashCredited');
    const reference = JSON.parse((await page.evaluate(() => sessionStorage.getItem('kioskd.checkout'))) ?? '{}').reference as string;

    await page.reload(); // the page's connection drops: its last will ends the session; the checkout is suspended with 50 AED
    await ready(page);
    await page.waitForSelector('[data-testid="tile-service"][data-resuming="true"]');
    await messageKey(page, 'checkout.insertCash');
    await sim('cash', 'insert-note', { value: 5000 });
    await page.waitForSelector('[data-testid="service-result"][data-state="paid"]', { timeout: 60_000 });

    expect(record(reference)).toMatchObject({ state: 'paid', amount: 15000, paid: { cash: 10000, card: 5000 }, receipt: 'printed' });
    expect(await stacked()).toBe(stackedBefore + 10000);
    expect(await pages()).toBe(pagesBefore + 1);
    const sales = ((await sim('card', 'log')).received as { command: string; amount?: number }[]).filter((r) => r.command === 'sale');
    expect(sales.map((s) => s.amount)).toEqual([5000]);
    expect(k.errors).toEqual([]);
  }, 120_000);

  it('a second page cannot take the cash acceptor, open a session or cancel the running checkout', async () => {
    await byId(page, 'service-method').selectOption('cash');
    await byId(page, 'service-pay').click();
    await messageKey(page, 'checkout.insertCash');
    const second = await k.context.newPage();
    try {
      await second.goto(page.url());
      await ready(second);
      const refused = await second.evaluate(async () => {
        const kiosk = (window as unknown as { kiosk: { request(d: string, c: string, p: unknown): Promise<unknown>; bridgeRequest(o: string, p: unknown): Promise<unknown> } }).kiosk;
        const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code ?? 'error');
        return {
          accept: await code(kiosk.request('cash', 'accept', { amountDue: 500, currency: 'AED' })),
          sale: await code(kiosk.request('card', 'sale', { amount: 500, reference: 'x', idempotencyKey: 'second-page-1' })),
          open: await code(kiosk.bridgeRequest('session-open', { token: 'f'.repeat(32) })),
          cancel: await code(kiosk.bridgeRequest('checkout-cancel', {})),
          status: await code(kiosk.request('cash', 'status', {})),
        };
      });
      expect(refused).toEqual({ accept: 'CLAIMED_BY_OTHER', sale: 'CLAIMED_BY_OTHER', open: 'CLAIMED_BY_OTHER', cancel: 'CLAIMED_BY_OTHER', status: 'ok' });
    } finally {
      await second.close();
    }
    expect(k.daemon.daemon.runtime('cash')?.state.detail).toMatchObject({ accepting: true });
  }, 60_000);

  it('closing the page mid-cash hands back the note being read and keeps the credit', async () => {
    const reference = JSON.parse((await page.evaluate(() => sessionStorage.getItem('kioskd.checkout'))) ?? '{}').reference as string;
    const before = await stacked();
    await sim('cash', 'insert-note', { value: 2000 });
    await page.waitForSelector('[data-testid="service-progress"][data-message-key="checkout.cashCredited"]', { timeout: 30_000 });
    expect(await sim('cash', 'insert-note', { value: 5000 })).toEqual({ taken: true }); // being read now
    await page.close(); // no DISCONNECT: the broker publishes the page's last will
    const deadline = Date.now() + 30_000;
    while (record(reference).state !== 'suspended' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(record(reference)).toMatchObject({ state: 'suspended', paid: { cash: 2000, card: 0 }, attention: 'CREDIT_HELD' });
    await new Promise((r) => setTimeout(r, 3000)); // the note's journey would have ended by now
    expect(await stacked()).toBe(before + 2000);
    expect(k.daemon.daemon.runtime('cash')?.state.detail).toMatchObject({ accepting: false, session: null });
  }, 60_000);
});
