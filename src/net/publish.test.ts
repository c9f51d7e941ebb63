/**
 * Host port ranges (`-p 8000-8010:80`) on the stack alone (no host
 * listeners: ports exist inside the engine, as in a browser): dockerd's
 * allocator takes the range's ports in turn, skips those already taken,
 * and says "all ports are allocated" when none is left.
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { NetworkConflictError, NetworkInvalidError } from './errors.ts';
import { NetworkManager } from './manager.ts';
import type { NetworkNamespace } from './namespace.ts';

function container(manager: NetworkManager, name: string): NetworkNamespace {
  const ns = manager.createNamespace();
  manager.attach(ns, 'bridge', { containerId: name.padEnd(64, '0'), containerName: name });
  return ns;
}

test('a host port range gives its ports in turn, as dockerd\'s allocator does, and wraps around', async () => {
  const manager = new NetworkManager();
  const got: number[] = [];
  const boxes: NetworkNamespace[] = [];
  for (let i = 0; i < 3; i++) {
    const ns = container(manager, `r${i}`);
    boxes.push(ns);
    got.push((await manager.publish(ns, { hostPort: 8000, hostPortEnd: 8002, containerPort: 80 })).hostPort);
  }
  assert.deepEqual(got, [8000, 8001, 8002]);
  const full = container(manager, 'full');
  await assert.rejects(manager.publish(full, { hostPort: 8000, hostPortEnd: 8002, containerPort: 80 }), (e: unknown) => e instanceof NetworkConflictError && e.message === 'all ports are allocated');
  // 8001 is given back: the next request goes on after the last port given (8002), wraps, skips 8000 and takes 8001.
  await manager.releaseNamespace(boxes[1]!);
  assert.equal((await manager.publish(full, { hostPort: 8000, hostPortEnd: 8002, containerPort: 80 })).hostPort, 8001);
  for (const ns of [boxes[0]!, boxes[2]!, full]) await manager.releaseNamespace(ns);
  // All free again: the range goes on from where it was (8001), so 8002 comes next, not 8000.
  const again = container(manager, 'again');
  assert.equal((await manager.publish(again, { hostPort: 8000, hostPortEnd: 8002, containerPort: 80 })).hostPort, 8002);
  await manager.releaseNamespace(again);
});

test('ranges skip ports published singly; protocols and ranges are counted apart; a one-port range is a port', async () => {
  const manager = new NetworkManager();
  const single = container(manager, 'single');
  await manager.publish(single, { hostPort: 9000, containerPort: 80 });
  const ranged = container(manager, 'ranged');
  assert.equal((await manager.publish(ranged, { hostPort: 9000, hostPortEnd: 9005, containerPort: 80 })).hostPort, 9001);
  // UDP has its own ports and its own range state: 9000/udp is free.
  assert.equal((await manager.publish(ranged, { hostPort: 9000, hostPortEnd: 9005, containerPort: 53, proto: 'udp' })).hostPort, 9000);
  // Another range over the same ports starts at its own first port, skipping what is taken.
  assert.equal((await manager.publish(ranged, { hostPort: 9001, hostPortEnd: 9003, containerPort: 81 })).hostPort, 9002);
  // A range of one port is that port: taken is "port is already allocated".
  await assert.rejects(
    manager.publish(ranged, { hostPort: 9000, hostPortEnd: 9000, containerPort: 82 }),
    (e: unknown) => e instanceof NetworkConflictError && e.message === 'Bind for 0.0.0.0:9000 failed: port is already allocated',
  );
  await assert.rejects(manager.publish(ranged, { hostPort: 9005, hostPortEnd: 9001, containerPort: 83 }), NetworkInvalidError);
  await assert.rejects(manager.publish(ranged, { hostPort: 65530, hostPortEnd: 65536, containerPort: 83 }), NetworkInvalidError);
  assert.deepEqual(
    manager.portsOf(ranged).map(String),
    ['80/tcp -> 0.0.0.0:9001', '53/udp -> 0.0.0.0:9000', '81/tcp -> 0.0.0.0:9002'],
  );
  await manager.releaseNamespace(single);
  await manager.releaseNamespace(ranged);
});
