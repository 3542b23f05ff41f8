import { describe, expect, it } from "vitest";
import { explore, exploreAsync, replay, replayAsync } from "../src/index.ts";
import { bugs } from "../examples/bugs/index.ts";
import { nodeBugs } from "../examples/bugs/node/index.ts";
import { noisy } from "../examples/runs-to-find.ts";
import { ProfileClient, renameTwice } from "./async-libraries/profile-save.ts";
import { measureShrink, replaysAsPrinted, replaysAsPrintedAsync } from "../examples/shrink-minimum.ts";

const byId = (id: string) => [...bugs, ...nodeBugs].find((bug) => bug.id === id)!;

describe("shrinking to the minimum", () => {
  it("re-derives the picks after a removal: a deferral among heartbeat ties no longer shifts the tie that matters", () => {
    const bug = byId("lost-update");
    const result = explore(noisy(bug.buggy, 3), { policy: "random", runs: 2000, seed: 17, depth: 1 });
    expect(result.failure!.original.deviations).toBeGreaterThan(1);
    expect(result.failure!.schedule.deviations).toBe(1);
    expect(result.failure!.minimal).toBe(true);
  });

  it("snaps a jitter draw to a deadline of the run: one late request instead of a late request and a slow close", () => {
    const bug = byId("keepalive-socket-reuse");
    const result = explore(bug.buggy, { policy: "random", runs: 2000, seed: 1, levels: bug.levels! });
    const failure = result.failure!;
    expect(failure.schedule.deviations).toBe(1);
    const [index] = failure.schedule.deviationIndices();
    const draw = failure.schedule.decisions[index!]!;
    // The think time ends exactly when the free socket's 4 s timeout fires (armed at t=20, the first
    // response): the request comes in at the same instant, after the timeout destroyed the socket.
    expect(draw).toMatchObject({ kind: "jitter", min: 3900, max: 4100, pick: 4000 });
    expect(
      replay(bug.buggy, failure.schedule.toString(), { seed: failure.runSeed, levels: result.levels }).failure?.kind,
    ).toBe("error");
  });

  it("moves the slack of a reset draw to another: one slow file-system call instead of two", () => {
    const bug = byId("mkdir-check-then-create");
    for (let seed = 1; seed <= 5; seed++) {
      const result = explore(bug.buggy, { policy: "random", runs: 2000, seed, levels: bug.levels! });
      expect(result.failure!.schedule.deviations).toBe(1);
    }
  });

  it("moves a draw earlier by the slack of a reset one: the click follows the proactive refresh's faster request", () => {
    // Found with the click at 55,222 ms and the proactive refresh's request taking 222 ms (both late, by
    // about the same amount): resetting the request alone lets the click's API call in before the
    // rotation, and moving the click alone to any single point keeps three deviations. Moved together
    // (the click earlier by the request's 212 ms of slack), two suffice: the click and the slow reply.
    const bug = byId("refresh-token-reuse");
    const result = explore(bug.buggy, { policy: "random", runs: 2000, seed: 3, levels: bug.levels! });
    const failure = result.failure!;
    expect(failure.original.deviations).toBeGreaterThan(2);
    expect(failure.schedule.deviations).toBe(2);
    expect(failure.minimal).toBe(true);
    const [click] = failure.schedule.decisions;
    expect(click).toMatchObject({ kind: "jitter", min: 54000, max: 56000 });
    expect(click!.pick).toBeLessThan(55020);
    const again = replay(bug.buggy, failure.schedule.toString(), { seed: failure.runSeed, levels: result.levels });
    expect(again.failure?.kind).toBe("error");
    expect(String(again.failure?.error)).toContain("logged out");
  });

  it("spills a reset draw's slack over the next draws when one cannot take it all: two timers late instead of three", async () => {
    // The retried save of "Ada" must store after "Ada Lovelace" (at 225 ms): its chain of timers (25 ms,
    // 25 ms, the 100 ms backoff, 25 ms) needs 50 ms late in all, each at most 25 ms late, so two suffice.
    // Found with three late by less; resetting one moves its slack onto the next up to its maximum and the
    // rest onto the one after.
    const jitter = { absolute: 25 };
    const buggy = () => renameTwice(ProfileClient);
    for (let seed = 1; seed <= 4; seed++) {
      const failure = (await exploreAsync(buggy, { runs: 500, seed, jitter })).failure!;
      expect([seed, failure.schedule.deviations, failure.minimal]).toEqual([seed, 2, true]);
      const again = await replayAsync(buggy, failure.schedule.toString(), { seed: failure.runSeed, jitter });
      expect(String(again.failure?.error)).toBe('Error: the server kept "Ada"');
    }
  });

  it("resets neighbouring deviations together, not only the pairs its chunks of two cover", () => {
    // The mixed policy's failure shrank to the click, two ties forced and a slow reply: the two ties sit
    // next to each other in the list but in different chunks of two, and only together can they go.
    const bug = byId("refresh-token-reuse");
    const result = explore(bug.buggy, { policy: "mixed", runs: 2000, seed: 6, depth: 2, levels: bug.levels! });
    const failure = result.failure!;
    expect([failure.schedule.deviations, failure.minimal]).toEqual([2, true]);
    expect(replaysAsPrinted(bug.buggy, failure)).toBe(true);
  });

  it("moves a reset draw's slack to an earlier wait of its chain, which then orders a tie by itself", async () => {
    // The mixed policy's probe run found p-retry's race with the retried request late and its tie forced;
    // the same 25 ms on the failed attempt's reply arms the retry's timer after the newer save's, and FIFO
    // then orders the tie as the bug needs: two deviations instead of three.
    const jitter = { absolute: 25 };
    const buggy = () => renameTwice(ProfileClient);
    const failure = (await exploreAsync(buggy, { policy: "mixed", runs: 500, seed: 1, depth: 2, jitter })).failure!;
    expect([failure.schedule.deviations, failure.minimal]).toEqual([2, true]);
    expect(await replaysAsPrintedAsync(buggy, failure)).toBe(true);
  });

  it("counts a replay line as replaying only when, run as printed, it fails again the same way", () => {
    const bug = byId("lost-update");
    const failure = explore(bug.buggy, { policy: "random", runs: 2000, seed: 1 }).failure!;
    expect(replaysAsPrinted(bug.buggy, failure)).toBe(true);
    const fifo = failure.replay.replace(JSON.stringify(failure.schedule.toString()), '""');
    expect(fifo).not.toBe(failure.replay);
    expect(replaysAsPrinted(bug.buggy, { ...failure, replay: fifo })).toBe(false);
    expect(replaysAsPrinted(bug.buggy, { ...failure, replay: "not a replay line" })).toBe(false);
  });

  it("says when its budget ran out before it could show the schedule minimal", () => {
    const bug = byId("refresh-token-reuse");
    const starved = explore(bug.buggy, { policy: "pct", runs: 2000, seed: 2, levels: bug.levels!, maxShrinkRuns: 2 });
    expect(starved.failure!.minimal).toBe(false);
    expect(starved.failure!.report).toContain("not shown minimal (shrink budget spent)");
    const full = explore(bug.buggy, { policy: "pct", runs: 2000, seed: 2, levels: bug.levels! });
    expect(full.failure!.minimal).toBe(true);
    expect(full.failure!.schedule.deviations).toBe(bug.depth);
    const off = explore(bug.buggy, { policy: "pct", runs: 2000, seed: 2, levels: bug.levels!, shrink: false });
    expect(off.failure!.minimal).toBeUndefined();
  });

  it("reaches each bug's known minimum on 5 of 5 seeds (both corpora, and the first with heartbeat noise)", () => {
    const cases = [
      ...bugs.map((bug) => [bug, noisy(bug.buggy, 3), `${bug.id} + 3 tickers`] as const),
      ...nodeBugs.map((bug) => [bug, bug.buggy, bug.id] as const),
    ];
    for (const [bug, program, id] of cases) {
      const row = measureShrink(bug, program, id, 5);
      for (const [policy, count] of Object.entries(row.counts)) {
        expect.soft(count.minimal, `${id} under ${policy}`).toBe(count.found);
        expect.soft(count.found, `${id} under ${policy}`).toBe(5);
        expect.soft(count.replayed, `${id} under ${policy}: replay lines failing again`).toBe(count.found);
      }
    }
  }, 120_000);
});
