/**
 * The CDK app: `npx cdk synth` / `npx cdk deploy` (cdk.json runs this with tsx, no build step).
 * Context: see infra/settings.ts; `stackName` renames the stack (default AuthService); `nag=false`
 * skips the cdk-nag AwsSolutions checks that otherwise run on every synth.
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AuthServiceStack } from './stack';

export const DEFAULT_STACK_NAME = 'AuthService';

const app = new App();
const stackName = String(app.node.tryGetContext('stackName') ?? DEFAULT_STACK_NAME);
new AuthServiceStack(app, stackName, {
  description: 'Authentication service: login -> JWT, self-managed auth headers (API keys)',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
const nag = app.node.tryGetContext('nag');
if (nag !== false && nag !== 'false') Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
