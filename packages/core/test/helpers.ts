import { getRunningLoop, type Coroutine, type EventLoop, type Future } from "../src/index.ts";

/** A local `sleep` (the real one lives in @simloop/coroutines, which core must not depend on). */
export function* nap(delay: number): Coroutine<void> {
  if (delay <= 0) {
    yield;
    return;
  }
  const loop = getRunningLoop();
  const future = loop.createFuture<void>("nap");
  const handle = loop.callLater(
    delay,
    (f: Future<void>) => {
      if (!f.cancelled()) f.setResult(undefined);
    },
    future,
  );
  try {
    yield* future;
  } finally {
    handle.cancel();
  }
}

/** A log of `time label` strings. */
export function recorder(loop: EventLoop): { log: string[]; at: (label: string) => void } {
  const log: string[] = [];
  return { log, at: (label: string) => log.push(`${loop.time()} ${label}`) };
}
