// `pnpm conformance`: checks that the recorded asyncio traces are current with the installed CPython,
// then runs the conformance suite (scenarios and differential fuzzer) on simloop.
// Extra arguments are passed to vitest; SIMLOOP_FUZZ_SEEDS sets the number of fuzz seeds.
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = fileURLToPath(new URL("../../", import.meta.url));

function run(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.error !== undefined) throw result.error;
  return result.status ?? 1;
}

const check = run("python3", [`${here}oracle.py`, "--all", `${here}scenarios`, "--check", `${here}expected`]);
if (check !== 0) {
  process.stderr.write(
    "Expected traces are out of date: regenerate them with\n" +
      "  python3 tools/asyncio-oracle/oracle.py --all tools/asyncio-oracle/scenarios --write tools/asyncio-oracle/expected\n",
  );
  process.exit(check);
}
process.exit(run("npx", ["vitest", "run", "packages/coroutines/test/conformance", ...process.argv.slice(2)]));
