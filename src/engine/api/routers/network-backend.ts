/**
 * What the network router needs (moby daemon/server/router/network/backend.go).
 * Networks are named by full ID, unique ID prefix or name; a missing one is
 * NotFoundError "network <name> not found".
 */
import type { Filters } from '../../types/filters.ts';
import type {
  NetworkConnectRequest,
  NetworkCreateRequest,
  NetworkCreateResponse,
  NetworkDisconnectRequest,
  NetworkInspect,
  NetworkInspectOptions,
  NetworkPruneReport,
} from '../../types/network.ts';

/** Filter names GET /networks accepts. */
export const NETWORK_LIST_FILTERS = ['dangling', 'driver', 'id', 'label', 'name', 'scope', 'type'] as const;
/** Filter names POST /networks/prune accepts. */
export const NETWORK_PRUNE_FILTERS = ['label', 'label!', 'until'] as const;

export interface NetworksBackend {
  /** GET /networks (Containers is empty in list entries, as in dockerd). */
  list(filters: Filters): Promise<NetworkInspect[]>;
  /** GET /networks/{id}. */
  inspect(id: string, options: NetworkInspectOptions): Promise<NetworkInspect>;
  /** POST /networks/create (201); ConflictError when the name exists. */
  create(request: NetworkCreateRequest): Promise<NetworkCreateResponse>;
  /** POST /networks/{id}/connect. */
  connect(id: string, request: NetworkConnectRequest): Promise<void>;
  /** POST /networks/{id}/disconnect. */
  disconnect(id: string, request: NetworkDisconnectRequest): Promise<void>;
  /** DELETE /networks/{id}; ForbiddenError for the predefined networks, ConflictError while in use. */
  remove(id: string): Promise<void>;
  /** POST /networks/prune. */
  prune(filters: Filters): Promise<NetworkPruneReport>;
}
