/**
 * Money as spoken: an amount in minor units and an ISO 4217 code becomes "one hundred fifty dirhams
 * and fifty fils", "сто пятьдесят дирхамов пятьдесят филсов", "150 دِرْهَمًا و 50 فِلْسًا".
 * - How many minor units make a major one comes from CLDR (Intl.NumberFormat: AED 2, JPY 0, KWD 3).
 * - The noun's form is chosen by CLDR's plural category of the count (Intl.PluralRules): ru
 *   one/few/many (рубль, рубля, рублей); ar one/two/few/many/other (the Arabic number-noun agreement:
 *   dual, plural genitive for 3-10, singular accusative for 11-99, singular genitive for 100s);
 *   fr/es "many" (un million d'euros, un millón de euros).
 * - Gender of the noun picks the numeral's form (eine Kopeke, две копейки, doscientas libras).
 * Currencies not in the table use CLDR's currency name (Intl.NumberFormat currencyDisplay "name").
 */
import { cardinal, MAX_CARDINAL } from './cardinals.js';
import type { SpeechLang } from './langs.js';

type Forms = Partial<Record<Intl.LDMLPluralRule, string>> & { other: string };
interface Unit {
  forms: Forms;
  gender?: 'm' | 'f' | 'n';
}
interface Words {
  major: Unit;
  minor?: Unit;
}

const u = (one: string, other = one, gender: 'm' | 'f' | 'n' = 'm', extra: Partial<Forms> = {}): Unit => ({ forms: { one, other, ...extra }, gender });
const ru = (one: string, few: string, many: string, gender: 'm' | 'f' = 'm'): Unit => ({ forms: { one, few, many, other: few }, gender });
const ar = (one: string, two: string, few: string, many: string, other: string, gender: 'm' | 'f' = 'm'): Unit => ({ forms: { zero: other, one, two, few, many, other }, gender });
const zh = (name: string): Unit => ({ forms: { other: name } });

const TABLE: Record<string, Partial<Record<SpeechLang, Words>>> = {
  AED: {
    en: { major: u('dirham', 'dirhams'), minor: u('fils') },
    de: { major: u('Dirham'), minor: u('Fils') },
    fr: { major: u('dirham', 'dirhams'), minor: u('fils') },
    es: { major: u('dírham', 'dírhams'), minor: u('fils') },
    ru: { major: ru('дирхам', 'дирхама', 'дирхамов'), minor: ru('филс', 'филса', 'филсов') },
    ar: { major: ar('دِرْهَمٌ', 'دِرْهَمَانِ', 'دَرَاهِمَ', 'دِرْهَمًا', 'دِرْهَمٍ'), minor: ar('فِلْسٌ', 'فِلْسَانِ', 'فُلُوسٍ', 'فِلْسًا', 'فِلْسٍ') },
    zh: { major: zh('迪拉姆') },
  },
  SAR: {
    en: { major: u('riyal', 'riyals'), minor: u('halala', 'halalas') },
    de: { major: u('Riyal'), minor: u('Halala') },
    fr: { major: u('riyal', 'riyals'), minor: u('halala', 'halalas') },
    es: { major: u('riyal', 'riyales'), minor: u('halala', 'halalas', 'f') },
    ru: { major: ru('риял', 'рияла', 'риялов'), minor: ru('халал', 'халала', 'халалов') },
    ar: { major: ar('رِيَالٌ', 'رِيَالَانِ', 'رِيَالَاتٍ', 'رِيَالًا', 'رِيَالٍ'), minor: ar('هَلَلَةٌ', 'هَلَلَتَانِ', 'هَلَلَاتٍ', 'هَلَلَةً', 'هَلَلَةٍ', 'f') },
    zh: { major: zh('里亚尔') },
  },
  EUR: {
    en: { major: u('euro', 'euros'), minor: u('cent', 'cents') },
    de: { major: u('Euro'), minor: u('Cent') },
    fr: { major: u('euro', 'euros'), minor: u('centime', 'centimes') },
    es: { major: u('euro', 'euros'), minor: u('céntimo', 'céntimos') },
    ru: { major: u('евро'), minor: ru('цент', 'цента', 'центов') },
    ar: { major: ar('يُورُو', 'يُورُو', 'يُورُو', 'يُورُو', 'يُورُو'), minor: ar('سِنْتٌ', 'سِنْتَانِ', 'سِنْتَاتٍ', 'سِنْتًا', 'سِنْتٍ') },
    zh: { major: zh('欧元') },
  },
  USD: {
    en: { major: u('dollar', 'dollars'), minor: u('cent', 'cents') },
    de: { major: u('Dollar'), minor: u('Cent') },
    fr: { major: u('dollar', 'dollars'), minor: u('cent', 'cents') },
    es: { major: u('dólar', 'dólares'), minor: u('centavo', 'centavos') },
    ru: { major: ru('доллар', 'доллара', 'долларов'), minor: ru('цент', 'цента', 'центов') },
    ar: { major: ar('دُولَارٌ', 'دُولَارَانِ', 'دُولَارَاتٍ', 'دُولَارًا', 'دُولَارٍ'), minor: ar('سِنْتٌ', 'سِنْتَانِ', 'سِنْتَاتٍ', 'سِنْتًا', 'سِنْتٍ') },
    zh: { major: zh('美元') },
  },
  GBP: {
    en: { major: u('pound', 'pounds'), minor: u('penny', 'pence') },
    de: { major: u('Pfund', 'Pfund', 'n'), minor: u('Penny', 'Pence') },
    fr: { major: u('livre', 'livres', 'f'), minor: u('penny', 'pence') },
    es: { major: u('libra', 'libras', 'f'), minor: u('penique', 'peniques') },
    ru: { major: ru('фунт', 'фунта', 'фунтов'), minor: ru('пенс', 'пенса', 'пенсов') },
    ar: { major: ar('جُنَيْهٌ', 'جُنَيْهَانِ', 'جُنَيْهَاتٍ', 'جُنَيْهًا', 'جُنَيْهٍ'), minor: ar('بِنْسٌ', 'بِنْسَانِ', 'بِنْسَاتٍ', 'بِنْسًا', 'بِنْسٍ') },
    zh: { major: zh('英镑') },
  },
  RUB: {
    en: { major: u('rouble', 'roubles'), minor: u('kopek', 'kopeks') },
    de: { major: u('Rubel'), minor: u('Kopeke', 'Kopeken', 'f') },
    fr: { major: u('rouble', 'roubles'), minor: u('kopeck', 'kopecks') },
    es: { major: u('rublo', 'rublos'), minor: u('kopek', 'kopeks') },
    ru: { major: ru('рубль', 'рубля', 'рублей'), minor: ru('копейка', 'копейки', 'копеек', 'f') },
    ar: { major: ar('رُوبْلٌ', 'رُوبْلَانِ', 'رُوبْلَاتٍ', 'رُوبْلًا', 'رُوبْلٍ'), minor: ar('كُوبِيكٌ', 'كُوبِيكَانِ', 'كُوبِيكَاتٍ', 'كُوبِيكًا', 'كُوبِيكٍ') },
    zh: { major: zh('卢布') },
  },
  CNY: {
    en: { major: u('yuan'), minor: u('fen') },
    de: { major: u('Yuan'), minor: u('Fen') },
    fr: { major: u('yuan', 'yuans'), minor: u('fen') },
    es: { major: u('yuan', 'yuanes'), minor: u('fen') },
    ru: { major: ru('юань', 'юаня', 'юаней'), minor: ru('фэнь', 'фэня', 'фэней') },
    ar: { major: ar('يُوَانٌ', 'يُوَانَانِ', 'يُوَانَاتٍ', 'يُوَانًا', 'يُوَانٍ'), minor: ar('فِنٌّ', 'فِنَّانِ', 'فِنَّاتٍ', 'فِنًّا', 'فِنٍّ') },
  },
};

const CONJUNCTION: Record<SpeechLang, string> = { en: 'and', de: 'und', fr: 'et', es: 'con', ru: '', ar: 'وَ', zh: '' };
const pluralRules = new Map<string, Intl.PluralRules>();

function category(lang: SpeechLang, n: number): Intl.LDMLPluralRule {
  let r = pluralRules.get(lang);
  if (!r) pluralRules.set(lang, (r = new Intl.PluralRules(lang)));
  return r.select(n);
}

/** Minor units per major unit for an ISO 4217 code (CLDR), e.g. 100 for AED, 1 for JPY, 1000 for KWD. */
export function minorPerMajor(currency: string): number {
  return 10 ** new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits!;
}

/** True for a code the runtime's CLDR data knows. */
export function isCurrency(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && Intl.supportedValuesOf('currency').includes(code);
}

function counted(lang: SpeechLang, n: number, unit: Unit): string {
  const cat = category(lang, n);
  const noun = unit.forms[cat] ?? unit.forms.other;
  if (lang === 'ar') {
    if (n === 1) return `${noun} ${unit.gender === 'f' ? 'وَاحِدَةٌ' : 'وَاحِدٌ'}`;
    return n === 2 ? noun : `${n} ${noun}`;
  }
  const words = cardinal(lang === 'zh' ? 'zh' : lang, n, (unit.gender ?? 'm'));
  if (cat === 'many' && lang === 'fr') return `${words} ${/^[aeiouyhé]/i.test(noun) ? `d'${noun}` : `de ${noun}`}`;
  if (cat === 'many' && lang === 'es') return `${words} de ${noun}`;
  return `${words} ${noun}`;
}

function cldrName(lang: SpeechLang, currency: string, count: number): string {
  const parts = new Intl.NumberFormat(lang, { style: 'currency', currency, currencyDisplay: 'name', maximumFractionDigits: 0 }).formatToParts(count);
  return parts.filter((p) => p.type === 'currency').map((p) => p.value).join('').trim() || currency;
}

function zhAmount(major: number, minor: number, per: number, currency: string): string {
  const name = TABLE[currency]?.zh?.major.forms.other ?? cldrName('zh', currency, major);
  if (currency === 'CNY' && per === 100) {
    const jiao = Math.floor(minor / 10);
    const fen = minor % 10;
    let s = major || !minor ? `${cardinal('zh', major)}元` : '';
    if (jiao) s += `${cardinal('zh', jiao)}角`;
    else if (fen && major) s += '零';
    if (fen) s += `${cardinal('zh', fen)}分`;
    return s;
  }
  const decimals = minor ? `点${[...String(minor).padStart(String(per - 1).length, '0').replace(/0+$/, '')].map((d) => cardinal('zh', Number(d))).join('')}` : '';
  return `${cardinal('zh', major)}${decimals}${name}`;
}

/** An amount in minor units of `currency` as words in `lang`. */
export function amountWords(lang: SpeechLang, minorUnits: number, currency: string): string {
  if (!Number.isSafeInteger(minorUnits) || minorUnits < 0) throw new RangeError('amounts are whole, non-negative minor units');
  const per = minorPerMajor(currency);
  const major = Math.floor(minorUnits / per);
  const minor = minorUnits % per;
  if (major > MAX_CARDINAL) throw new RangeError('amount too large to speak');
  if (lang === 'zh') return zhAmount(major, minor, per, currency);
  const words = TABLE[currency]?.[lang];
  const conj = CONJUNCTION[lang];
  if (!words) {
    const majorText = lang === 'ar' ? String(major) : cardinal(lang, major);
    const minorText = minor ? ` ${conj} ${lang === 'ar' ? String(minor) : cardinal(lang, minor)}`.replace(/\s+/g, ' ') : '';
    return `${majorText} ${cldrName(lang, currency, major)}${minorText}`;
  }
  const parts: string[] = [];
  if (major || !minor || !words.minor) parts.push(counted(lang, major, words.major));
  if (minor && words.minor) {
    if (parts.length && conj) parts.push(conj);
    parts.push(counted(lang, minor, words.minor));
  } else if (minor) {
    parts.push(conj, lang === 'ar' ? String(minor) : cardinal(lang, minor));
  }
  return parts.filter(Boolean).join(' ');
}
