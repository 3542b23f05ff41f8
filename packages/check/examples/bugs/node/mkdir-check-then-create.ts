/**
 * Check-then-create racing a concurrent creator (modelled on jonvuri/mkpath#2). `mkpath` stats the
 * directory and creates it when missing; each file-system call takes 0.2–4 ms. A second request calls
 * `mkpath` on the same directory 2 ms after the first; when the first one's calls are slow, both see
 * the directory missing, and the later `mkdir` fails with EEXIST. The fix: an EEXIST from `mkdir` on
 * what is now a directory counts as success.
 *
 * @module
 */
import type { EventLoop } from "@simloop/core";
import { gather, sleep } from "@simloop/coroutines";
import type { BugCase } from "../bug-case.ts";
import { io } from "./io.ts";

class ExistsError extends Error {
  readonly code = "EEXIST";
}

class FileSystem {
  private readonly dirs = new Set<string>(["/var", "/var/cache"]);
  private readonly loop: EventLoop;
  constructor(loop: EventLoop) {
    this.loop = loop;
  }
  *isDirectory(path: string) {
    yield* io(this.loop, 0.2, 4);
    return this.dirs.has(path);
  }
  *mkdir(path: string) {
    yield* io(this.loop, 0.2, 4);
    if (this.dirs.has(path)) throw new ExistsError(`EEXIST: file already exists, mkdir '${path}'`);
    this.dirs.add(path);
  }
}

function* mkpath(fs: FileSystem, path: string, tolerant: boolean) {
  if (yield* fs.isDirectory(path)) return;
  try {
    yield* fs.mkdir(path);
  } catch (error) {
    if (tolerant && error instanceof ExistsError && (yield* fs.isDirectory(path))) return;
    throw error;
  }
}

function makeProgram(tolerant: boolean, name: string) {
  const program = function* (loop: EventLoop) {
    const fs = new FileSystem(loop);
    const first = loop.createTask(mkpath(fs, "/var/cache/app", tolerant), { name: "request-1" });
    yield* sleep(2); // the second request arrives
    yield* gather(first, mkpath(fs, "/var/cache/app", tolerant));
  };
  Object.defineProperty(program, "name", { value: name });
  return program;
}

/** The check-then-create mkdir, and the one that accepts EEXIST on a directory. */
export const mkdirCheckThenCreateBug: BugCase = {
  id: "mkdir-check-then-create",
  summary: "two mkpath calls both find the directory missing; the second mkdir fails with EEXIST",
  buggy: makeProgram(false, "mkdirCheckThenCreate"),
  fixed: makeProgram(true, "mkdirCheckThenCreateFixed"),
  kind: "error",
  depth: 1,
  levels: { jitter: true },
  source: "jonvuri/mkpath#2",
  budgets: { random: 50, pct: 50 },
};
