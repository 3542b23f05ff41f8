/**
 * ABA on a queue: a free list of buffers is a linked queue with a head pointer. A slow allocator reads
 * the head (A) and its successor (B), zeroes A (1 s), then "compare-and-sets" the head from A to B. If
 * a fast allocator takes A and B and gives A back meanwhile, the head is A again, the check passes, and
 * B — still in use — goes back on the free list: the next allocation hands B out twice. Fixed with a
 * version tag on the head (the classic ABA fix).
 *
 * @module
 */
import type { EventLoop } from "@simloop/core";
import { gather, sleep } from "@simloop/coroutines";
import type { BugCase } from "./bug-case.ts";

/** A node of the free list. */
export interface Node {
  readonly id: string;
  next: Node | null;
}

/** A free list with a version counter (the tag that fixes ABA); shared with the Promise twin. */
export class FreeList {
  head: Node | null;
  version = 0;
  constructor(ids: string[]) {
    let head: Node | null = null;
    for (const id of [...ids].reverse()) head = { id, next: head };
    this.head = head;
  }
  take(): Node {
    const node = this.head as Node;
    this.head = node.next;
    this.version++;
    return node;
  }
  give(node: Node): void {
    node.next = this.head;
    this.head = node;
    this.version++;
  }
}

function* slowAllocate(list: FreeList, tagged: boolean): Generator<unknown, Node, unknown> {
  for (;;) {
    const head = list.head as Node;
    const next = head.next;
    const version = list.version;
    yield* sleep(1); // zero the buffer
    if (list.head === head && (!tagged || list.version === version)) {
      list.head = next;
      list.version++;
      return head;
    }
  }
}

function* fastUser(list: FreeList, held: string[]) {
  yield* sleep(1);
  const a = list.take();
  const b = list.take();
  held.push(b.id);
  list.give(a); // done with A already
}

function makeProgram(tagged: boolean, name: string) {
  const program = function* (_loop: EventLoop) {
    const list = new FreeList(["A", "B", "C", "D"]);
    const held: string[] = [];
    const [slow] = yield* gather(slowAllocate(list, tagged) as never, fastUser(list, held));
    held.push((slow as Node).id);
    held.push(list.take().id);
    if (new Set(held).size !== held.length) throw new Error(`buffer handed out twice: ${held.join(", ")}`);
  };
  Object.defineProperty(program, "name", { value: name });
  return program;
}

/** The ABA bug and its version-tagged twin. */
export const queueAbaBug: BugCase = {
  id: "queue-aba",
  summary: "the head of a free-list queue goes A → B → A during a slow compare-and-set",
  buggy: makeProgram(false, "queueAba"),
  fixed: makeProgram(true, "queueAbaFixed"),
  kind: "error",
  depth: 1,
  budgets: { random: 50, pct: 50, exhaustive: 10, "fast-check": 100 },
};
