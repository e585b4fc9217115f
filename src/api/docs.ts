/**
 * Generates the MQTT API documents from the zod schemas — the schemas are the contract, the documents
 * only describe them: `docs/asyncapi.yaml` (AsyncAPI 3.0) and `docs/mqtt-api.md`. A test fails when the
 * committed documents differ from what this produces.
 */
import { stringify } from 'yaml';
import { z } from 'zod';
import type { CommandSpec, DeviceApi, EventSpec } from '../core/driver.js';
import { allErrorCodes } from '../core/errors.js';
import { activeAlertsSchema, alertEventSchema, fleetLinkStatusSchema, fleetRecordSchema } from './alerts.js';
import { bridgeOps } from './bridge.js';
import { availabilitySchema } from './catalogue.js';
import { attentionListSchema, checkoutProgressSchema } from './checkout.js';
import { sessionEventSchema, sessionStateSchema } from './session.js';
import { bridgeInfoSchema, bridgeStateSchema, deviceStateSchema, errorResponseSchema, healthSchema, okResponseSchema, transactionSchema } from './envelope.js';
import { DEVICE_APIS } from './index.js';
import { accessibleEventSchema, accessibleStateSchema, assistanceEventSchema, assistanceStateSchema } from './kiosk.js';

type Json = Record<string, unknown>;

function schema(s: z.ZodType, io: 'input' | 'output'): Json {
  const out = z.toJSONSchema(s, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as Json;
  delete out.$schema;
  return out;
}

/** A request's payload: the command's input plus the optional transaction. */
function requestSchema(spec: CommandSpec): Json {
  const input = schema(spec.input, 'input');
  const props = (input.properties as Json | undefined) ?? {};
  return { ...input, properties: { ...props, transaction: schema(transactionSchema, 'input') } };
}

function responseDoc(spec: CommandSpec): Json {
  return {
    oneOf: [
      { ...schema(okResponseSchema, 'output'), properties: { ...(schema(okResponseSchema, 'output').properties as Json), data: schema(spec.output, 'output') } },
      schema(errorResponseSchema, 'output'),
    ],
  };
}

function id(...parts: string[]): string {
  return parts.join('_').replace(/[^A-Za-z0-9_]/g, '_');
}

export function buildAsyncApi(version: string): Json {
  const channels: Json = {};
  const operations: Json = {};
  const params = { root: { description: 'Topic root (mqtt.root, default "kiosk")' }, kioskId: { description: 'Kiosk id (default: host name)' } };
  const channel = (name: string, address: string, payload: Json, description: string, extra: Json = {}): void => {
    channels[name] = { address: `{root}/{kioskId}/${address}`, parameters: params, description, messages: { [name]: { payload, ...extra } } };
  };
  const op = (name: string, action: 'send' | 'receive', ch: string, summary: string, reply?: string): void => {
    operations[name] = {
      action,
      summary,
      channel: { $ref: `#/channels/${ch}` },
      ...(reply ? { reply: { channel: { $ref: `#/channels/${reply}` } } } : {}),
    };
  };
  channel('bridgeState', 'bridge/state', schema(bridgeStateSchema, 'output'), 'Retained. online at (re)connect; last will and graceful stop publish offline.');
  channel('bridgeInfo', 'bridge/info', schema(bridgeInfoSchema, 'output'), 'Retained. Version, bootId, devices with their commands and events.');
  channel('bridgeHealth', 'bridge/health', schema(healthSchema, 'output'), 'Retained. Periodic and on device status change.');
  channel('bridgeAlerts', 'bridge/alerts', schema(activeAlertsSchema, 'output'), 'Retained. The set of active alerts.');
  channel('bridgeAlertEvent', 'bridge/event/alert', schema(alertEventSchema, 'output'), 'An alert raised or cleared. QoS 1, not retained.');
  channel('bridgeFleet', 'bridge/fleet', schema(fleetLinkStatusSchema, 'output'), 'Retained. The fleet link as a technician sees it (only when the fleet link is configured).');
  channel('bridgeAccessible', 'bridge/accessible', schema(accessibleStateSchema, 'output'), 'Retained. Accessible mode (headset or UI), the session language and the timeout scale.');
  channel('bridgeAccessibleEvent', 'bridge/event/accessible', schema(accessibleEventSchema, 'output'), 'Accessible mode or the session language changed. QoS 1, not retained.');
  channel('bridgeAssistance', 'bridge/assistance', schema(assistanceStateSchema, 'output'), 'Retained. A pending request for a person (assistance button or UI) and the last acknowledgement.');
  channel('bridgeAssistanceEvent', 'bridge/event/assistance', schema(assistanceEventSchema, 'output'), 'Assistance requested, pressed again or acknowledged. QoS 1, not retained.');
  channel('bridgeAvailability', 'bridge/availability', schema(availabilitySchema, 'output'), 'Retained. Which services can be offered now and why not; republished on every change.');
  channel('bridgeAttention', 'bridge/attention', schema(attentionListSchema, 'output'), 'Retained. The requires-attention list (no personal data).');
  channel('bridgeSession', 'bridge/session', schema(sessionStateSchema, 'output'), 'Retained. Whether a UI session holds the money devices (never its token).');
  channel('bridgeSessionEvent', 'bridge/event/session', schema(sessionEventSchema, 'output'), 'A UI session opened, is about to time out, changed, or ended. QoS 1, not retained.');
  channel('bridgeCheckoutEvent', 'bridge/event/checkout', schema(checkoutProgressSchema, 'output'), 'Checkout progress: step and a citizen-facing message key. QoS 1, not retained.');
  for (const name of ['bridgeState', 'bridgeInfo', 'bridgeHealth', 'bridgeAlerts', 'bridgeAlertEvent', 'bridgeFleet', 'bridgeAccessible', 'bridgeAccessibleEvent', 'bridgeAssistance', 'bridgeAssistanceEvent', 'bridgeAvailability', 'bridgeAttention', 'bridgeSession', 'bridgeSessionEvent', 'bridgeCheckoutEvent']) op(`receive_${name}`, 'receive', name, `Subscribe to ${name}`);
  for (const [opName, spec] of Object.entries(bridgeOps) as Array<[string, CommandSpec]>) {
    const req = id('bridge', 'request', opName);
    const res = id('bridge', 'response', opName);
    channel(req, `bridge/request/${opName}`, requestSchema(spec), spec.summary);
    channel(res, `bridge/response/${opName}`, responseDoc(spec), `Response to bridge/request/${opName}`);
    op(`send_${req}`, 'send', req, spec.summary, res);
  }
  for (const [dev, api] of Object.entries(DEVICE_APIS) as Array<[string, DeviceApi]>) {
    const st = id(dev, 'state');
    channel(st, `device/${dev}/state`, { ...schema(deviceStateSchema, 'output'), properties: { ...(schema(deviceStateSchema, 'output').properties as Json), detail: schema(api.stateDetail, 'output') } }, `Retained state of ${dev}.`);
    op(`receive_${st}`, 'receive', st, `${dev} state`);
    for (const [cmd, spec] of Object.entries<CommandSpec>(api.commands)) {
      const req = id(dev, 'request', cmd);
      const res = id(dev, 'response', cmd);
      channel(req, `device/${dev}/request/${cmd}`, requestSchema(spec), spec.summary);
      channel(res, `device/${dev}/response/${cmd}`, responseDoc(spec), `Response to device/${dev}/request/${cmd}`);
      op(`send_${req}`, 'send', req, spec.summary, res);
    }
    for (const [ev, spec] of Object.entries<EventSpec>(api.events)) {
      const ch = id(dev, 'event', ev);
      channel(ch, `device/${dev}/event/${ev}`, schema(spec.payload, 'output'), `${spec.summary} QoS 1, not retained.${spec.personal ? ' Carries personal data: local bus only, never forwarded to the fleet.' : ''}`);
      op(`receive_${ch}`, 'receive', ch, spec.summary);
    }
    for (const [cmd, spec] of Object.entries<CommandSpec>(api.sim ?? {})) {
      const req = id('sim', dev, 'request', cmd);
      const res = id('sim', dev, 'response', cmd);
      channel(req, `sim/${dev}/request/${cmd}`, requestSchema(spec), `Simulation only. ${spec.summary}`);
      channel(res, `sim/${dev}/response/${cmd}`, responseDoc(spec), `Response to sim/${dev}/request/${cmd}`);
      op(`send_${req}`, 'send', req, spec.summary, res);
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'kioskd MQTT API',
      version,
      description: 'Generated from the zod schemas in src/api and src/drivers/*/api.ts. Do not edit by hand: npm run docs:api.',
    },
    defaultContentType: 'application/json',
    channels,
    operations,
    components: { schemas: { errorCodes: { type: 'string', enum: Object.keys(allErrorCodes()) } } },
  };
}

function block(json: Json): string {
  return ['```json', JSON.stringify(json, null, 2), '```'].join('\n');
}

function commandsSection(title: string, prefix: string, cmds: Record<string, CommandSpec>): string[] {
  const out: string[] = [];
  for (const [cmd, spec] of Object.entries(cmds)) {
    out.push(`### ${title} \`${cmd}\``, '', spec.summary, '', `Request: \`${prefix}/request/${cmd}\` → response: \`${prefix}/response/${cmd}\``, '');
    if (spec.errors?.length) out.push(`Error codes (besides the envelope's): ${spec.errors.map((e) => `\`${e}\``).join(', ')}`, '');
    if (spec.progressEvent) out.push(`Progress: event \`${spec.progressEvent}\` carrying the request's \`transaction\`.`, '');
    out.push('Parameters:', '', block(schema(spec.input, 'input')), '', 'Response `data`:', '', block(schema(spec.output, 'output')), '');
  }
  return out;
}

export function buildMarkdown(version: string): string {
  const out: string[] = [
    '# kioskd MQTT API',
    '',
    `Version ${version}. Generated from the zod schemas (\`npm run docs:api\`); the machine-readable form is [asyncapi.yaml](asyncapi.yaml). Do not edit by hand.`,
    '',
    '## Conventions',
    '',
    'Every topic starts with `{root}/{kioskId}` (`root` defaults to `kiosk`, `kioskId` to the host name).',
    '',
    '| Topic | Direction | Notes |',
    '|---|---|---|',
    '| `bridge/state` | daemon → | retained; `online` at every (re)connect, `offline` on graceful stop and as the last will |',
    '| `bridge/info` | daemon → | retained; version, bootId, devices with their commands and events |',
    '| `bridge/health` | daemon → | retained; periodic and on device status change |',
    '| `bridge/request/{op}` → `bridge/response/{op}` | ← client | operations on the daemon itself |',
    '| `device/{dev}/state` | daemon → | retained; `{status, detail, since, error?}` |',
    '| `device/{dev}/event/{name}` | daemon → | QoS 1, never retained |',
    '| `device/{dev}/request/{cmd}` → `device/{dev}/response/{cmd}` | ← client | commands |',
    '| `sim/{dev}/request/{cmd}` → `sim/{dev}/response/{cmd}` | ← client | simulator controls, only when simulation is on |',
    '',
    'A request payload is the command\'s parameters as a JSON object, plus an optional `transaction` string (1-128 chars) that the response echoes and progress events carry. MQTT 5 clients may instead set a response topic and correlation data: the response goes there, with the same correlation data. Requests must not be retained.',
    '',
    'Response envelope:',
    '',
    block(schema(okResponseSchema, 'output')),
    '',
    block(schema(errorResponseSchema, 'output')),
    '',
    '## Error codes',
    '',
    'Stable machine codes; a published code is never renamed.',
    '',
    '| Code | Retryable | Meaning |',
    '|---|---|---|',
    ...Object.entries(allErrorCodes()).map(([c, d]) => `| \`${c}\` | ${d.retryable ? 'yes' : 'no'} | ${d.message} |`),
    '',
    '## Device state',
    '',
    block(schema(deviceStateSchema, 'output')),
    '',
    '## Bridge',
    '',
    ...commandsSection('Operation', 'bridge', bridgeOps),
    '### `bridge/health`',
    '',
    block(schema(healthSchema, 'output')),
    '',
    '### `bridge/alerts` (retained) and `bridge/event/alert`',
    '',
    block(schema(activeAlertsSchema, 'output')),
    '',
    block(schema(alertEventSchema, 'output')),
    '',
    '### `bridge/fleet` (retained, when the fleet link is configured)',
    '',
    block(schema(fleetLinkStatusSchema, 'output')),
    '',
    '### `bridge/accessible` (retained) and `bridge/event/accessible`',
    '',
    'Accessible mode (docs/accessibility.md): on by the headset-sense input or the `accessible` operation, off on unplug, on request or by `accessible-reset`.',
    '',
    block(schema(accessibleStateSchema, 'output')),
    '',
    block(schema(accessibleEventSchema, 'output')),
    '',
    '### `bridge/assistance` (retained) and `bridge/event/assistance`',
    '',
    'The assistance path: the button (or `assistance-request`) raises `ASSISTANCE_REQUESTED` and lights the assistance light until a technician sends `assistance-ack`.',
    '',
    block(schema(assistanceStateSchema, 'output')),
    '',
    block(schema(assistanceEventSchema, 'output')),
    '',
    '### `bridge/availability` (retained): which services can be offered now (docs/checkout.md)',
    '',
    block(schema(availabilitySchema, 'output')),
    '',
    '### `bridge/session` (retained) and `bridge/event/session`: the UI session',
    '',
    'Requests that need the session carry its token in the envelope field `session` (beside `transaction`); the daemon takes it out before the command\'s schema.',
    '',
    block(schema(sessionStateSchema, 'output')),
    '',
    block(schema(sessionEventSchema, 'output')),
    '',
    '### `bridge/event/checkout`: checkout progress',
    '',
    block(schema(checkoutProgressSchema, 'output')),
    '',
    '### `bridge/attention` (retained): the requires-attention list',
    '',
    block(schema(attentionListSchema, 'output')),
    '',
    '### Fleet link records (on the remote broker; see docs/fleet.md)',
    '',
    'Alerts and health snapshots are stored and forwarded in order, each as:',
    '',
    block(schema(fleetRecordSchema, 'output')),
    '',
  ];
  for (const [dev, api] of Object.entries(DEVICE_APIS) as Array<[string, DeviceApi]>) {
    out.push(`## Device \`${dev}\``, '', api.summary, '', `### State \`device/${dev}/state\` — \`detail\``, '', block(schema(api.stateDetail, 'output')), '');
    out.push(...commandsSection('Command', `device/${dev}`, api.commands));
    for (const [ev, spec] of Object.entries<EventSpec>(api.events)) {
      out.push(`### Event \`device/${dev}/event/${ev}\``, '', spec.summary, '');
      if (spec.personal) out.push('**Personal data**: published on the local bus only (QoS 1, never retained), never forwarded to the fleet link, never logged.', '');
      out.push(block(schema(spec.payload, 'output')), '');
    }
    if (api.sim) out.push(...commandsSection('Simulator', `sim/${dev}`, api.sim));
  }
  return `${out.join('\n').trimEnd()}\n`;
}

export function generateApiDocs(version: string): { asyncapi: string; markdown: string } {
  return { asyncapi: stringify(buildAsyncApi(version), { lineWidth: 0, aliasDuplicateObjects: false }), markdown: buildMarkdown(version) };
}
