/** Types of the payout model, from the API schemas. */
import type { z } from 'zod';
import type { levelsDetail, payoutDetail, payoutResult } from '../api-payout.js';

export type PayoutResult = z.output<typeof payoutResult>;
export type LevelsDetail = z.output<typeof levelsDetail>;
export type PayoutDetail = z.output<typeof payoutDetail>;
export type PayoutPurpose = PayoutResult['purpose'];
