import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["@simloop/source", "default"] },
  ssr: { resolve: { conditions: ["@simloop/source", "default"] } },
  test: {
    include: ["packages/*/test/**/*.test.ts", "docs/test/**/*.test.ts", "docs/examples/test/**/*.test.ts"],
    setupFiles: ["./tools/vitest-setup.ts"],
    // The suite runs files in parallel on machines that may be loaded: 5 s (the default) is a flaky
    // limit for the simulation-sized tests. A hang is still caught, later.
    testTimeout: 60_000,
  },
});
