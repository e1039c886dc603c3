/**
 * The DNS rebinding guard of the local servers: a web page in the developer's browser can point a
 * DNS name of its own at 127.0.0.1 and then call the local API as "same origin". The browser sends
 * that name in `Host`, so answering only to names of this machine — localhost names, loopback
 * addresses and the address the server is bound to (any IP address when bound to every address) —
 * closes it. LoopbackDynamoDbLocal.java applies the same rule to DynamoDB Local.
 */
import { isIP } from 'node:net';

/** The answer to any other `Host` (it does not quote the header: request text is never echoed). */
export const HOST_NOT_ALLOWED = { status: 403, body: { message: 'This local server answers only to localhost names and its own address (DNS rebinding guard)' } };

/** Whether a `Host` header value (name or address, optional port) names this machine for a server bound to `boundHost`. */
export function isAllowedHost(header: string | undefined, boundHost: string): boolean {
  // HTTP/1.0 without Host: not a browser (browsers always send it).
  if (header === undefined) return true;
  const value = header.trim().toLowerCase();
  const name = value.startsWith('[') ? value.slice(1, value.indexOf(']') === -1 ? 1 : value.indexOf(']')) : value.replace(/:\d*$/, '');
  const ipLiteral = isIP(name) !== 0;
  const wildcard = boundHost === '0.0.0.0' || boundHost === '::';
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    (ipLiteral && (/^127\./.test(name) || name === '::1' || wildcard)) ||
    name === boundHost.toLowerCase()
  );
}
