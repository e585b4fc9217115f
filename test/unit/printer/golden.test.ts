/**
 * Golden images: each receipt is printed through the driver over a real PTY, decoded by the virtual
 * printer from the bytes on the wire, and compared with the committed PNG under test/golden/printer/.
 * UPDATE_GOLDEN=1 rewrites the PNGs (then look at them before committing).
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiptDocumentSchema, type ReceiptDocumentInput } from '../../../src/drivers/printer/api.js';
import { hasPty } from '../../helpers/env.js';
import { compareToGolden, MAX_DIFF_RATIO } from '../../helpers/png-diff.js';
import { BIDI_TEXT, receiptFor, type Lang } from '../../fixtures/printer/receipts.js';
import { startRig, type Rig } from './harness.js';

const GOLDEN_DIR = join(import.meta.dirname, '..', '..', 'golden', 'printer');

async function checkGolden(rig: Rig, name: string, document: ReceiptDocumentInput): Promise<void> {
  const res = await rig.driver.commands.print(
    { document: receiptDocumentSchema.parse(document), idempotencyKey: `golden-${name}-${Date.now()}` },
    { transaction: undefined, signal: new AbortController().signal, requester: 'test', role: 'ui' as const },
  );
  expect(res.duplicate).toBe(false);
  const { png } = await rig.sim.page();
  const path = join(GOLDEN_DIR, `${name}.png`);
  if (process.env.UPDATE_GOLDEN) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(path, png);
  }
  expect(existsSync(path), `${path} is missing; run with UPDATE_GOLDEN=1 and review it`).toBe(true);
  const { diff, total, sizeMatch } = compareToGolden(png, path);
  let saved = '';
  if (!sizeMatch || diff / total > MAX_DIFF_RATIO) {
    saved = join(tmpdir(), `kioskd-golden-actual-printer-${name}.png`);
    writeFileSync(saved, png);
  }
  expect(sizeMatch, `${name}: page size differs from the golden image (actual: ${saved})`).toBe(true);
  expect(diff / total, `${name}: ${diff} of ${total} dots differ (actual: ${saved})`).toBeLessThanOrEqual(MAX_DIFF_RATIO);
}

describe.skipIf(!hasPty)('golden receipts, decoded by the virtual printer from the real byte stream', () => {
  let rig: Rig;
  beforeAll(async () => {
    rig = await startRig();
  });
  afterAll(async () => {
    await rig?.close();
  });

  const langs: Lang[] = ['ar', 'en', 'es', 'fr', 'de', 'ru', 'zh'];
  for (const lang of langs) {
    it(`${lang} receipt matches test/golden/printer/${lang}.png`, async () => {
      await checkGolden(rig, lang, receiptFor(lang));
    });
  }

  it('mixed Arabic/English/digits (bidi) matches test/golden/printer/bidi.png', async () => {
    await checkGolden(rig, 'bidi', {
      blocks: [
        { type: 'text', text: BIDI_TEXT },
        { type: 'text', text: BIDI_TEXT, dir: 'ltr' },
        { type: 'row', key: 'رقم الطلب', value: 'ABC-123 (2026)' },
        { type: 'row', key: 'Order number', value: 'طلب 42' },
      ],
    });
  });
});
