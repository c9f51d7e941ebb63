/**
 * DNS messages (RFC 1035) as the embedded DNS server needs them: parsing a
 * query, building an answer with A, AAAA and PTR records. Names in answers
 * point back at the question (compression), as most servers do.
 */
import { ipBytes, ipFromBytes } from '../address.ts';

export const QTYPE = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, ANY: 255 } as const;
export const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
export const CLASS_IN = 1;

export interface Question {
  /** Lower-case, without the trailing dot. */
  readonly name: string;
  readonly type: number;
  readonly klass: number;
}

export interface Query {
  readonly id: number;
  /** The flags word of the query (opcode, RD). */
  readonly flags: number;
  readonly questions: readonly Question[];
  /** The question section's bytes, echoed in answers. */
  readonly questionBytes: Uint8Array;
}

export type Answer =
  | { readonly type: typeof QTYPE.A | typeof QTYPE.AAAA; readonly address: string }
  | { readonly type: typeof QTYPE.PTR | typeof QTYPE.CNAME; readonly target: string };

export class DnsFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DnsFormatError';
  }
}

/** Reads a (possibly compressed) name at `at`; returns it and the offset after it. */
export function readName(msg: Uint8Array, at: number): { name: string; next: number } {
  const labels: string[] = [];
  let next = -1;
  let jumps = 0;
  for (;;) {
    if (at >= msg.length) throw new DnsFormatError('name runs past the message');
    const len = msg[at]!;
    if (len === 0) {
      at++;
      break;
    }
    if ((len & 0xc0) === 0xc0) {
      if (at + 1 >= msg.length) throw new DnsFormatError('truncated pointer');
      if (next < 0) next = at + 2;
      if (++jumps > 32) throw new DnsFormatError('compression loop');
      at = ((len & 0x3f) << 8) | msg[at + 1]!;
      continue;
    }
    if (len > 63 || at + 1 + len > msg.length) throw new DnsFormatError('bad label');
    labels.push(String.fromCharCode(...msg.subarray(at + 1, at + 1 + len)));
    at += 1 + len;
  }
  return { name: labels.join('.'), next: next < 0 ? at : next };
}

/** Parses a query; throws DnsFormatError on malformed input. */
export function parseQuery(msg: Uint8Array): Query {
  if (msg.length < 12) throw new DnsFormatError('shorter than a header');
  const v = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  const id = v.getUint16(0);
  const flags = v.getUint16(2);
  const qdcount = v.getUint16(4);
  const questions: Question[] = [];
  let at = 12;
  for (let i = 0; i < qdcount; i++) {
    const { name, next } = readName(msg, at);
    if (next + 4 > msg.length) throw new DnsFormatError('truncated question');
    questions.push({ name: name.toLowerCase(), type: v.getUint16(next), klass: v.getUint16(next + 2) });
    at = next + 4;
  }
  return { id, flags, questions, questionBytes: msg.slice(12, at) };
}

/** Encodes a name as labels. */
export function encodeName(name: string): Uint8Array {
  const out: number[] = [];
  for (const label of name.replace(/\.$/, '').split('.')) {
    if (label === '') continue;
    const bytes = new TextEncoder().encode(label).subarray(0, 63);
    out.push(bytes.length, ...bytes);
  }
  out.push(0);
  return Uint8Array.from(out);
}

/** Builds a query (for tests and clients). */
export function buildQuery(id: number, name: string, type: number, recursion = true): Uint8Array {
  const qname = encodeName(name);
  const out = new Uint8Array(12 + qname.length + 4);
  const v = new DataView(out.buffer);
  v.setUint16(0, id);
  v.setUint16(2, recursion ? 0x0100 : 0);
  v.setUint16(4, 1);
  out.set(qname, 12);
  v.setUint16(12 + qname.length, type);
  v.setUint16(14 + qname.length, CLASS_IN);
  return out;
}

/**
 * Builds the response to `query` with `answers` for its first question.
 * Flags: QR, the query's opcode and RD, RA; not authoritative (dockerd's
 * embedded DNS answers "Non-authoritative" too).
 */
export function buildResponse(query: Query, rcode: number, answers: readonly Answer[], ttl = 600): Uint8Array {
  const parts: Uint8Array[] = [];
  const header = new Uint8Array(12);
  const hv = new DataView(header.buffer);
  hv.setUint16(0, query.id);
  const opcode = (query.flags >> 11) & 0xf;
  const rd = query.flags & 0x0100;
  hv.setUint16(2, 0x8000 | (opcode << 11) | rd | 0x0080 | (rcode & 0xf));
  hv.setUint16(4, query.questions.length);
  hv.setUint16(6, answers.length);
  parts.push(header, query.questionBytes);
  for (const answer of answers) {
    let rdata: Uint8Array;
    if ('address' in answer) rdata = ipBytes(answer.address) ?? new Uint8Array(0);
    else rdata = encodeName(answer.target);
    const rr = new Uint8Array(12 + rdata.length);
    const v = new DataView(rr.buffer);
    v.setUint16(0, 0xc00c); // the first question's name
    v.setUint16(2, answer.type);
    v.setUint16(4, CLASS_IN);
    v.setUint32(6, ttl);
    v.setUint16(10, rdata.length);
    rr.set(rdata, 12);
    parts.push(rr);
  }
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** A response's rcode and answers (for tests and clients). */
export function parseResponse(msg: Uint8Array): { id: number; rcode: number; authoritative: boolean; answers: Answer[] } {
  const query = parseQuery(msg);
  const v = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  const ancount = v.getUint16(6);
  let at = 12 + query.questionBytes.length;
  const answers: Answer[] = [];
  for (let i = 0; i < ancount; i++) {
    const { next } = readName(msg, at);
    const type = v.getUint16(next);
    const rdlength = v.getUint16(next + 8);
    const rdata = msg.subarray(next + 10, next + 10 + rdlength);
    if (type === QTYPE.A || type === QTYPE.AAAA) {
      answers.push({ type, address: ipFromBytes(rdata.slice()) });
    } else if (type === QTYPE.PTR || type === QTYPE.CNAME) {
      answers.push({ type, target: readName(msg, next + 10).name });
    }
    at = next + 10 + rdlength;
  }
  return { id: query.id, rcode: query.flags & 0xf, authoritative: (query.flags & 0x0400) !== 0, answers };
}

/** The address a reverse name ("2.0.18.172.in-addr.arpa") stands for, or null. */
export function reverseNameToIp(name: string): string | null {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\.in-addr\.arpa$/.exec(name.toLowerCase());
  if (!m) return null;
  return `${m[4]}.${m[3]}.${m[2]}.${m[1]}`;
}
