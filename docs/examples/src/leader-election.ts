/**
 * Leader election, checked for "one leader per term": three nodes; two of them time out at the same
 * instant and campaign for term 1, asking the others for their vote over a network with a delay of 1.
 * The buggy voter grants every request of a term at least its own, so when both requests reach the
 * third node it votes twice and both candidates win term 1. The observed state is an immer store whose
 * `always` predicate is the safety property; exploring the order of the simultaneous deliveries finds
 * the violation, and a voter that remembers its vote per term passes every order.
 */
import type { Coroutine, EventLoop } from "@simloop/core";
import { gather, sleep } from "@simloop/coroutines";
import { createStore, explore } from "@simloop/check";

interface Cluster {
  /** The leaders elected, by term. */
  leaders: Record<number, string[]>;
}

interface Voter {
  readonly name: string;
  term: number;
  votedFor: string | null;
}

function election(remembersVote: boolean) {
  return function* elect(loop: EventLoop): Coroutine<void> {
    const cluster = createStore<Cluster>(loop, { leaders: {} }, { name: "cluster" });
    cluster.always("one leader per term", (c) => Object.values(c.leaders).every((names) => names.length <= 1));
    const nodes: Voter[] = ["a", "b", "c"].map((name) => ({ name, term: 0, votedFor: null }));

    function grant(voter: Voter, candidate: string, term: number): boolean {
      if (term < voter.term) return false;
      if (term > voter.term) {
        voter.term = term;
        voter.votedFor = null;
      }
      if (remembersVote && voter.votedFor !== null && voter.votedFor !== candidate) return false;
      voter.votedFor = candidate;
      return true;
    }

    function* requestVote(voter: Voter, candidate: string, term: number): Coroutine<boolean> {
      yield* sleep(1); // the request travels
      const granted = grant(voter, candidate, term);
      yield* sleep(1); // the answer travels back
      return granted;
    }

    function* campaign(self: Voter): Coroutine<void> {
      yield* sleep(5); // the election timeout: a and b both time out at t=5
      self.term += 1;
      self.votedFor = self.name;
      const term = self.term;
      const others = nodes.filter((n) => n !== self);
      const votes = yield* gather(...others.map((voter) => requestVote(voter, self.name, term)));
      if (1 + votes.filter(Boolean).length >= 2) {
        cluster.update((c) => {
          (c.leaders[term] ??= []).push(self.name);
        });
      }
    }

    yield* gather(campaign(nodes[0]!), campaign(nodes[1]!));
  };
}

/** Explores the buggy and the fixed voter and prints what a developer would read. */
export function run(print: (line: string) => void): void {
  const buggy = explore(election(false), { policy: "exhaustive", runs: 1000, seed: 1, name: "forgetful-voter" });
  print(
    `a voter that forgets its vote: ${buggy.ok ? "no failure" : `${buggy.failure!.kind} after ${buggy.runs} run(s)`}`,
  );
  if (buggy.failure !== undefined) {
    const error = buggy.failure.error;
    print(`  ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    print(`  minimal schedule: "${buggy.failure.schedule}" (replay it with seed ${buggy.failure.runSeed})`);
  }
  const fixed = explore(election(true), {
    policy: "exhaustive",
    runs: 5000,
    seed: 1,
    maxDeviations: 2,
    levels: { ties: true, interleave: true },
    name: "remembering-voter",
  });
  print(
    `a voter that remembers its vote per term: ${fixed.ok ? "no failure" : "FAILED"} in ${fixed.runs} runs; ${fixed.coverage.summary}`,
  );
}
