/**
 * The stack's deploy-time knobs, read from CDK context (`-c name=value` or cdk.json) with defaults,
 * validated once so a typo fails the synth instead of deploying something unintended.
 */
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';

export interface FunctionSizing {
  /** MB; Lambda allots CPU in proportion (1769 MB = one full vCPU). */
  readonly memoryMb: number;
  readonly timeoutSeconds: number;
}

export interface StackSettings {
  /** Tables (and log groups) are destroyed with the stack instead of retained; no deletion protection. */
  readonly destroyable: boolean;
  /** Allowed CORS origins; empty = no CORS headers at all. */
  readonly corsOrigins: string[];
  /** Stage-wide steady-state requests per second and burst. */
  readonly throttleRate: number;
  readonly throttleBurst: number;
  /** Stricter stage throttle on POST /user/login. */
  readonly loginThrottleRate: number;
  readonly loginThrottleBurst: number;
  /** Attach a WAF web ACL to the API stage. */
  readonly waf: boolean;
  /** Requests to /user/login one IP may send per 5 minutes before WAF blocks it. */
  readonly wafLoginRateLimit: number;
  /** Requests to any path one IP may send per 5 minutes before WAF blocks it. */
  readonly wafRateLimit: number;
  /** Address subscribed to the alarm topic (none: subscribe to the topic's ARN yourself). */
  readonly alarmEmail: string | undefined;
  /** A route's p99 latency over 5 minutes above this alarms, ms. */
  readonly latencyAlarmMs: number;
  /** Failed logins across the service in 5 minutes above this alarm. */
  readonly failedLoginAlarmThreshold: number;
  /** Failed key verifications (authorizer denials) in 5 minutes above this alarm. */
  readonly failedVerificationAlarmThreshold: number;
  /** Keys revoked by whoever held their token (each one a leak) in 5 minutes above this alarm, at once. */
  readonly revokedKeyAlarmThreshold: number;
  /** Revocations refused by the per-address throttle in 5 minutes above this alarm, at once. */
  readonly throttledRevocationAlarmThreshold: number;
  /** How long CloudWatch keeps function and access logs. */
  readonly logRetention: RetentionDays;
  readonly login: FunctionSizing;
  readonly authHeaders: FunctionSizing;
  /** The Lambda authorizer (in front of GET /user/me and of other teams' APIs). */
  readonly authorizer: FunctionSizing;
  /** GET /user/me. */
  readonly userMe: FunctionSizing;
  /**
   * Seconds API Gateway (and the authorizer itself) reuse an authorizer answer; 0 = no caching.
   * Also the function's AUTHORIZER_CACHE_SECONDS.
   */
  readonly authorizerCacheSeconds: number;
  /**
   * Create API Gateway's account-wide CloudWatch role setting (`AWS::ApiGateway::Account`) in this
   * stack. It is one setting per account and region, shared by every REST API there: only for an
   * account that has none yet (docs/deploy.md).
   * @default false
   */
  readonly apiGatewayAccount: boolean;
  /**
   * A custom domain for the API (`api.example.com`), with the ARN of an ACM certificate for it in
   * the stack's region; optionally the Route 53 hosted zone that gets its alias record.
   * @default undefined (the execute-api URL only)
   */
  readonly customDomain: CustomDomain | undefined;
}

export interface CustomDomain {
  readonly domainName: string;
  readonly certificateArn: string;
  readonly hostedZone: { readonly id: string; readonly name: string } | undefined;
}

export const DEFAULT_SETTINGS: StackSettings = {
  destroyable: false,
  corsOrigins: [],
  throttleRate: 50,
  throttleBurst: 100,
  loginThrottleRate: 10,
  loginThrottleBurst: 20,
  waf: true,
  wafLoginRateLimit: 100,
  // Well below the stage's shared rate (throttleRate × 300 per 5 minutes), so one address cannot
  // take the whole of it; generous for one client of an auth API.
  wafRateLimit: 1500,
  alarmEmail: undefined,
  // A cold start plus bcrypt stays well inside this; a warm route sits far below it.
  latencyAlarmMs: 2000,
  // Far above what the per-account throttle lets one client produce in 5 minutes.
  failedLoginAlarmThreshold: 200,
  failedVerificationAlarmThreshold: 500,
  // One revocation is its owner's business (the key is flagged in their list; an owner may revoke
  // their own leaked key this way too). Many in 5 minutes are a leaked batch, or a dump of tokens
  // being used up: the operator's business.
  revokedKeyAlarmThreshold: 10,
  // An address only gets here after REVOKE_MAX_FAILURES_PER_IP revocations that revoked nothing.
  throttledRevocationAlarmThreshold: 0,
  logRetention: RetentionDays.ONE_MONTH,
  // bcrypt is CPU-bound: a full vCPU keeps a cost-10 verify around 60-80 ms.
  login: { memoryMb: 1769, timeoutSeconds: 10 },
  // Warm, these wait on DynamoDB (~10 ms of HMAC/AES/JSON CPU). Cold, they are CPU-bound: loading a
  // ~420 kB bundle took 0.3 s and the first response 0.6 s on a full core (npm run bench), which
  // 256 MB (~1/7 vCPU) would stretch to seconds. 1024 MB (~0.6 vCPU) costs ~$0.13 per million
  // 10 ms invocations on arm64, against ~$0.03 at 256 MB.
  authHeaders: { memoryMb: 1024, timeoutSeconds: 10 },
  // The same trade-off: waits on DynamoDB when warm, CPU-bound when cold. The authorizer's timeout is
  // short: API Gateway waits for it on every uncached request.
  authorizer: { memoryMb: 1024, timeoutSeconds: 5 },
  userMe: { memoryMb: 1024, timeoutSeconds: 10 },
  authorizerCacheSeconds: 60,
  apiGatewayAccount: false,
  customDomain: undefined,
};

type Lookup = (key: string) => unknown;

function bool(lookup: Lookup, key: string, fallback: boolean): boolean {
  const raw = lookup(key);
  if (raw === undefined) return fallback;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new Error(`context "${key}" must be true or false, got ${JSON.stringify(raw)}`);
}

function int(lookup: Lookup, key: string, fallback: number, min: number, max: number): number {
  const raw = lookup(key);
  if (raw === undefined) return fallback;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`context "${key}" must be a whole number from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function origins(lookup: Lookup, key: string): string[] {
  const raw = lookup(key);
  if (raw === undefined) return [];
  const list = Array.isArray(raw) ? raw.map(String) : String(raw).split(',');
  const cleaned = list.map((origin) => origin.trim()).filter(Boolean);
  for (const origin of cleaned) {
    if (origin !== '*' && !/^https?:\/\/[^\s/,]+$/.test(origin)) {
      throw new Error(`context "${key}": "${origin}" is not an origin like https://app.example.com (or "*")`);
    }
  }
  return cleaned;
}

function text(lookup: Lookup, key: string): string | undefined {
  const raw = lookup(key);
  if (raw === undefined || raw === '') return undefined;
  return String(raw).trim();
}

/** domainName + certificateArn (+ hostedZoneId and hostedZoneName), all or none of each pair. */
function customDomain(lookup: Lookup): CustomDomain | undefined {
  const [domainName, certificateArn, zoneId, zoneName] = ['domainName', 'certificateArn', 'hostedZoneId', 'hostedZoneName'].map((key) => text(lookup, key));
  if (domainName === undefined && certificateArn === undefined) {
    if (zoneId !== undefined || zoneName !== undefined) throw new Error('context "hostedZoneId"/"hostedZoneName" need "domainName" and "certificateArn"');
    return undefined;
  }
  if (domainName === undefined || certificateArn === undefined) throw new Error('context "domainName" and "certificateArn" go together: the domain and its ACM certificate');
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i.test(domainName)) throw new Error(`context "domainName" must be a domain name like api.example.com, got ${JSON.stringify(domainName)}`);
  if (!/^arn:aws[\w-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[\w-]+$/.test(certificateArn)) {
    throw new Error(`context "certificateArn" must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>), got ${JSON.stringify(certificateArn)}`);
  }
  if ((zoneId === undefined) !== (zoneName === undefined)) throw new Error('context "hostedZoneId" and "hostedZoneName" go together');
  if (zoneName !== undefined && !`.${domainName.toLowerCase()}`.endsWith(`.${zoneName.toLowerCase().replace(/\.$/, '')}`)) {
    throw new Error(`context "domainName" ${domainName} is not in the hosted zone ${zoneName}`);
  }
  return { domainName, certificateArn, hostedZone: zoneId !== undefined && zoneName !== undefined ? { id: zoneId, name: zoneName } : undefined };
}

function email(lookup: Lookup, key: string): string | undefined {
  const raw = lookup(key);
  if (raw === undefined || raw === '') return undefined;
  const value = String(raw).trim();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value)) throw new Error(`context "${key}" must be an email address, got ${JSON.stringify(raw)}`);
  return value;
}

function retention(lookup: Lookup, key: string, fallback: RetentionDays): RetentionDays {
  const days = int(lookup, key, fallback, 1, 3653);
  const allowed = Object.values(RetentionDays).filter((value): value is RetentionDays => typeof value === 'number' && value !== RetentionDays.INFINITE);
  if (!allowed.includes(days as RetentionDays)) throw new Error(`context "${key}" must be one of CloudWatch's retention periods (${allowed.join(', ')}), got ${days}`);
  return days as RetentionDays;
}

/** The settings from a construct's context (the app's, for `-c` values). */
export function settingsFromContext(node: Pick<Node, 'tryGetContext'>): StackSettings {
  const lookup: Lookup = (key) => node.tryGetContext(key);
  const d = DEFAULT_SETTINGS;
  return {
    destroyable: bool(lookup, 'destroyable', bool(lookup, 'dev', d.destroyable)),
    corsOrigins: origins(lookup, 'corsOrigins'),
    throttleRate: int(lookup, 'throttleRate', d.throttleRate, 1, 10_000),
    throttleBurst: int(lookup, 'throttleBurst', d.throttleBurst, 1, 5_000),
    loginThrottleRate: int(lookup, 'loginThrottleRate', d.loginThrottleRate, 1, 10_000),
    loginThrottleBurst: int(lookup, 'loginThrottleBurst', d.loginThrottleBurst, 1, 5_000),
    waf: bool(lookup, 'waf', d.waf),
    // WAF's rate-based rules accept 10 and up (per 5-minute window).
    wafLoginRateLimit: int(lookup, 'wafLoginRateLimit', d.wafLoginRateLimit, 10, 2_000_000_000),
    wafRateLimit: int(lookup, 'wafRateLimit', d.wafRateLimit, 10, 2_000_000_000),
    alarmEmail: email(lookup, 'alarmEmail'),
    latencyAlarmMs: int(lookup, 'latencyAlarmMs', d.latencyAlarmMs, 50, 29_000),
    failedLoginAlarmThreshold: int(lookup, 'failedLoginAlarmThreshold', d.failedLoginAlarmThreshold, 1, 10_000_000),
    failedVerificationAlarmThreshold: int(lookup, 'failedVerificationAlarmThreshold', d.failedVerificationAlarmThreshold, 1, 10_000_000),
    revokedKeyAlarmThreshold: int(lookup, 'revokedKeyAlarmThreshold', d.revokedKeyAlarmThreshold, 0, 10_000_000),
    throttledRevocationAlarmThreshold: int(lookup, 'throttledRevocationAlarmThreshold', d.throttledRevocationAlarmThreshold, 0, 10_000_000),
    logRetention: retention(lookup, 'logRetentionDays', d.logRetention),
    login: {
      memoryMb: int(lookup, 'loginMemoryMb', d.login.memoryMb, 128, 10_240),
      timeoutSeconds: int(lookup, 'loginTimeoutSeconds', d.login.timeoutSeconds, 1, 29),
    },
    authHeaders: {
      memoryMb: int(lookup, 'authHeaderMemoryMb', d.authHeaders.memoryMb, 128, 10_240),
      timeoutSeconds: int(lookup, 'authHeaderTimeoutSeconds', d.authHeaders.timeoutSeconds, 1, 29),
    },
    authorizer: {
      memoryMb: int(lookup, 'authorizerMemoryMb', d.authorizer.memoryMb, 128, 10_240),
      timeoutSeconds: int(lookup, 'authorizerTimeoutSeconds', d.authorizer.timeoutSeconds, 1, 29),
    },
    userMe: {
      memoryMb: int(lookup, 'userMeMemoryMb', d.userMe.memoryMb, 128, 10_240),
      timeoutSeconds: int(lookup, 'userMeTimeoutSeconds', d.userMe.timeoutSeconds, 1, 29),
    },
    // API Gateway caches authorizer answers for at most an hour.
    authorizerCacheSeconds: int(lookup, 'authorizerCacheSeconds', d.authorizerCacheSeconds, 0, 3600),
    apiGatewayAccount: bool(lookup, 'apiGatewayAccount', d.apiGatewayAccount),
    customDomain: customDomain(lookup),
  };
}
