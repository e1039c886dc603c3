/** RFC 3339 in UTC without milliseconds, like the contract's examples. */
export const utcTimestamp = (date: Date): string => date.toISOString().replace(/\.\d{3}Z$/, 'Z');
