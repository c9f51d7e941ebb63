/**
 * Network types of the Docker Engine API (moby api/types/network, swagger 1.47).
 */

/** Static addresses requested for an endpoint. */
export interface EndpointIpamConfig {
  IPv4Address?: string;
  IPv6Address?: string;
  LinkLocalIPs?: string[];
}

/**
 * A container's endpoint on one network: requested at create/connect time
 * (only IPAMConfig, Links, Aliases, MacAddress, DriverOpts matter then) and
 * reported by inspect and list with the allocated addresses.
 */
export interface EndpointSettings {
  IPAMConfig?: EndpointIpamConfig | null;
  Links?: string[] | null;
  MacAddress?: string;
  Aliases?: string[] | null;
  DriverOpts?: Record<string, string> | null;
  GwPriority?: number;
  NetworkID?: string;
  EndpointID?: string;
  Gateway?: string;
  IPAddress?: string;
  IPPrefixLen?: number;
  IPv6Gateway?: string;
  GlobalIPv6Address?: string;
  GlobalIPv6PrefixLen?: number;
  DNSNames?: string[] | null;
}

/** One address pool of a network. */
export interface IpamConfig {
  Subnet?: string;
  IPRange?: string;
  Gateway?: string;
  AuxiliaryAddresses?: Record<string, string>;
}

export interface Ipam {
  Driver?: string;
  Config?: IpamConfig[];
  Options?: Record<string, string> | null;
}

/** A container attached to a network, as listed in the network's inspect. */
export interface NetworkEndpointResource {
  Name: string;
  EndpointID: string;
  MacAddress: string;
  IPv4Address: string;
  IPv6Address: string;
}

/** GET /networks/{id} and the entries of GET /networks. `Created` is RFC3339Nano. */
export interface NetworkInspect {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local' | 'global' | 'swarm';
  Driver: string;
  EnableIPv4?: boolean;
  EnableIPv6: boolean;
  IPAM: Ipam;
  Internal: boolean;
  Attachable: boolean;
  Ingress: boolean;
  ConfigFrom: { Network: string };
  ConfigOnly: boolean;
  Containers: Record<string, NetworkEndpointResource>;
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

/** The body of POST /networks/create. */
export interface NetworkCreateRequest {
  Name?: string;
  /** Deprecated since 1.44 (always on); accepted and ignored. */
  CheckDuplicate?: boolean;
  Driver?: string;
  Scope?: string;
  Internal?: boolean;
  Attachable?: boolean;
  Ingress?: boolean;
  ConfigOnly?: boolean;
  ConfigFrom?: { Network?: string };
  IPAM?: Ipam;
  EnableIPv4?: boolean;
  EnableIPv6?: boolean;
  Options?: Record<string, string>;
  Labels?: Record<string, string>;
}

/** POST /networks/create's 201 answer. */
export interface NetworkCreateResponse {
  Id: string;
  Warning: string;
}

/** The body of POST /networks/{id}/connect. */
export interface NetworkConnectRequest {
  Container?: string;
  EndpointConfig?: EndpointSettings;
}

/** The body of POST /networks/{id}/disconnect. */
export interface NetworkDisconnectRequest {
  Container?: string;
  Force?: boolean;
}

/** Options of GET /networks/{id}. */
export interface NetworkInspectOptions {
  verbose: boolean;
  /** "", "local", "swarm" or "global". */
  scope: string;
}

/** POST /networks/prune. */
export interface NetworkPruneReport {
  NetworksDeleted: string[] | null;
}
