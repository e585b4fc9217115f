/**
 * `kioskd attention`: the kiosk's requires-attention list (checkouts whose outcome needs a person, the
 * card terminal's mismatches, unsettled cash sessions), asked from the running daemon; and
 * `kioskd attention resolve ID --technician NAME --reason TEXT`, the audited resolution (journaled with
 * who and how, on the technician's namespace). Exit 0; `attention` exits 2 while the list is not empty.
 */
import type { KioskConfig } from '../daemon/config/schema.js';
import { attentionListSchema, type AttentionItem } from '../api/checkout.js';
import { connectLocal, localTopics, requestLocal } from './common.js';

const money = (n: number | undefined, c: string | undefined): string => (n === undefined ? '' : `${(n / 100).toFixed(2)} ${c ?? ''}`.trim());

function line(i: AttentionItem): string {
  const paid = i.paid ? ` paid cash ${money(i.paid.cash, i.currency)}, card ${money(i.paid.card, i.currency)}` : '';
  return `${i.id}  ${i.reason}${i.service ? `  ${i.service}` : ''}${i.amount !== undefined ? `  ${money(i.amount, i.currency)}` : ''}${paid}  since ${i.at}`;
}

export async function attentionList(config: KioskConfig, json: boolean): Promise<number> {
  const client = await connectLocal(config);
  try {
    const res = (await requestLocal(client, localTopics(config), { role: 'technician' }, 'attention', {}, 10_000)) as { status: string; data?: unknown; error?: { code: string; message: string } };
    const list = attentionListSchema.safeParse(res.data);
    if (res.status !== 'ok' || !list.success) {
      process.stderr.write(`kioskd attention: ${res.error?.code ?? 'error'}: ${res.error?.message ?? 'unexpected answer'}\n`);
      return 1;
    }
    if (json) process.stdout.write(`${JSON.stringify(list.data, null, 2)}\n`);
    else if (list.data.items.length === 0) process.stdout.write('nothing requires attention\n');
    else {
      process.stdout.write(`REQUIRES ATTENTION (${list.data.items.length}):\n`);
      for (const i of list.data.items) process.stdout.write(`  ${line(i)}\n`);
      process.stdout.write('  -> kioskd attention resolve ID --technician NAME --reason TEXT\n');
    }
    return list.data.items.length > 0 ? 2 : 0;
  } finally {
    await client.endAsync(true);
  }
}

export async function attentionResolve(config: KioskConfig, id: string, o: { technician?: string | undefined; reason?: string | undefined }): Promise<number> {
  if (!o.technician || !o.reason) {
    process.stderr.write('usage: kioskd attention resolve ID --technician NAME --reason TEXT\n');
    return 64;
  }
  const client = await connectLocal(config);
  try {
    const res = (await requestLocal(client, localTopics(config), { role: 'technician' }, 'attention-resolve', { id, technician: o.technician, resolution: o.reason }, 15_000)) as {
      status: string;
      data?: { id: string; remaining: number };
      error?: { code: string; message: string };
    };
    if (res.status !== 'ok' || !res.data) {
      process.stderr.write(`kioskd attention resolve: ${res.error?.code ?? 'error'}: ${res.error?.message ?? ''}\n`);
      return 1;
    }
    process.stdout.write(`resolved ${res.data.id}; ${res.data.remaining} left on the list\n`);
    return 0;
  } finally {
    await client.endAsync(true);
  }
}
