/**
 * Topic subscriptions shared by many handlers: a filter is subscribed once, with the first handler,
 * and unsubscribed with the last. All of them are subscribed again after every reconnect, because a
 * clean session forgets them.
 */

export type MessageHandler = (topic: string, text: string, correlation: string | undefined) => void;

/** MQTT topic filter matching (`+` one level, `#` the rest). */
export function topicMatches(filter: string, topic: string): boolean {
  const f = filter.split('/');
  const t = topic.split('/');
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}

/** The few calls of an MQTT client this registry needs. */
export interface SubscribeLink {
  subscribe(filters: string[]): Promise<void>;
  unsubscribe(filters: string[]): Promise<void>;
}

export class Subscriptions {
  private readonly handlers = new Map<string, Set<MessageHandler>>();

  constructor(private readonly link: SubscribeLink) {}

  /** Every filter with at least one handler. */
  get filters(): string[] {
    return [...this.handlers.keys()];
  }

  /** Add a handler; resolves once the broker has acknowledged a new filter. */
  async add(filter: string, handler: MessageHandler): Promise<() => void> {
    let set = this.handlers.get(filter);
    const isNew = set === undefined;
    if (!set) {
      set = new Set();
      this.handlers.set(filter, set);
    }
    set.add(handler);
    if (isNew) {
      try {
        await this.link.subscribe([filter]);
      } catch (err) {
        // Not subscribed: forget the handler, so a later add() subscribes again.
        this.handlers.delete(filter);
        throw err;
      }
    }
    return () => this.remove(filter, handler);
  }

  private remove(filter: string, handler: MessageHandler): void {
    const set = this.handlers.get(filter);
    if (!set?.delete(handler) || set.size > 0) return;
    this.handlers.delete(filter);
    this.link.unsubscribe([filter]).catch(() => undefined);
  }

  dispatch(topic: string, text: string, correlation: string | undefined): void {
    for (const [filter, set] of this.handlers) {
      if (!topicMatches(filter, topic)) continue;
      for (const handler of [...set]) handler(topic, text, correlation);
    }
  }

  /** After a reconnect: subscribe every filter again. */
  async resubscribe(): Promise<void> {
    const filters = this.filters;
    if (filters.length > 0) await this.link.subscribe(filters);
  }
}
