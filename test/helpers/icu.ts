/**
 * ICU's rule-based number spell-out (CLDR's RBNF data, via Debian's python3-icu) as an independent
 * oracle for the words kioskd speaks. Debian's python, not a pyenv one: python3-icu is a Debian package.
 */
import { spawnSync } from 'node:child_process';

const PYTHON = '/usr/bin/python3';
const SCRIPT = `
import icu, json, sys
cache = {}
out = []
for lang, ruleset, n in json.load(sys.stdin):
    key = (lang, ruleset)
    if key not in cache:
        f = icu.RuleBasedNumberFormat(icu.URBNFRuleSetTag.SPELLOUT, icu.Locale(lang))
        f.setDefaultRuleSet(ruleset)
        cache[key] = f
    out.append(cache[key].format(n))
json.dump(out, sys.stdout, ensure_ascii=False)
`;

export const hasPyIcu = spawnSync(PYTHON, ['-c', 'import icu'], { stdio: 'ignore' }).status === 0;

/** Spell out each [lang, ruleset, n] with ICU, normalised the way speech needs (no soft hyphens, one space). */
export function icuSpell(requests: Array<[string, string, number]>): string[] {
  const r = spawnSync(PYTHON, ['-c', SCRIPT], { input: JSON.stringify(requests), maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`python3-icu failed: ${r.stderr.toString()}`);
  return (JSON.parse(r.stdout.toString()) as string[]).map((s) => s.replace(/\u00ad/g, '').replace(/\s+/g, ' ').trim());
}
