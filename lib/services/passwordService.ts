/**
 * POST /user/password: the way out of an expired password. Credentials are checked exactly as at
 * login (same throttle, same 401, same bcrypt work for unknown users); then the one code path that
 * sets passwords (userService.applyNewPassword) runs, and the new session and the throttle's
 * settling (the success write, successWrite.ts) commit in the same transaction as the change,
 * which ends every earlier session.
 */
import { audit, type AuditContext } from '../audit';
import { ConflictError } from '../errors';
import { sessions, users } from '../data/repositories';
import { checkCredentials } from './loginService';
import { prepareSession, type LoginResponse } from './sessionService';
import { SuccessWrite } from './successWrite';
import { applyNewPassword } from './userService';

export async function changePassword(username: string, password: string, newPassword: string, context: AuditContext, code?: string, now: Date = new Date()): Promise<LoginResponse> {
  // Works whether or not the current password has expired: proving it is what counts.
  const { user, attempt, secondFactor } = await checkCredentials(username, password, context, now, code);
  const write = new SuccessWrite(user.username, attempt, now);
  // The code's proof folds into the password's own Update of the user's item (one item, one write).
  if (secondFactor) write.changeUser(secondFactor.change);
  let started: Awaited<ReturnType<typeof prepareSession>> | undefined;
  try {
    await applyNewPassword(users, user, newPassword, {
      currentPassword: password,
      now,
      alsoWrite: async (changed) => {
        started = await prepareSession(changed, now, secondFactor?.amr);
        write.add(sessions.startPart(started.item));
        // No rehash here: the new hash is at the configured cost.
        return { parts: write.otherParts(), userChanges: write.changesToUser };
      },
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
