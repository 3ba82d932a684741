/**
 * A question asked of Redis on behalf of many callers at once: those that come while one
 * round is out share the next round (it starts after the one out, so it sees everything
 * before their call), never more than two rounds at a time however many callers there are.
 */
export class Rounds<T> {
  #ask: () => Promise<T>;
  #running: Promise<T> | null = null;
  #next: Promise<T> | null = null;

  /** Rounds of `ask`. */
  constructor(ask: () => Promise<T>) {
    this.#ask = ask;
  }

  /** The answer of a round that started after this call. */
  next(): Promise<T> {
    if (this.#running === null) return this.#start();
    this.#next ??= this.#running.catch(() => {}).then(() => this.#start());
    return this.#next;
  }

  #start(): Promise<T> {
    this.#next = null;
    const run = this.#ask().finally(() => {
      if (this.#running === run) this.#running = null;
    });
    this.#running = run;
    return run;
  }
}
