/**
 * The candidates of one tie group by priority, for PCT: a binary max-heap of (priority, position) over
 * the group as first asked, and a Fenwick tree of the positions already fired, so that each question of
 * the group costs O(log m) instead of a scan of its m candidates. The loop asks a group's questions on
 * the same array, shorter by the timer fired each time (see `TieChoice`).
 *
 * @module
 */
import type { Handle } from "@simloop/core";

/** @internal A tie group's candidates, highest priority first (first position on equal priorities). */
export class PriorityGroup {
  /** The array the loop asks on. */
  ref: readonly Handle[] | null = null;
  /** The group's length at the last question (timers not yet fired). */
  length = 0;
  /** The position (in the group as first asked) of the last answer, or -1. */
  last = -1;
  /** The group as first asked: a position indexes it. */
  handles: Handle[] = [];
  private readonly prio: number[] = [];
  private readonly pos: number[] = [];
  /** The priority changes counted when each entry's priority was last read (see {@link PriorityGroup.settle}). */
  private readonly seen: number[] = [];
  /** A Fenwick tree over positions 1..m of the positions fired (kept from group to group, grown when short). */
  private fired = new Int32Array(0);
  /** 1 at a position fired. */
  private done = new Uint8Array(0);
  private deferred = false;

  /** Forgets the group (a new run, or an answer that deferred it). */
  clear(): void {
    this.ref = null;
    this.last = -1;
    this.deferred = false;
  }

  /**
   * Starts a group: `priorityOf(handle)` is a candidate's priority, asked in candidate order; `changes`
   * counts the priority changes so far (see {@link PriorityGroup.settle}).
   */
  reset(candidates: readonly Handle[], priorityOf: (handle: Handle) => number, changes: number): void {
    const m = candidates.length;
    this.ref = candidates;
    this.length = m;
    this.last = -1;
    this.deferred = false;
    this.handles = candidates.slice();
    // The heap and the position counts are kept from group to group (a crowd asks a new group at every
    // instant): emptied in place rather than made anew.
    this.prio.length = 0;
    this.pos.length = 0;
    this.seen.length = 0;
    if (this.fired.length < m + 1) {
      this.fired = new Int32Array(2 * m + 2);
      this.done = new Uint8Array(2 * m + 2);
    } else {
      this.fired.fill(0, 0, m + 1);
      this.done.fill(0, 0, m);
    }
    // Built bottom-up (O(m)) rather than pushed one by one: the order is total (priority, then
    // position), so any heap of the group gives the same top at every question.
    for (let i = 0; i < m; i++) {
      this.prio.push(priorityOf(candidates[i] as Handle));
      this.pos.push(i);
      this.seen.push(changes);
    }
    for (let i = (m >> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  /**
   * Whether `candidates` is this group after the last answer fired (the same array, one shorter), or
   * the group the last answer deferred, asked again in the next iteration (the loop passes the same
   * array, as long, when the group is unchanged: see `TieChoice`).
   */
  continues(candidates: readonly Handle[]): boolean {
    if (this.ref === null || candidates !== this.ref) return false;
    if (this.deferred) {
      if (candidates.length !== this.length) return false;
      this.deferred = false;
      return true;
    }
    return this.last >= 0 && candidates.length === this.length - 1;
  }

  /** Records that the last answer deferred the group to the next iteration. */
  defer(): void {
    this.deferred = true;
    this.last = -1;
  }

  /** Records that the last answer fired. */
  advance(): void {
    this.done[this.last] = 1;
    const m = this.handles.length;
    for (let i = this.last + 1; i <= m; i += i & -i) this.fired[i] = (this.fired[i] as number) + 1;
    this.length--;
    this.last = -1;
  }

  /** The position of the top entry (after {@link PriorityGroup.settle}). */
  topPosition(): number {
    return this.pos[0] as number;
  }

  /** The priority of the top entry. */
  topPriority(): number {
    return this.prio[0] as number;
  }

  /**
   * Drops fired entries and refreshes stale priorities (a task's priority only ever falls) until the top
   * is live and current; returns false when the group is empty. `changes` counts the priority changes so
   * far: an entry read since the last change is current without asking `current` again.
   */
  settle(current: (handle: Handle) => number, changes: number): boolean {
    while (this.prio.length > 0) {
      const position = this.pos[0] as number;
      if (this.done[position] === 1) {
        this.pop();
        continue;
      }
      if (this.seen[0] === changes) return true;
      const now = current(this.handles[position] as Handle);
      if (now === this.prio[0]) {
        this.seen[0] = changes;
        return true;
      }
      this.pop();
      this.push(now, position, changes);
    }
    return false;
  }

  /** The current index of a position: the position minus the fired positions before it. */
  indexOf(position: number): number {
    let before = 0;
    for (let i = position; i > 0; i -= i & -i) before += this.fired[i] as number;
    return position - before;
  }

  private higher(a: number, b: number): boolean {
    const pa = this.prio[a] as number;
    const pb = this.prio[b] as number;
    return pa > pb || (pa === pb && (this.pos[a] as number) < (this.pos[b] as number));
  }

  private swap(a: number, b: number): void {
    const p = this.prio[a] as number;
    this.prio[a] = this.prio[b] as number;
    this.prio[b] = p;
    const q = this.pos[a] as number;
    this.pos[a] = this.pos[b] as number;
    this.pos[b] = q;
    const c = this.seen[a] as number;
    this.seen[a] = this.seen[b] as number;
    this.seen[b] = c;
  }

  private push(priority: number, position: number, changes: number): void {
    this.prio.push(priority);
    this.pos.push(position);
    this.seen.push(changes);
    let i = this.prio.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.higher(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private pop(): void {
    const last = this.prio.length - 1;
    this.swap(0, last);
    this.prio.pop();
    this.pos.pop();
    this.seen.pop();
    this.siftDown(0);
  }

  /** Moves entry `i` down to its place below its higher children. */
  private siftDown(start: number): void {
    let i = start;
    const n = this.prio.length;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let top = i;
      if (l < n && this.higher(l, top)) top = l;
      if (r < n && this.higher(r, top)) top = r;
      if (top === i) return;
      this.swap(i, top);
      i = top;
    }
  }
}
