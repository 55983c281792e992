import {
  JsonParseError,
  loadPeer,
  type MtLogger,
  parseJson,
  SchemaValidationError,
  silentLogger,
} from '@mt/protocol';
import { z } from 'zod';
import { ChainRpcError, ChainUnreachableError } from '../errors.js';

/** The part of `ws`'s WebSocket this provider uses (its types are not this package's API). */
interface Socket {
  on(event: 'open', listener: () => void): void;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): void;
  on(event: 'close', listener: () => void): void;
  on(event: 'error', listener: (error: Error) => void): void;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
}
type SocketClass = new (
  url: string,
  options: { maxPayload: number; handshakeTimeout: number; perMessageDeflate: boolean },
) => Socket;

/** Loads `ws`, which `@polkadot/api` brings, with the typed error that says what to install. */
async function loadSocketClass(): Promise<SocketClass> {
  const ws = await loadPeer({
    name: 'ws',
    range: '^8.18.0',
    feature: 'SubtensorChain (Bittensor subtensor nodes)',
    load: () => import('ws'),
  });
  return ws.WebSocket as SocketClass;
}

/** Options of {@link GuardedWsProvider}. */
export interface GuardedProviderOptions {
  /** Largest frame read from the node, in bytes; a larger one drops the connection. Default 64 MiB (a runtime's metadata is a few MiB). */
  maxFrameBytes?: number;
  /** Time a request has for its answer, in ms, before `ChainRpcError` (`timeout`). Default 60 s. */
  requestTimeoutMs?: number;
  /** Pause before reconnecting after a drop, in ms. Default 1 s. */
  retryMs?: number;
  /** Notifications kept for subscriptions not known yet (an answer may trail its first notification). Default 64. */
  maxEarlyNotifications?: number;
  /** Told once per connection of a node that breaks the protocol. */
  logger?: MtLogger;
}

type Callback = (error: Error | null, result: unknown) => void;
type Emitted = 'connected' | 'disconnected' | 'error';

interface Pending {
  method: string;
  resolve(result: unknown): void;
  reject(error: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

interface Subscription {
  type: string;
  method: string;
  params: unknown[];
  callback: Callback;
}

/** A JSON-RPC frame's fields, as read once from a hostile node. */
const rpcErrorSchema = z.looseObject({
  code: z.unknown().optional(),
  message: z.unknown().optional(),
  data: z.unknown().optional(),
});

/**
 * A node's frame: an answer (a numeric `id`) or a subscription's
 * notification (a `method` and `params.subscription`). Only these keys are
 * checked; a result is read by whoever asked for it.
 */
const answerSchema = z.looseObject({
  id: z.number(),
  result: z.unknown().optional(),
  error: rpcErrorSchema.optional(),
});
const notificationSchema = z.looseObject({
  id: z.undefined().optional(),
  method: z.string(),
  params: z.looseObject({
    subscription: z.union([z.string(), z.number()]),
    result: z.unknown().optional(),
    error: rpcErrorSchema.optional(),
  }),
});
const frameSchema = z.union([answerSchema, notificationSchema]);
type Answer = z.output<typeof answerSchema>;
type Notification = z.output<typeof notificationSchema>;

/** Old names some nodes still notify under, as `WsProvider` maps them. */
const ALIASES: Record<string, string> = {
  chain_finalisedHead: 'chain_finalizedHead',
  subscribe_newHead: 'chain_newHead',
};

/**
 * A WebSocket JSON-RPC provider for `@polkadot/api` (its `ProviderInterface`)
 * that treats the node as a hostile peer, where `WsProvider` trusts it:
 *
 * - every frame is bounded (`maxFrameBytes`, no compression), parsed once
 *   with a depth limit and checked for the JSON-RPC shape; a frame that is
 *   not (not JSON, `null`, binary) closes the connection, which re-opens
 *   after `retryMs`, rather than throwing inside a socket callback and
 *   ending the process;
 * - notifications for subscriptions nobody made are kept only up to
 *   `maxEarlyNotifications` (the newest), never without bound;
 * - a request that gets no answer in `requestTimeoutMs`, or an error
 *   answer, rejects with {@link ChainRpcError}; a request in flight when
 *   the connection drops rejects with {@link ChainUnreachableError}.
 *
 * Subscriptions are made again on every reconnect, as `WsProvider` does.
 */
export class GuardedWsProvider {
  /** Subscriptions work over a WebSocket. */
  readonly hasSubscriptions = true;
  /** One connection per provider. */
  readonly isClonable = false;
  readonly #url: string;
  readonly #Socket: SocketClass;
  readonly #maxFrameBytes: number;
  readonly #timeoutMs: number;
  readonly #retryMs: number;
  readonly #maxEarly: number;
  readonly #logger: MtLogger;
  readonly #listeners = new Map<Emitted, Set<(value?: unknown) => void>>();
  readonly #pending = new Map<number, Pending>();
  readonly #subscriptions = new Map<string, Subscription>();
  /** Notifications whose subscription is not known (yet), newest last. */
  readonly #early = new Map<string, Notification>();
  #socket: Socket | undefined;
  #connected = false;
  #closing = false;
  #nextId = 0;
  #retry: ReturnType<typeof setTimeout> | undefined;

  private constructor(url: string, Socket: SocketClass, options: GuardedProviderOptions) {
    this.#url = url;
    this.#Socket = Socket;
    this.#maxFrameBytes = options.maxFrameBytes ?? 64 * 1024 * 1024;
    this.#timeoutMs = options.requestTimeoutMs ?? 60_000;
    this.#retryMs = options.retryMs ?? 1_000;
    this.#maxEarly = options.maxEarlyNotifications ?? 64;
    this.#logger = options.logger ?? silentLogger;
  }

  /** A provider for `url` (`ws://` or `wss://`), connecting at once and again after every drop. */
  static async create(
    url: string,
    options: GuardedProviderOptions = {},
  ): Promise<GuardedWsProvider> {
    const provider = new GuardedWsProvider(url, await loadSocketClass(), options);
    provider.#open();
    return provider;
  }

  /** Whether the socket is open now. */
  get isConnected(): boolean {
    return this.#connected;
  }

  /** Not supported: one provider, one connection. */
  clone(): never {
    throw new ChainUnreachableError(this.#url, 'a guarded provider cannot be cloned');
  }

  /** Opens the connection (it opens by itself on creation and after drops). */
  async connect(): Promise<void> {
    this.#closing = false;
    if (!this.#socket) this.#open();
  }

  /** Closes the connection for good; requests in flight reject. */
  async disconnect(): Promise<void> {
    this.#closing = true;
    clearTimeout(this.#retry);
    this.#socket?.close(1000, 'closing');
    this.#drop(new ChainUnreachableError(this.#url, 'the client closed the connection'));
  }

  /** Listens for `connected`, `disconnected` or `error`; returns the function that stops listening. */
  on(type: Emitted, listener: (value?: unknown) => void): () => void {
    let set = this.#listeners.get(type);
    if (!set) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Sends one request; resolves with its result. */
  send<T = unknown>(method: string, params: unknown[]): Promise<T> {
    const socket = this.#socket;
    if (!socket || !this.#connected)
      return Promise.reject(new ChainUnreachableError(this.#url, `not connected (${method})`));
    this.#nextId += 1;
    const id = this.#nextId;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(new ChainRpcError(method, 'timeout', `no answer within ${this.#timeoutMs} ms`));
      }, this.#timeoutMs);
      this.#pending.set(id, { method, resolve: resolve as (r: unknown) => void, reject, timer });
      socket.send(JSON.stringify({ id, jsonrpc: '2.0', method, params }));
    });
  }

  /** Subscribes; `callback` gets each notification's result. Resolves with the node's subscription id. */
  async subscribe(
    type: string,
    method: string,
    params: unknown[],
    callback: Callback,
  ): Promise<number | string> {
    const id = await this.send<unknown>(method, params);
    if (typeof id !== 'string' && typeof id !== 'number')
      throw new ChainRpcError(method, -32_603, 'the node answered with no subscription id');
    this.#track({ type, method, params, callback }, id);
    return id;
  }

  /** Ends a subscription; resolves false when it was not known. */
  async unsubscribe(type: string, method: string, id: number | string): Promise<boolean> {
    const key = `${type}::${id}`;
    if (!this.#subscriptions.delete(key)) return false;
    if (!this.#connected) return true;
    return Boolean(await this.send(method, [id]));
  }

  #track(subscription: Subscription, id: number | string): void {
    const key = `${subscription.type}::${id}`;
    this.#subscriptions.set(key, subscription);
    const early = this.#early.get(key);
    if (early) {
      this.#early.delete(key);
      this.#deliver(subscription, early);
    }
  }

  #emit(type: Emitted, value?: unknown): void {
    for (const listener of this.#listeners.get(type) ?? []) listener(value);
  }

  #open(): void {
    const socket = new this.#Socket(this.#url, {
      maxPayload: this.#maxFrameBytes,
      handshakeTimeout: this.#timeoutMs,
      // A compressed frame could inflate past any bound: none is negotiated.
      perMessageDeflate: false,
    });
    this.#socket = socket;
    socket.on('open', () => {
      if (this.#socket !== socket) return;
      this.#connected = true;
      this.#emit('connected');
      void this.#resubscribe();
    });
    socket.on('message', (data, isBinary) => {
      if (this.#socket === socket) this.#receive(socket, data, isBinary);
    });
    socket.on('error', (error) => {
      // A refused connection, a frame past maxPayload: the 'close' that follows reconnects.
      if (this.#socket === socket) this.#emit('error', error);
    });
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      const was = this.#connected;
      this.#connected = false;
      this.#drop(new ChainUnreachableError(this.#url, 'the connection closed'));
      if (was) this.#emit('disconnected');
      if (!this.#closing) this.#retry = setTimeout(() => this.#open(), this.#retryMs);
    });
  }

  /** Rejects every request in flight; subscriptions stay, to be made again on reconnect. */
  #drop(error: Error): void {
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(error);
    }
    this.#pending.clear();
  }

  async #resubscribe(): Promise<void> {
    const subscriptions = [...this.#subscriptions.values()];
    this.#subscriptions.clear();
    this.#early.clear();
    for (const subscription of subscriptions) {
      try {
        const id = await this.send<unknown>(subscription.method, subscription.params);
        if (typeof id === 'string' || typeof id === 'number') this.#track(subscription, id);
      } catch (error) {
        subscription.callback(error as Error, undefined);
      }
    }
  }

  /** A frame that breaks the protocol: said once, and the connection starts over. */
  #refuse(socket: Socket, problem: string): void {
    this.#logger.warn(
      { node: this.#url, problem },
      'the chain node broke the protocol; reconnecting',
    );
    this.#emit('error', new ChainUnreachableError(this.#url, problem));
    socket.terminate();
  }

  #receive(socket: Socket, data: Buffer, isBinary: boolean): void {
    const problem = this.#dispatch(data, isBinary);
    if (problem !== undefined) this.#refuse(socket, problem);
  }

  /** Routes one frame to its request or subscription; returns what is wrong with it, if anything. */
  #dispatch(data: Buffer, isBinary: boolean): string | undefined {
    if (isBinary) return 'it sent a binary frame';
    let message: Answer | Notification;
    try {
      message = parseJson(data, frameSchema, { maxDepth: 64, typeName: 'frame' });
    } catch (error) {
      if (JsonParseError.isInstance(error))
        return `it sent a frame that is not JSON (${error.code})`;
      if (SchemaValidationError.isInstance(error))
        return 'it sent a frame that is neither an answer nor a notification';
      throw error;
    }
    if (typeof message.id === 'number') {
      this.#answer(message.id, message);
      return undefined;
    }
    const subscription = message.params.subscription;
    this.#notify(`${ALIASES[message.method] ?? message.method}::${subscription}`, message);
    return undefined;
  }

  #answer(id: number, message: Answer): void {
    const pending = this.#pending.get(id);
    // An answer to nothing we asked (or asked and gave up on) is dropped.
    if (!pending) return;
    this.#pending.delete(id);
    clearTimeout(pending.timer);
    if (message.error !== undefined) {
      const { code, message: said, data } = message.error ?? {};
      const text = [said, data]
        .filter((part) => part !== undefined && part !== null)
        .map((part) => (typeof part === 'string' ? part : JSON.stringify(part)))
        .join(': ')
        .slice(0, 300);
      pending.reject(
        new ChainRpcError(
          pending.method,
          typeof code === 'number' ? code : -32_603,
          text || 'an error without a message',
        ),
      );
    } else if (!('result' in message)) {
      pending.reject(new ChainRpcError(pending.method, -32_603, 'an answer without a result'));
    } else pending.resolve(message.result);
  }

  #notify(key: string, message: Notification): void {
    const subscription = this.#subscriptions.get(key);
    if (subscription) {
      this.#deliver(subscription, message);
      return;
    }
    // Possibly the first notification of a subscription whose id is still on its way;
    // kept, but only the newest few: a node cannot fill memory with made-up ids.
    this.#early.delete(key);
    this.#early.set(key, message);
    if (this.#early.size > this.#maxEarly) {
      const oldest = this.#early.keys().next().value;
      if (oldest !== undefined) this.#early.delete(oldest);
    }
  }

  #deliver(subscription: Subscription, message: Notification): void {
    const error = message.params.error;
    if (error !== undefined) {
      const text = typeof error?.message === 'string' ? error.message.slice(0, 300) : 'an error';
      subscription.callback(new ChainRpcError(subscription.method, -32_603, text), undefined);
    } else subscription.callback(null, message.params.result);
  }
}
