/**
 * POST /user/password: the way out of an expired password. Credentials are checked exactly as at
 * login (same throttle, same 401, same bcrypt work for unknown users); then the one code path that
 * sets passwords (userService.applyNewPassword) runs, and the new session starts in the same
 * transaction as the change, which ends every earlier one.
 */
import { audit, type AuditContext } from '../audit';
import { ConflictError } from '../errors';
import { sessions, users } from '../data/repositories';
import { checkCredentials } from './loginService';
import { prepareSession, type LoginResponse } from './sessionService';
import { applyNewPassword } from './userService';

export async function changePassword(username: string, password: string, newPassword: string, context: AuditContext, code?: string, now: Date = new Date()): Promise<LoginResponse> {
  // Works whether or not the current password has expired: proving it is what counts.
  const { user, secondFactor } = await checkCredentials(username, password, context, now, code);
  let started: Awaited<ReturnType<typeof prepareSession>> | undefined;
  try {
    await applyNewPassword(users, user, newPassword, {
      currentPassword: password,
      now,
      alsoWrite: async (changed) => {
        started = await prepareSession(changed, now, secondFactor?.amr);
        return [sessions.startItem(started.item)];
      },
      // The code's proof rides on the password's own profile Update (one item, one write).
      alsoUpdateProfile: secondFactor?.part,
    });
  } catch (error) {
    // The profile's condition failed: the password changed meanwhile (409), or the code was used.
    if (secondFactor && error instanceof ConflictError && (await users.findByUsername(username))?.passwordVersion === user.passwordVersion) await secondFactor.refused();
    throw error;
  }
  secondFactor?.used();
  audit('password.changed', context, { userId: user.id, username: user.username });
  return (started as NonNullable<typeof started>).response;
}
