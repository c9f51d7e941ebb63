/**
 * `docker run` / `docker create` options turned into a create request,
 * the way the CLI's opts.go builds Config and HostConfig: -e, -p, -v,
 * -w, -u, --entrypoint, --hostname, --network, --restart, -m, -l, ...
 */
import type { ContainerCreateRequest, PortBinding, PortMap, RestartPolicy } from '../../../engine/types/container.ts';
import type { FlagSpec, ParsedFlags } from '../flags.ts';
import { UsageError } from '../flags.ts';

/** An invalid option value found after flag parsing: `docker: <message>` and exit 125. */
export class ContainerOptionError extends Error {}

/** The create flags shared by run and create (the ones Drydock supports). */
export const CREATE_FLAGS: FlagSpec[] = [
  { name: 'add-host', type: 'list', help: 'Add a custom host-to-IP mapping (host:ip)' },
  { name: 'attach', short: 'a', type: 'list', help: 'Attach to STDIN, STDOUT or STDERR' },
  { name: 'cap-add', type: 'list', help: 'Add Linux capabilities' },
  { name: 'cap-drop', type: 'list', help: 'Drop Linux capabilities' },
  { name: 'cpus', type: 'string', help: 'Number of CPUs' },
  { name: 'dns', type: 'list', help: 'Set custom DNS servers' },
  { name: 'entrypoint', type: 'string', help: 'Overwrite the default ENTRYPOINT of the image' },
  { name: 'env', short: 'e', type: 'list', help: 'Set environment variables' },
  { name: 'expose', type: 'list', help: 'Expose a port or a range of ports' },
  { name: 'group-add', type: 'list', help: 'Add additional groups to join' },
  { name: 'hostname', short: 'h', type: 'string', help: 'Container host name' },
  { name: 'init', type: 'bool', help: 'Run an init inside the container that forwards signals and reaps processes' },
  { name: 'interactive', short: 'i', type: 'bool', help: 'Keep STDIN open even if not attached' },
  { name: 'label', short: 'l', type: 'list', help: 'Set meta data on a container' },
  { name: 'memory', short: 'm', type: 'bytes', help: 'Memory limit' },
  { name: 'name', type: 'string', help: 'Assign a name to the container' },
  { name: 'network', type: 'string', help: 'Connect a container to a network' },
  { name: 'net', type: 'string', help: 'Connect a container to a network', hidden: true },
  { name: 'network-alias', type: 'list', help: 'Add network-scoped alias for the container' },
  { name: 'pids-limit', type: 'int', help: 'Tune container pids limit (set -1 for unlimited)' },
  { name: 'platform', type: 'string', help: 'Set platform if server is multi-platform capable' },
  { name: 'privileged', type: 'bool', help: 'Give extended privileges to this container' },
  { name: 'publish', short: 'p', type: 'list', help: "Publish a container's port(s) to the host" },
  { name: 'publish-all', short: 'P', type: 'bool', help: 'Publish all exposed ports to random ports' },
  { name: 'pull', type: 'string', help: 'Pull image before running ("always", "missing", "never")', defaultValue: 'missing' },
  { name: 'quiet', short: 'q', type: 'bool', help: 'Suppress the pull output' },
  { name: 'read-only', type: 'bool', help: "Mount the container's root filesystem as read only" },
  { name: 'restart', type: 'string', help: 'Restart policy to apply when a container exits', defaultValue: 'no' },
  { name: 'rm', type: 'bool', help: 'Automatically remove the container and its associated anonymous volumes when it exits' },
  { name: 'stop-signal', type: 'string', help: 'Signal to stop the container' },
  { name: 'stop-timeout', type: 'int', help: 'Timeout (in seconds) to stop a container' },
  { name: 'tmpfs', type: 'list', help: 'Mount a tmpfs directory' },
  { name: 'tty', short: 't', type: 'bool', help: 'Allocate a pseudo-TTY' },
  { name: 'user', short: 'u', type: 'string', help: 'Username or UID (format: <name|uid>[:<group|gid>])' },
  { name: 'volume', short: 'v', type: 'list', help: 'Bind mount a volume' },
  { name: 'workdir', short: 'w', type: 'string', help: 'Working directory inside the container' },
];

/** go-units RAMInBytes: "64m", "1.5g", "512k", "100" (binary multiples). */
export function ramInBytes(text: string): number | null {
  const match = /^(\d+(?:\.\d+)*) ?([kKmMgGtTpP])?[iI]?[bB]?$/.exec(text);
  if (!match) return null;
  const value = Number(match[1]);
  if (Number.isNaN(value)) return null;
  const unit = (match[2] ?? '').toLowerCase();
  const power = unit === '' ? 0 : 'kmgtp'.indexOf(unit) + 1;
  return Math.trunc(value * 1024 ** power);
}

function parseMemory(flags: ParsedFlags): number | undefined {
  if (!flags.has('memory')) return undefined;
  const text = flags.string('memory');
  const bytes = ramInBytes(text);
  if (bytes === null) throw new UsageError(`invalid argument "${text}" for "-m, --memory" flag: invalid size: '${text}'`, 'flag');
  return bytes;
}

function parsePortNumber(text: string, what: string): [number, number] {
  const range = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!range) throw new ContainerOptionError(`invalid ${what}: ${text}`);
  const start = Number(range[1]);
  const end = range[2] === undefined ? start : Number(range[2]);
  if (start > 65535 || end > 65535 || end < start) throw new ContainerOptionError(`invalid ${what}: ${text}`);
  return [start, end];
}

/** nat.ParsePortSpec for `-p`: [ip:][hostPort:]containerPort[/proto], with ranges. */
export function parsePublish(spec: string): { port: string; binding: PortBinding }[] {
  let rest = spec;
  let proto = 'tcp';
  const slash = rest.lastIndexOf('/');
  if (slash >= 0) {
    proto = rest.slice(slash + 1).toLowerCase();
    rest = rest.slice(0, slash);
    if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new ContainerOptionError(`invalid proto: ${proto}`);
  }
  let ip = '';
  let hostPart = '';
  let containerPart: string;
  const bracket = /^\[([^\]]*)\]:(.*)$/.exec(rest);
  if (bracket) {
    ip = bracket[1]!;
    const parts = bracket[2]!.split(':');
    if (parts.length !== 2) throw new ContainerOptionError(`invalid port format: ${spec}`);
    [hostPart, containerPart] = parts as [string, string];
  } else {
    const parts = rest.split(':');
    if (parts.length === 1) containerPart = parts[0]!;
    else if (parts.length === 2) [hostPart, containerPart] = parts as [string, string];
    else if (parts.length === 3) [ip, hostPart, containerPart] = parts as [string, string, string];
    else throw new ContainerOptionError(`invalid port format: ${spec}`);
  }
  if (containerPart === '') throw new ContainerOptionError(`no port specified: ${spec}<empty>`);
  const [cStart, cEnd] = parsePortNumber(containerPart, 'containerPort');
  let hStart = 0;
  let hEnd = 0;
  if (hostPart !== '') [hStart, hEnd] = parsePortNumber(hostPart, 'hostPort');
  // As nat.ParsePortSpec: ranges of the same length pair up; a host range for one container port is
  // the range dockerd allocates from ("8000-8010"); anything else is an error.
  if (hostPart !== '' && hEnd - hStart !== cEnd - cStart && cStart !== cEnd) {
    throw new ContainerOptionError(`invalid ranges specified for container and host Ports: ${containerPart} and ${hostPart}`);
  }
  const out: { port: string; binding: PortBinding }[] = [];
  for (let p = cStart; p <= cEnd; p++) {
    let hostPort = '';
    if (hostPart !== '') hostPort = cStart === cEnd && hStart !== hEnd ? `${hStart}-${hEnd}` : String(hStart + (p - cStart));
    out.push({ port: `${p}/${proto}`, binding: { HostIp: ip, HostPort: hostPort } });
  }
  return out;
}

function parseRestart(text: string): RestartPolicy {
  if (text === '' || text === 'no') return { Name: 'no', MaximumRetryCount: 0 };
  const [name, count] = text.split(':');
  if (name === 'on-failure') return { Name: 'on-failure', MaximumRetryCount: count ? Number(count) : 0 };
  if (count !== undefined) throw new ContainerOptionError(`invalid restart policy format: maximum retry count can only be used with 'on-failure'`);
  if (name === 'always' || name === 'unless-stopped') return { Name: name, MaximumRetryCount: 0 };
  return { Name: name as RestartPolicy['Name'], MaximumRetryCount: 0 };
}

/** `-v`: named or bind volumes go to HostConfig.Binds, a bare path makes an anonymous volume. */
function parseVolume(spec: string): { bind?: string; anonymous?: string } {
  const parts = spec.split(':');
  if (parts.some((p) => p === '') && parts.length > 1) throw new ContainerOptionError(`invalid spec: ${spec}: empty section between colons`);
  if (parts.length === 1) {
    if (!spec.startsWith('/')) throw new ContainerOptionError(`invalid spec: ${spec}: invalid volume specification: '${spec}'`);
    return { anonymous: spec };
  }
  if (parts.length > 3) throw new ContainerOptionError(`invalid spec: ${spec}: too many colons`);
  if (!parts[1]!.startsWith('/')) throw new ContainerOptionError(`invalid volume specification: '${spec}': invalid mount config for type "volume": invalid mount path: '${parts[1]}' mount path must be absolute`);
  return { bind: spec };
}

/** The create request for `docker run`/`docker create` from parsed flags, image and command. */
export function buildCreateRequest(
  flags: ParsedFlags,
  image: string,
  command: string[],
  options: { detach: boolean; consoleSize?: { rows: number; cols: number } },
): ContainerCreateRequest {
  const attach = flags.list('attach').map((s) => s.toLowerCase());
  for (const stream of attach) {
    if (!['stdin', 'stdout', 'stderr'].includes(stream)) throw new ContainerOptionError(`invalid argument "${stream}" for "-a, --attach" flag: valid streams are STDIN, STDOUT and STDERR`);
  }
  const interactive = flags.bool('interactive');
  const tty = flags.bool('tty');
  let attachStdin = attach.includes('stdin');
  let attachStdout = attach.includes('stdout');
  let attachStderr = attach.includes('stderr');
  if (attach.length === 0) {
    attachStdout = true;
    attachStderr = true;
    attachStdin = interactive;
  }
  if (options.detach) {
    attachStdin = false;
    attachStdout = false;
    attachStderr = false;
  }

  // A name without a value stays as given (the CLI would take it from its own environment, which the browser has not).
  const env = flags.list('env');
  const labels: Record<string, string> = {};
  for (const label of flags.list('label')) {
    const eq = label.indexOf('=');
    if (eq < 0) labels[label] = '';
    else labels[label.slice(0, eq)] = label.slice(eq + 1);
  }

  const exposed: Record<string, Record<string, never>> = {};
  const bindings: PortMap = {};
  for (const spec of flags.list('publish')) {
    for (const { port, binding } of parsePublish(spec)) {
      exposed[port] = {};
      (bindings[port] ??= []).push(binding);
    }
  }
  for (const spec of flags.list('expose')) {
    const [ports, proto = 'tcp'] = spec.split('/');
    const [start, end] = parsePortNumber(ports!, 'range for ports');
    for (let p = start; p <= end; p++) exposed[`${p}/${proto}`] = {};
  }

  const binds: string[] = [];
  const volumes: Record<string, Record<string, never>> = {};
  for (const spec of flags.list('volume')) {
    const parsed = parseVolume(spec);
    if (parsed.bind) binds.push(parsed.bind);
    if (parsed.anonymous) volumes[parsed.anonymous] = {};
  }
  const tmpfs: Record<string, string> = {};
  for (const spec of flags.list('tmpfs')) {
    const colon = spec.indexOf(':');
    if (colon < 0) tmpfs[spec] = '';
    else tmpfs[spec.slice(0, colon)] = spec.slice(colon + 1);
  }

  const memory = parseMemory(flags);
  const network = flags.string('network') || flags.string('net') || 'default';
  const request: ContainerCreateRequest = {
    Hostname: flags.string('hostname'),
    User: flags.string('user'),
    AttachStdin: attachStdin,
    AttachStdout: attachStdout,
    AttachStderr: attachStderr,
    Tty: tty,
    OpenStdin: interactive,
    StdinOnce: interactive && attachStdin && !options.detach,
    Env: env,
    Cmd: command.length > 0 ? command : undefined,
    Image: image,
    Volumes: volumes,
    WorkingDir: flags.string('workdir'),
    Labels: labels,
    ...(Object.keys(exposed).length > 0 ? { ExposedPorts: exposed } : {}),
    ...(flags.has('entrypoint') ? { Entrypoint: flags.string('entrypoint') === '' ? [''] : [flags.string('entrypoint')] } : {}),
    ...(flags.has('stop-signal') ? { StopSignal: flags.string('stop-signal') } : {}),
    ...(flags.has('stop-timeout') ? { StopTimeout: flags.int('stop-timeout', 10) } : {}),
    HostConfig: {
      Binds: binds.length > 0 ? binds : undefined,
      NetworkMode: network,
      PortBindings: bindings,
      RestartPolicy: parseRestart(flags.string('restart', 'no')),
      AutoRemove: flags.bool('rm'),
      PublishAllPorts: flags.bool('publish-all'),
      Privileged: flags.bool('privileged'),
      ReadonlyRootfs: flags.bool('read-only'),
      ...(flags.has('init') ? { Init: flags.bool('init') } : {}),
      ...(memory !== undefined ? { Memory: memory } : {}),
      ...(flags.has('pids-limit') ? { PidsLimit: flags.int('pids-limit', 0) } : {}),
      ...(flags.has('cpus') ? { NanoCpus: Math.round(Number(flags.string('cpus')) * 1e9) } : {}),
      ...(flags.list('cap-add').length ? { CapAdd: flags.list('cap-add') } : {}),
      ...(flags.list('cap-drop').length ? { CapDrop: flags.list('cap-drop') } : {}),
      ...(flags.list('dns').length ? { Dns: flags.list('dns') } : {}),
      ...(flags.list('group-add').length ? { GroupAdd: flags.list('group-add') } : {}),
      ...(flags.list('add-host').length ? { ExtraHosts: flags.list('add-host') } : {}),
      ...(Object.keys(tmpfs).length ? { Tmpfs: tmpfs } : {}),
      ...(tty && options.consoleSize ? { ConsoleSize: [options.consoleSize.rows, options.consoleSize.cols] } : {}),
    },
  };
  const aliases = flags.list('network-alias');
  if (aliases.length > 0 && network !== 'default') {
    request.NetworkingConfig = { EndpointsConfig: { [network]: { Aliases: aliases } } };
  }
  if (flags.has('cpus') && Number.isNaN(Number(flags.string('cpus')))) {
    throw new UsageError(`invalid argument "${flags.string('cpus')}" for "--cpus" flag: failed to parse ${flags.string('cpus')} as a rational number`, 'flag');
  }
  return request;
}
