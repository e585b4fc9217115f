/**
 * Where the receipt fonts come from by default: npm packages installed with kioskd, so a fresh machine
 * needs no font packages and every kiosk renders the same glyphs as CI did. Noto Sans, Noto Sans Arabic
 * and Noto Sans SC (Simplified Chinese, with Latin and kana) as static TTFs from Expo's google-fonts
 * packages (published by the Expo team from the Google Fonts catalogue, MIT + OFL-1.1); DejaVu Sans
 * Mono (the virtual printer's font A, with box drawing) from dejavu-fonts-ttf, DejaVu's final 2.37
 * release. `devices.printer.fonts.*` overrides any of them with a file on disk.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** A file inside an installed npm package; a path naming the package when it is absent (FONT_MISSING says so). */
function packaged(pkg: string, file: string): string {
  try {
    return join(dirname(require.resolve(`${pkg}/package.json`)), file);
  } catch {
    return join('/npm-package-not-installed', pkg, file);
  }
}

export const BUNDLED_FONTS = {
  latin: packaged('@expo-google-fonts/noto-sans', '400Regular/NotoSans_400Regular.ttf'),
  latinBold: packaged('@expo-google-fonts/noto-sans', '700Bold/NotoSans_700Bold.ttf'),
  arabic: packaged('@expo-google-fonts/noto-sans-arabic', '400Regular/NotoSansArabic_400Regular.ttf'),
  arabicBold: packaged('@expo-google-fonts/noto-sans-arabic', '700Bold/NotoSansArabic_700Bold.ttf'),
  cjk: packaged('@expo-google-fonts/noto-sans-sc', '400Regular/NotoSansSC_400Regular.ttf'),
  cjkBold: packaged('@expo-google-fonts/noto-sans-sc', '700Bold/NotoSansSC_700Bold.ttf'),
  mono: packaged('dejavu-fonts-ttf', 'ttf/DejaVuSansMono.ttf'),
  monoBold: packaged('dejavu-fonts-ttf', 'ttf/DejaVuSansMono-Bold.ttf'),
} as const;

/** The npm packages above, for `kioskd doctor` and the Debian package's pruning. */
export const FONT_PACKAGES = ['@expo-google-fonts/noto-sans', '@expo-google-fonts/noto-sans-arabic', '@expo-google-fonts/noto-sans-sc', 'dejavu-fonts-ttf'] as const;
