/**
 * The checkout's receipt, in the citizen's language (pure): the service's name, the amount, how it was
 * paid (cash, card with the masked number and authorisation code the terminal gave), the reference, the
 * date and a QR code of the reference and checkout key. Arabic is laid out right to left.
 */
import type { KioskLanguage, Service } from '../api/catalogue.js';
import type { ReceiptDocumentInput } from '../drivers/printer/api.js';
import type { CheckoutView } from './checkout-ledger.js';

type Label = 'receipt' | 'amount' | 'cash' | 'card' | 'auth' | 'reference' | 'date' | 'change' | 'thanks';

const LABELS: Record<KioskLanguage, Record<Label, string>> = {
  en: { receipt: 'Payment receipt', amount: 'Amount', cash: 'Paid in cash', card: 'Paid by card', auth: 'Authorisation', reference: 'Reference', date: 'Date', change: 'Change owed (voucher)', thanks: 'Thank you' },
  ar: { receipt: 'إيصال الدفع', amount: 'المبلغ', cash: 'المدفوع نقدا', card: 'المدفوع بالبطاقة', auth: 'رمز التفويض', reference: 'المرجع', date: 'التاريخ', change: 'المبلغ المتبقي (قسيمة)', thanks: 'شكرا لكم' },
  es: { receipt: 'Recibo de pago', amount: 'Importe', cash: 'Pagado en efectivo', card: 'Pagado con tarjeta', auth: 'Autorización', reference: 'Referencia', date: 'Fecha', change: 'Cambio pendiente (vale)', thanks: 'Gracias' },
  fr: { receipt: 'Reçu de paiement', amount: 'Montant', cash: 'Payé en espèces', card: 'Payé par carte', auth: 'Autorisation', reference: 'Référence', date: 'Date', change: 'Monnaie due (bon)', thanks: 'Merci' },
  de: { receipt: 'Zahlungsbeleg', amount: 'Betrag', cash: 'Bar bezahlt', card: 'Mit Karte bezahlt', auth: 'Autorisierung', reference: 'Referenz', date: 'Datum', change: 'Rückgeld offen (Gutschein)', thanks: 'Vielen Dank' },
  ru: { receipt: 'Квитанция об оплате', amount: 'Сумма', cash: 'Оплачено наличными', card: 'Оплачено картой', auth: 'Код авторизации', reference: 'Номер', date: 'Дата', change: 'Сдача к выдаче (ваучер)', thanks: 'Спасибо' },
  zh: { receipt: '付款收据', amount: '金额', cash: '现金支付', card: '银行卡支付', auth: '授权码', reference: '参考号', date: '日期', change: '应找零（凭证）', thanks: '谢谢' },
};

/** `150.00 AED` for 15000 fils (two minor digits: every currency the kiosk takes but KWD/BHD/OMR, which have three). */
export function formatAmount(minor: number, currency: string): string {
  const digits = currency === 'KWD' || currency === 'BHD' || currency === 'OMR' ? 3 : 2;
  const scale = 10 ** digits;
  const whole = Math.floor(minor / scale);
  const frac = String(minor % scale).padStart(digits, '0');
  return `${whole}.${frac} ${currency}`;
}

export function receiptDocument(v: CheckoutView, service: Service | undefined, at: string): ReceiptDocumentInput {
  const lang = v.params.language;
  const l = LABELS[lang];
  const dir = lang === 'ar' ? 'rtl' : 'ltr';
  const money = (n: number): string => formatAmount(n, v.params.currency);
  const row = (key: string, value: string): ReceiptDocumentInput['blocks'][number] => ({ type: 'row', key, value, lang, dir });
  const change = v.cash + v.card - v.params.amount - v.changeGiven;
  return {
    blocks: [
      { type: 'text', text: l.receipt, lang, dir, align: 'center', bold: true, size: 2 },
      { type: 'text', text: service?.names[lang] ?? v.params.service, lang, dir, align: 'center' },
      { type: 'separator' },
      row(l.amount, money(v.params.amount)),
      ...(v.cash > 0 ? [row(l.cash, money(v.cash))] : []),
      ...(v.card > 0 ? [row(l.card, money(v.card))] : []),
      ...(v.cardInfo ? [row(v.cardInfo.brand || l.card, v.cardInfo.masked)] : []),
      ...(v.cardInfo?.authCode ? [row(l.auth, v.cardInfo.authCode)] : []),
      ...(change > 0 ? [row(l.change, money(change))] : []),
      row(l.reference, v.params.reference),
      row(l.date, at.slice(0, 19).replace('T', ' ')),
      { type: 'separator' },
      { type: 'qr', data: `${v.params.reference}|${v.key}|${v.params.amount}|${v.params.currency}` },
      { type: 'text', text: l.thanks, lang, dir, align: 'center' },
    ],
    cut: true,
  };
}
