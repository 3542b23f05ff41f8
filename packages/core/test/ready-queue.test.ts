import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Handle } from "../src/index.ts";
import { ReadyQueue } from "../src/ready-queue.ts";

describe("ReadyQueue", () => {
  it("is FIFO across growth and wrap-around", () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 500 }), (ops) => {
        const queue = new ReadyQueue();
        const model: Handle[] = [];
        for (const push of ops) {
          if (push || model.length === 0) {
            const handle = new Handle(0, () => {}, undefined, undefined, null);
            queue.push(handle);
            model.push(handle);
          } else {
            expect(queue.shift()).toBe(model.shift());
          }
          expect(queue.length).toBe(model.length);
          expect(queue.at(0)).toBe(model[0]);
        }
      }),
    );
  });
});
