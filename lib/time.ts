/**
 * Dates, read and written in one place: RFC 3339 in (impossible dates refused), UTC to the second
 * out (like the contract's examples), epoch seconds for DynamoDB's TTL and the JWT claims.
 */

/** RFC 3339 in UTC without milliseconds, like the contract's examples. */
export const utcTimestamp = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

/** Whole seconds since the epoch (DynamoDB TTL attributes, JWT `iat`/`exp`). */
export const epochSeconds = (date: Date): number => Math.floor(date.getTime() / 1000);

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * The instant an RFC 3339 date-time names, or undefined when it is not one or names a day that does
 * not exist (Date.parse alone would roll 30 February over into March).
 */
export function parseRfc3339(value: string): Date | undefined {
  const match = RFC3339.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  const exists = calendar.getUTCFullYear() === year && calendar.getUTCMonth() === month - 1 && calendar.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  const ms = Date.parse(value);
  return exists && !Number.isNaN(ms) ? new Date(ms) : undefined;
}
