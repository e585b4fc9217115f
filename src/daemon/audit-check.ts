/** The `audit-verify` bridge op: the audit trail and the money journal, verified against each other. */
import { verifyAudit, type AuditVerification } from '../health/audit/verify.js';
import type { MoneyJournal } from './money-journal.js';
import type { Operations } from './operations.js';

export function auditDiagnosis(ops: Operations, journal: MoneyJournal): Promise<AuditVerification> {
  return verifyAudit(ops.auditDir, journal.path, journal.mirrorPath);
}

