import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as athena from 'aws-cdk-lib/aws-athena';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lakeformation from 'aws-cdk-lib/aws-lakeformation';
import { Construct } from 'constructs';
import { TableColumnGrant } from './data-share';
import { SecureBucket } from '../core/secure-bucket';

/**
 * Props of a `DataShareConsumer`.
 */
export interface DataShareConsumerProps {
  /** The name of the shared database in the owning account (`DataShare.databaseName`). */
  readonly databaseName: string;

  /** The account (12 digits, e.g. DATA) that owns the shared database and granted it to this account. */
  readonly sourceAccountId: string;

  /**
   * The name of the resource link in this account's Data Catalog.
   * @default - the same as `databaseName`
   */
  readonly linkName?: string;

  /**
   * The name of the Athena workgroup the consumers query in.
   * @default '<linkName>-queries' (with `_` written as `-`)
   */
  readonly workGroupName?: string;

  /** The customer-managed key of the query results (bucket and SSE-KMS of the workgroup). */
  readonly encryptionKey: kms.IKey;

  /**
   * How long query results are kept.
   * @default Duration.days(30)
   */
  readonly queryResultsRetention?: Duration;

  /**
   * IAM role or user ARNs of this account to add (never replace) as Lake Formation data lake
   * administrators before the grants to local principals are made, typically the CloudFormation
   * execution role that deploys this stack: only an administrator (or a holder of the grant option) may
   * pass the shared permissions on.
   * @default - none added: the deploying role must already be a data lake administrator here
   */
  readonly lakeFormationAdminArns?: string[];
}

/**
 * The consuming side of a Lake Formation cross-account share (e.g. EXP reading DATA's `DataShare`): a
 * resource link in this account's Data Catalog to the shared database, an Athena workgroup whose
 * configuration is enforced (query results SSE-KMS encrypted into a `SecureBucket` of this account,
 * CloudWatch metrics on), and `grantSelect` to pass the shared column-level `SELECT` on to principals of
 * this account (which needs the share made with the grant option, `DataShare.consumerCanRegrant`).
 *
 * The grants reach this account through AWS RAM: outside an organization with RAM sharing enabled, accept
 * the resource share invitation in this account once before deploying the grants.
 *
 * @example
 * const consumer = new DataShareConsumer(this, 'Welding', {
 *   databaseName: 'welding',
 *   sourceAccountId: '111111111111',
 *   encryptionKey: key,
 * });
 * consumer.grantSelect([analystRole], [{ tableName: 'weld_readings', columnNames: ['weld_id', 'current_ka'] }]);
 */
export class DataShareConsumer extends Construct {
  /** The resource link (a Glue database of this account whose target is the shared database). */
  public readonly resourceLink: glue.CfnDatabase;
  /** The name of the resource link. */
  public readonly linkName: string;
  /** The name of the shared database in the owning account. */
  public readonly targetDatabaseName: string;
  /** The owning account. */
  public readonly sourceAccountId: string;
  /** The Athena workgroup. */
  public readonly workGroup: athena.CfnWorkGroup;
  /** The name of the Athena workgroup. */
  public readonly workGroupName: string;
  /** The bucket of the query results. */
  public readonly queryResults: SecureBucket;
  /** The data lake administrator settings, if `lakeFormationAdminArns` was given. */
  public readonly adminSettings?: lakeformation.CfnDataLakeSettings;

  private grantCount = 0;

  /**
   * @param scope the construct scope
   * @param id the construct id
   * @param props the DataShareConsumer settings
   */
  constructor(scope: Construct, id: string, props: DataShareConsumerProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const linkName = props.linkName ?? props.databaseName;
    validate(stack, props, linkName);
    this.linkName = linkName;
    this.targetDatabaseName = props.databaseName;
    this.sourceAccountId = props.sourceAccountId;

    this.resourceLink = new glue.CfnDatabase(this, 'ResourceLink', {
      catalogId: stack.account,
      databaseInput: {
        name: linkName,
        description: `Resource link to ${props.databaseName} of account ${props.sourceAccountId} (Lake Formation share)`,
        targetDatabase: { catalogId: props.sourceAccountId, databaseName: props.databaseName },
      },
    });

    this.queryResults = new SecureBucket(this, 'QueryResults', {
      encryptionKey: props.encryptionKey,
      lifecycleRules: [{ id: 'ExpireQueryResults', expiration: props.queryResultsRetention ?? Duration.days(30), noncurrentVersionExpiration: Duration.days(1) }],
    });
    this.workGroupName = props.workGroupName ?? `${linkName.replace(/_/g, '-')}-queries`;
    this.workGroup = new athena.CfnWorkGroup(this, 'WorkGroup', {
      name: this.workGroupName,
      description: `Queries of the shared database ${props.databaseName}: results encrypted with the customer-managed key, configuration enforced`,
      state: 'ENABLED',
      workGroupConfiguration: {
        enforceWorkGroupConfiguration: true,
        publishCloudWatchMetricsEnabled: true,
        resultConfiguration: {
          outputLocation: `s3://${this.queryResults.bucket.bucketName}/results/`,
          encryptionConfiguration: { encryptionOption: 'SSE_KMS', kmsKey: props.encryptionKey.keyArn },
          expectedBucketOwner: stack.account,
        },
      },
    });

    if (props.lakeFormationAdminArns && props.lakeFormationAdminArns.length > 0) {
      this.adminSettings = new lakeformation.CfnDataLakeSettings(this, 'DataLakeAdmins', {
        mutationType: 'APPEND',
        admins: props.lakeFormationAdminArns.map((arn) => ({ dataLakePrincipalIdentifier: arn })),
      });
      this.resourceLink.addDependency(this.adminSettings);
    }
  }

  /**
   * Passes the shared `SELECT` on the given columns, and `DESCRIBE` on the resource link, on to roles of
   * this account (Lake Formation grants; the roles also need the IAM rights to call Glue, Athena and
   * `lakeformation:GetDataAccess`). Needs the share made with the grant option
   * (`DataShareProps.consumerCanRegrant`); where the owning account grants to the roles directly (e.g.
   * `DataCellsFilterGrant`), use `grantDescribeLink` instead.
   * @param roles the roles of this account
   * @param grants the tables and columns, a subset of what the owning account shared
   */
  public grantSelect(roles: iam.IRole[], grants: TableColumnGrant[]): lakeformation.CfnPrincipalPermissions[] {
    const stack = Stack.of(this);
    const out: lakeformation.CfnPrincipalPermissions[] = [];
    for (const role of roles) {
      const n = this.grantCount;
      out.push(...this.grantDescribeLink([role.roleArn]));
      const principal = { dataLakePrincipalIdentifier: role.roleArn };
      for (const grant of grants) {
        if (!grant.columnNames || grant.columnNames.length === 0) {
          throw new Error(`DataShareConsumer.grantSelect: the grant on table ${JSON.stringify(grant.tableName)} has no columnNames; list the columns the roles may select`);
        }
        const select = new lakeformation.CfnPrincipalPermissions(this, `Select${n}-${grant.tableName}`, {
          catalog: stack.account,
          principal,
          resource: {
            tableWithColumns: {
              catalogId: this.sourceAccountId,
              databaseName: this.targetDatabaseName,
              name: grant.tableName,
              columnNames: grant.columnNames,
            },
          },
          permissions: ['SELECT'],
          permissionsWithGrantOption: [],
        });
        select.addDependency(this.resourceLink);
        if (this.adminSettings) select.addDependency(this.adminSettings);
        out.push(select);
      }
    }
    return out;
  }

  /**
   * Grants `DESCRIBE` on the resource link (without grant option) to principals of this account: what
   * they need here to reach the shared database through the link when the owning account grants them
   * the data itself (e.g. `DataCellsFilterGrant` to their role ARNs). It grants nothing on the data.
   * @param principalArns IAM role or user ARNs of this account
   */
  public grantDescribeLink(principalArns: string[]): lakeformation.CfnPrincipalPermissions[] {
    const stack = Stack.of(this);
    return principalArns.map((arn) => {
      const describe = new lakeformation.CfnPrincipalPermissions(this, `DescribeLink${this.grantCount++}`, {
        catalog: stack.account,
        principal: { dataLakePrincipalIdentifier: arn },
        resource: { database: { catalogId: stack.account, name: this.linkName } },
        permissions: ['DESCRIBE'],
        permissionsWithGrantOption: [],
      });
      describe.addDependency(this.resourceLink);
      if (this.adminSettings) describe.addDependency(this.adminSettings);
      return describe;
    });
  }
}

const ACCOUNT_ID = /^\d{12}$/;
const CATALOG_NAME = /^[a-z0-9_]{1,255}$/;
const WORKGROUP = /^[a-zA-Z0-9._-]{1,128}$/;
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/;

function validate(stack: Stack, props: DataShareConsumerProps, linkName: string): void {
  const literal = (v: string | undefined): v is string => v !== undefined && !Token.isUnresolved(v);
  for (const [field, value] of [['databaseName', props.databaseName], ['linkName', linkName]] as const) {
    if (literal(value) && !CATALOG_NAME.test(value)) {
      throw new Error(`DataShareConsumer: ${field} ${JSON.stringify(value)} is not a valid database name: use 1 to 255 lower-case letters, digits and '_', e.g. 'welding'`);
    }
  }
  if (literal(props.sourceAccountId) && !ACCOUNT_ID.test(props.sourceAccountId)) {
    throw new Error(`DataShareConsumer: sourceAccountId ${JSON.stringify(props.sourceAccountId)} is not a 12-digit AWS account id; write the owning account, e.g. '111111111111'`);
  }
  if (literal(props.sourceAccountId) && literal(stack.account) && props.sourceAccountId === stack.account) {
    throw new Error(`DataShareConsumer: sourceAccountId ${stack.account} is the account of this stack; a resource link points to a database of another account`);
  }
  if (literal(props.workGroupName) && !WORKGROUP.test(props.workGroupName)) {
    throw new Error(`DataShareConsumer: workGroupName ${JSON.stringify(props.workGroupName)} is not a workgroup name; use 1 to 128 letters, digits, '.', '_' and '-'`);
  }
  for (const arn of props.lakeFormationAdminArns ?? []) {
    if (literal(arn) && !PRINCIPAL_ARN.test(arn)) {
      throw new Error(`DataShareConsumer: lakeFormationAdminArns contains ${JSON.stringify(arn)}, which is not an IAM role or user ARN; write e.g. 'arn:aws:iam::222222222222:role/cdk-hnb659fds-cfn-exec-role-222222222222-eu-central-1'`);
    }
  }
}
