/**
 * A printed receipt as speech: what a person reads on the paper, in reading order. Text blocks are said
 * as written, rows as "key, value"; amounts (AED 150.00) and dates (2026-03-12) inside them become
 * words of the block's language. QR codes, barcodes, images, rules and feeds are not read (their data
 * is for machines). Consecutive blocks in one language make one utterance, so `repeat` repeats them.
 */
import type { ReceiptDocument } from '../printer/api.js';
import { speechLang, type SpeechLang } from './words/langs.js';
import { normaliseText } from './words/verbalise.js';

export interface ReceiptSpeech {
  lang: SpeechLang;
  text: string;
  blocks: number;
}

export function receiptSpeech(doc: ReceiptDocument, fallback: SpeechLang): ReceiptSpeech[] {
  const out: ReceiptSpeech[] = [];
  for (const block of doc.blocks) {
    let lang = fallback;
    let line: string;
    if (block.type === 'text') {
      lang = (block.lang && speechLang(block.lang)) || fallback;
      line = block.text.replace(/\n+/g, '. ');
    } else if (block.type === 'row') {
      lang = (block.lang && speechLang(block.lang)) || fallback;
      line = `${block.key}${lang === 'zh' ? '，' : lang === 'ar' ? '، ' : ', '}${block.value}`;
    } else continue;
    const said = normaliseText(lang, line);
    if (!said) continue;
    const last = out.at(-1);
    const stop = lang === 'zh' ? '。' : '. ';
    if (last?.lang === lang) {
      last.text = `${last.text.replace(/[.。]?\s*$/, '')}${stop}${said}`;
      last.blocks++;
    } else out.push({ lang, text: said, blocks: 1 });
  }
  return out;
}
