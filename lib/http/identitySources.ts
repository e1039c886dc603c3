/**
 * What the gateway keys its cache of authorizer answers on (the identity sources): the credential
 * *and* the client's address. A REQUEST authorizer may name context variables as identity sources
 * (REST `context.identity.sourceIp`, HTTP API `$context.identity.sourceIp`), and keying on the
 * address is what keeps a key with `allowedCidrs` from being accepted from another address through
 * a cached Allow: the gateway never reuses an answer across addresses. The price is one cache entry
 * per (credential, address). infra/constructs/auth-service-authorizer.ts and the local server's
 * gateway emulation (lib/tools/local/server.ts) both build from this.
 */
export const AUTHORIZER_IDENTITY_SOURCES = { header: 'Authorization', context: 'identity.sourceIp' } as const;
