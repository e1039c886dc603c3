/** 1. Login through the local HTTP server vs the throttle's charge beside one GetItem, then one bcrypt compare. */
import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { handler as loginHandler } from '../../functions/login';
import { config } from '../../lib/config';
import type { ApiResult } from '../../lib/http/middleware';
import type { Fixtures, BenchUser } from '../fixtures';
import { TOTP_PERIOD_SECONDS, totpCode, totpStep } from '../../lib/auth/totp';
import { loginFloor, loginWithCodeFloor } from '../floors';
import { ratioRow, type SectionResult } from '../report';
import { summarize } from '../stats';
import { interleaved } from '../timing';
import type { BenchOptions } from './options';

type LambdaHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<ApiResult>;
const invokeLogin = loginHandler as unknown as LambdaHandler;
const context = { awsRequestId: 'bench', functionName: 'bench', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

function loginEvent(user: BenchUser): APIGatewayProxyEvent {
  return {
    resource: '/user/login',
    path: '/user/login',
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: null,
    stageVariables: null,
    body: JSON.stringify({ username: user.record.username, password: user.password }),
    isBase64Encoded: false,
    requestContext: { requestId: 'bench', identity: { sourceIp: '127.0.0.1' } } as APIGatewayProxyEvent['requestContext'],
  };
}

/**
 * Besides the route and its floor, the handler invoked in-process splits the difference: route -
 * handler is the HTTP server and client, handler - floor is everything login does beyond the
 * floor (JWT signing, middleware, the success write's throttle parts beside the session Put).
 *
 * Every login is the same user from the same address (127.0.0.1), back to back, and every answer
 * must be 200: a right password settles its throttle charge and clears its pair, so sequential
 * logins are never throttled (issue 19). A non-200 answer stops the bench.
 */
export async function benchLogin(fixtures: Fixtures, user: BenchUser, options: BenchOptions): Promise<SectionResult> {
  let logins = 0;
  const samples = await interleaved(
    {
      route: async () => {
        // ApiClient.login throws unless the answer is 200.
        await fixtures.api.login(user.record.username, user.password);
        logins += 1;
      },
      floor: () => loginFloor(user),
      handler: async () => {
        const result = await invokeLogin(loginEvent(user), context);
        if (result.statusCode !== 200) throw new Error(`login handler answered ${result.statusCode}: ${result.body}`);
        logins += 1;
      },
    },
    options.loginSamples,
    Math.min(options.warmup, 10),
  );
  // Back to back through HTTP: the measured logins over the time they took (the floor's turns excluded).
  const sequentialLoginsPerSecond = samples.route.length / (samples.route.reduce((sum, ms) => sum + ms, 0) / 1000);
  const route = summarize(samples.route);
  const floor = summarize(samples.floor);
  const handler = summarize(samples.handler);
  return {
    rows: [
      ratioRow('1 login', `POST /user/login (bcrypt cost ${config.bcryptCost})`, route, floor, 1.1, `floor = (throttle TransactWriteItems ‖ GetItem) + bcrypt.compare + session PutItem; one user, one address, back to back, all ${logins} answers 200: ${sequentialLoginsPerSecond.toFixed(1)} logins/s`),
      ratioRow('1 login', 'login handler in-process (no HTTP)', handler, floor, undefined, 'attribution only: handler - floor = JWT + middleware + the success write (its three throttle parts beside the session Put)'),
    ],
    details: { bcryptCost: config.bcryptCost, route, floor, handler, addedMsAtP50: route.p50 - floor.p50, httpMsAtP50: route.p50 - handler.p50, sequentialLogins: logins, sequentialLoginsPerSecond },
  };
}

/** A bench user with MFA on: its secret, and the last TOTP step it used (the service refuses any other). */
export interface MfaBenchUser extends BenchUser {
  secret: string;
  lastStep: number;
}

/**
 * Login with a TOTP code against its floor (bcrypt + the reads + the one transaction that starts the
 * session and records the code's step). A code works once, for a step within one of now and newer
 * than the user's last: each user offers the codes of the current and the next step, and the logins
 * take turns among enough users that every sample finds one.
 */
export async function benchLoginWithCode(fixtures: Fixtures, users: readonly MfaBenchUser[], floorUser: BenchUser, options: BenchOptions): Promise<SectionResult> {
  let turn = 0;
  const nextCode = (): { user: MfaBenchUser; code: string } => {
    const now = new Date();
    const current = totpStep(now);
    for (let tries = 0; tries < users.length; tries++) {
      const user = users[(turn += 1) % users.length] as MfaBenchUser;
      const step = Math.max(user.lastStep + 1, current);
      if (step > current + 1) continue;
      user.lastStep = step;
      return { user, code: totpCode(user.secret, new Date(step * TOTP_PERIOD_SECONDS * 1000)) };
    }
    throw new Error('login with a code: every bench user has used its codes for this step; add users');
  };
  const samples = await interleaved(
    {
      route: async () => {
        const { user, code } = nextCode();
        await fixtures.api.ok('POST', '/user/login', { body: { username: user.record.username, password: user.password, code } });
      },
      floor: () => loginWithCodeFloor(floorUser),
    },
    options.loginSamples,
    Math.min(options.warmup, 10),
  );
  const route = summarize(samples.route);
  const floor = summarize(samples.floor);
  return {
    rows: [
      ratioRow(
        '1 login',
        `POST /user/login with a TOTP code (bcrypt cost ${config.bcryptCost})`,
        route,
        floor,
        1.1,
        'floor = (throttle TransactWriteItems ‖ GetItem with the sealed secret) + bcrypt.compare + TransactWriteItems (session Put + code step Update); the service\'s success write also carries the throttle\'s parts',
      ),
    ],
    details: { route, floor, addedMsAtP50: route.p50 - floor.p50 },
  };
}
