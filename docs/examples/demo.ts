/**
 * `pnpm demo`: the seed scenarios with virtual timestamps, then an exploration that finds a bug.
 */
import { exploration } from "./exploration.ts";
import { seedScenarios } from "./seed-scenarios.ts";

console.log("simloop demo: asyncio's event loop on virtual time\n");
seedScenarios((line) => console.log(line));

console.log("\nschedule exploration: finding a lost update\n");
exploration((line) => console.log(line));
