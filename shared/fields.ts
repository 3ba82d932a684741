/** Field checks shared by the frame parsers: each throws ProtocolError naming the field. */

/** Thrown by the parsers: the frame is malformed. */
export class ProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProtocolError";
  }
}

/** A parsed JSON object. */
export type Obj = Record<string, unknown>;

/** Names are only checked for type and length by the parsers; the server validates them. */
export const NAME_FIELD_MAX = 64;

/** True for a JSON object (not an array, not null). */
export function isObject(value: unknown): value is Obj {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A required string field of at most `max` characters. */
export function str(obj: Obj, key: string, max: number): string {
  const value = obj[key];
  if (typeof value !== "string") throw new ProtocolError(`'${key}' must be a string`);
  if (value.length > max) throw new ProtocolError(`'${key}' is longer than ${max} characters`);
  return value;
}

/** An optional string field of at most `max` characters. */
export function optStr(obj: Obj, key: string, max: number): string | undefined {
  return obj[key] === undefined ? undefined : str(obj, key, max);
}

/** An optional boolean field. */
export function optBool(obj: Obj, key: string): boolean | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw new ProtocolError(`'${key}' must be true or false`);
  return value;
}

/** A required boolean field. */
export function bool(obj: Obj, key: string): boolean {
  const value = optBool(obj, key);
  if (value === undefined) throw new ProtocolError(`'${key}' is required`);
  return value;
}

/** An optional integer field from `min` to `max`. */
export function optInt(obj: Obj, key: string, min: number, max: number): number | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ProtocolError(`'${key}' must be an integer from ${min} to ${max}`);
  }
  return value;
}
