/**
 * `drydock daemon --backend host [--host-engine URL]`: Drydock's Docker
 * Engine API on Drydock's sockets, in front of a real Docker engine
 * (src/backends/host). Containers, images, volumes and networks are the real
 * engine's; Drydock keeps no state, so there is no data root.
 */
import { createHostEngine } from '../backends/host/host-engine.ts';
import { EngineSocketTransport } from '../platform/node/engine-socket-transport.ts';
import { untilSignal } from './until-signal.ts';
import { HttpTransport, parseDockerHost } from '../platform/node/http-transport.ts';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface HostDaemonOptions {
  /** Where Drydock listens (Docker host URLs). */
  readonly hosts: readonly string[];
  readonly allowRemote: boolean;
  /** The real engine (`unix:///var/run/docker.sock`, `tcp://host:port`). */
  readonly hostEngine: string;
}

/** The same address, however written (unix paths resolved, tcp host and port). */
function addressKey(url: string): string {
  const parsed = parseDockerHost(url);
  return parsed.kind === 'unix' ? `unix:${resolve(parsed.path)}` : `tcp:${parsed.host.toLowerCase()}:${parsed.port}`;
}

/** Serves until SIGTERM/SIGINT; returns the exit status (125 usage, 1 failure, 0 stopped). */
export async function hostDaemon(options: HostDaemonOptions): Promise<number> {
  let engineKey: string;
  try {
    engineKey = addressKey(options.hostEngine);
    for (const host of options.hosts) {
      if (addressKey(host) === engineKey) throw new Error(`--host-engine ${options.hostEngine} is where Drydock listens: it would forward to itself`);
    }
  } catch (error) {
    process.stderr.write(`drydock daemon: ${(error as Error).message}\n`);
    return 125;
  }
  const upstream = new EngineSocketTransport(options.hostEngine);
  let engine;
  try {
    engine = await createHostEngine({
      transport: upstream,
      hostEngine: options.hostEngine,
      onServerError: (error, request) => process.stderr.write(`drydock daemon: ${request.method} ${request.path}: ${(error as Error).message ?? String(error)}\n`),
    });
  } catch (error) {
    upstream.close();
    process.stderr.write(`drydock daemon: ${(error as Error).message}\n`);
    return 1;
  }
  const transport = new HttpTransport(engine.api.respond);
  const listening: string[] = [];
  try {
    for (const host of options.hosts) {
      if (host.startsWith('unix://')) mkdirSync(dirname(host.slice('unix://'.length)), { recursive: true });
      listening.push(await transport.listen(host, { allowRemote: options.allowRemote }));
    }
  } catch (error) {
    process.stderr.write(`drydock daemon: ${(error as Error).message}\n`);
    await transport.close();
    await engine.shutdown();
    return 1;
  }
  const real = engine.upstreamVersion;
  process.stdout.write(
    `Drydock engine ready (host backend: in front of the Docker engine at ${options.hostEngine}, Docker ${real.Version}, API ${engine.api.versions.max})\n`,
  );
  for (const url of listening) process.stdout.write(`  listening on ${url}\n`);
  process.stdout.write(`To use it:\n  export DOCKER_HOST=${listening[0]}\n`);
  await untilSignal('stopping (containers keep running on the host engine)', async () => {
    await transport.close();
    await engine.shutdown();
  });
  return 0;
}
