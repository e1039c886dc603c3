/**
 * POST /user/password: the way out of an expired password. Credentials are checked exactly as at
 * login (same throttle, same 401, same bcrypt work for unknown users); then the one code path that
 * sets passwords (userService.applyNewPassword) runs, and the new session and the throttle's
 * settling (the success write, successWrite.ts) commit in the same transaction as the change,
 * which ends every earlier session.
 */
import { audit, type AuditContext } from '../audit';
import { sessions, users } from '../data/repositories';
import { checkCredentials } from './loginService';
import { prepareSession, type LoginResponse } from './sessionService';
import { SuccessWrite } from './successWrite';
import { applyNewPassword } from './userService';

export async function changePassword(username: string, password: string, newPassword: string, context: AuditContext, now: Date = new Date()): Promise<LoginResponse> {
  // Works whether or not the current password has expired: proving it is what counts.
  const { user, attempt } = await checkCredentials(username, password, context, now);
  const write = new SuccessWrite(user.username, attempt, now);
  let started: Awaited<ReturnType<typeof prepareSession>> | undefined;
  await applyNewPassword(users, user, newPassword, {
    currentPassword: password,
    now,
    alsoWrite: async (changed) => {
      started = await prepareSession(changed, now);
      write.add(sessions.startPart(started.item));
      // No rehash here: the new hash is at the configured cost. The user item's other changes
      // (issue 22's TOTP step) fold into the password's own Update.
      return { parts: write.otherParts(), userChanges: write.changesToUser };
    },
  });
  audit('password.changed', context, { userId: user.id, username: user.username });
  return (started as NonNullable<typeof started>).response;
}
