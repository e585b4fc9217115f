/** The committed API documents are exactly what the schemas generate (run `npm run docs:api`). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { generateApiDocs } from '../../src/api/docs.js';
import { repoRoot } from '../helpers/daemon.js';

const { version } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { version: string };

describe('generated API documents', () => {
  const docs = generateApiDocs(version);
  it('docs/mqtt-api.md is current (else: npm run docs:api)', () => {
    expect(readFileSync(join(repoRoot, 'docs', 'mqtt-api.md'), 'utf8')).toBe(docs.markdown);
  });
  it('docs/asyncapi.yaml is current (else: npm run docs:api)', () => {
    expect(readFileSync(join(repoRoot, 'docs', 'asyncapi.yaml'), 'utf8')).toBe(docs.asyncapi);
  });
  it('is AsyncAPI 3 with a request, a response and a reply link for every command', () => {
    const doc = parse(docs.asyncapi);
    expect(doc.asyncapi).toBe('3.0.0');
    expect(doc.channels.gpio_request_set.address).toBe('{root}/{kioskId}/device/gpio/request/set');
    expect(doc.operations.send_gpio_request_pulse.reply.channel.$ref).toBe('#/channels/gpio_response_pulse');
    expect(doc.channels.gpio_request_pulse.messages.gpio_request_pulse.payload.properties.ms.maximum).toBe(60000);
  });
});
