/** Records keyed by names from the network (users, streams): own properties, whatever the name. */

/** Set `record[key]` to `value` as an own property, even for a key like `__proto__`. */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): T {
  Object.defineProperty(record, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return value;
}

/** `record[key]` when it is an own property, else `make()` set there. */
export function ownOrNew<T>(record: Record<string, T>, key: string, make: () => T): T {
  return Object.hasOwn(record, key) ? record[key]! : setOwn(record, key, make());
}
