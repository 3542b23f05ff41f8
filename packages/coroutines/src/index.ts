/**
 * @simloop/coroutines: asyncio's coroutine vocabulary on generators, for @simloop/core.
 *
 * @packageDocumentation
 */
export { sleep } from "./sleep.ts";
export { gather, gatherReturnExceptions, GatheringFuture } from "./gather.ts";
export type { Awaitable, AwaitedOf, GatherResults, SettledResults } from "./gather.ts";
export { ensureFuture } from "./ensure-future.ts";
export { isCoroutine, isCoroutineFunction } from "./coroutine-kind.ts";
