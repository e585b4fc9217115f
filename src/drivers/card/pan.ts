/**
 * Card-number hygiene. The only card data that may leave a protocol plugin is the masked form made here:
 * first 6 and last 4 digits at most, and fewer for short numbers so that at least 6 digits stay hidden.
 */

/** Mask a PAN given as digits; `E`/`*` nibbles (already masked by the terminal) stay masked. */
export function maskPan(digits: string): string {
  const clean = digits.toUpperCase().replace(/F+$/, '').replace(/[E*]/g, '*');
  const n = clean.length;
  if (n === 0) return '';
  const showFirst = n >= 16 ? 6 : n >= 13 ? Math.max(0, n - 10) : 0;
  const showLast = Math.min(4, Math.max(0, n - 6 - showFirst));
  const first = clean.slice(0, showFirst);
  const last = clean.slice(n - showLast);
  return first + '*'.repeat(n - showFirst - showLast) + last;
}

/** Remove any run of 12+ digits (a card number that slipped into free text, e.g. a receipt line). */
export function scrubDigits(text: string): string {
  return text.replace(/\d[\d ]{10,}\d/g, (run) => {
    const digits = run.replace(/ /g, '');
    return digits.length >= 12 ? maskPan(digits) : run;
  });
}
