/**
 * The kiosk UI's side of the MQTT contract, for the browser (MQTT over WebSocket) and Node. Requests are
 * checked against the daemon's own schemas before anything is sent; responses are matched by MQTT 5
 * correlation data on this client's own response topic (`{ns}/client/{clientId}/response`, which the
 * shipped broker ACL lets only this client id read), or (MQTT 3.1.1) by the `transaction` the daemon
 * echoes on the conventional response topic. Transactions on the wire are scoped to this client
 * (`{clientId}:{n}`, or `{clientId}:{yours}`), so two clients never take each other's answers, and the
 * daemon counts its per-client limits by them.
 */
import type { IPublishPacket, MqttClient } from 'mqtt';
import type { z } from 'zod';
import { DEVICE_APIS, type CommandSpec, type EventSpec } from '../api/index.js';
import { bridgeOps } from '../api/bridge.js';
import { activeAlertsSchema, alertEventSchema, type ActiveAlerts, type AlertEvent } from '../api/alerts.js';
import { availabilitySchema, type Availability } from '../api/catalogue.js';
import { attentionListSchema, checkoutProgressSchema, type AttentionList, type CheckoutProgress } from '../api/checkout.js';
import { sessionEventSchema, sessionStateSchema, type SessionEvent, type SessionState } from '../api/session.js';
import { bridgeInfoSchema, bridgeStateSchema, deviceStateSchema, healthSchema, responseSchema, type Health } from '../api/envelope.js';
import { accessibleEventSchema, accessibleStateSchema, assistanceEventSchema, assistanceStateSchema, type AccessibleState, type AssistanceState } from '../api/kiosk.js';
import { makeTopics, type Topics } from '../api/topics.js';
import { invalidParams, lookup, parseJson, text } from './checks.js';
import { KioskRequestError } from './errors.js';
import { LiveValue, type Live } from './live.js';
import type { BaseRequestOptions, BridgeView, ConnectOptions, RequestOptions } from './options.js';
import { Subscriptions } from './subscriptions.js';
import type {
  BridgeOpName, BridgeOpParams, BridgeOpResult, CommandName, CommandParams, CommandResult, DeviceName, DeviceState,
  EventData, EventName, ProgressData, SimName, SimParams, SimResult,
} from './types.js';

interface Pending {
  /** The transaction as the caller knows it (without this client's scope). */
  readonly mine: string;
  resolve(data: unknown): void;
  reject(err: KioskRequestError): void;
}

export class KioskClient {
  readonly topics: Topics;
  /** The connection to the broker (not the daemon: see `bridge`). */
  readonly connected: Live<boolean>;
  /** The daemon's availability and bridge/info. */
  readonly bridge: Live<BridgeView>;
  readonly health: Live<Health | undefined>;
  /** The active alerts (retained `bridge/alerts`). */
  readonly alerts: Live<ActiveAlerts | undefined>;
  /** Which services can be sold now (retained `bridge/availability`). */
  readonly availability = new LiveValue<Availability | undefined>(undefined);
  /** The requires-attention list (retained `bridge/attention`). */
  readonly attention = new LiveValue<AttentionList | undefined>(undefined);
  /** Whether a UI session holds the devices (retained `bridge/session`). */
  readonly session = new LiveValue<SessionState | undefined>(undefined);
  /** Accessible mode, the session language and the timeout scale (retained `bridge/accessible`). */
  readonly accessible: Live<AccessibleState | undefined>;
  /** A pending call for assistance and the last acknowledgement (retained `bridge/assistance`). */
  readonly assistance: Live<AssistanceState | undefined>;

  private readonly connectedValue = new LiveValue(false);
  private readonly bridgeValue = new LiveValue<BridgeView>({ online: false });
  private readonly healthValue = new LiveValue<Health | undefined>(undefined);
  private readonly alertsValue = new LiveValue<ActiveAlerts | undefined>(undefined);
  private readonly accessibleValue = new LiveValue<AccessibleState | undefined>(undefined);
  private readonly assistanceValue = new LiveValue<AssistanceState | undefined>(undefined);
  private readonly states = new Map<string, LiveValue<unknown>>();
  private readonly pending = new Map<string, Pending>();
  private readonly subs: Subscriptions;
  private readonly responseTopic: string;
  private readonly v5: boolean;
  private readonly role: 'ui' | 'technician';
  /** MQTT 3.1.1: simulator responses are subscribed on first use (a UI's broker user may not read them). */
  private simResponses: Promise<unknown> | undefined;
  private seq = 0;
  private closed = false;

  constructor(
    private readonly mqttClient: MqttClient,
    readonly options: Readonly<ConnectOptions> & { readonly clientId: string; readonly sessionToken?: string | undefined },
  ) {
    this.topics = makeTopics(options.root ?? 'kiosk', options.kioskId);
    this.v5 = (options.protocolVersion ?? 5) === 5;
    this.role = options.role ?? 'ui';
    this.responseTopic = this.topics.clientResponse(options.clientId, this.role);
    this.connected = this.connectedValue;
    this.bridge = this.bridgeValue;
    this.health = this.healthValue;
    this.alerts = this.alertsValue;
    this.accessible = this.accessibleValue;
    this.assistance = this.assistanceValue;
    this.subs = new Subscriptions({
      subscribe: (filters) => this.subscribeRaw(filters),
      unsubscribe: (filters) => this.mqttClient.unsubscribeAsync(filters).then(() => undefined),
    });
    mqttClient.on('message', (topic, payload, packet) => this.onMessage(topic, payload, packet));
    mqttClient.on('close', () => {
      this.connectedValue.set(false);
      // Without the broker we cannot know whether the daemon is up; its retained birth tells us again.
      const { info } = this.bridgeValue.get();
      if (this.bridgeValue.get().online) this.bridgeValue.set(info ? { online: false, info } : { online: false });
    });
  }

  /** Subscribe to what every client needs; called once the first connection is up. */
  async init(): Promise<void> {
    const t = this.topics;
    const jobs = [
      this.subs.add(t.bridgeState, (_topic, s) => this.onBridgeState(s)),
      this.subs.add(t.bridgeInfo, (_topic, s) => this.onBridgeInfo(s)),
      this.subs.add(t.bridgeHealth, (_topic, s) => this.healthValue.set(s ? healthSchema.safeParse(parseJson(s)).data : undefined)),
      this.subs.add(t.bridgeAlerts, (_topic, s) => this.alertsValue.set(s ? activeAlertsSchema.safeParse(parseJson(s)).data : undefined)),
      this.subs.add(t.bridgeAccessible, (_topic, s) => this.accessibleValue.set(s ? accessibleStateSchema.safeParse(parseJson(s)).data : undefined)),
      this.subs.add(t.bridgeAssistance, (_topic, s) => this.assistanceValue.set(s ? assistanceStateSchema.safeParse(parseJson(s)).data : undefined)),
      this.subs.add(t.deviceState('+'), (topic, s) => this.onDeviceState(topic, s)),
      this.subs.add(t.bridgeAvailability, (_topic, s) => this.availability.set(s ? availabilitySchema.safeParse(parseJson(s)).data : undefined)),
      this.subs.add(t.bridgeAttention, (_topic, s) => this.attention.set(s ? attentionListSchema.safeParse(parseJson(s)).data : undefined)),
      this.subs.add(t.bridgeSession, (_topic, s) => this.session.set(s ? sessionStateSchema.safeParse(parseJson(s)).data : undefined)),
    ];
    if (this.v5) jobs.push(this.subs.add(this.responseTopic, (_topic, s, corr) => this.onResponse(s, corr)));
    else {
      const onResponse = (_topic: string, s: string): void => this.onResponse(s, undefined);
      jobs.push(this.subs.add(t.deviceResponse('+', '+', this.role), onResponse), this.subs.add(t.bridgeResponse('+', this.role), onResponse));
    }
    await Promise.all(jobs);
    this.connectedValue.set(this.mqttClient.connected);
    // Every later (re)connect: a clean session has forgotten our subscriptions.
    this.mqttClient.on('connect', () => {
      this.connectedValue.set(true);
      this.subs.resubscribe().catch(() => undefined);
    });
  }

  /**
   * Send a command to a device and resolve with its result. Parameters that do not match the command's
   * schema are rejected here (INVALID_PARAMS) and never sent. An error answer rejects with a
   * {@link KioskRequestError} carrying the daemon's stable code.
   */
  request<D extends DeviceName, C extends CommandName<D>>(
    device: D,
    command: C,
    params: CommandParams<D, C>,
    opts: RequestOptions<ProgressData<D, C>> = {},
  ): Promise<CommandResult<D, C>> {
    return this.call('device', device, command, params, opts) as Promise<CommandResult<D, C>>;
  }

  /** Drive a simulator (only when the daemon runs with simulation on). */
  sim<D extends DeviceName, S extends SimName<D>>(device: D, control: S, params: SimParams<D, S>, opts: BaseRequestOptions = {}): Promise<SimResult<D, S>> {
    return this.call('sim', device, control, params, opts) as Promise<SimResult<D, S>>;
  }

  /** Ask the daemon itself (info, health, rebirth, restart-device, log-level). */
  bridgeRequest<O extends BridgeOpName>(op: O, params: BridgeOpParams<O>, opts: BaseRequestOptions = {}): Promise<BridgeOpResult<O>> {
    return this.call('bridge', 'bridge', op, params, opts) as Promise<BridgeOpResult<O>>;
  }

  /** Listen to a device's event. Resolves (subscribed) with the function that stops listening. */
  on<D extends DeviceName, E extends EventName<D>>(device: D, event: E, handler: (data: EventData<D, E>) => void): Promise<() => void> {
    const spec = lookup<EventSpec>(lookup(DEVICE_APIS, device, 'UNKNOWN_DEVICE', 'device').events, event, 'UNKNOWN_COMMAND', 'event');
    return this.subs.add(this.topics.deviceEvent(device, event), (_topic, s) => {
      const payload = parseJson(s);
      const parsed = spec.payload.safeParse(payload);
      // A newer daemon may publish a shape this client does not know yet: hand it over rather than drop it.
      handler((parsed.success ? parsed.data : payload) as EventData<D, E>);
    });
  }

  /** Listen to raised and cleared alerts (`bridge/event/alert`). */
  onAlert(handler: (event: AlertEvent) => void): Promise<() => void> {
    return this.listen(this.topics.bridgeAlertEvent, alertEventSchema, handler);
  }

  /** Listen to accessible mode and session-language changes (`bridge/event/accessible`: headset, UI, reset). */
  onAccessible(handler: (event: z.output<typeof accessibleEventSchema>) => void): Promise<() => void> {
    return this.listen(this.topics.bridgeAccessibleEvent, accessibleEventSchema, handler);
  }

  /** Listen to assistance requested, pressed again, acknowledged (`bridge/event/assistance`). */
  onAssistance(handler: (event: z.output<typeof assistanceEventSchema>) => void): Promise<() => void> {
    return this.listen(this.topics.bridgeAssistanceEvent, assistanceEventSchema, handler);
  }

  private listen<S extends z.ZodType>(topic: string, schema: S, handler: (event: z.output<S>) => void): Promise<() => void> {
    return this.subs.add(topic, (_topic, s) => {
      const parsed = schema.safeParse(parseJson(s));
      if (parsed.success) handler(parsed.data);
    });
  }

  /** Listen to UI session events (`bridge/event/session`: opened, warning before the timeout, ended). */
  onSession(handler: (event: SessionEvent) => void): Promise<() => void> {
    return this.subs.add(this.topics.bridgeEvent('session'), (_topic, s) => {
      const parsed = sessionEventSchema.safeParse(parseJson(s));
      if (parsed.success) handler(parsed.data);
    });
  }

  /** Listen to checkout progress (`bridge/event/checkout`), optionally of one checkout only. */
  onCheckout(handler: (progress: CheckoutProgress) => void, idempotencyKey?: string): Promise<() => void> {
    return this.subs.add(this.topics.bridgeEvent('checkout'), (_topic, s) => {
      const parsed = checkoutProgressSchema.safeParse(parseJson(s));
      if (parsed.success && (idempotencyKey === undefined || parsed.data.idempotencyKey === idempotencyKey)) handler(parsed.data);
    });
  }

  /** A device's retained state as a live value; undefined until the daemon has published one. */
  state<D extends DeviceName>(device: D): Live<DeviceState<D> | undefined> {
    return this.stateValue(device) as Live<DeviceState<D> | undefined>;
  }

  /** True when bridge/info lists the device and it is enabled ("fitted" on this kiosk). */
  fitted(device: string): boolean {
    return this.bridgeValue.get().info?.devices[device]?.enabled === true;
  }

  /** Disconnect. Pending requests reject with CLOSED. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.pending.values()) p.reject(new KioskRequestError('CLOSED', 'the client was closed', true, undefined, p.mine));
    this.pending.clear();
    await this.mqttClient.endAsync();
    this.connectedValue.set(false);
  }

  private async call(scope: 'device' | 'sim' | 'bridge', target: string, command: string, params: unknown, opts: BaseRequestOptions & { onProgress?: ((p: never) => void) | undefined }): Promise<unknown> {
    const table = scope === 'bridge' ? bridgeOps : scope === 'device' ? lookup(DEVICE_APIS, target, 'UNKNOWN_DEVICE', 'device').commands : lookup(DEVICE_APIS, target, 'UNKNOWN_DEVICE', 'device').sim;
    const spec = lookup<CommandSpec>(table, command, 'UNKNOWN_COMMAND', `${scope} command`);
    const checked = spec.input.safeParse(params);
    if (!checked.success) throw invalidParams(checked.error);
    if (this.closed) throw new KioskRequestError('CLOSED', 'the client was closed', true);
    const t = this.topics;
    if (scope === 'sim' && !this.v5) {
      this.simResponses ??= this.subs.add(t.simResponse('+', '+'), (_topic, s) => this.onResponse(s, undefined)).catch((err: unknown) => {
        this.simResponses = undefined;
        throw new KioskRequestError('CLOSED', `could not subscribe to simulator responses: ${(err as Error).message}`, true);
      });
      await this.simResponses;
    }
    const topic = scope === 'bridge' ? t.bridgeRequest(command, this.role) : scope === 'device' ? t.deviceRequest(target, command, this.role) : t.simRequest(target, command);
    const progressTopic = scope === 'device' && spec.progressEvent && opts.onProgress ? t.deviceEvent(target, spec.progressEvent) : undefined;
    const timeoutMs = opts.timeoutMs ?? (spec.progressEvent ? 120_000 : 10_000);
    return this.exchange(topic, params, spec.output, { ...opts, timeoutMs, progressTopic });
  }

  private async exchange(
    topic: string,
    params: unknown,
    output: z.ZodType,
    opts: BaseRequestOptions & { onProgress?: ((p: never) => void) | undefined; timeoutMs: number; progressTopic: string | undefined },
  ): Promise<unknown> {
    const mine = opts.transaction ?? String(++this.seq);
    const tx = `${this.options.clientId}:${mine}`;
    if (this.pending.has(tx)) throw new KioskRequestError('INVALID_PARAMS', `transaction ${mine} is already waiting for its answer`, false, undefined, mine);
    let unsubscribeProgress = (): void => undefined;
    const onProgress = opts.onProgress as ((p: unknown) => void) | undefined;
    if (opts.progressTopic && onProgress) {
      const handler = (_topic: string, s: string): void => {
        const payload = parseJson(s) as { transaction?: unknown } | undefined;
        if (payload?.transaction === tx) onProgress({ ...payload, transaction: mine });
      };
      unsubscribeProgress = await this.subs.add(opts.progressTopic, handler).catch((err: unknown) => {
        throw new KioskRequestError('CLOSED', `could not subscribe to progress: ${(err as Error).message}`, true, undefined, mine);
      });
    }
    try {
      const data = await new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.pending.delete(tx);
          reject(new KioskRequestError('TIMEOUT', `no answer within ${opts.timeoutMs} ms (the operation may still complete)`, true, undefined, mine));
        }, opts.timeoutMs);
        const settle = (fn: () => void): void => {
          clearTimeout(timer);
          this.pending.delete(tx);
          fn();
        };
        this.pending.set(tx, { mine, resolve: (d) => settle(() => resolve(d)), reject: (e) => settle(() => reject(e)) });
        // The connection's session token rides on every request (the router takes it out): it is what
        // makes this client's money and scan requests its session's (see KioskSession, session.ts).
        const body = JSON.stringify({ ...(params as object), transaction: tx, ...(this.options.sessionToken ? { session: this.options.sessionToken } : {}) });
        // mqtt-packet writes a string property as its UTF-8 bytes, in Node and in the browser bundle alike.
        const properties = this.v5 ? { responseTopic: this.responseTopic, correlationData: tx as unknown as Buffer } : undefined;
        this.mqttClient.publish(topic, body, { qos: 1, ...(properties ? { properties } : {}) }, (err) => {
          if (!err) return;
          // MQTT 5: the broker refused the publish (reason 0x87: its ACL does not let this user ask this).
          const refused = (err as { code?: unknown }).code === 0x87;
          this.pending.get(tx)?.reject(
            refused
              ? new KioskRequestError('NOT_AUTHORIZED', `the broker does not let this user publish ${topic}`, false, undefined, mine)
              : new KioskRequestError('CLOSED', `publish failed: ${err.message}`, true, undefined, mine),
          );
        });
      });
      const parsed = output.safeParse(data);
      return parsed.success ? parsed.data : data;
    } finally {
      unsubscribeProgress();
    }
  }

  private onMessage(topic: string, payload: Uint8Array, packet: IPublishPacket): void {
    const corr = packet.properties?.correlationData;
    this.subs.dispatch(topic, text(payload), corr ? text(corr) : undefined);
  }

  private onResponse(s: string, correlation: string | undefined): void {
    const parsed = responseSchema.safeParse(parseJson(s));
    if (!parsed.success) return;
    const res = parsed.data;
    const tx = correlation ?? res.transaction;
    const pending = tx === undefined ? undefined : this.pending.get(tx);
    if (!pending) return;
    if (res.status === 'ok') pending.resolve(res.data);
    else pending.reject(new KioskRequestError(res.error.code, res.error.message, res.error.retryable, res.error.details, pending.mine));
  }

  private onBridgeState(s: string): void {
    const parsed = s ? bridgeStateSchema.safeParse(parseJson(s)).data : undefined;
    const prev = this.bridgeValue.get();
    this.bridgeValue.set({
      online: parsed?.state === 'online',
      ...(parsed?.reason ? { reason: parsed.reason } : {}),
      ...(prev.info ? { info: prev.info } : {}),
    });
  }

  private onBridgeInfo(s: string): void {
    const info = s ? bridgeInfoSchema.safeParse(parseJson(s)).data : undefined;
    const { info: _old, ...rest } = this.bridgeValue.get();
    this.bridgeValue.set(info ? { ...rest, info } : rest);
  }

  private onDeviceState(topic: string, s: string): void {
    const device = topic.slice(this.topics.base.length + 1).split('/')[1];
    if (!device) return;
    const parsed = s ? deviceStateSchema.safeParse(parseJson(s)) : undefined;
    if (!parsed) return this.stateValue(device).set(undefined);
    if (!parsed.success) return;
    const api = Object.hasOwn(DEVICE_APIS, device) ? DEVICE_APIS[device as DeviceName] : undefined;
    const detail = api?.stateDetail.safeParse(parsed.data.detail);
    this.stateValue(device).set({ ...parsed.data, detail: detail?.success ? detail.data : parsed.data.detail });
  }

  private stateValue(device: string): LiveValue<unknown> {
    let live = this.states.get(device);
    if (!live) {
      live = new LiveValue<unknown>(undefined);
      this.states.set(device, live);
    }
    return live;
  }

  private async subscribeRaw(filters: string[]): Promise<void> {
    // No Local (MQTT 5): our own requests are not echoed back to us.
    await this.mqttClient.subscribeAsync(filters, this.v5 ? { qos: 1, nl: true } : { qos: 1 });
  }
}
