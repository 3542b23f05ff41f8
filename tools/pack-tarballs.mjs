#!/usr/bin/env node
// Builds and packs every public workspace package (private ones, such as the benchmark, are left out:
// they are not published and depend on packages that are not either) into one folder, `tarballs/` at
// the repository's root unless a folder is given: `node tools/pack-tarballs.mjs [destination]`.
// The README's Install section runs it as `pnpm pack:tarballs`; tools/check-packages.mjs packs the
// same list of packages.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/** The workspace packages a user installs: every `packages/*` whose package.json is not private. */
export function publicPackages() {
  return readdirSync(join(root, "packages"))
    .map((dir) => join(root, "packages", dir))
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) }))
    .filter(({ manifest }) => manifest.private !== true);
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const destination = resolve(process.argv[2] ?? join(root, "tarballs"));
  rmSync(destination, { recursive: true, force: true });
  mkdirSync(destination, { recursive: true });
  for (const { dir, manifest } of publicPackages()) {
    for (const args of [
      ["run", "build"],
      ["pack", "--pack-destination", destination],
    ]) {
      const result = spawnSync("npx", ["-y", "pnpm@12.4.2", ...args], { cwd: dir, stdio: "inherit" });
      if (result.status !== 0) {
        console.error(`pack-tarballs: \`pnpm ${args.join(" ")}\` failed for ${manifest.name}`);
        process.exit(1);
      }
    }
  }
  console.log(`pack-tarballs: ${readdirSync(destination).join(", ")} in ${destination}`);
}
