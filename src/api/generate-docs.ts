/** `npm run docs:api`: writes docs/asyncapi.yaml and docs/mqtt-api.md from the schemas. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateApiDocs } from './docs.js';

const root = join(import.meta.dirname, '..', '..');
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
const docs = generateApiDocs(version);
writeFileSync(join(root, 'docs', 'asyncapi.yaml'), docs.asyncapi);
writeFileSync(join(root, 'docs', 'mqtt-api.md'), docs.markdown);
process.stdout.write(`wrote docs/asyncapi.yaml (${docs.asyncapi.length} bytes) and docs/mqtt-api.md (${docs.markdown.length} bytes)\n`);
