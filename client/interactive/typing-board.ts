/**
 * Who is typing where, as told by the server. A notice that is never withdrawn (a lost
 * "stopped", a dropped connection) stops showing after a while instead of sticking.
 */

/** How long a typing notice shows without renewal, in ms. */
const TYPING_STALE_MS = 8_000;

/** Typing users per room. */
export class TypingBoard {
  #rooms = new Map<string, Map<string, ReturnType<typeof setTimeout>>>();
  #onChange: (room: string) => void;

  /** `onChange` is called with the room whenever its typing users change. */
  constructor(onChange: (room: string) => void) {
    this.#onChange = onChange;
  }

  /** The users typing in a room. */
  users(room: string | null): string[] {
    return room === null ? [] : [...(this.#rooms.get(room)?.keys() ?? [])];
  }

  /** A typing notice: start (or renew) or stop. */
  set(room: string, user: string, isTyping: boolean): void {
    if (!isTyping) return this.clear(room, user);
    let users = this.#rooms.get(room);
    if (!users) this.#rooms.set(room, (users = new Map()));
    clearTimeout(users.get(user));
    users.set(
      user,
      setTimeout(() => this.clear(room, user), TYPING_STALE_MS),
    );
    this.#onChange(room);
  }

  /** The user stopped typing in the room (or sent their message). */
  clear(room: string, user: string): void {
    const users = this.#rooms.get(room);
    const timer = users?.get(user);
    if (!users || timer === undefined) return;
    clearTimeout(timer);
    users.delete(user);
    this.#onChange(room);
  }

  /** Forget one room (left, kicked, shut down). */
  forgetRoom(room: string): void {
    for (const timer of this.#rooms.get(room)?.values() ?? []) clearTimeout(timer);
    this.#rooms.delete(room);
  }

  /** Forget everything (the connection dropped, the chat ends). */
  clearAll(): void {
    for (const room of [...this.#rooms.keys()]) this.forgetRoom(room);
  }
}
