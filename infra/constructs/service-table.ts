/**
 * A DynamoDB table of the service, declared from its one definition in lib/data/table.ts (the local
 * bootstrap creates the same keys), with the project's durability defaults. It carries that
 * definition so a function bound to it knows which environment variable names it.
 */
import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, BillingMode, Table } from 'aws-cdk-lib/aws-dynamodb';
import type { Construct } from 'constructs';
import type { TableDefinition } from '../../lib/data/table';

export interface ServiceTableProps {
  readonly definition: TableDefinition;
  /**
   * Destroy the table with the stack, without deletion protection (short-lived dev stacks).
   * @default false — retained, deletion-protected, point-in-time recovery on
   */
  readonly destroyable?: boolean;
}

export class ServiceTable extends Table {
  readonly definition: TableDefinition;

  constructor(scope: Construct, id: string, props: ServiceTableProps) {
    const { definition, destroyable = false } = props;
    super(scope, id, {
      partitionKey: { name: definition.partitionKey, type: AttributeType.STRING },
      sortKey: definition.sortKey ? { name: definition.sortKey, type: AttributeType.STRING } : undefined,
      timeToLiveAttribute: definition.timeToLiveAttribute,
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: !destroyable,
      removalPolicy: destroyable ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    this.definition = definition;
  }
}
