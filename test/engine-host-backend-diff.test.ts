/**
 * The host backend (src/backends/host) against the engine it fronts, on the
 * cases of the dockerd differential suite (test/dockerd-diff/cases.json):
 * the real docker CLI runs each case directly against a real dockerd 20.10
 * and through Drydock's host backend in front of it, and the results must
 * agree (test/helpers/host-backend.ts). Split from
 * engine-host-backend.test.ts so each file stays well inside the test
 * timeout and the two can run side by side.
 *
 * Needs root, dockerd and busybox-static; skips without them unless CI is set.
 */
import { describeCliCases, loadJson, type Case, type KnownDifference } from './helpers/host-backend.ts';

describeCliCases(
  'docker CLI: dockerd directly and through Drydock with the host backend (dockerd-diff cases)',
  loadJson<Case[]>('dockerd-diff/cases.json'),
  loadJson<KnownDifference[]>('host-backend/known-differences.json'),
);
