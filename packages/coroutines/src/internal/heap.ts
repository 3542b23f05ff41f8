/**
 * Python's `heapq` push and pop, step for step, so that a priority queue pops items with equal
 * priority in exactly the order CPython's would.
 *
 * @module
 */

/** @internal A "less than" test. */
export type Less<T> = (a: T, b: T) => boolean;

/** @internal `heapq.heappush`. */
export function heapPush<T>(heap: T[], item: T, less: Less<T>): void {
  heap.push(item);
  siftDown(heap, 0, heap.length - 1, less);
}

/** @internal `heapq.heappop`; the heap must not be empty. */
export function heapPop<T>(heap: T[], less: Less<T>): T {
  const last = heap.pop() as T;
  if (heap.length === 0) return last;
  const top = heap[0] as T;
  heap[0] = last;
  siftUp(heap, 0, less);
  return top;
}

function siftDown<T>(heap: T[], start: number, pos: number, less: Less<T>): void {
  const item = heap[pos] as T;
  while (pos > start) {
    const parentPos = (pos - 1) >> 1;
    const parent = heap[parentPos] as T;
    if (less(item, parent)) {
      heap[pos] = parent;
      pos = parentPos;
      continue;
    }
    break;
  }
  heap[pos] = item;
}

function siftUp<T>(heap: T[], pos: number, less: Less<T>): void {
  const end = heap.length;
  const start = pos;
  const item = heap[pos] as T;
  let child = 2 * pos + 1;
  while (child < end) {
    const right = child + 1;
    if (right < end && !less(heap[child] as T, heap[right] as T)) child = right;
    heap[pos] = heap[child] as T;
    pos = child;
    child = 2 * pos + 1;
  }
  heap[pos] = item;
  siftDown(heap, start, pos, less);
}
