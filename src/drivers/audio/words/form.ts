/**
 * The grammatical form a counted noun asks of its number: `numbering` is the bare count (de "eins",
 * es "uno"), `m`/`f`/`n` agree with a masculine, feminine or neuter noun (de "ein Euro", ru "две копейки").
 */
export type Form = 'numbering' | 'm' | 'f' | 'n';
