/**
 * The applets' differential corpus: every case in test/userland/applet-cases
 * runs as `/usr/bin/busybox APPLET ARGS` on the host (Debian's busybox-static
 * 1.35) and as `busybox APPLET ARGS` under Drydock's kernel, with the same
 * files, and must give the same stdout, stderr, exit status and files.
 * Intentional differences are in test/userland/applet-differences.md.
 */
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { newKernel } from './helpers/kernel-harness.ts';
import { AppletWorld, BUSYBOX_WASM, hostBusyboxAvailable } from './userland/applet-cases/harness.ts';
import type { AppletCase, CaseResult } from './userland/applet-cases/harness.ts';
import { CASE_GROUPS } from './userland/applet-cases/index.ts';
import { existsSync } from 'node:fs';

const skip = !hostBusyboxAvailable() || !existsSync(BUSYBOX_WASM);
if (skip && process.env.CI) throw new Error('CI: /usr/bin/busybox (busybox-static) and wasm/bin/busybox.wasm are required');

/** The applet names, from the applet table (wasm/src/busybox/applets.h). */
function appletNames(): string[] {
  const table = readFileSync(new URL('../wasm/src/busybox/applets.h', import.meta.url), 'utf8');
  return [...table.matchAll(/^APPLET\("([^"]+)"/gm)].map((m) => m[1]!);
}

/** BusyBox's usage text (after the first error line) is its own wording: keep only that a usage was printed. */
const USAGE = /BusyBox v1\.35\.0 \([^)]*\) multi-call binary\.\n[\s\S]*$/;

function normalise(c: AppletCase, r: CaseResult): CaseResult {
  const fix = (text: string) => {
    let t = text.replace(USAGE, '<usage>\n');
    if (c.normalize) t = c.normalize(t);
    return t;
  };
  return { stdout: fix(r.stdout), stderr: fix(r.stderr), status: r.status, files: c.ignoreFiles ? {} : r.files };
}

describe('applets: differential against busybox-static', { skip: skip ? 'needs /usr/bin/busybox and wasm/bin/busybox.wasm' : false }, () => {
  const kernel = newKernel({ warmWorkers: 2 });
  let world: AppletWorld;
  before(() => {
    world = new AppletWorld(appletNames());
  });
  after(async () => {
    world?.dispose();
    await kernel.shutdown();
  });
  const seen = new Set<string>();
  for (const [group, cases] of Object.entries(CASE_GROUPS)) {
    for (const c of cases) {
      let name = `${group}: ${c.cmd.join(' ')}${c.stdin !== undefined ? ' <stdin' : ''}`;
      while (seen.has(name)) name += "'";
      seen.add(name);
      test(name, { timeout: 60_000 }, async () => {
        const host = normalise(c, world.runHost(c));
        const guest = normalise(c, await world.runGuest(kernel, c));
        assert.deepEqual(guest, host);
      });
    }
  }
});
