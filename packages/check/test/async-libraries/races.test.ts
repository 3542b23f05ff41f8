/**
 * Races seeded in user code around five real libraries (p-limit, p-queue, p-retry, async-mutex,
 * lru-cache), each run unmodified on virtual time: with the latencies as written every scenario passes;
 * with every timer allowed to fire up to 25 ms late (the install's `jitter` option, explored at the
 * jitter level) `exploreAsync` finds the race, shrinks its schedule to a minimal one (one to three timers late), and the report's
 * replay line replays the failure; the fixed twin passes a 500-run campaign under the same jitter.
 */
import { AsyncDeadlockError, runAsync, type AsyncProgram } from "@simloop/async";
import { describe, expect, it } from "vitest";
import { exploreAsync, replayAsync } from "../../src/index.ts";
import { typeTwoTitles } from "./autosave.ts";
import { ProfileClient, VersionedProfileClient, renameTwice } from "./profile-save.ts";
import { FixedTicketShop, TicketShop, sellLastSeat } from "./ticket-shop.ts";
import { FixedTokenClient, TokenClient, refreshTwice } from "./token-refresh.ts";
import { FetchingUserCache, UserCache, renameDuringRefresh } from "./user-cache.ts";

/** Every `setTimeout`/`setInterval` may fire up to 25 ms later than asked: a loaded machine, a slow network. */
const jitter = { absolute: 25 };

interface Race {
  readonly library: string;
  readonly race: string;
  readonly buggy: AsyncProgram;
  readonly fixed: AsyncProgram;
  /** What both twins return with the latencies as written. */
  readonly value: unknown;
  /** What the buggy twin fails with under jitter. */
  readonly failure: RegExp | (new (...args: never[]) => Error);
  /** How many deviations from asyncio's order (here: timers drawn late) the shrunk schedule keeps. */
  readonly deviations: number;
}

const races: readonly Race[] = [
  {
    library: "p-limit",
    race: "a check-then-act across awaits, two purchases at once, oversells the last seat",
    buggy: () => sellLastSeat(TicketShop),
    fixed: () => sellLastSeat(FixedTicketShop),
    value: ["Ada"],
    failure: /^oversold: 1 seat, sold to Ada and Grace$/,
    deviations: 1,
  },
  {
    library: "p-queue",
    race: "two autosaves at once reach the server out of order",
    buggy: () => typeTwoTitles(2),
    fixed: () => typeTwoTitles(1),
    value: "Final",
    failure: /^the server kept "Draft", not "Final"$/,
    deviations: 1,
  },
  {
    library: "p-retry",
    race: "a retried save lands after a newer one",
    buggy: () => renameTwice(ProfileClient),
    fixed: () => renameTwice(VersionedProfileClient),
    value: "Ada Lovelace",
    failure: /^the server kept "Ada"$/,
    deviations: 2,
  },
  {
    library: "async-mutex",
    race: "a refresh that times out never releases the mutex",
    buggy: () => refreshTwice(TokenClient),
    fixed: () => refreshTwice(FixedTokenClient),
    value: "token-2",
    failure: AsyncDeadlockError,
    deviations: 1,
  },
  {
    library: "lru-cache",
    race: "a refresh after the TTL stores a name read before a rename",
    buggy: () => renameDuringRefresh(UserCache),
    fixed: () => renameDuringRefresh(FetchingUserCache),
    value: "Ada Lovelace",
    failure: /^after the rename the cache still serves "Ada"$/,
    deviations: 2,
  },
];

function expectFailure(error: unknown, failure: Race["failure"]): void {
  if (failure instanceof RegExp) expect((error as Error).message).toMatch(failure);
  else expect(error).toBeInstanceOf(failure);
}

for (const { library, race, buggy, fixed, value, failure, deviations } of races) {
  describe(`${library}, unmodified: ${race}`, () => {
    it("with the latencies as written, both twins pass", async () => {
      expect(await runAsync(buggy)).toEqual(value);
      expect(await runAsync(fixed)).toEqual(value);
    });

    it("with jittered timers, exploreAsync finds the race, shrinks it to a minimal schedule, and its replay line replays it", async () => {
      const result = await exploreAsync(buggy, { runs: 500, seed: 1, jitter });
      expect(result.ok, "no failing run in 500").toBe(false);
      const found = result.failure;
      if (found === undefined) return;
      expectFailure(found.error, failure);
      expect([found.minimal, found.schedule.deviations]).toEqual([true, deviations]);
      const schedule = found.schedule.toString();
      // The replay line, as printed, carries the jitter the schedule's decisions need.
      expect(found.report).toContain(
        `await replayAsync(buggy, ${JSON.stringify(schedule)}, { seed: ${found.runSeed}, jitter: ${JSON.stringify(jitter)} });`,
      );
      const replayed = await replayAsync(buggy, schedule, { seed: found.runSeed, jitter });
      expect(replayed.divergence).toBeNull();
      expectFailure(replayed.failure?.error, failure);
    });

    it("the fixed twin passes 500 jittered runs", async () => {
      const result = await exploreAsync(fixed, { runs: 500, seed: 1, jitter });
      expect(result.failure?.report).toBeUndefined();
      expect([result.ok, result.runs, result.warnings]).toEqual([true, 500, []]);
    });
  });
}
