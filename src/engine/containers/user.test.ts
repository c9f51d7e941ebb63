/**
 * resolveUser against the results dockerd 20.10 (runc) gives for the same
 * User, GroupAdd and /etc files (observed with the real daemon; the
 * docker-CLI comparison is test/engine-dockerd-diff.test.ts).
 */
import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import { MemFs } from '../../unionfs/memfs/memfs.ts';
import { ROOT } from '../../unionfs/vfs/credentials.ts';
import { MountNamespace } from '../../unionfs/vfs/mount-namespace.ts';
import { InvalidParameterError } from '../errors.ts';
import { resolveUser } from './user.ts';

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/bin/false',
  'nobody:x:65534:65534:nobody:/home:/bin/false',
  'u1:x:1000:1000::/:/bin/sh',
  '',
].join('\n');
const GROUP = [
  'root:x:0:',
  'tty:x:5:',
  'wheel:x:10:root',
  'grp1:x:3000:nobody,root',
  '  grp2:x:3001:nobody  ',
  'dup:x:10:nobody',
  'u1:x:1000:u1',
  'g3:x:3003:u1,nobody',
  'nogroup:x:65534:',
  '',
].join('\n');

function rootfs(files: Record<string, string> = { '/etc/passwd': PASSWD, '/etc/group': GROUP }): MountNamespace {
  const ns = new MountNamespace(new MemFs());
  ns.create(ns.root(), '/etc', 'dir', { mode: 0o755, uid: 0, gid: 0 }, ROOT);
  for (const [path, text] of Object.entries(files)) {
    ns.create(ns.root(), path, 'file', { mode: 0o644, uid: 0, gid: 0 }, ROOT).inode.write(0, new TextEncoder().encode(text));
  }
  return ns;
}

const groupsOf = (user: string, add: string[] = [], ns = rootfs()) => resolveUser(ns, user, add).groups;

test('implicit form: the primary gid plus every group listing the user, sorted and unique', () => {
  assert.deepEqual(resolveUser(rootfs(), ''), { uid: 0, gid: 0, home: '/root', groups: [0, 10, 3000] });
  assert.deepEqual(groupsOf('root'), [0, 10, 3000]);
  assert.deepEqual(groupsOf('0'), [0, 10, 3000]);
  assert.deepEqual(resolveUser(rootfs(), 'nobody'), { uid: 65534, gid: 65534, home: '/home', groups: [10, 3000, 3001, 3003, 65534] });
  assert.deepEqual(groupsOf('65534'), [10, 3000, 3001, 3003, 65534]);
  assert.deepEqual(groupsOf('u1'), [1000, 3003]);
  assert.deepEqual(groupsOf('1000'), [1000, 3003]);
  assert.deepEqual(groupsOf('u1:'), [1000, 3003]);
});

test('a uid without a passwd entry keeps gid 0 and gets only it', () => {
  assert.deepEqual(resolveUser(rootfs(), '4242'), { uid: 4242, gid: 0, home: '/', groups: [0] });
});

test('explicit group: that gid only, no memberships', () => {
  assert.deepEqual(resolveUser(rootfs(), 'u1:u1'), { uid: 1000, gid: 1000, home: '/', groups: [1000] });
  assert.deepEqual(groupsOf('u1:3001'), [3001]);
  assert.deepEqual(groupsOf('root:root'), [0]);
  assert.deepEqual(groupsOf('root:10'), [10]);
  assert.deepEqual(groupsOf('nobody:wheel'), [10]);
  assert.deepEqual(resolveUser(rootfs(), '1000:1000'), { uid: 1000, gid: 1000, home: '/', groups: [1000] });
  assert.deepEqual(groupsOf('4242:7777'), [7777]);
});

test('GroupAdd: names from /etc/group, numbers as they are, merged with the user\'s groups', () => {
  assert.deepEqual(groupsOf('', ['10']), [0, 10, 3000]);
  assert.deepEqual(groupsOf('', ['tty']), [0, 5, 10, 3000]);
  assert.deepEqual(groupsOf('1000:1000', ['4242']), [1000, 4242]);
  assert.deepEqual(groupsOf('nobody', ['tty', '4242', '4242']), [5, 10, 3000, 3001, 3003, 4242, 65534]);
  assert.deepEqual(groupsOf('', ['010', '+5', '2147483647']), [0, 5, 10, 3000, 2147483647]);
  assert.deepEqual(groupsOf('', ['wheel', '10']), [0, 10, 3000]);
  assert.deepEqual(groupsOf('', ['10', '10']), [0, 10, 3000]);
  assert.deepEqual(groupsOf('', ['dup']), [0, 10, 3000]);
  // grp2's line has blanks around it: libcontainer trims lines.
  assert.deepEqual(groupsOf('u1:u1', ['grp2']), [1000, 3001]);
});

test('GroupAdd errors are dockerd\'s, including a name whose gid an earlier entry added', () => {
  const fails = (user: string, add: string[], message: string) =>
    assert.throws(() => resolveUser(rootfs(), user, add), (e: unknown) => e instanceof InvalidParameterError && e.message === message);
  fails('', ['nosuch'], 'Unable to find group nosuch: no matching entries in group file');
  fails('', [''], 'Unable to find group : no matching entries in group file');
  fails('', ['10', 'wheel'], 'Unable to find group wheel: no matching entries in group file');
  fails('', ['wheel', 'wheel'], 'Unable to find group wheel: no matching entries in group file');
  fails('', ['-5'], 'uids and gids must be in range 0-2147483647');
  fails('', ['2147483648'], 'uids and gids must be in range 0-2147483647');
  fails('', ['99999999999999999999'], 'Unable to find group 99999999999999999999: no matching entries in group file');
  fails('nosuch', ['10'], 'unable to find user nosuch: no matching entries in passwd file');
  fails('root:nosuch', [], 'unable to find group nosuch: no matching entries in group file');
});

test('without /etc/group: memberships are none, GroupAdd takes numbers only', () => {
  const ns = rootfs({ '/etc/passwd': PASSWD });
  assert.deepEqual(groupsOf('nobody', ['7'], ns), [7, 65534]);
  assert.throws(() => resolveUser(ns, '', ['wheel']), /Unable to find group wheel/);
  const bare = rootfs({});
  assert.deepEqual(resolveUser(bare, ''), { uid: 0, gid: 0, home: '/root', groups: [0] });
  assert.deepEqual(resolveUser(bare, '1000:1000', ['5']), { uid: 1000, gid: 1000, home: '/', groups: [5, 1000] });
});
