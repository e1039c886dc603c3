/**
 * The stack was restructured (one block per endpoint) without renaming anything: every resource the
 * template had before keeps its logical id and type, so `sam local invoke LoginFunction`, existing
 * deployments and their data are unaffected. logical-ids.json is that earlier template's set; new
 * resources may be added, none may disappear or change type. (API Gateway's account setting and its
 * CloudWatch role left the default template on purpose: they are opt-in, `-c apiGatewayAccount=true`.)
 */
import { expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { synthesizedTemplate } from '../helpers/synth';
import { resourcesOf } from './template';

const before = JSON.parse(readFileSync(new URL('./logical-ids.json', import.meta.url), 'utf8')) as Record<string, string>;

test('every resource of the earlier template is still there, with the same logical id and type', () => {
  const { template } = synthesizedTemplate({ bundle: false });
  const now = Object.fromEntries(
    Object.entries(resourcesOf(template)).map(([id, resource]) => [
      // The deployment's id carries a hash of the API's shape, which any API change renews.
      resource.Type === 'AWS::ApiGateway::Deployment' && id.startsWith('ApiDeployment') ? 'ApiDeployment*' : id,
      resource.Type,
    ]),
  );
  for (const [id, type] of Object.entries(before)) expect({ id, type: now[id] }).toEqual({ id, type });
});
