/**
 * A keep-alive agent hands out a socket it is destroying (modelled on node-modules/agentkeepalive#23).
 * After a request, the agent keeps the socket in its free list and arms a 4 s free-socket timeout. When
 * the timeout fires, the agent destroys the socket, but takes it out of the free list only on its `close`
 * event, 1–30 ms later. A request that comes in meanwhile (the client's think time is 3.9–4.1 s) is given
 * the dying socket and fails with "socket hang up". The fix: take the socket out of the free list as
 * soon as its timeout fires.
 *
 * @module
 */
import type { EventLoop, TimerHandle } from "@simloop/core";
import { uncertain } from "@simloop/coroutines";
import type { BugCase } from "../bug-case.ts";
import { io } from "./io.ts";

const FREE_SOCKET_TIMEOUT = 4000;

interface Socket {
  readonly id: number;
  destroyed: boolean;
  idle: TimerHandle | null;
}

class Agent {
  private readonly free: Socket[] = [];
  private opened = 0;
  private readonly loop: EventLoop;
  private readonly removeOnTimeout: boolean;

  constructor(loop: EventLoop, removeOnTimeout: boolean) {
    this.loop = loop;
    this.removeOnTimeout = removeOnTimeout;
  }

  acquire(): Socket {
    const socket = this.free.shift();
    if (socket === undefined) return { id: ++this.opened, destroyed: false, idle: null };
    socket.idle?.cancel();
    socket.idle = null;
    return socket;
  }

  release(socket: Socket): void {
    this.free.push(socket);
    socket.idle = this.loop.callLater(FREE_SOCKET_TIMEOUT, () => this.onTimeout(socket));
  }

  private remove(socket: Socket): void {
    const at = this.free.indexOf(socket);
    if (at >= 0) this.free.splice(at, 1);
  }

  private onTimeout(socket: Socket): void {
    socket.idle = null;
    if (this.removeOnTimeout) this.remove(socket);
    socket.destroyed = true;
    // The socket's handle is torn down; its 'close' event comes a little later.
    this.loop.callLater(uncertain(1, 30), () => this.remove(socket));
  }
}

function* request(loop: EventLoop, agent: Agent) {
  const socket = agent.acquire();
  yield* io(loop, 20, 80); // request and response
  if (socket.destroyed)
    throw new Error(`socket hang up (ECONNRESET): the agent handed out socket ${socket.id} while destroying it`);
  agent.release(socket);
}

function makeProgram(removeOnTimeout: boolean, name: string) {
  const program = function* (loop: EventLoop) {
    const agent = new Agent(loop, removeOnTimeout);
    yield* request(loop, agent);
    yield* io(loop, 3900, 4100); // the client's think time before its next call
    yield* request(loop, agent);
  };
  Object.defineProperty(program, "name", { value: name });
  return program;
}

/** The keep-alive socket handed out while being destroyed, and the agent that forgets it at its timeout. */
export const keepaliveSocketReuseBug: BugCase = {
  id: "keepalive-socket-reuse",
  summary: "a request is given a free socket whose idle timeout fired and which is closing",
  buggy: makeProgram(false, "keepaliveSocketReuse"),
  fixed: makeProgram(true, "keepaliveSocketReuseFixed"),
  kind: "error",
  depth: 1,
  levels: { jitter: true },
  source: "node-modules/agentkeepalive#23",
  budgets: { random: 100, pct: 100 },
};
