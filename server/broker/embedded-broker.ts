import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type AedesPublishPacket, type AuthenticateError, type Client, type PublishPacket, type Subscription } from 'aedes';
import { createLogger, type Logger } from '../../shared/logger.js';
import { topicOf } from '../../shared/api/topics.js';
import { writePacketNumbersUncached } from '../../shared/mqtt-packet-numbers.js';
import { describeIdentity, mayPublish, mayRetain, maySubscribe, type Identity } from './acl.js';
import { ReceiveDecisions } from './receive-decisions.js';
import { Authenticator, type BrokerDirectory } from './authenticator.js';
import { Admission } from './admission.js';
import { PacketFramer } from './packet-framer.js';
import { Qos0Delivery } from './qos0-delivery.js';
import { retainedIndexedPersistence } from './retained-index.js';
import { BrokerLimitsSchema, type BrokerLimits } from '../../shared/config/schema.js';
import { listenWebSocket, type WsListener } from './ws-listener.js';
import type { Duplex } from 'node:stream';

/** A connection the broker serves: a TCP or TLS socket, or a WebSocket's byte stream with its peer's address. */
type PeerStream = Duplex & { readonly remoteAddress?: string };

/**
 * The embedded MQTT broker: aedes on a TCP listener (and optionally a TLS one), with every
 * authentication and authorization decision delegated to the authenticator and the pure ACL.
 * The only file that imports aedes.
 */
export interface EmbeddedBrokerOptions {
  host: string;
  /** 0 picks a free port; read `port` after start(). */
  port: number;
  /** A second listener speaking MQTT over TLS, on the same host. */
  tls?: { port: number; keyPath: string; certPath: string };
  /** A third listener speaking MQTT over WebSocket, on the same host. */
  ws?: { port: number };
  prefix: string;
  directory: BrokerDirectory;
  /** Retained messages indexed by exact topic (the default); off only to compare in a benchmark. */
  retainedIndex?: boolean;
  /** Byte, time and connection bounds (broker.limits); the schema's defaults when absent. */
  limits?: BrokerLimits;
  logger?: Logger;
}

export interface BrokerEvents {
  clientConnected: [identity: Identity, clientId: string];
  clientDisconnected: [identity: Identity, clientId: string];
}

export interface BrokerStats {
  connectedClients: number;
  byKind: Record<Identity['kind'], number>;
  refused: { connect: number; publish: number; subscribe: number; forward: number };
  /** Connections closed by the broker's bounds: caps, byte budgets, stuck readers. */
  dropped: { overCap: number; overBudget: number; slowReader: number };
}

/**
 * The last resort for a client whose socket stays full: the byte bound below normally drops it
 * first, without anyone waiting.
 */
const DRAIN_TIMEOUT_MS = 5_000;
/** Device ids are up to 64 characters; MQTT 3.1 clients are held to this length. */
const MAX_CLIENT_ID_LENGTH = 128;

export class EmbeddedBroker extends EventEmitter<BrokerEvents> {
  private readonly log: Logger;
  private readonly authenticator: Authenticator;
  private aedes: Aedes | null = null;
  private tcp: Server | null = null;
  private tlsServer: Server | null = null;
  private wsListener: WsListener | null = null;
  /** Identities decided at CONNECT, kept for the client's lifetime. */
  private readonly identities = new WeakMap<Client, Identity>();
  /** Clients past CONNACK, for counting and for kicking. */
  private readonly connected = new Map<Client, Identity>();
  /** The same clients by client id, to know who holds an id a newcomer asks for. */
  private readonly byClientId = new Map<string, Client>();
  private readonly refused = { connect: 0, publish: 0, subscribe: 0, forward: 0 };
  private readonly dropped = { overCap: 0, overBudget: 0, slowReader: 0 };
  /** Every open socket, so stop() also ends those that never completed CONNECT. */
  private readonly sockets = new Set<PeerStream>();
  private readonly framers = new WeakMap<object, PacketFramer>();
  private readonly limits: BrokerLimits;
  private readonly admission: Admission;
  private readonly qos0 = new Qos0Delivery((client, packet) => this.onAuthorizeForward(client, packet));
  private readonly receiveDecisions: ReceiveDecisions;
  private boundPort: number | null = null;
  private boundTlsPort: number | null = null;

  constructor(private readonly opts: EmbeddedBrokerOptions) {
    super();
    writePacketNumbersUncached();
    this.log = opts.logger ?? createLogger('server:broker');
    this.authenticator = new Authenticator(opts.directory);
    this.receiveDecisions = new ReceiveDecisions(opts.prefix);
    this.limits = opts.limits ?? BrokerLimitsSchema.parse({});
    this.admission = new Admission(this.limits);
  }

  /** The bound TCP port (after start()). */
  get port(): number {
    if (this.boundPort === null) throw new Error('EmbeddedBroker: not started');
    return this.boundPort;
  }

  get tlsPort(): number | null {
    return this.boundTlsPort;
  }

  /** The bound WebSocket port, when that listener is on. */
  get wsPort(): number | null {
    return this.wsListener?.port ?? null;
  }

  get running(): boolean {
    return this.aedes !== null;
  }

  stats(): BrokerStats {
    const byKind: BrokerStats['byKind'] = { server: 0, device: 0, enrolling: 0, inspector: 0, standby: 0 };
    for (const identity of this.connected.values()) byKind[identity.kind] += 1;
    return { connectedClients: this.connected.size, byKind, refused: { ...this.refused }, dropped: { ...this.dropped } };
  }

  async start(): Promise<void> {
    if (this.aedes) throw new Error('EmbeddedBroker: already started');
    const tlsOptions = this.opts.tls ? await this.readTlsFiles(this.opts.tls) : null;
    const aedes = await Aedes.createBroker({
      ...(this.opts.retainedIndex === false ? {} : { persistence: retainedIndexedPersistence() }),
      maxClientsIdLength: MAX_CLIENT_ID_LENGTH,
      drainTimeout: DRAIN_TIMEOUT_MS,
      connectTimeout: this.limits.connectTimeoutSecs * 1000,
      authenticate: (client, username, password, done) => this.onAuthenticate(client, username, password, done),
      authorizePublish: (client, packet, done) => this.onAuthorizePublish(client, packet, done),
      authorizeSubscribe: (client, sub, done) => this.onAuthorizeSubscribe(client, sub, done),
      authorizeForward: (client, packet) => this.onAuthorizeForward(client, packet),
    });
    this.aedes = aedes;
    // 'client' fires when an authenticated client is registered, before its CONNACK is written.
    aedes.on('client', (client) => this.onRegistered(client));
    aedes.on('clientDisconnect', (client) => this.onGone(client));
    aedes.on('clientError', (client, err) => this.log.debug({ clientId: client.id, err: err.message }, 'client error'));
    aedes.on('connectionError', (client, err) => this.log.debug({ clientId: client.id, err: err.message }, 'connection error'));

    try {
      // A socket reports "full" only past the outgoing bound plus one packet, so a write to a
      // client that is merely behind never makes the delivery wait for it (see onAuthorizeForward).
      const highWaterMark = this.limits.maxQueuedBytes + this.limits.maxPacketBytes;
      this.tcp = createServer({ highWaterMark }, (socket) => this.accept(aedes, socket));
      this.boundPort = await listen(this.tcp, this.opts.host, this.opts.port, 'MQTT');
      if (tlsOptions && this.opts.tls) {
        this.tlsServer = createTlsServer({ ...tlsOptions, highWaterMark }, (socket) => this.accept(aedes, socket));
        this.boundTlsPort = await listen(this.tlsServer, this.opts.host, this.opts.tls.port, 'MQTT over TLS');
      }
      if (this.opts.ws) this.wsListener = await listenWebSocket(this.opts.host, this.opts.ws.port, (stream) => this.accept(aedes, stream));
    } catch (err) {
      await this.stop();
      throw err;
    }
    this.log.info({ host: this.opts.host, port: this.boundPort, tlsPort: this.boundTlsPort, wsPort: this.wsPort }, 'MQTT broker listening');
  }

  /** Closes the listeners, every client and the broker. Safe to call twice. */
  async stop(): Promise<void> {
    const aedes = this.aedes;
    const servers = [this.tcp, this.tlsServer].filter((s): s is Server => s !== null);
    this.aedes = null;
    this.tcp = null;
    this.tlsServer = null;
    const ws = this.wsListener;
    this.wsListener = null;
    // Stop accepting first; each server's close callback waits for its sockets, which the
    // broker's close ends.
    const closed = servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    if (aedes) await new Promise<void>((resolve) => aedes.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await Promise.all(closed);
    await ws?.close();
    this.connected.clear();
    this.byClientId.clear();
    this.boundPort = null;
    this.boundTlsPort = null;
  }

  /**
   * Publishes as the broker itself, for the server in this process (ServerClient's `local`):
   * retained and delivered as a publish of the server's connection would be. The server may
   * publish anything but `$` topics, and its topics come from the contract's templates.
   */
  publishLocal(topic: string, payload: Buffer, opts: { qos: 0 | 1; retain: boolean }): Promise<void> {
    const aedes = this.aedes;
    if (aedes === null) return Promise.reject(new Error('EmbeddedBroker: not started'));
    if (!mayPublish({ kind: 'server' }, topic, this.opts.prefix)) return Promise.reject(new Error(`publish to ${topic} not allowed for the server`));
    return new Promise((resolve, reject) => {
      aedes.publish({ cmd: 'publish', topic, payload, qos: opts.qos, retain: opts.retain, dup: false }, (err) => (err ? reject(err) : resolve()));
    });
  }

  /**
   * Disconnects every client connected as this device (approved or enrolling), e.g. after it was
   * revoked, and marks it offline. Returns how many connections were closed.
   */
  disconnect(deviceId: string): number {
    let kicked = 0;
    for (const [client, identity] of this.connected) {
      if ((identity.kind === 'device' || identity.kind === 'enrolling') && identity.deviceId === deviceId) {
        client.close();
        kicked += 1;
      }
    }
    if (kicked > 0) {
      this.log.info({ deviceId, connections: kicked }, 'disconnected device');
      // The will of a revoked device is refused, so say `offline` on its behalf.
      this.aedes?.publish(
        { cmd: 'publish', topic: topicOf(this.opts.prefix, 'deviceAvailability', { device: deviceId }), payload: Buffer.from('offline'), qos: 1, retain: true, dup: false },
        (err) => {
          if (err) this.log.warn({ deviceId, err: err.message }, 'could not mark the device offline');
        },
      );
    }
    return kicked;
  }

  /**
   * Reads a device again after it changed (approved, moved, revoked, deleted) and brings its
   * connections' identities up to date: a revoked or removed device is disconnected at once, a
   * moved one stops receiving the old room's messages with the next delivery.
   */
  refreshDevice(deviceId: string): void {
    // A device connects (and enrolls) under its id as client id: one lookup, not a pass over
    // every connection (a config goes out at every display's hello).
    const client = this.byClientId.get(deviceId);
    const identity = client === undefined ? undefined : this.connected.get(client);
    if (client === undefined || identity === undefined || (identity.kind !== 'device' && identity.kind !== 'enrolling') || identity.deviceId !== deviceId) return;
    const now = this.authenticator.current(identity);
    if (now === null) {
      // Nothing more is delivered to it or taken from it, even before its socket closes.
      this.identities.delete(client);
      this.disconnect(deviceId);
      return;
    }
    this.connected.set(client, now);
    this.identities.set(client, now);
  }

  /**
   * The remote address to rate-limit the connection with this client id (a device's id) by;
   * null when it is not connected or comes from an exempt address (loopback by default: the
   * host itself, the demo's simulated displays), which only the per-device limits apply to.
   */
  limitedAddressOf(clientId: string): string | null {
    const client = this.byClientId.get(clientId);
    const address = client === undefined ? undefined : (client.conn as Socket).remoteAddress;
    return address === undefined || this.limits.exemptAddresses.includes(address) ? null : address;
  }

  /** Closes a connection by MQTT client id, whoever it is. Returns whether one was found. */
  disconnectClientId(clientId: string): boolean {
    for (const client of this.connected.keys()) {
      if (client.id === clientId) {
        client.close();
        return true;
      }
    }
    return false;
  }

  private accept(aedes: Aedes, socket: PeerStream): void {
    const address = socket.remoteAddress ?? '';
    const admit = this.admission.admit(address);
    if (!admit.ok) {
      this.dropped.overCap += 1;
      this.log.warn({ remoteAddress: address, reason: admit.reason }, 'connection refused');
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.once('close', () => {
      this.sockets.delete(socket);
      this.admission.release(address);
    });
    this.guardReads(socket);
    aedes.handle(socket);
  }

  /**
   * Every inbound byte passes the framer before aedes' parser, which would otherwise buffer a
   * packet of whatever length its header announces. aedes pulls from the socket with read(),
   * so that is where the bytes are seen: without a copy, and before any is kept.
   */
  private guardReads(socket: PeerStream): void {
    const framer = new PacketFramer({ preAuthBytes: this.limits.preAuthBytes, maxPacketBytes: this.limits.clientMaxPacketBytes });
    this.framers.set(socket, framer);
    const read = socket.read.bind(socket);
    socket.read = ((size?: number): unknown => {
      const chunk: unknown = read(size);
      if (!(chunk instanceof Uint8Array) || socket.destroyed) return chunk;
      const verdict = framer.feed(chunk);
      if (verdict.ok) return chunk;
      this.dropped.overBudget += 1;
      this.log.warn({ remoteAddress: socket.remoteAddress, reason: verdict.reason }, 'connection dropped');
      socket.destroy();
      return null;
    }) as PeerStream['read'];
  }

  private async readTlsFiles(tls: { keyPath: string; certPath: string }): Promise<{ key: Buffer; cert: Buffer }> {
    const read = async (path: string, what: string): Promise<Buffer> => {
      try {
        return await readFile(path);
      } catch (err) {
        throw new Error(`broker.tls.${what}: cannot read ${path} (${(err as Error).message})`, { cause: err });
      }
    };
    return { key: await read(tls.keyPath, 'key'), cert: await read(tls.certPath, 'cert') };
  }

  private onAuthenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void {
    const remoteAddress = (client.conn as Socket).remoteAddress;
    const holder = this.byClientId.get(client.id);
    this.authenticator
      .authenticate({ clientId: client.id, username, password, remoteAddress, holder: holder === undefined ? null : (this.connected.get(holder) ?? null) })
      .then((decision) => {
        if (decision.ok) {
          this.identities.set(client, decision.identity);
          const max = decision.identity.kind === 'server' ? this.limits.maxPacketBytes : this.limits.clientMaxPacketBytes;
          this.framers.get(client.conn)?.authenticate(max);
          this.qos0.install(client);
          this.log.debug({ clientId: client.id, who: describeIdentity(decision.identity), remoteAddress }, 'client authenticated');
          done(null, true);
          return;
        }
        this.refused.connect += 1;
        this.log.warn({ clientId: client.id, remoteAddress, returnCode: decision.returnCode, reason: decision.reason }, 'connection refused');
        const error = Object.assign(new Error(decision.reason), { returnCode: decision.returnCode }) as AuthenticateError;
        done(error, false);
      })
      .catch((err: unknown) => {
        this.refused.connect += 1;
        this.log.error({ clientId: client.id, err: (err as Error).message }, 'authentication failed');
        const error = Object.assign(new Error('server unavailable'), { returnCode: 3 }) as AuthenticateError;
        done(error, false);
      });
  }

  /** The identity decided at CONNECT, as kept current by refreshDevice; null for an unknown client. */
  private identityOf(client: Client): Identity | null {
    return this.identities.get(client) ?? null;
  }

  private onAuthorizePublish(client: Client | null, packet: PublishPacket, done: (error?: Error | null) => void): void {
    // No client: the broker itself publishes (wills of clients from a previous run).
    if (client === null) return done(null);
    const identity = this.identityOf(client);
    if (identity !== null && mayPublish(identity, packet.topic, this.opts.prefix)) {
      if (packet.retain && !mayRetain(identity, packet.topic, this.opts.prefix)) {
        packet.retain = false;
        this.log.debug({ clientId: client.id, topic: packet.topic }, 'retain flag stripped');
      }
      return done(null);
    }
    this.refused.publish += 1;
    const who = identity === null ? 'a client without a valid identity' : describeIdentity(identity);
    this.log.warn({ clientId: client.id, who, topic: packet.topic }, 'publish refused');
    done(new Error(`publish to ${packet.topic} not allowed for ${who}`));
  }

  private onAuthorizeSubscribe(client: Client, sub: Subscription, done: (error: Error | null, subscription?: Subscription | null) => void): void {
    const identity = this.identityOf(client);
    if (identity !== null && maySubscribe(identity, sub.topic, this.opts.prefix)) return done(null, sub);
    this.refused.subscribe += 1;
    this.log.warn({ clientId: client.id, who: identity === null ? null : describeIdentity(identity), filter: sub.topic }, 'subscription refused');
    // A null subscription answers 0x80 for this filter and keeps the connection.
    done(null, null);
  }

  private onAuthorizeForward(client: Client, packet: AedesPublishPacket): AedesPublishPacket | null {
    // A client that stopped reading is dropped here, before its socket is full: a full socket
    // makes the delivery, and with it the publisher and every other subscriber, wait.
    const queued = (client.conn as Socket).writableLength;
    if (queued > this.limits.maxQueuedBytes) {
      this.dropped.slowReader += 1;
      this.log.warn({ clientId: client.id, queuedBytes: queued }, 'client dropped: it stopped reading');
      (client.conn as Socket).destroy();
      return null;
    }
    const identity = this.identityOf(client);
    if (identity !== null && this.receiveDecisions.receives(identity, packet.topic)) return packet;
    this.refused.forward += 1;
    this.log.debug({ clientId: client.id, topic: packet.topic }, 'delivery withheld');
    return null;
  }

  private onRegistered(client: Client): void {
    const identity = this.identities.get(client);
    if (identity === undefined) return;
    this.connected.set(client, identity);
    this.byClientId.set(client.id, client);
    this.log.info({ clientId: client.id, who: describeIdentity(identity) }, 'client connected');
    this.emit('clientConnected', identity, client.id);
  }

  private onGone(client: Client): void {
    const identity = this.connected.get(client);
    if (identity === undefined) return;
    this.connected.delete(client);
    if (this.byClientId.get(client.id) === client) this.byClientId.delete(client.id);
    this.log.info({ clientId: client.id, who: describeIdentity(identity) }, 'client disconnected');
    this.emit('clientDisconnected', identity, client.id);
  }
}

function listen(server: Server, host: string, port: number, what: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const why = err.code === 'EADDRINUSE' ? 'the port is in use' : err.code === 'EACCES' ? 'permission denied' : err.message;
      reject(new Error(`${what} listener on ${host}:${port}: ${why}`, { cause: err }));
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}
