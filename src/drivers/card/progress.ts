/**
 * Progress codes a UI can switch on, with the message in the kiosk's seven languages. Protocol plugins
 * map their own status codes (ZVT 04 FF) onto these.
 */
export const PROGRESS_CODES = [
  'PRESENT_CARD', 'ENTER_PIN', 'AUTHORISING', 'PLEASE_WAIT', 'REMOVE_CARD', 'CARD_NOT_ACCEPTED',
  'CARD_NOT_READABLE', 'APPROVED', 'DECLINED', 'SELECT_APPLICATION', 'PROCESSING',
] as const;
export type ProgressCode = (typeof PROGRESS_CODES)[number];

export const LANGUAGES = ['en', 'ar', 'es', 'fr', 'de', 'ru', 'zh'] as const;
export type Language = (typeof LANGUAGES)[number];

export const PROGRESS_MESSAGES: Readonly<Record<ProgressCode, Readonly<Record<Language, string>>>> = {
  PRESENT_CARD: {
    en: 'Please insert, tap or swipe your card', ar: 'يرجى إدخال البطاقة أو تمريرها أو تقريبها',
    es: 'Inserte, acerque o deslice su tarjeta', fr: 'Insérez, approchez ou glissez votre carte',
    de: 'Bitte Karte einstecken, auflegen oder durchziehen', ru: 'Вставьте, приложите или проведите карту', zh: '请插入、挥卡或刷卡',
  },
  ENTER_PIN: {
    en: 'Please enter your PIN on the terminal', ar: 'يرجى إدخال الرقم السري على الجهاز',
    es: 'Introduzca su PIN en el terminal', fr: 'Saisissez votre code sur le terminal',
    de: 'Bitte PIN am Terminal eingeben', ru: 'Введите ПИН-код на терминале', zh: '请在终端上输入密码',
  },
  AUTHORISING: {
    en: 'Authorising, please wait', ar: 'جارٍ التفويض، يرجى الانتظار', es: 'Autorizando, espere por favor',
    fr: 'Autorisation en cours, veuillez patienter', de: 'Autorisierung läuft, bitte warten',
    ru: 'Авторизация, пожалуйста, подождите', zh: '正在授权，请稍候',
  },
  PLEASE_WAIT: {
    en: 'Please wait', ar: 'يرجى الانتظار', es: 'Espere por favor', fr: 'Veuillez patienter', de: 'Bitte warten',
    ru: 'Пожалуйста, подождите', zh: '请稍候',
  },
  REMOVE_CARD: {
    en: 'Please remove your card', ar: 'يرجى سحب البطاقة', es: 'Retire su tarjeta', fr: 'Retirez votre carte',
    de: 'Bitte Karte entnehmen', ru: 'Извлеките карту', zh: '请取出您的卡',
  },
  CARD_NOT_ACCEPTED: {
    en: 'This card is not accepted', ar: 'هذه البطاقة غير مقبولة', es: 'Esta tarjeta no se acepta',
    fr: "Cette carte n'est pas acceptée", de: 'Diese Karte wird nicht akzeptiert', ru: 'Эта карта не принимается', zh: '不接受此卡',
  },
  CARD_NOT_READABLE: {
    en: 'The card could not be read, please try again', ar: 'تعذرت قراءة البطاقة، يرجى المحاولة مرة أخرى',
    es: 'No se pudo leer la tarjeta, inténtelo de nuevo', fr: 'Lecture de la carte impossible, veuillez réessayer',
    de: 'Karte nicht lesbar, bitte erneut versuchen', ru: 'Не удалось прочитать карту, попробуйте ещё раз', zh: '无法读取卡片，请重试',
  },
  APPROVED: {
    en: 'Payment approved', ar: 'تمت الموافقة على الدفع', es: 'Pago aprobado', fr: 'Paiement accepté',
    de: 'Zahlung genehmigt', ru: 'Платёж одобрен', zh: '支付已批准',
  },
  DECLINED: {
    en: 'Payment declined', ar: 'تم رفض الدفع', es: 'Pago rechazado', fr: 'Paiement refusé', de: 'Zahlung abgelehnt',
    ru: 'Платёж отклонён', zh: '支付被拒绝',
  },
  SELECT_APPLICATION: {
    en: 'Please choose the payment application on the terminal', ar: 'يرجى اختيار تطبيق الدفع على الجهاز',
    es: 'Elija la aplicación de pago en el terminal', fr: "Choisissez l'application de paiement sur le terminal",
    de: 'Bitte Zahlungsart am Terminal wählen', ru: 'Выберите платёжное приложение на терминале', zh: '请在终端上选择支付应用',
  },
  PROCESSING: {
    en: 'Processing', ar: 'جارٍ المعالجة', es: 'Procesando', fr: 'Traitement en cours', de: 'Verarbeitung läuft',
    ru: 'Обработка', zh: '正在处理',
  },
};

/** The `progress` event payload for one terminal progress report during an operation. */
export function progressEvent(p: { code: ProgressCode; text?: string | undefined }, idempotencyKey: string, operation: 'sale' | 'refund' | 'reversal', transaction: string | undefined) {
  return {
    ...(transaction !== undefined ? { transaction } : {}),
    idempotencyKey,
    operation,
    code: p.code,
    messages: PROGRESS_MESSAGES[p.code],
    ...(p.text ? { terminalText: p.text } : {}),
  };
}
