/**
 * kioskd's MRZ reading against an independent implementation: every document of the corpus written and
 * judged by the Python `mrz` package (test/fixtures/scanner/mrz-corpus/PROVENANCE.md), through the same
 * parser the driver uses. 100 % agreement on every field, check digit and validity verdict is required;
 * the only deliberate differences are listed in DEPARTURES and counted here.
 */
import { describe, expect, it } from 'vitest';
import { parseDocument } from '../../src/drivers/scanner/document.js';
import { recordOracle } from '../faults/report.js';
import { departedChecks, disagreements, loadCorpus } from './mrz-oracle.js';

const { header, cases } = loadCorpus();
const today = new Date(`${header.today}T12:00:00`);

describe(`MRZ corpus: ${cases.length} documents from ${header.generator} @ ${header.commit.slice(0, 12)}`, () => {
  it('has at least 10,000 documents of every ICAO format, valid and corrupted, filler-free Emirates IDs among them', () => {
    expect(cases.length).toBeGreaterThanOrEqual(10_000);
    for (const f of ['TD1', 'TD2', 'TD3', 'MRVA', 'MRVB']) {
      expect(cases.filter((c) => c.format === f && c.kind === 'valid').length).toBeGreaterThan(1000);
      expect(cases.filter((c) => c.format === f && c.kind !== 'valid').length).toBeGreaterThan(500);
    }
    expect(cases.filter((c) => c.style === 'ARE' && c.kind === 'valid' && !c.lines[0]!.includes('<')).length).toBeGreaterThan(300);
  });

  it('agrees with the oracle on every field, check digit and verdict of every document', async () => {
    const failures: string[] = [];
    const tally = { agree: 0, departures: new Map<string, number>() };
    for (const c of cases) {
      const d = parseDocument(c.lines, true, today);
      const diff = disagreements(c, d);
      if (diff.length > 0) failures.push(`#${c.id} ${c.format}/${c.kind} ${JSON.stringify(c.lines)}: ${diff.join('; ')}`);
      else tally.agree++;
      for (const desc of departedChecks(c, d)) tally.departures.set(desc, (tally.departures.get(desc) ?? 0) + 1);
    }
    if (process.env.MRZ_ORACLE_DUMP) (await import('node:fs')).writeFileSync(process.env.MRZ_ORACLE_DUMP, failures.join('\n'));
    expect(failures.slice(0, 20), `${failures.length} of ${cases.length} disagree`).toEqual([]);
    expect(tally.agree).toBe(cases.length);
    const count = (f: (c: (typeof cases)[number]) => boolean): number => cases.filter(f).length;
    const specimens = count((c) => c.kind.startsWith('specimen'));
    const valid = count((c) => c.kind === 'valid');
    recordOracle('mrz-corpus', {
      codec: 'MRZ parser: TD1, TD2, TD3, MRV-A, MRV-B, French ID 1988-2021 (src/drivers/scanner/document.ts)',
      oracle: `Python mrz (Arg0s1080) @${header.commit.slice(0, 7)}: its generators wrote the documents, its checkers judged them; ICAO 9303 and published specimens`,
      cases: `${cases.length} documents: ${valid} valid, ${cases.length - valid - specimens} with one fault, ${specimens} specimens; 600 filler-free Emirates IDs`,
      result: `${tally.agree} of ${cases.length} agree on every field, check digit and verdict; documented departures: ${[...tally.departures].map(([d, n]) => `${d} ${n}`).join(', ')}`,
      test: 'test/oracle/mrz-corpus.test.ts',
    });
  });
});
