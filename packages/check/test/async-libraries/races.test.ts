/**
 * Races seeded in user code around five real libraries (p-limit, p-queue, p-retry, async-mutex,
 * lru-cache), each run unmodified on virtual time: with the latencies as written every scenario passes;
 * with every timer allowed to fire up to 25 ms late (the install's `jitter` option, explored at the
 * jitter level) exploration finds the race and the failing schedule replays it; the fixed twin passes a
 * 500-run campaign under the same jitter.
 */
import { AsyncDeadlockError, runAsync, type AsyncProgram } from "@simloop/async";
import { describe, expect, it } from "vitest";
import { typeTwoTitles } from "./autosave.ts";
import { ProfileClient, VersionedProfileClient, renameTwice } from "./profile-save.ts";
import { replayOnce, search } from "./search.ts";
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
}

const races: readonly Race[] = [
  {
    library: "p-limit",
    race: "a check-then-act across awaits, two purchases at once, oversells the last seat",
    buggy: () => sellLastSeat(TicketShop),
    fixed: () => sellLastSeat(FixedTicketShop),
    value: ["Ada"],
    failure: /^oversold: 1 seat, sold to Ada and Grace$/,
  },
  {
    library: "p-queue",
    race: "two autosaves at once reach the server out of order",
    buggy: () => typeTwoTitles(2),
    fixed: () => typeTwoTitles(1),
    value: "Final",
    failure: /^the server kept "Draft", not "Final"$/,
  },
  {
    library: "p-retry",
    race: "a retried save lands after a newer one",
    buggy: () => renameTwice(ProfileClient),
    fixed: () => renameTwice(VersionedProfileClient),
    value: "Ada Lovelace",
    failure: /^the server kept "Ada"$/,
  },
  {
    library: "async-mutex",
    race: "a refresh that times out never releases the mutex",
    buggy: () => refreshTwice(TokenClient),
    fixed: () => refreshTwice(FixedTokenClient),
    value: "token-2",
    failure: AsyncDeadlockError,
  },
  {
    library: "lru-cache",
    race: "a refresh after the TTL stores a name read before a rename",
    buggy: () => renameDuringRefresh(UserCache),
    fixed: () => renameDuringRefresh(FetchingUserCache),
    value: "Ada Lovelace",
    failure: /^after the rename the cache still serves "Ada"$/,
  },
];

function expectFailure(error: unknown, failure: Race["failure"]): void {
  if (failure instanceof RegExp) expect((error as Error).message).toMatch(failure);
  else expect(error).toBeInstanceOf(failure);
}

for (const { library, race, buggy, fixed, value, failure } of races) {
  describe(`${library}, unmodified: ${race}`, () => {
    it("with the latencies as written, both twins pass", async () => {
      expect(await runAsync(buggy)).toEqual(value);
      expect(await runAsync(fixed)).toEqual(value);
    });

    it("with jittered timers, exploration finds the race and its schedule replays the failure", async () => {
      const found = await search(buggy, { runs: 500, jitter });
      expect(found, "no failing run in 500").not.toBeNull();
      if (found === null) return;
      expectFailure(found.failure.error, failure);
      const again = await replayOnce(buggy, found.schedule, jitter);
      expectFailure(again.failure?.error, failure);
    });

    it("the fixed twin passes 500 jittered runs", async () => {
      const found = await search(fixed, { runs: 500, jitter });
      expect(found?.failure.error).toBeUndefined();
    });
  });
}
