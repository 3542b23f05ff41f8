import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { conditions: ["@simloop/source", "default"] },
  ssr: { resolve: { conditions: ["@simloop/source", "default"] } },
  test: {
    include: ["packages/*/test/**/*.test.ts"],
    setupFiles: ["./tools/vitest-setup.ts"],
  },
});
