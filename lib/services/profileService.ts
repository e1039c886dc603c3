/**
 * GET /user/me: the caller's own profile and how they authenticated, for the identity the
 * authorizer established. The profile is read again (strongly consistent), so a user deleted since
 * the authorizer's answer was cached is refused here.
 */
import { users } from '../data/repositories';
import { InvalidSessionError } from '../errors';
import type { AuthMethod, CallerIdentity } from './authorizerService';

/** The contract's 200 body (PascalCase, as login's). */
export interface MeResponse {
  Id: string;
  Username: string;
  Email: string;
  Firstname: string;
  Lastname: string;
  /** Absent when the password never expires. */
  PasswordExpiration?: string;
  AuthMethod: AuthMethod;
  AuthHeaderId?: string;
  /** The key's scopes, for a key that has them. */
  Scopes?: string[];
  MfaEnabled: boolean;
}

export async function describeCaller(caller: CallerIdentity): Promise<MeResponse> {
  const profile = await users.findPublicProfile(caller.username);
  if (!profile || profile.id !== caller.userId) throw new InvalidSessionError('the authenticated user no longer exists');
  return {
    Id: profile.id,
    Username: profile.username,
    Email: profile.email,
    Firstname: profile.firstname,
    Lastname: profile.lastname,
    ...(profile.passwordExpiration !== undefined ? { PasswordExpiration: profile.passwordExpiration } : {}),
    AuthMethod: caller.authMethod,
    ...(caller.authMethod === 'authheader' && caller.authHeaderId ? { AuthHeaderId: caller.authHeaderId } : {}),
    ...(caller.authMethod === 'authheader' && caller.scopes?.length ? { Scopes: caller.scopes } : {}),
    MfaEnabled: profile.mfaEnabled,
  };
}
