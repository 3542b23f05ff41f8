/**
 * The examples, by name: each runs a model or an exploration and prints what a user would read. Their
 * output is pinned by golden files (`golden/<name>.out`, checked by `test/examples.test.ts`).
 */
import { run as bank } from "./bank.ts";
import { run as configCache } from "./config-cache-explored.ts";
import { run as diningPhilosophers } from "./dining-philosophers.ts";
import { run as jobShop } from "./job-shop.ts";
import { run as leaderElection } from "./leader-election.ts";
import { run as producerConsumer } from "./producer-consumer.ts";

/** Each example's entry: runs it, passing each printed line to `print` (an async example returns a Promise). */
export const examples: Readonly<Record<string, (print: (line: string) => void) => void | Promise<void>>> = {
  "producer-consumer": producerConsumer,
  "dining-philosophers": diningPhilosophers,
  "leader-election": leaderElection,
  bank,
  "job-shop": jobShop,
  "config-cache": configCache,
};
