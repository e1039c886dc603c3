/**
 * One server key in Secrets Manager, generated at deploy time (never in the template), in the
 * format lib/auth/keys.ts reads: `{ "k": "<64 random characters>", ...template }`. It carries the
 * environment variable a function finds its id in.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

export interface KeySecretProps {
  /** Variable holding the secret's id in a function bound to it (lib/auth/keys.ts SECRET_ID_ENV). */
  readonly envVar: string;
  readonly description: string;
  /**
   * Fixed fields of the JSON value besides the generated `k`.
   * @default {}
   */
  readonly template?: Record<string, string>;
  /**
   * Delete the key with the stack.
   * @default false — retained: losing the key voids every session and stored token
   */
  readonly destroyable?: boolean;
}

export class KeySecret extends Secret {
  readonly envVar: string;

  constructor(scope: Construct, id: string, props: KeySecretProps) {
    super(scope, id, {
      description: props.description,
      removalPolicy: props.destroyable ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
      generateSecretString: {
        secretStringTemplate: JSON.stringify(props.template ?? {}),
        generateStringKey: 'k',
        passwordLength: 64,
        excludePunctuation: true,
      },
    });
    this.envVar = props.envVar;
  }
}
