/**
 * Runs one example by name and prints its output: `pnpm --filter @simloop/examples run example bank`
 * (or `node --conditions=@simloop/source --import tsx src/run.ts bank` in this folder).
 */
import { examples } from "./index.ts";

const name = process.argv[2] ?? "";
const example = examples[name];
if (example === undefined) {
  console.error(`Unknown example ${JSON.stringify(name)}; the examples are: ${Object.keys(examples).join(", ")}.`);
  process.exitCode = 2;
} else {
  await example((line) => console.log(line));
}
