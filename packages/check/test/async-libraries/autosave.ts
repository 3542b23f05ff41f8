/**
 * Autosave of a document's title through a p-queue, as an editor would write it. The race: the queue
 * runs two saves at once (`concurrency: 2`) to keep up with typing, so a slower older save can reach
 * the server after a newer one and leave the server on the old title. The fixed twin runs the saves
 * one at a time (`concurrency: 1`), so they reach the server in the order they were made.
 */
import PQueue from "p-queue";

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** The server: a save travels 30 ms and is applied when it arrives; the reply takes 10 ms more. */
export class TitleServer {
  title = "";

  /** Stores `title`. */
  async put(title: string): Promise<void> {
    await delay(30);
    this.title = title;
    await delay(10);
  }
}

/** Saves every edit in the background. */
export class Autosave {
  readonly server: TitleServer = new TitleServer();
  private readonly queue: PQueue;

  constructor(concurrency: number) {
    this.queue = new PQueue({ concurrency });
  }

  /** Queues a save of `title`. */
  edit(title: string): void {
    void this.queue.add(() => this.server.put(title));
  }

  /** Resolves once every queued save is done. */
  settled(): Promise<void> {
    return this.queue.onIdle();
  }
}

/**
 * The scenario: the user types "Draft" and, 15 ms later, "Final". Throws when the server is left with
 * anything but the last edit.
 */
export async function typeTwoTitles(concurrency: number): Promise<string> {
  const editor = new Autosave(concurrency);
  editor.edit("Draft");
  await delay(15);
  editor.edit("Final");
  await editor.settled();
  if (editor.server.title !== "Final") throw new Error(`the server kept "${editor.server.title}", not "Final"`);
  return editor.server.title;
}
