/** The seven languages kioskd speaks, by primary language subtag. */
export const SPEECH_LANGS = ['ar', 'en', 'es', 'fr', 'de', 'ru', 'zh'] as const;
export type SpeechLang = (typeof SPEECH_LANGS)[number];

/** "zh-Hans", "en-GB", "ar-AE" -> the speech language; undefined when kioskd does not speak it. */
export function speechLang(tag: string): SpeechLang | undefined {
  const primary = tag.split('-')[0]?.toLowerCase();
  return (SPEECH_LANGS as readonly string[]).includes(primary ?? '') ? (primary as SpeechLang) : undefined;
}
