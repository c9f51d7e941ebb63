import type { SocketAddress } from '../address.ts';
import { ipFamily } from '../address.ts';
import type { DatagramService, NetworkNamespace } from '../namespace.ts';
import { DnsFormatError, QTYPE, RCODE, buildResponse, parseQuery, reverseNameToIp } from './message.ts';
import type { Answer, Query } from './message.ts';

/** Where Docker's embedded DNS listens inside every container on a user-defined network. */
export const EMBEDDED_DNS_IP = '127.0.0.11';
export const EMBEDDED_DNS_PORT = 53;

/**
 * Docker's embedded DNS server, answering UDP queries at 127.0.0.11:53 in a
 * namespace: A/AAAA records for the names its NameService knows (container
 * names, aliases, short IDs, name.network), PTR records for their
 * addresses; other names go to the host's resolver when the namespace can
 * reach outside, and are NXDOMAIN otherwise. Answers are not authoritative,
 * as dockerd's are (nslookup prints "Non-authoritative answer").
 */
export class EmbeddedDns implements DatagramService {
  /**
   * @param forwardOnly answer only from the host's resolver (the host's
   * nameservers, as a container on the default bridge asks them).
   */
  constructor(
    private readonly ns: NetworkNamespace,
    private readonly forwardOnly = false,
  ) {}

  receive(data: Uint8Array, _from: SocketAddress, reply: (data: Uint8Array) => void): void {
    let query: Query;
    try {
      query = parseQuery(data);
    } catch (error) {
      if (error instanceof DnsFormatError) return;
      throw error;
    }
    const question = query.questions[0];
    const opcode = (query.flags >> 11) & 0xf;
    if ((query.flags & 0x8000) !== 0) return; // a response, not a query
    if (!question || opcode !== 0) {
      reply(buildResponse(query, RCODE.NOTIMP, []));
      return;
    }
    const names = this.forwardOnly ? null : this.ns.names;
    if (question.type === QTYPE.PTR) {
      const ip = reverseNameToIp(question.name);
      const name = ip ? names?.reverse(ip) : null;
      if (name) reply(buildResponse(query, RCODE.NOERROR, [{ type: QTYPE.PTR, target: name }]));
      else reply(buildResponse(query, RCODE.NXDOMAIN, []));
      return;
    }
    const known = names?.lookup(question.name) ?? null;
    if (known) {
      reply(buildResponse(query, RCODE.NOERROR, this.answersFor(question.type, known)));
      return;
    }
    this.forward(query, question.name, question.type, reply);
  }

  private answersFor(type: number, addresses: readonly string[]): Answer[] {
    const answers: Answer[] = [];
    for (const address of addresses) {
      const family = ipFamily(address);
      if ((type === QTYPE.A || type === QTYPE.ANY) && family === 4) answers.push({ type: QTYPE.A, address });
      if ((type === QTYPE.AAAA || type === QTYPE.ANY) && family === 6) answers.push({ type: QTYPE.AAAA, address });
    }
    return answers;
  }

  private forward(query: Query, name: string, type: number, reply: (data: Uint8Array) => void): void {
    const stack = this.ns.stack;
    const host = stack.host;
    if (!host || !stack.canGoOutside(this.ns) || (type !== QTYPE.A && type !== QTYPE.AAAA && type !== QTYPE.ANY)) {
      reply(buildResponse(query, RCODE.NXDOMAIN, []));
      return;
    }
    host.lookup(name).then(
      (found) => {
        if (found.length === 0) reply(buildResponse(query, RCODE.NXDOMAIN, []));
        else reply(buildResponse(query, RCODE.NOERROR, this.answersFor(type, found.map((f) => f.address))));
      },
      (error: unknown) => {
        const notFound = (error as { failure?: string } | null)?.failure === 'not-found';
        reply(buildResponse(query, notFound ? RCODE.NXDOMAIN : RCODE.SERVFAIL, []));
      },
    );
  }
}
