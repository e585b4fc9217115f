/**
 * The settlement ticket printed at end of day: kiosk, day, card (kiosk's count and the terminal's
 * total), cash by denomination, what the journal says, and whether it all matches. Pure: a settlement in,
 * a printer document out (device/printer/request/print). No personal data is in a settlement.
 */
import type { Settlement } from '../api/fleet-records.js';
import type { ReceiptDocumentInput } from '../drivers/printer/api.js';

type Blocks = ReceiptDocumentInput['blocks'];

function money(minor: number, currency: string): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(minor);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')} ${currency}`;
}

const row = (key: string, value: string): Blocks[number] => ({ type: 'row', key, value });

export function buildSettlementTicket(s: Settlement, kioskId: string): ReceiptDocumentInput {
  const c = s.currency;
  const blocks: Blocks = [
    { type: 'text', text: 'END OF DAY', align: 'center', size: 2, bold: true },
    { type: 'text', text: s.closedAt, align: 'center' },
    { type: 'separator', style: 'double' },
    row('Kiosk', kioskId),
    row('Day', s.day),
    row('Settlement', s.settlementId.slice(0, 40)),
    { type: 'separator', style: 'single' },
    { type: 'text', text: 'CARD', bold: true },
    row('Sales', String(s.card.count)),
    row('Total', money(s.card.amount, c)),
    row('Terminal', s.card.terminal ? money(s.card.terminal.amount, c) : 'not available'),
    { type: 'separator', style: 'single' },
    { type: 'text', text: 'CASH', bold: true },
    ...Object.entries(s.cash.denominations)
      .sort((a, b) => Number(b[0]) - Number(a[0]))
      .map(([value, n]) => row(`${n} x ${money(Number(value), c)}`, money(Number(value) * n, c))),
    row('Pieces', String(s.cash.count)),
    row('Total', money(s.cash.amount, c)),
    { type: 'separator', style: 'single' },
    row('Journal', `${s.journal.count} / ${money(s.journal.amount, c)}`),
    row('Journal to', `#${s.journal.lastSeq}`),
    { type: 'text', text: s.matches ? 'TOTALS MATCH' : 'TOTALS DO NOT MATCH - CALL A TECHNICIAN', align: 'center', bold: true },
    { type: 'feed', lines: 2 },
  ];
  return { blocks, cut: true };
}
