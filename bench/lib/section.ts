/** One block of RESULTS.md: what every benchmark (ours and the device helpers') returns. */
export type Row = Record<string, string | number | boolean>;

export interface BenchSection {
  title: string;
  rows: Row[];
  notes?: string[];
}

/** A target and whether the figure met it, for the summary. */
export interface Verdict {
  figure: string;
  value: string;
  target: string;
  met: boolean;
}

export interface BenchResult {
  sections: BenchSection[];
  verdicts: Verdict[];
}

export const yes = (met: boolean): string => (met ? 'yes' : '**no**');
