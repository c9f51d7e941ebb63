/**
 * The socket ABI of the drydock calls (wasm/include/drydock.h, "sockets"):
 * constants and struct sockaddr encoding. The values are wasi-libc's where
 * wasi-libc defines them (AF_*, SOCK_*, SOL_SOCKET, SHUT_*, MSG_PEEK,
 * MSG_WAITALL) and Linux's for the rest; sockaddr layouts are Linux/musl's.
 */
import { Errno, fail } from '../../common/errno.ts';
import { ipBytes, ipFromBytes } from '../../net/address.ts';
import type { IpFamily, SocketAddress } from '../../net/address.ts';

export const AF = { UNSPEC: 0, INET: 1, INET6: 2, UNIX: 3 } as const;
export const SOCK = { DGRAM: 5, STREAM: 6, RAW: 3, NONBLOCK: 0x4000, CLOEXEC: 0x2000 } as const;
export const IPPROTO = { IP: 0, ICMP: 1, TCP: 6, UDP: 17, IPV6: 41, ICMPV6: 58 } as const;
export const SOL_SOCKET = 0x7fffffff;
export const SO = {
  REUSEADDR: 2,
  TYPE: 3,
  ERROR: 4,
  DONTROUTE: 5,
  BROADCAST: 6,
  SNDBUF: 7,
  RCVBUF: 8,
  KEEPALIVE: 9,
  OOBINLINE: 10,
  LINGER: 13,
  REUSEPORT: 15,
  RCVLOWAT: 18,
  SNDLOWAT: 19,
  RCVTIMEO: 20,
  SNDTIMEO: 21,
  ACCEPTCONN: 30,
  PROTOCOL: 38,
  DOMAIN: 39,
} as const;
export const TCP_OPT = { NODELAY: 1, MAXSEG: 2, CORK: 3, KEEPIDLE: 4, KEEPINTVL: 5, KEEPCNT: 6, QUICKACK: 12 } as const;
export const IP_OPT = { TOS: 1, TTL: 2 } as const;
export const IPV6_OPT = { UNICAST_HOPS: 16, V6ONLY: 26 } as const;

export const SOCKADDR_IN_SIZE = 16;
export const SOCKADDR_IN6_SIZE = 28;

/** A decoded struct sockaddr. */
export type DecodedAddress =
  | { readonly family: IpFamily; readonly address: SocketAddress }
  | { readonly family: 'unspec' };

/** Decodes a sockaddr the guest passed (bind, connect, sendto). */
export function decodeSockaddr(bytes: Uint8Array): DecodedAddress {
  if (bytes.length < 2) fail(Errno.EINVAL);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const family = v.getUint16(0, true);
  switch (family) {
    case AF.UNSPEC:
      return { family: 'unspec' };
    case AF.INET:
      if (bytes.length < SOCKADDR_IN_SIZE) fail(Errno.EINVAL);
      return { family: 4, address: { ip: ipFromBytes(bytes.slice(4, 8)), port: v.getUint16(2, false) } };
    case AF.INET6:
      if (bytes.length < 24) fail(Errno.EINVAL);
      return { family: 6, address: { ip: ipFromBytes(bytes.slice(8, 24)), port: v.getUint16(2, false) } };
    default:
      return fail(Errno.EAFNOSUPPORT);
  }
}

/** Encodes an address of a socket of `family` as struct sockaddr_in or sockaddr_in6. */
export function encodeSockaddr(family: IpFamily, address: SocketAddress): Uint8Array {
  const raw = ipBytes(address.ip);
  if (family === 4) {
    const out = new Uint8Array(SOCKADDR_IN_SIZE);
    const v = new DataView(out.buffer);
    v.setUint16(0, AF.INET, true);
    v.setUint16(2, address.port, false);
    if (raw && raw.length === 4) out.set(raw, 4);
    return out;
  }
  const out = new Uint8Array(SOCKADDR_IN6_SIZE);
  const v = new DataView(out.buffer);
  v.setUint16(0, AF.INET6, true);
  v.setUint16(2, address.port, false);
  if (raw && raw.length === 16) out.set(raw, 8);
  else if (raw && raw.length === 4) {
    out[18] = 0xff;
    out[19] = 0xff;
    out.set(raw, 20);
  }
  return out;
}

/** A little-endian int option value. */
export function intValue(bytes: Uint8Array): number {
  if (bytes.length < 4) fail(Errno.EINVAL);
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getInt32(0, true);
}

export function intBytes(value: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setInt32(0, value, true);
  return out;
}

/** struct timeval (wasi-libc: 64-bit tv_sec and tv_usec) in milliseconds. */
export function timevalMs(bytes: Uint8Array): number {
  if (bytes.length < 16) fail(Errno.EINVAL);
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const sec = Number(v.getBigInt64(0, true));
  const usec = Number(v.getBigInt64(8, true));
  if (sec < 0 || usec < 0 || usec >= 1_000_000) fail(Errno.EDOM);
  return sec * 1000 + Math.ceil(usec / 1000);
}

export function timevalBytes(ms: number): Uint8Array {
  const out = new Uint8Array(16);
  const v = new DataView(out.buffer);
  v.setBigInt64(0, BigInt(Math.floor(ms / 1000)), true);
  v.setBigInt64(8, BigInt((ms % 1000) * 1000), true);
  return out;
}
