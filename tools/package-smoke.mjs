// The ESM test that tools/check-packages.mjs runs in a scratch project where the packed tarballs are
// installed with npm, as a user would: it imports each package by name and runs a program through it.
import assert from "node:assert/strict";
import { EventLoop, getEventLoop } from "@simloop/core";
import { gather, sleep } from "@simloop/coroutines";
import { explore, replay } from "@simloop/check";
import { runAsync } from "@simloop/async";
import { spawnSync } from "node:child_process";
import { buggy, fixed } from "./programs.mjs";

// @simloop/core: a timer on virtual time.
const loop = new EventLoop({ unhandled: "throw" });
const seen = [];
loop.callLater(2, () => seen.push(loop.time()));
loop.runUntilIdle();
assert.deepEqual(seen, [2]);

// @simloop/coroutines: gather on virtual time.
function* task(s) {
  yield* sleep(s);
  return s;
}
const main = getEventLoop();
assert.deepEqual(main.runUntilComplete(gather(task(1), task(3))), [1, 3]);
assert.equal(main.time(), 3);

// @simloop/check: find the lost update, replay it, and pass the locked twin.
const found = explore(buggy, { policy: "pct", runs: 200, seed: 1 });
assert.equal(found.ok, false);
assert.match(`${found.failure.schedule}`, /t2=1$/);
assert.equal(replay(buggy, found.failure.schedule, { seed: found.failure.runSeed }).failure?.kind, "error");
assert.equal(explore(fixed, { policy: "exhaustive", runs: 100, seed: 1 }).ok, true);

// @simloop/async: unmodified async/await code on virtual time.
const elapsed = await runAsync(async (asyncLoop) => {
  await new Promise((resolve) => setTimeout(resolve, 60_000));
  return asyncLoop.time();
});
assert.equal(elapsed, 60_000);

// The simloop command, through the bin npm installed: exit 1 and a replay command on the bug, 0 on the fix.
const cli = (...args) => spawnSync("node_modules/.bin/simloop", args, { encoding: "utf8" });
const failing = cli("explore", "programs.mjs", "--export", "buggy", "--runs", "200", "--seed", "1");
assert.equal(failing.status, 1, failing.stderr);
assert.match(failing.stdout, /simloop replay programs\.mjs (v2:)?t2=1 --seed \d+ --export buggy/);
const passing = cli("explore", "programs.mjs", "--export", "fixed", "--runs", "200", "--seed", "1", "--workers", "2");
assert.equal(passing.status, 0, passing.stdout + passing.stderr);

console.log("scratch project: every @simloop package imported from ESM and ran; the simloop command ran");
