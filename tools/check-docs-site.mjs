#!/usr/bin/env node
// Builds the docs site and looks at it: typedoc generates the API reference (docs/api), VitePress builds
// docs/ (a dead link fails the build), then headless Chromium opens the home page and one API page from
// a local server on 127.0.0.1, fails on a console error or a missing heading, and writes a screenshot
// of each (docs/.vitepress/screenshots/, not committed).
// Chromium is Debian's `chromium` at /usr/bin/chromium: installed with apt-get when absent and this runs
// as root, else the screenshots are skipped with a message (the build and link check still run).
// Options: --no-build (screenshot the existing build), --quiet (only the summary).
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync, mkdirSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { createRequire } from "node:module";
import { extname, join, normalize } from "node:path";
import { HEADLESS_CHROMIUM_ARGS } from "./headless-chromium.mjs";

const root = new URL("..", import.meta.url).pathname;
const docs = join(root, "docs");
const dist = join(docs, ".vitepress/dist");
const shots = join(docs, ".vitepress/screenshots");
const quiet = process.argv.includes("--quiet");
const chromium = "/usr/bin/chromium";
const log = (line) => {
  if (!quiet) console.log(line);
};

function run(command, args, cwd) {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", stdio: quiet ? "pipe" : "inherit" });
  if (result.status !== 0) {
    console.error(`check-docs-site: \`${command} ${args.join(" ")}\` failed (exit ${result.status})`);
    if (quiet) console.error(`${result.stdout}${result.stderr}`);
    process.exit(1);
  }
}

// ------------------------------------------------------------------------------------------- build

if (!process.argv.includes("--no-build")) {
  run("npx", ["-y", "pnpm@12.4.2", "--filter", "@simloop/docs", "run", "build"], root);
}
const pages = [
  { path: "/", name: "home", expect: "asyncio's event loop on virtual time" },
  { path: "/api/@simloop/core/classes/EventLoop", name: "api-event-loop", expect: "EventLoop" },
];
for (const page of pages) {
  const file = page.path === "/" ? "index.html" : `${page.path.slice(1)}.html`;
  if (!existsSync(join(dist, file))) {
    console.error(`check-docs-site: the build has no ${file}`);
    process.exit(1);
  }
}

// ------------------------------------------------------------------------------------------ chromium

function ensureChromium() {
  if (existsSync(chromium)) return true;
  const root_ = process.getuid?.() === 0;
  if (!root_ || spawnSync("which", ["apt-get"]).status !== 0) {
    console.log(
      `check-docs-site: screenshots skipped: no ${chromium}, and apt-get cannot install it here (install Debian's chromium package)`,
    );
    return false;
  }
  log("check-docs-site: installing Debian's chromium with apt-get");
  const options = { stdio: quiet ? "ignore" : "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } };
  const lock = ["-o", "DPkg::Lock::Timeout=300"];
  spawnSync("apt-get", [...lock, "update"], options);
  spawnSync("apt-get", [...lock, "install", "-y", "--no-install-recommends", "chromium"], options);
  if (existsSync(chromium)) return true;
  console.log("check-docs-site: screenshots skipped: apt-get could not install chromium");
  return false;
}

const types = {
  ".html": "text/html",
  ".js": "text/javascript",
  ".css": "text/css",
  ".svg": "image/svg+xml",
  ".json": "application/json",
  ".woff2": "font/woff2",
  ".png": "image/png",
};

/** Serves the build as a static host with clean URLs would: /core is core.html, /api/ is api/index.html. */
function serve() {
  const server = createServer((request, response) => {
    const path = normalize(decodeURIComponent(new URL(request.url, "http://localhost").pathname)).replace(
      /^(\.\.[/\\])+/,
      "",
    );
    const candidates = [join(dist, path), join(dist, `${path}.html`), join(dist, path, "index.html")];
    const file = candidates.find((f) => f.startsWith(dist) && existsSync(f) && statSync(f).isFile());
    if (file === undefined) {
      response.writeHead(404).end("not found");
      return;
    }
    response.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" });
    createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

const problems = [];
if (ensureChromium()) {
  const require = createRequire(join(docs, "package.json"));
  const { default: puppeteer } = await import(require.resolve("puppeteer-core"));
  const server = await serve();
  const base = `http://127.0.0.1:${server.address().port}`;
  const browser = await puppeteer.launch({
    executablePath: chromium,
    headless: true,
    args: [...HEADLESS_CHROMIUM_ARGS],
  });
  try {
    mkdirSync(shots, { recursive: true });
    for (const { path, name, expect } of pages) {
      const page = await browser.newPage();
      const errors = [];
      page.on("console", (message) => {
        if (message.type() === "error") errors.push(message.text());
      });
      page.on("pageerror", (error) => errors.push(error.message));
      page.on("requestfailed", (request) => errors.push(`request failed: ${request.url()}`));
      page.on("response", (response) => {
        if (response.status() >= 400) errors.push(`HTTP ${response.status()} for ${response.url()}`);
      });
      await page.setViewport({ width: 1280, height: 800 });
      const response = await page.goto(`${base}${path}`, { waitUntil: "networkidle0", timeout: 60_000 });
      const heading = await page.$eval("h1", (h) => h.textContent ?? "").catch(() => "");
      const text = await page.evaluate(() => document.body.innerText);
      const file = join(shots, `${name}.png`);
      await page.screenshot({ path: file });
      const size = statSync(file).size;
      if (response?.status() !== 200) problems.push(`${path}: HTTP ${response?.status()}`);
      if (errors.length > 0) problems.push(`${path}: console errors: ${errors.join("; ")}`);
      if (!text.includes(expect)) problems.push(`${path}: the page does not show "${expect}" (h1: "${heading}")`);
      if (size < 20_000) problems.push(`${path}: the screenshot is ${size} bytes: a blank page?`);
      log(`check-docs-site: ${path}: h1 "${heading.trim()}", screenshot ${file} (${(size / 1024).toFixed(0)} KiB)`);
      await page.close();
    }
  } finally {
    await browser.close();
    server.close();
  }
}

if (problems.length > 0) {
  console.error(`check-docs-site: ${problems.length} problem(s):\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log(
  `check-docs-site: API reference generated, site built with no dead link, ${existsSync(join(shots, "home.png")) ? "home and API pages rendered in headless Chromium" : "screenshots skipped"}`,
);
