/** Where the oracle, its scenarios and their expected traces live. */
import { fileURLToPath } from "node:url";

/** `tools/asyncio-oracle/` at the repository root. */
export const ORACLE_DIR: string = fileURLToPath(new URL("../../../../tools/asyncio-oracle/", import.meta.url));

/** Scenario files, `<name>.json`. */
export const SCENARIOS_DIR: string = `${ORACLE_DIR}scenarios/`;

/** Expected traces recorded on CPython asyncio, `<name>.trace`. */
export const EXPECTED_DIR: string = `${ORACLE_DIR}expected/`;

/**
 * The first line where two traces differ, as a short report (`null` when they are equal).
 */
export function firstDifference(expected: string, actual: string): string | null {
  if (expected === actual) return null;
  const want = expected.split("\n");
  const got = actual.split("\n");
  const n = Math.max(want.length, got.length);
  for (let i = 0; i < n; i++) {
    if (want[i] !== got[i]) {
      return [
        `first difference at line ${i + 1}:`,
        `  asyncio: ${want[i] ?? "<end of trace>"}`,
        `  simloop: ${got[i] ?? "<end of trace>"}`,
      ].join("\n");
    }
  }
  return "traces differ";
}
