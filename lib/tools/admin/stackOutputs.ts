/**
 * The table names of a deployed stack, from its CloudFormation outputs (the CDK stack exports one
 * `<Table>TableName` output per table), so the admin CLI never needs them typed in.
 */
import { CloudFormationClient, DescribeStacksCommand, type Output } from '@aws-sdk/client-cloudformation';
import type { TableId } from '../../data/table';

/** The stack output that names each table (infra/stack.ts). */
export const TABLE_OUTPUTS: Record<TableId, string> = {
  users: 'UsersTableName',
  authHeaders: 'AuthHeadersTableName',
  loginThrottle: 'LoginThrottleTableName',
  sessions: 'SessionsTableName',
};

export class StackLookupError extends Error {
  override name = 'StackLookupError';
}

/** Reads the stack's outputs with the default credential chain (and region, unless given). */
export async function tablesFromStack(stackName: string, region?: string, client: CloudFormationClient = new CloudFormationClient(region ? { region } : {})): Promise<Record<TableId, string>> {
  let outputs: Output[];
  try {
    const { Stacks } = await client.send(new DescribeStacksCommand({ StackName: stackName }));
    const stack = Stacks?.[0];
    if (!stack) throw new StackLookupError(`stack "${stackName}" not found`);
    outputs = stack.Outputs ?? [];
  } catch (error) {
    if (error instanceof StackLookupError) throw error;
    // CloudFormation answers an unknown stack with a ValidationError "Stack with id X does not exist".
    if (error instanceof Error && /does not exist/i.test(error.message)) {
      throw new StackLookupError(`stack "${stackName}" not found${region ? ` in ${region}` : ''} (deployed with \`npx cdk deploy\`? right region and credentials?)`, { cause: error });
    }
    throw new StackLookupError(`could not read stack "${stackName}": ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  const tables = {} as Record<TableId, string>;
  for (const [id, outputKey] of Object.entries(TABLE_OUTPUTS) as [TableId, string][]) {
    const value = outputs.find((output) => output.OutputKey === outputKey)?.OutputValue;
    if (!value) throw new StackLookupError(`stack "${stackName}" has no "${outputKey}" output: is it the auth service stack, fully deployed?`);
    tables[id] = value;
  }
  return tables;
}
