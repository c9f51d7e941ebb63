/**
 * Supplementary groups through the real docker CLI: a container's process
 * gets its user's groups from the image's /etc/group plus --group-add, in
 * `docker run`, `docker exec` (-u too) and health checks, with dockerd's
 * errors. The expected outputs are what dockerd 20.10 (runc) prints for the
 * same commands with busybox (test/engine-dockerd-diff.test.ts compares the
 * two daemons directly when dockerd can run).
 */
import { strict as assert } from 'node:assert';
import { after, before, describe, test } from 'node:test';
import { dockerSkip, startTestEngine } from './helpers/engine-harness.ts';
import type { TestEngine } from './helpers/engine-harness.ts';

let t: TestEngine;
before(async () => {
  if (!dockerSkip) t = await startTestEngine();
});
after(() => t?.close());

async function ok(args: string[]): Promise<string> {
  const r = await t.docker(args);
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('supplementary groups', { skip: dockerSkip }, () => {
  test('docker run: the user\'s groups from /etc/group, the primary gid included', async () => {
    assert.equal(await ok(['run', '--rm', 'busybox', 'id']), 'uid=0(root) gid=0(root) groups=0(root),10(wheel)\n');
    assert.equal(await ok(['run', '--rm', 'busybox', 'id', '-Gn']), 'root wheel\n');
    assert.equal(await ok(['run', '--rm', '-u', 'nobody', 'busybox', 'id']), 'uid=65534(nobody) gid=65534(nogroup) groups=65534(nogroup)\n');
    assert.equal(await ok(['run', '--rm', '-u', '1000:1000', 'busybox', 'id']), 'uid=1000 gid=1000 groups=1000\n');
    assert.equal(await ok(['run', '--rm', '-u', '1000', 'busybox', 'id']), 'uid=1000 gid=0(root) groups=0(root)\n');
    assert.equal(await ok(['run', '--rm', '-u', 'root:10', 'busybox', 'id']), 'uid=0(root) gid=10(wheel) groups=10(wheel)\n');
  });

  test('--group-add: names and numbers, sorted into the list; /proc/self/status shows them', async () => {
    assert.equal(
      await ok(['run', '--rm', '-u', 'nobody', '--group-add', 'wheel', '--group-add', '4242', 'busybox', 'id']),
      'uid=65534(nobody) gid=65534(nogroup) groups=10(wheel),4242,65534(nogroup)\n',
    );
    assert.equal(await ok(['run', '--rm', '-u', '1000:1000', '--group-add', '5', 'busybox', 'id', '-G']), '1000 5\n');
    assert.equal(await ok(['run', '--rm', '-u', 'nobody', '--group-add', 'tty', 'busybox', 'grep', 'Groups', '/proc/self/status']), 'Groups:\t5 65534 \n');
    assert.equal(await ok(['inspect', '--format', '{{json .HostConfig.GroupAdd}}', (await ok(['create', '--group-add', 'tty', '--group-add', '7', 'busybox'])).trim()]), '["tty","7"]\n');
  });

  test('--group-add errors fail the start with dockerd\'s words (125 from docker run)', async () => {
    const unknown = await t.docker(['run', '--rm', '--group-add', 'nosuch', 'busybox', 'true']);
    assert.equal(unknown.code, 125);
    assert.match(unknown.stderr, /^docker: Error response from daemon: Unable to find group nosuch: no matching entries in group file\n/);
    // dockerd 20.10 refuses a name whose gid an earlier entry already added.
    const again = await t.docker(['run', '--rm', '--group-add', '10', '--group-add', 'wheel', 'busybox', 'true']);
    assert.equal(again.code, 125);
    assert.match(again.stderr, /Unable to find group wheel: no matching entries in group file/);
    const range = await t.docker(['run', '--rm', '--group-add', '2147483648', 'busybox', 'true']);
    assert.equal(range.code, 125);
    assert.match(range.stderr, /uids and gids must be in range 0-2147483647/);
  });

  test('docker exec (with and without -u) and health checks get the groups; a group grants file access', async () => {
    await ok(['run', '-d', '--name', 'grp', '--group-add', 'tty', '--group-add', '4242', '--health-cmd', 'id -G', '--health-interval', '1s', 'busybox', 'sleep', '600']);
    assert.equal(await ok(['exec', 'grp', 'id']), 'uid=0(root) gid=0(root) groups=0(root),5(tty),10(wheel),4242\n');
    assert.equal(await ok(['exec', '-u', 'nobody', 'grp', 'id']), 'uid=65534(nobody) gid=65534(nogroup) groups=5(tty),4242,65534(nogroup)\n');
    assert.equal(await ok(['exec', '-u', '1000:1000', 'grp', 'id', '-G']), '1000 5 4242\n');
    await ok(['exec', 'grp', 'sh', '-c', 'echo shared > /tmp/s; chgrp 4242 /tmp/s; chmod 640 /tmp/s; echo other > /tmp/o; chgrp 4243 /tmp/o; chmod 640 /tmp/o']);
    assert.equal(await ok(['exec', '-u', 'nobody', 'grp', 'cat', '/tmp/s']), 'shared\n');
    const denied = await t.docker(['exec', '-u', 'nobody', 'grp', 'cat', '/tmp/o']);
    assert.equal(denied.code, 1);
    assert.equal(denied.stderr, "cat: can't open '/tmp/o': Permission denied\n");
    const badUser = await t.docker(['exec', '-u', 'nosuch', 'grp', 'id']);
    assert.equal(badUser.code, 126);
    // The CLI prints it on the attached stream as dockerd's (the diff test compares both streams).
    assert.match(badUser.stdout + badUser.stderr, /unable to find user nosuch: no matching entries in passwd file/);
    let output = '';
    for (let i = 0; i < 300 && output === ''; i++) {
      output = (await ok(['inspect', '--format', '{{range .State.Health.Log}}{{.Output}}{{end}}', 'grp'])).trim();
      if (output === '') await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(output.split('\n')[0], '0 5 10 4242');
    // After a restart the container's GroupAdd still applies.
    await ok(['restart', '-t', '1', 'grp']);
    assert.equal(await ok(['exec', 'grp', 'id', '-G']), '0 5 10 4242\n');
    await ok(['rm', '-f', 'grp']);
  });
});
