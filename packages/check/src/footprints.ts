/**
 * Footprints: what each step of a run touched, among what the primitives can prove, and which tie
 * choices of the run could not have changed its outcome (the reduction of {@link exhaustive}'s
 * `reduce` option; decision 0026 says what counts as independent and why).
 *
 * The unit of the reduction is an *instant region*: the timers that tie at one virtual time (one tie
 * group, asked about in one or more questions), and everything their callbacks cause at that same
 * time — each member's *cascade* (its dispatch, the task steps and callbacks it schedules, and theirs,
 * until time moves on). A run's footprint of a cascade is the set of objects its dispatches touched:
 * futures completed or awaited, tasks stepped, woken, cancelled or interrupted, and every object a
 * library reported with `noteAccess` (the coroutines primitives, stores, the loop's `random`). A
 * dispatch that runs code which may touch anything else — a task step, a plain callback or timer, a
 * future's done callback — is *untracked*, dependent with everything, unless the exploration was told
 * `sharedState: "tracked"` (the program declares that its shared state lives in stores and primitives).
 *
 * A region is *reducible* when, in the run, it was closed by time moving on, it asked nothing but its
 * own group's questions (no jitter draw, no other choice), every member ran, no other dispatch ran at
 * that time, no I/O completion was pending when it closed, and the members' cascades are pairwise
 * independent (no untracked dispatch, no object touched by two cascades). Then every order of the
 * group gives the same state when time moves on, up to the insertion order of timers and requests,
 * which every later choice point can permute anyway: the alternatives at the region's questions need
 * not be run.
 *
 * @module
 */
import {
  Future,
  Handle,
  WaitableTimer,
  type ChoicePoint,
  type EventLoop,
  type Instrument,
  type Task,
} from "@simloop/core";

/**
 * Where a program keeps the state its tasks and callbacks share, as the exploration may assume:
 * `"untracked"` (the default: a task step or plain callback may touch anything, so it is dependent
 * with every other step) or `"tracked"` (an explicit promise that all shared state lives in stores
 * (`createStore`), futures, tasks and the coroutines primitives, which report what they touch).
 */
export type SharedState = "untracked" | "tracked";

/** The cascade of one tie group member at its instant: what it touched. */
interface Cascade {
  readonly touched: Set<object>;
  untracked: boolean;
}

/** The timers of one tie group and everything they caused at their instant. */
interface Region {
  readonly time: number;
  readonly members: ReadonlySet<Handle>;
  /** The indices (in the run's decisions) of the group's questions. */
  readonly decisions: number[];
  readonly cascades: Cascade[];
  tainted: boolean;
  closed: boolean;
}

/**
 * @internal An instrument that records, per run, each tie group's cascades and what they touched, and
 * says which of the run's decisions belong to a reducible region. One recorder serves every run of a
 * campaign: {@link FootprintRecorder.attach} starts a run afresh.
 */
export class FootprintRecorder implements Instrument {
  private readonly tracked: boolean;
  private loop: EventLoop | null = null;
  private regions: Region[] = [];
  private region: Region | null = null;
  private cascadeOf = new Map<Handle, Cascade>();
  private cascade: Cascade | null = null;

  constructor(sharedState: SharedState) {
    this.tracked = sharedState === "tracked";
  }

  /** Starts recording a run on `loop` (forgets the previous run). */
  attach(loop: EventLoop): void {
    this.loop = loop;
    this.regions = [];
    this.region = null;
    this.cascadeOf = new Map();
    this.cascade = null;
    loop.addInstrument(this);
  }

  /** The policy answered choice point `point`, the run's decision number `index`. */
  choice(point: ChoicePoint, index: number): void {
    this.advance(point.time);
    const region = this.region;
    if (point.kind !== "tie") {
      if (region !== null) region.tainted = true;
      return;
    }
    if (region === null) {
      const opened: Region = {
        time: point.time,
        members: new Set<Handle>(point.candidates),
        decisions: [index],
        cascades: [],
        tainted: false,
        closed: false,
      };
      this.regions.push(opened);
      this.region = opened;
      this.cascadeOf = new Map();
      return;
    }
    region.decisions.push(index);
    if (!point.candidates.every((candidate) => region.members.has(candidate))) region.tainted = true;
  }

  /** The policy drew an uncertain duration at `time`: a choice inside a cascade. */
  drew(time: number): void {
    this.advance(time);
    if (this.region !== null) this.region.tainted = true;
  }

  /** The decisions of the run that belong to a reducible region (see the module's summary). */
  reducibleDecisions(): Set<number> {
    // A region still open when the run ended did not close: the run stopped inside it.
    if (this.region !== null) this.region.tainted = true;
    this.region = null;
    const skip = new Set<number>();
    for (const region of this.regions) {
      if (region.closed && !region.tainted && independent(region)) for (const d of region.decisions) skip.add(d);
    }
    return skip;
  }

  /** @internal Instrument hook: a handle was scheduled. Its cascade is the running one's. */
  scheduled(handle: Handle): void {
    const cascade = this.cascade;
    if (cascade === null) return;
    this.cascadeOf.set(handle, cascade);
    const task = handle.kind === "step" ? handle.task : null;
    if (task !== null) cascade.touched.add(task);
  }

  /** @internal Instrument hook: a dispatch starts. */
  beforeDispatch(handle: Handle): void {
    this.advance((this.loop as EventLoop).time());
    const region = this.region;
    this.cascade = null;
    if (region === null) return;
    let cascade = this.cascadeOf.get(handle);
    if (cascade === undefined) {
      if (!region.members.has(handle)) {
        // Something that no member caused runs at the instant: its order against them is not ours.
        region.tainted = true;
        return;
      }
      cascade = { touched: new Set(), untracked: false };
      region.cascades.push(cascade);
      this.cascadeOf.set(handle, cascade);
    }
    this.cascade = cascade;
    const kind = handle.kind;
    const future = handle.future;
    if (future !== null) cascade.touched.add(future);
    if (kind === "step") {
      const task = handle.task;
      if (task !== null) cascade.touched.add(task);
    } else if (!(handle instanceof WaitableTimer) && !this.tracked) {
      // A plain callback, a timer's callback or a done callback runs code that may touch anything.
      // (The coroutines' own done callbacks — gather's, wait's, shield's, a task group's — report the
      // object their state lives in, so under "tracked" they are seen like the program's.)
      cascade.untracked = true;
    }
  }

  /** @internal Instrument hook: a dispatch ended. */
  afterDispatch(_handle: Handle): void {
    this.cascade = null;
  }

  /** @internal Instrument hook: a task step runs the program's code. */
  beforeTaskStep(task: Task<unknown>): void {
    const cascade = this.cascade;
    if (cascade === null) return;
    cascade.touched.add(task);
    if (!this.tracked) cascade.untracked = true;
  }

  /** @internal Instrument hook: after a step, the future the task now awaits is part of the footprint. */
  afterTaskStep(task: Task<unknown>): void {
    const cascade = this.cascade;
    if (cascade === null) return;
    const waited = task.waitingOn();
    if (waited instanceof Future) cascade.touched.add(waited);
  }

  /** @internal Instrument hook: a future completed. */
  futureDone(future: Future<unknown>): void {
    if (this.cascade !== null) this.cascade.touched.add(future);
  }

  /** @internal Instrument hook: a library reported an access. */
  access(target: object): void {
    if (this.cascade !== null) this.cascade.touched.add(target);
  }

  /** Closes the open region once time has moved past it. */
  private advance(time: number): void {
    const region = this.region;
    if (region === null || time <= region.time) return;
    region.closed = true;
    if (region.cascades.length !== region.members.size) region.tainted = true;
    if (pendingDeliveries(this.loop as EventLoop)) region.tainted = true;
    this.region = null;
    this.cascade = null;
  }
}

function pendingDeliveries(loop: EventLoop): boolean {
  const deliveries = loop._deliveries;
  return deliveries !== null && deliveries.some((delivery) => !delivery.withdrawn);
}

/** Whether a region's cascades are pairwise independent: none untracked, no object touched by two. */
function independent(region: Region): boolean {
  const seen = new Set<object>();
  for (const cascade of region.cascades) {
    if (cascade.untracked) return false;
    for (const target of cascade.touched) {
      if (seen.has(target)) return false;
    }
    for (const target of cascade.touched) seen.add(target);
  }
  return true;
}
