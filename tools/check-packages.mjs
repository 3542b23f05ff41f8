#!/usr/bin/env node
// Checks the packages as a user receives them: builds every public workspace package from a clean
// dist, packs it with `pnpm pack` (which turns `workspace:*` into versions), and checks each tarball:
//   - LICENSE, README.md and package.json are in it; every relative link of the README points to a
//     file inside the tarball (absolute links are left to the reader);
//   - every source map names sources that are inside the tarball;
//   - publint reports no error, arethetypeswrong (ESM-only profile) reports no problem;
// then installs all the tarballs with npm into a scratch project outside the repository and runs
// an ESM test that imports each package and runs a small program through it.
// Options: --keep (leave the scratch directory and print its path), --quiet (only the summary).
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, normalize, posix } from "node:path";
import { gunzipSync } from "node:zlib";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { publicPackages } from "./pack-tarballs.mjs";

const root = new URL("..", import.meta.url).pathname;
const keep = process.argv.includes("--keep");
const quiet = process.argv.includes("--quiet");
const pnpm = ["-y", "pnpm@12.4.2"];
const problems = [];
const log = (line) => {
  if (!quiet) console.log(line);
};

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { encoding: "utf8", ...options });
  if (result.status !== 0) {
    throw new Error(
      `check-packages: \`${command} ${args.join(" ")}\` exited ${result.status} in ${options.cwd ?? root}\n${result.stdout ?? ""}${result.stderr ?? ""}`,
    );
  }
  return result.stdout;
}

/** The files of a .tgz, by path without the leading "package/". */
function untar(tarball) {
  const data = gunzipSync(readFileSync(tarball));
  const files = new Map();
  let offset = 0;
  while (offset + 512 <= data.length) {
    const header = data.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start, length) =>
      header
        .subarray(start, start + length)
        .toString("utf8")
        .replace(/\0.*$/s, "");
    const name = field(345, 155) ? `${field(345, 155)}/${field(0, 100)}` : field(0, 100);
    const size = parseInt(field(124, 12).trim() || "0", 8);
    const type = field(156, 1);
    if (type === "0" || type === "")
      files.set(name.replace(/^package\//, ""), data.subarray(offset + 512, offset + 512 + size));
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return files;
}

function checkTarball(name, tarball) {
  const files = untar(tarball);
  const fail = (what) => problems.push(`${name}: ${what}`);
  for (const required of ["LICENSE", "README.md", "package.json"]) {
    if (!files.has(required)) fail(`the tarball has no ${required}`);
  }
  if (files.has("LICENSE") && !files.get("LICENSE").toString("utf8").startsWith("MIT License")) {
    fail("LICENSE is not the MIT license");
  }
  const readme = files.get("README.md")?.toString("utf8") ?? "";
  for (const [, target] of readme.matchAll(/\]\(([^)\s]+)\)/g)) {
    if (/^[a-z]+:/i.test(target) || target.startsWith("#")) continue;
    const path = normalize(target.replace(/#.*$/, "")).replace(/\/$/, "");
    if (path.startsWith("..") || (!files.has(path) && ![...files.keys()].some((f) => f.startsWith(`${path}/`)))) {
      fail(`README.md links to ${target}, which is not in the tarball: link to the published docs instead`);
    }
  }
  let maps = 0;
  for (const [path, content] of files) {
    if (!path.endsWith(".map")) continue;
    maps++;
    const map = JSON.parse(content.toString("utf8"));
    for (const source of map.sources) {
      const resolved = posix.normalize(posix.join(posix.dirname(path), map.sourceRoot ?? "", source));
      if (!files.has(resolved)) fail(`${path} points to ${source}, which is not in the tarball`);
    }
  }
  if (maps === 0) fail("the tarball has no source maps");
  return files;
}

async function runPublint(name, tarball) {
  const data = readFileSync(tarball);
  const pack = { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) };
  const { messages, pkg } = await publint({ pack, level: "suggestion", strict: false });
  for (const message of messages) {
    const text = formatMessage(message, pkg, { color: false });
    if (message.type === "error") problems.push(`${name}: publint: ${text}`);
    else log(`  publint ${message.type}: ${text}`);
  }
}

function runAttw(name, tarball) {
  const result = spawnSync(
    "npx",
    ["attw", tarball, "--profile", "esm-only", "--no-definitely-typed", "--format", "json"],
    { cwd: root, encoding: "utf8" },
  );
  let report;
  try {
    report = JSON.parse(result.stdout);
  } catch {
    problems.push(`${name}: arethetypeswrong printed no report (exit ${result.status}): ${result.stderr}`);
    return;
  }
  // The JSON lists every problem; the exit code says whether one counts under the ESM-only profile
  // (node10 and require() resolutions do not: the packages are ESM only, see docs/decisions).
  if (result.status !== 0) {
    problems.push(`${name}: arethetypeswrong: ${JSON.stringify(report.problems).slice(0, 2000)}`);
  }
}

// ---------------------------------------------------------------------------------------------- build

// The same packages as `pnpm pack:tarballs` (the README's Install section), so a private one never
// reaches the user's install command.
const packages = publicPackages();

const scratch = mkdtempSync(join(tmpdir(), "simloop-packages-"));
const packs = join(scratch, "tarballs");
const tarballs = new Map();
const license = readFileSync(join(root, "LICENSE"), "utf8");
for (const { dir, manifest } of packages) {
  // npm publish takes LICENSE from the package's own directory only (pnpm pack falls back to the root's).
  if (!existsSync(join(dir, "LICENSE")) || readFileSync(join(dir, "LICENSE"), "utf8") !== license) {
    problems.push(`${manifest.name}: ${join(dir, "LICENSE")} is missing or differs from the repository's LICENSE`);
  }
  rmSync(join(dir, "dist"), { recursive: true, force: true });
  run("npx", [...pnpm, "run", "build"], { cwd: dir });
  const before = new Set(existsSync(packs) ? readdirSync(packs) : []);
  run("npx", [...pnpm, "pack", "--pack-destination", packs], { cwd: dir });
  const made = readdirSync(packs).find((f) => !before.has(f));
  if (made === undefined) throw new Error(`check-packages: pnpm pack made no tarball for ${manifest.name}`);
  tarballs.set(manifest.name, join(packs, made));
}

// ---------------------------------------------------------------------------------------------- check

for (const [name, tarball] of tarballs) {
  const files = checkTarball(name, tarball);
  const manifest = JSON.parse(files.get("package.json").toString("utf8"));
  for (const field of ["repository", "homepage", "engines", "license"]) {
    if (manifest[field] === undefined) problems.push(`${name}: package.json has no "${field}"`);
  }
  for (const deps of [manifest.dependencies, manifest.peerDependencies]) {
    for (const [dep, range] of Object.entries(deps ?? {})) {
      if (range.startsWith("workspace:")) problems.push(`${name}: ${dep} is still "${range}" in the tarball`);
    }
  }
  await runPublint(name, tarball);
  runAttw(name, tarball);
  log(`${name}: ${files.size} files, ${(readFileSync(tarball).length / 1024).toFixed(0)} KiB packed`);
}

// ------------------------------------------------------------------------------------ scratch install

const project = join(scratch, "project");
run("mkdir", ["-p", project]);
const dependencies = Object.fromEntries([...tarballs].map(([name, tarball]) => [name, `file:${tarball}`]));
dependencies["fast-check"] = JSON.parse(
  readFileSync(join(root, "packages/check/package.json"), "utf8"),
).peerDependencies["fast-check"];
writeFileSync(
  join(project, "package.json"),
  JSON.stringify({ name: "simloop-scratch", private: true, type: "module", dependencies }, null, 2),
);
writeFileSync(join(project, "smoke.test.mjs"), readFileSync(join(root, "tools/package-smoke.mjs"), "utf8"));
writeFileSync(join(project, "programs.mjs"), readFileSync(join(root, "tools/package-smoke-programs.mjs"), "utf8"));
run("npm", ["install", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"], { cwd: project });
const smoke = spawnSync(process.execPath, ["smoke.test.mjs"], { cwd: project, encoding: "utf8" });
if (smoke.status !== 0) problems.push(`the scratch project's ESM test failed:\n${smoke.stdout}${smoke.stderr}`);
else log(smoke.stdout.trimEnd());

if (keep) console.log(`check-packages: scratch project kept in ${scratch}`);
else rmSync(scratch, { recursive: true, force: true });

if (problems.length > 0) {
  console.error(`check-packages: ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log(
  `check-packages: ${tarballs.size} tarballs packed, checked (publint, arethetypeswrong, LICENSE, README links, source maps) and installed; ESM smoke test passed`,
);
