/**
 * Small list helpers (deque operations on arrays).
 *
 * @module
 */

/** @internal Removes the first occurrence of `item`; returns whether it was there. */
export function remove<T>(list: T[], item: T): boolean {
  const i = list.indexOf(item);
  if (i < 0) return false;
  list.splice(i, 1);
  return true;
}
