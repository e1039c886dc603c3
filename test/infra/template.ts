/** Small readers over a synthesized template, so the infra tests can say what they check. */
import { expect } from '@jest/globals';
import type { Template } from 'aws-cdk-lib/assertions';

export interface Resource {
  Type: string;
  Properties: Record<string, any>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  Metadata?: Record<string, any>;
}

export type Resources = Record<string, Resource>;

export function resourcesOf(template: Template, type?: string): Resources {
  const all = template.toJSON().Resources as Resources;
  return Object.fromEntries(Object.entries(all).filter(([, resource]) => type === undefined || resource.Type === type));
}

/** The logical id of the one resource of `type` whose logical id starts with `prefix`. */
export function logicalIdOf(template: Template, type: string, prefix: string): string {
  const ids = Object.keys(resourcesOf(template, type)).filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} named ${prefix}*, found ${ids.join(', ') || 'none'}`);
  return ids[0] as string;
}

/** `{ Ref: id }` or `{ Fn::GetAtt: [id, ...] }` → id. */
export function referencedId(value: unknown): string | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const object = value as Record<string, unknown>;
  if (typeof object.Ref === 'string') return object.Ref;
  const getAtt = object['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  return undefined;
}

/** Every logical id referenced anywhere inside `value` (pseudo parameters such as AWS::Region left out). */
export function referencedIds(value: unknown): Set<string> {
  const ids = new Set<string>();
  const walk = (node: unknown) => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!node || typeof node !== 'object') return;
    const id = referencedId(node);
    if (id && !id.startsWith('AWS::')) ids.add(id);
    Object.values(node).forEach(walk);
  };
  walk(value);
  return ids;
}

export interface Grant {
  action: string;
  /** Logical id of the resource the statement names. */
  resource: string;
  condition?: unknown;
}

/** Every (action, resource) an IAM role may use, from the policies attached to it. */
export function grantsOf(template: Template, roleId: string): Grant[] {
  const grants: Grant[] = [];
  for (const policy of Object.values(resourcesOf(template, 'AWS::IAM::Policy'))) {
    if (!policy.Properties.Roles.some((role: unknown) => referencedId(role) === roleId)) continue;
    for (const statement of policy.Properties.PolicyDocument.Statement) {
      expect(statement.Effect).toBe('Allow');
      const actions: string[] = [statement.Action].flat();
      const resources: unknown[] = [statement.Resource].flat();
      for (const action of actions) {
        for (const resource of resources) {
          grants.push({ action, resource: referencedId(resource) ?? JSON.stringify(resource), condition: statement.Condition });
        }
      }
    }
  }
  return grants;
}

/** "/a/b" for an API Gateway resource, walking its parents up to the root. */
export function resourcePath(template: Template, resourceId: string): string {
  const resources = resourcesOf(template, 'AWS::ApiGateway::Resource');
  const parts: string[] = [];
  let current: string | undefined = resourceId;
  while (current && resources[current]) {
    const resource: Resource = resources[current] as Resource;
    parts.unshift(resource.Properties.PathPart);
    const parent = resource.Properties.ParentId;
    current = parent && typeof parent === 'object' && 'Ref' in parent ? parent.Ref : undefined;
  }
  return `/${parts.join('/')}`;
}
