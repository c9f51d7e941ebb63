/**
 * The small interfaces behind which every platform difference lives. Core
 * layers (kernel, unionfs, net, engine) depend only on these; entry points
 * (src/main.*.ts, src/worker.*.ts, src/cli) pick the implementations in
 * src/platform/{node,browser,memory}.
 */

/** A worker running Drydock's process runtime (src/kernel/guest), as seen by the kernel. */
export interface ProcessWorker {
  postMessage(message: unknown): void;
  /** Registers the (single) handler for messages from the worker. */
  onMessage(handler: (message: unknown) => void): void;
  /** Registers the (single) handler for an uncaught error or an unexpected exit of the worker. */
  onFailure(handler: (error: Error) => void): void;
  /** Stops the worker at once, even in the middle of guest code. */
  terminate(): Promise<void>;
  /** Whether the worker runs a process (Node keeps the event loop alive only for active workers). */
  setActive(active: boolean): void;
}

/** Starts process workers: worker_threads in Node, Web Workers in browsers. */
export interface WorkerHost {
  startProcessWorker(): ProcessWorker;
}

/** The messaging end a worker's own code uses to talk to the kernel. */
export interface WorkerPort {
  postMessage(message: unknown): void;
  onMessage(handler: (message: unknown) => void): void;
}

/** A byte stream of the host: the terminal of `drydock wasm run`, an attach connection. */
export interface HostInput {
  /** Resolves with the next chunk, or null at end of input. */
  read(): Promise<Uint8Array | null>;
  readonly isTTY: boolean;
  /** Stops reading (so a process can exit while nothing more is typed). */
  close(): void;
}

export interface HostOutput {
  write(bytes: Uint8Array): void;
  readonly isTTY: boolean;
}

/**
 * A JSON-compatible value, as stored in a `BlobStore` record. Records round-trip
 * through JSON (directory store) and structured clone (IndexedDB), so only
 * values both keep intact are allowed: no undefined, no NaN/Infinity, no
 * class instances, no byte arrays (put bytes in a blob).
 */
export type StoredJson = null | boolean | number | string | StoredJson[] | { [key: string]: StoredJson };

/** A small metadata record of a `BlobStore`: a JSON object. */
export type StoredRecord = { [key: string]: StoredJson };

/**
 * One step of a `BlobStore` transaction. Steps apply in order (a later step on
 * the same key wins); `requireRecord` steps are preconditions checked against
 * the state before the transaction, wherever they appear in it.
 */
export type BlobStoreOp =
  | { readonly op: 'putBlob'; readonly key: string; readonly bytes: Uint8Array }
  | { readonly op: 'deleteBlob'; readonly key: string }
  | { readonly op: 'putRecord'; readonly key: string; readonly value: StoredRecord }
  | { readonly op: 'deleteRecord'; readonly key: string }
  | { readonly op: 'requireRecord'; readonly key: string; readonly present: boolean };

/** A blob's key and size, as listed by `BlobStore.listBlobs`. */
export interface BlobEntry {
  readonly key: string;
  readonly size: number;
}

/** A record's key and value, as listed by `BlobStore.listRecords`. */
export interface RecordEntry {
  readonly key: string;
  readonly value: StoredRecord;
}

/**
 * Space accounting of a `BlobStore`. `usedBytes` counts every blob's length
 * plus, per record, the UTF-8 length of its key and of its value as JSON (the
 * same formula in every implementation, see src/unionfs/store/blob-keys.ts).
 */
export interface BlobStoreUsage {
  readonly usedBytes: number;
  /** The global quota the store enforces, or null for none (only the medium's own limit). */
  readonly quotaBytes: number | null;
}

/** Options every `BlobStore` implementation accepts when it is opened. */
export interface BlobStoreOptions {
  /** Global quota in bytes: a transaction that would grow `usedBytes` beyond it fails with StorageQuotaError. */
  readonly quotaBytes?: number | null;
}

/**
 * Persistent storage for the union filesystem: byte blobs and small metadata
 * records under string keys, changed only by atomic transactions. Implemented
 * by IndexedDB (browser, one IDB transaction per commit), a directory (Node:
 * temp file + fsync + rename, a journal for multi-key atomicity) and memory
 * (tests); one conformance suite (src/unionfs/store/testsuite) checks all three.
 *
 * Keys
 *  - Blob keys are exactly two segments, `<namespace>/<name>`: the namespace is
 *    [a-z0-9]{1,32}, the name [A-Za-z0-9._:=+-]{1,200} not starting with '.'
 *    (for example `sha256/<hex>`). A directory store maps them to files
 *    `blobs/<namespace>/<name>`; no key can name anything outside.
 *  - Record keys are any non-empty string up to 1024 characters without NUL.
 *  - Blobs and records are separate key spaces.
 *
 * Invariants
 *  - `commit` is all or nothing: after a crash, a reload or a failed commit,
 *    either every step of a transaction is visible or none is. A commit that
 *    resolved survives a crash of the process or a reload of the page.
 *  - A failed precondition throws BlobStoreConflictError; an invalid key or
 *    record throws InvalidStoreKeyError / InvalidStoreValueError; exceeding
 *    the quota (ours, the browser's or the disk's) throws StorageQuotaError
 *    (errno ENOSPC). In every case nothing was changed and the store stays usable.
 *  - Returned byte arrays and records belong to the caller (copies); the store
 *    keeps its own copies of what it is given.
 *  - Listings are sorted by key (UTF-16 code unit order).
 * (The error classes live in src/unionfs/store/errors.ts.)
 */
export interface BlobStore {
  /** The blob's bytes, or null if there is none under `key`. */
  getBlob(key: string): Promise<Uint8Array | null>;
  /** Every blob whose key starts with `prefix`, with its size. */
  listBlobs(prefix: string): Promise<BlobEntry[]>;
  /** The record under `key`, or null. */
  getRecord(key: string): Promise<StoredRecord | null>;
  /** Every record whose key starts with `prefix`. */
  listRecords(prefix: string): Promise<RecordEntry[]>;
  /** Applies the transaction atomically; resolves once it is durable. */
  commit(ops: readonly BlobStoreOp[]): Promise<void>;
  usage(): Promise<BlobStoreUsage>;
  /** Waits for pending commits and releases the medium (locks, connections). Further calls fail. */
  close(): Promise<void>;
}

// ---------------------------------------------------------------- networking (src/net)

/**
 * A TCP connection of the host (Node: a node:net Socket), as the network
 * layer drives it: bytes in both directions, half-close, flow control.
 * Handlers are set once with `setHandlers` before any event is delivered
 * (implementations buffer nothing: they start reading when handlers are set).
 */
export interface HostStream {
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /** Queues bytes for sending; false when the host's buffer is full (wait for `drain`). */
  write(data: Uint8Array): boolean;
  /** Half-close: no more bytes from us (FIN). */
  end(): void;
  /** Abort the connection (RST). */
  destroy(): void;
  /** Stop delivering `data` until `resume` (flow control towards the host). */
  pause(): void;
  resume(): void;
  setHandlers(handlers: HostStreamHandlers): void;
}

export interface HostStreamHandlers {
  data(bytes: Uint8Array): void;
  /** The host side half-closed (FIN). */
  end(): void;
  /** Room again after `write` returned false. */
  drain(): void;
  /** The connection is gone; `error` is set when it ended abnormally (reset). */
  close(error: boolean): void;
}

/** Why a host connection attempt failed, in the vocabulary sockets report. */
export type HostConnectFailure = 'refused' | 'timeout' | 'host-unreachable' | 'network-unreachable' | 'reset' | 'not-found' | 'other';

/** A rejection of `HostNetwork.connectTcp` or `lookup` carries this (as its `failure` property). */
export interface HostNetworkFailure {
  readonly failure: HostConnectFailure;
  readonly message: string;
}

/**
 * The host's own network, for containers' outbound traffic (Node: node:net,
 * node:dgram and node:dns). Browsers have no raw TCP and no UDP: their
 * implementation (platform/browser/net-fetch.ts) carries plain HTTP/1.x over
 * fetch, resolves names to synthetic addresses, and has no `openUdp`.
 */
export interface HostNetwork {
  /** Opens a TCP connection; rejects with a HostNetworkFailure. */
  connectTcp(host: string, port: number, timeoutMs: number): Promise<HostStream>;
  /**
   * Opens a UDP socket of the host (IPv4, bound to the wildcard address on
   * an ephemeral port) for one container socket's outbound datagrams: the
   * masquerade of Docker's NAT. With `peer` the socket is connected to it
   * (only that peer's datagrams arrive, and its ICMP port unreachable is
   * reported as `refused`), as the container's connected socket is.
   * Rejects with a HostNetworkFailure. Absent where the host has no UDP
   * (browsers): the network layer then answers ENETUNREACH.
   */
  openUdp?(peer: HostDatagramPeer | null, handlers: HostDatagramHandlers): Promise<HostDatagramSocket>;
  /** Resolves a name with the host's resolver; [] when the name does not exist; rejects when the resolver fails. */
  lookup(name: string): Promise<{ address: string; family: 4 | 6 }[]>;
  /** The host's nameservers (its /etc/resolv.conf), for containers on the default bridge. */
  nameservers(): string[];
}

/** What a host UDP socket of `HostNetwork.openUdp` reports. Called only until the socket is closed. */
export interface HostDatagramHandlers {
  /** A datagram arrived from `from` (the data is the callee's to keep). */
  datagram(data: Uint8Array, from: HostDatagramPeer): void;
  /** A connected socket's peer answered a datagram with ICMP port unreachable (Linux: ECONNREFUSED). */
  refused(): void;
}

/** A listening TCP socket of the host that forwards connections into a container. */
export interface HostListener {
  /** The address and port actually bound (the port is chosen by the host when 0 was asked). */
  readonly address: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The address of a host UDP client (what a datagram came from, where its replies go). */
export interface HostDatagramPeer {
  readonly address: string;
  readonly port: number;
}

/**
 * A bound UDP socket of the host: a published UDP port's (`PortPublisher.listenUdp`)
 * or a container socket's way out (`HostNetwork.openUdp`). Owned by whoever
 * opened it, who must close it.
 */
export interface HostDatagramSocket {
  /** The address and port actually bound (the port is chosen by the host when 0 was asked). */
  readonly address: string;
  readonly port: number;
  /**
   * Sends a datagram from the bound address to `to` (for a connected
   * socket, its peer). Fire and forget, as UDP: a datagram the host cannot
   * send is dropped. Does nothing once closed.
   */
  send(data: Uint8Array, to: HostDatagramPeer): void;
  /** Unbinds; nothing is reported after it is called. */
  close(): Promise<void>;
}

/** A published UDP port's host socket, forwarding datagrams into a container. */
export type HostDatagramListener = HostDatagramSocket;

/**
 * Listens on host ports for published container ports (Node: node:net
 * servers and node:dgram sockets). Rejects with a PortPublishFailure whose
 * `failure` is 'in-use' when the port is taken (for that protocol: a TCP and
 * a UDP port of the same number are independent).
 */
export interface PortPublisher {
  listenTcp(address: string, port: number, onConnection: (stream: HostStream) => void): Promise<HostListener>;
  /**
   * Binds a UDP socket; each datagram that arrives is handed to
   * `onDatagram` with its sender (the data is the callee's to keep). "0.0.0.0"
   * takes every address, IPv6 included, as for TCP.
   */
  listenUdp(address: string, port: number, onDatagram: (data: Uint8Array, from: HostDatagramPeer) => void): Promise<HostDatagramListener>;
}

/** A `PortPublisher.listenTcp` or `listenUdp` rejection. */
export interface PortPublishFailure {
  readonly failure: 'in-use' | 'denied' | 'other';
  readonly message: string;
}
