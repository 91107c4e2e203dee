import { Stack, Token } from 'aws-cdk-lib';
import * as glue from 'aws-cdk-lib/aws-glue';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lakeformation from 'aws-cdk-lib/aws-lakeformation';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { GlueColumnType, TableDataFormat } from './glue-types';
import { acknowledgeRules } from '../core/acknowledge';
import { arnPattern, wildcardResourceFinding } from '../core/iam-findings';

/**
 * One column of a Glue table.
 */
export interface GlueColumn {
  /** The column name: lower-case letters, digits and `_`, starting with a letter or `_` (as Glue stores it). */
  readonly name: string;
  /** The Glue type of the column. */
  readonly columnType: GlueColumnType;
  /**
   * A comment describing the column.
   * @default - no comment
   */
  readonly comment?: string;
}

/**
 * A Glue table of the shared database: its columns, where its files are and in which format.
 */
export interface DataShareTable {
  /** The table name: 1 to 255 lower-case letters, digits and `_`. */
  readonly tableName: string;
  /** The columns of the table (not the partition keys), at least one. */
  readonly columns: GlueColumn[];
  /**
   * The partition keys of the table; they are columns too and can be granted like them.
   * @default - not partitioned
   */
  readonly partitionKeys?: GlueColumn[];
  /** Where the table's files are, as an S3 URI, e.g. `s3://data-lake-bucket/curated/orders/`. */
  readonly location: string;
  /**
   * The format of the table's files.
   * @default TableDataFormat.PARQUET
   */
  readonly dataFormat?: TableDataFormat;
  /**
   * A description of the table.
   * @default - no description
   */
  readonly description?: string;
}

/**
 * A `SELECT` grant to the consumer account on some columns of one table.
 */
export interface TableColumnGrant {
  /** The table, one of the `tableName`s of `tables`. */
  readonly tableName: string;
  /** The columns the consumer may select (columns or partition keys of the table), at least one. */
  readonly columnNames: string[];
}

/**
 * An S3 location to register with Lake Formation, so that Lake Formation vends credentials for it to
 * the principals it has granted access to.
 */
export interface DataLakeLocation {
  /** The bucket that holds the data. */
  readonly bucket: s3.IBucket;
  /**
   * The prefix in the bucket (no leading `/`), e.g. `curated`.
   * @default - the whole bucket
   */
  readonly prefix?: string;
  /**
   * The KMS key that encrypts the objects; the registration role may decrypt with it.
   * @default - the bucket's `encryptionKey`, if it has one
   */
  readonly encryptionKey?: kms.IKey;
}

/**
 * Props of a `DataShare`.
 */
export interface DataShareProps {
  /** The Glue database name: 1 to 255 lower-case letters, digits and `_` (the names Athena accepts). */
  readonly databaseName: string;

  /**
   * A description of the database.
   * @default - no description
   */
  readonly description?: string;

  /** The tables of the database. */
  readonly tables: DataShareTable[];

  /** The account (12 digits, e.g. EXP) that receives the grants. */
  readonly consumerAccountId: string;

  /**
   * What the consumer account may read: `SELECT` on these tables, restricted to these columns. Every
   * column must exist in its table. The consumer also gets `DESCRIBE` on the database. An empty list grants
   * the consumer account `DESCRIBE` on the database only: grant the data to named principals instead, with
   * `DataCellsFilterGrant` (columns and rows, no grant option), and set `consumerCanRegrant: false`.
   */
  readonly columnGrants: TableColumnGrant[];

  /**
   * Grant with the grant option, so that the consumer account's data lake administrator can pass the
   * same permissions on to principals of that account (the data scientists' roles). Without it, nobody
   * in the consumer account can use the grant except through a resource share that re-grants. The grant
   * option hands the consumer account's administrators every granted row of every granted column: where
   * several teams of the consumer account must see different rows or columns, turn it off and grant
   * `DataCellsFilterGrant`s to their roles (the blueprint does when use cases declare `dataAccess`).
   * @default true
   */
  readonly consumerCanRegrant?: boolean;

  /**
   * The customer-managed key that encrypts the Glue Data Catalog of this account and region. When it
   * is a `kms.Key` of this app, its policy is extended to let the consumer account decrypt catalog
   * objects through Glue.
   */
  readonly encryptionKey: kms.IKey;

  /**
   * Set the Glue Data Catalog encryption settings of this account and region (metadata and connection
   * passwords encrypted with `encryptionKey`). These settings exist once per account and region: when
   * several `DataShare`s (or other stacks) live in one account, let exactly one of them set them.
   * @default true
   */
  readonly encryptCatalog?: boolean;

  /**
   * An S3 location to register with Lake Formation (with `registrationRole`), so that Lake Formation
   * governs access to the tables' files.
   * @default - no location is registered here (register it elsewhere, or use IAM-governed access)
   */
  readonly dataLakeLocation?: DataLakeLocation;

  /**
   * The role Lake Formation assumes to read `dataLakeLocation`. It must trust `lakeformation.amazonaws.com`.
   * @default - a role is created that may only read (get and list) the location and decrypt with its key
   */
  readonly registrationRole?: iam.IRole;

  /**
   * A permissions boundary for the registration role this construct creates.
   * @default - no boundary
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;

  /**
   * IAM role or user ARNs to add (never replace) as Lake Formation data lake administrators before the
   * grants are made, typically the CloudFormation execution role that deploys this stack: creating
   * cross-account grants requires a data lake administrator.
   * @default - none added: the deploying role must already be a data lake administrator
   */
  readonly lakeFormationAdminArns?: string[];
}

/**
 * A governed Glue database for sharing with the experimentation account: tables described by their
 * columns, location and format, and Lake Formation grants of `SELECT` restricted to named columns of
 * named tables (column-level access control) and `DESCRIBE` on the database, to the consumer account.
 * The Glue Data Catalog is encrypted with a customer-managed key, the database gives no default
 * permissions to IAM principals on new tables (Lake Formation decides), and the S3 location can be
 * registered with Lake Formation with a read-only role.
 *
 * Grants are `AWS::LakeFormation::PrincipalPermissions` (one permission per resource, with an explicit
 * catalog id, as cross-account grants need). Every granted column is checked against its table.
 *
 * @example
 * const share = new DataShare(this, 'Share', {
 *   databaseName: 'customer_churn',
 *   encryptionKey: key,
 *   consumerAccountId: '111111111111',
 *   tables: [{
 *     tableName: 'customers',
 *     location: 's3://my-data-lake/curated/customers/',
 *     columns: [
 *       { name: 'customer_id', columnType: GlueColumnType.BIGINT },
 *       { name: 'email', columnType: GlueColumnType.STRING },
 *       { name: 'tenure_months', columnType: GlueColumnType.INT },
 *     ],
 *   }],
 *   columnGrants: [{ tableName: 'customers', columnNames: ['customer_id', 'tenure_months'] }],
 * });
 */
export class DataShare extends Construct {
  /** The Glue database. */
  public readonly database: glue.CfnDatabase;
  /** The database name. */
  public readonly databaseName: string;
  /** The database ARN. */
  public readonly databaseArn: string;
  /** The names of the tables, in the order given. */
  public readonly tableNames: string[];
  /** The Lake Formation grants to the consumer account (DESCRIBE on the database first, then one SELECT per table). */
  public readonly grants: lakeformation.CfnPrincipalPermissions[];
  /** The role Lake Formation uses for the registered location, if a location is registered. */
  public readonly registrationRole?: iam.IRole;
  /** The Glue Data Catalog encryption settings, if this share sets them. */
  public readonly catalogEncryption?: glue.CfnDataCatalogEncryptionSettings;

  private readonly tablesByName = new Map<string, glue.CfnTable>();

  /**
   * @param scope the construct scope
   * @param id the construct id
   * @param props the DataShare settings
   */
  constructor(scope: Construct, id: string, props: DataShareProps) {
    super(scope, id);
    validateProps(scope, props);
    const stack = Stack.of(this);
    const catalogId = stack.account;

    if (props.encryptCatalog ?? true) {
      this.catalogEncryption = new glue.CfnDataCatalogEncryptionSettings(this, 'CatalogEncryption', {
        catalogId,
        dataCatalogEncryptionSettings: {
          encryptionAtRest: { catalogEncryptionMode: 'SSE-KMS', sseAwsKmsKeyId: props.encryptionKey.keyArn },
          connectionPasswordEncryption: { returnConnectionPasswordEncrypted: true, kmsKeyId: props.encryptionKey.keyArn },
        },
      });
      // The consumer reads the shared metadata through Glue, which decrypts it with this key for them.
      props.encryptionKey.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'AllowConsumerAccountGlueCatalogReads',
          principals: [new iam.AccountPrincipal(props.consumerAccountId)],
          actions: ['kms:Decrypt', 'kms:DescribeKey'],
          resources: ['*'],
          conditions: { StringEquals: { 'kms:ViaService': `glue.${stack.region}.amazonaws.com` } },
        }),
      );
    }

    this.database = new glue.CfnDatabase(this, 'Database', {
      catalogId,
      databaseInput: {
        name: props.databaseName,
        description: props.description,
        // no IAM_ALLOWED_PRINCIPALS default on new tables: Lake Formation grants alone decide access
        createTableDefaultPermissions: [],
      },
    });
    if (this.catalogEncryption) this.database.addDependency(this.catalogEncryption);
    this.databaseName = props.databaseName;
    this.databaseArn = stack.formatArn({ service: 'glue', resource: 'database', resourceName: props.databaseName });

    for (const table of props.tables) {
      const format = table.dataFormat ?? TableDataFormat.PARQUET;
      const cfnTable = new glue.CfnTable(this, `Table-${table.tableName}`, {
        catalogId,
        databaseName: this.database.ref,
        tableInput: {
          name: table.tableName,
          description: table.description,
          tableType: 'EXTERNAL_TABLE',
          parameters: { classification: format.classification, EXTERNAL: 'TRUE' },
          partitionKeys: table.partitionKeys?.map(renderColumn),
          storageDescriptor: {
            columns: table.columns.map(renderColumn),
            location: table.location,
            inputFormat: format.inputFormat,
            outputFormat: format.outputFormat,
            compressed: false,
            storedAsSubDirectories: false,
            serdeInfo: {
              serializationLibrary: format.serializationLibrary,
              parameters: Object.keys(format.serdeParameters).length > 0 ? format.serdeParameters : undefined,
            },
          },
        },
      });
      this.tablesByName.set(table.tableName, cfnTable);
    }
    this.tableNames = props.tables.map((t) => t.tableName);

    let adminSettings: lakeformation.CfnDataLakeSettings | undefined;
    if (props.lakeFormationAdminArns && props.lakeFormationAdminArns.length > 0) {
      adminSettings = new lakeformation.CfnDataLakeSettings(this, 'DataLakeAdmins', {
        mutationType: 'APPEND',
        admins: props.lakeFormationAdminArns.map((arn) => ({ dataLakePrincipalIdentifier: arn })),
      });
    }

    if (props.dataLakeLocation) {
      this.registrationRole = props.registrationRole ?? this.createRegistrationRole(props.dataLakeLocation, props.permissionsBoundary);
      const prefix = trimSlashes(props.dataLakeLocation.prefix ?? '');
      const registration = new lakeformation.CfnResource(this, 'LocationRegistration', {
        resourceArn: prefix ? `${props.dataLakeLocation.bucket.bucketArn}/${prefix}` : props.dataLakeLocation.bucket.bucketArn,
        roleArn: this.registrationRole.roleArn,
        useServiceLinkedRole: false,
      });
      if (adminSettings) registration.addDependency(adminSettings);
    }

    const regrant = props.consumerCanRegrant ?? true;
    const principal = { dataLakePrincipalIdentifier: props.consumerAccountId };
    const describe = new lakeformation.CfnPrincipalPermissions(this, 'DescribeDatabase', {
      catalog: catalogId,
      principal,
      resource: { database: { catalogId, name: props.databaseName } },
      permissions: ['DESCRIBE'],
      permissionsWithGrantOption: regrant ? ['DESCRIBE'] : [],
    });
    describe.addDependency(this.database);
    this.grants = [describe];
    for (const grant of props.columnGrants) {
      const select = new lakeformation.CfnPrincipalPermissions(this, `Select-${grant.tableName}`, {
        catalog: catalogId,
        principal,
        resource: {
          tableWithColumns: { catalogId, databaseName: props.databaseName, name: grant.tableName, columnNames: grant.columnNames },
        },
        permissions: ['SELECT'],
        permissionsWithGrantOption: regrant ? ['SELECT'] : [],
      });
      select.addDependency(this.tablesByName.get(grant.tableName)!);
      this.grants.push(select);
    }
    if (adminSettings) for (const g of this.grants) g.addDependency(adminSettings);
  }

  /**
   * The ARN of one of the tables.
   * @param tableName one of the `tableName`s given in `tables`
   */
  public tableArn(tableName: string): string {
    if (!this.tablesByName.has(tableName)) {
      throw new Error(`DataShare.tableArn: ${JSON.stringify(tableName)} is not a table of ${this.databaseName}; its tables are ${this.tableNames.join(', ')}`);
    }
    return Stack.of(this).formatArn({ service: 'glue', resource: 'table', resourceName: `${this.databaseName}/${tableName}` });
  }

  private createRegistrationRole(location: DataLakeLocation, boundary?: iam.IManagedPolicy): iam.Role {
    const prefix = trimSlashes(location.prefix ?? '');
    // an ARN pattern (not bucket.arnForObjects) so that the wildcard's finding can be acknowledged
    const objects = arnPattern(this, 's3', `${location.bucket.bucketName}/${prefix ? `${prefix}/*` : '*'}`);
    const statements = [
      new iam.PolicyStatement({
        sid: 'ReadTheRegisteredObjects',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [objects],
      }),
      new iam.PolicyStatement({
        sid: 'ListTheRegisteredPrefix',
        actions: ['s3:ListBucket'],
        resources: [location.bucket.bucketArn],
        conditions: prefix ? { StringLike: { 's3:prefix': [prefix, `${prefix}/*`] } } : undefined,
      }),
    ];
    const key = location.encryptionKey ?? location.bucket.encryptionKey;
    if (key) {
      statements.push(
        new iam.PolicyStatement({
          sid: 'DecryptTheRegisteredObjects',
          actions: ['kms:Decrypt'],
          resources: [key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
    const policy = new iam.ManagedPolicy(this, 'RegistrationPolicy', {
      description: 'Lets Lake Formation read the registered data lake location (get and list only).',
      statements,
    });
    const role = new iam.Role(this, 'RegistrationRole', {
      assumedBy: new iam.ServicePrincipal('lakeformation.amazonaws.com'),
      description: 'Assumed by Lake Formation to vend read credentials for the registered data lake location.',
      managedPolicies: [policy],
      permissionsBoundary: boundary,
    });
    acknowledgeRules(policy, {
      [wildcardResourceFinding(this, objects)]:
        'Lake Formation reads every object under the registered prefix on behalf of granted principals; object keys are not known when the location is registered.',
    });
    return role;
  }
}

function renderColumn(column: GlueColumn): glue.CfnTable.ColumnProperty {
  return { name: column.name, type: column.columnType.typeName, comment: column.comment };
}

function trimSlashes(prefix: string): string {
  return prefix.replace(/^\/+|\/+$/g, '');
}

const ACCOUNT_ID = /^\d{12}$/;
const CATALOG_NAME = /^[a-z0-9_]{1,255}$/;
const COLUMN_NAME = /^[a-z_][a-z0-9_]{0,254}$/;
const S3_URI = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;
const PRINCIPAL_ARN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/.+$/;

function validateProps(scope: Construct, props: DataShareProps): void {
  const resolved = (v: string | undefined) => v !== undefined && !Token.isUnresolved(v);
  if (resolved(props.databaseName) && !CATALOG_NAME.test(props.databaseName)) {
    throw new Error(
      `DataShare: databaseName ${JSON.stringify(props.databaseName)} is not a valid database name: use 1 to 255 lower-case letters, digits and '_', e.g. 'customer_churn'`,
    );
  }
  if (resolved(props.consumerAccountId) && !ACCOUNT_ID.test(props.consumerAccountId)) {
    throw new Error(`DataShare: consumerAccountId ${JSON.stringify(props.consumerAccountId)} is not a 12-digit AWS account id; write it as 12 digits, e.g. '111111111111'`);
  }
  const own = Stack.of(scope).account;
  if (resolved(props.consumerAccountId) && resolved(own) && props.consumerAccountId === own) {
    throw new Error(`DataShare: consumerAccountId ${own} is the account of this stack; name the consuming account (e.g. EXP), a share to itself grants nothing`);
  }
  if (!props.tables || props.tables.length === 0) {
    throw new Error('DataShare: tables is empty; describe at least one table to share');
  }

  const columnsByTable = new Map<string, Set<string>>();
  for (const table of props.tables) {
    if (resolved(table.tableName) && !CATALOG_NAME.test(table.tableName)) {
      throw new Error(`DataShare: tableName ${JSON.stringify(table.tableName)} is not a valid table name: use 1 to 255 lower-case letters, digits and '_', e.g. 'orders'`);
    }
    if (columnsByTable.has(table.tableName)) {
      throw new Error(`DataShare: table ${JSON.stringify(table.tableName)} is declared twice in tables; declare each table once`);
    }
    if (!table.columns || table.columns.length === 0) {
      throw new Error(`DataShare: table ${JSON.stringify(table.tableName)} has no columns; list at least one column`);
    }
    if (resolved(table.location) && !S3_URI.test(table.location)) {
      throw new Error(`DataShare: table ${JSON.stringify(table.tableName)} has location ${JSON.stringify(table.location)}, which is not an S3 URI; write it as 's3://bucket/prefix/'`);
    }
    const names = new Set<string>();
    for (const column of [...table.columns, ...(table.partitionKeys ?? [])]) {
      if (!COLUMN_NAME.test(column.name)) {
        throw new Error(
          `DataShare: table ${JSON.stringify(table.tableName)} has column ${JSON.stringify(column.name)}, which is not a valid column name: use lower-case letters, digits and '_', starting with a letter or '_' (Glue stores column names in lower case)`,
        );
      }
      if (names.has(column.name)) {
        throw new Error(`DataShare: table ${JSON.stringify(table.tableName)} has column ${JSON.stringify(column.name)} twice (columns and partition keys share one namespace); name each column once`);
      }
      names.add(column.name);
    }
    columnsByTable.set(table.tableName, names);
  }

  const granted = new Set<string>();
  for (const grant of props.columnGrants ?? []) {
    const columns = columnsByTable.get(grant.tableName);
    if (!columns) {
      throw new Error(
        `DataShare: columnGrants names table ${JSON.stringify(grant.tableName)}, which is not in tables (${[...columnsByTable.keys()].join(', ')}); declare it in tables or fix the name`,
      );
    }
    if (granted.has(grant.tableName)) {
      throw new Error(`DataShare: columnGrants has two grants for table ${JSON.stringify(grant.tableName)}; merge their columnNames into one grant`);
    }
    granted.add(grant.tableName);
    if (!grant.columnNames || grant.columnNames.length === 0) {
      throw new Error(`DataShare: the grant on table ${JSON.stringify(grant.tableName)} has no columnNames; list the columns the consumer may select`);
    }
    const seen = new Set<string>();
    for (const column of grant.columnNames) {
      if (!columns.has(column)) {
        throw new Error(
          `DataShare: the grant on table ${JSON.stringify(grant.tableName)} names column ${JSON.stringify(column)}, which table ${JSON.stringify(grant.tableName)} does not have; its columns are ${[...columns].join(', ')}`,
        );
      }
      if (seen.has(column)) {
        throw new Error(`DataShare: the grant on table ${JSON.stringify(grant.tableName)} lists column ${JSON.stringify(column)} twice; list it once`);
      }
      seen.add(column);
    }
  }

  for (const arn of props.lakeFormationAdminArns ?? []) {
    if (resolved(arn) && !PRINCIPAL_ARN.test(arn)) {
      throw new Error(`DataShare: lakeFormationAdminArns contains ${JSON.stringify(arn)}, which is not an IAM role or user ARN; write e.g. 'arn:aws:iam::123456789012:role/cdk-hnb659fds-cfn-exec-role-123456789012-eu-central-1'`);
    }
  }
  if (props.registrationRole && !props.dataLakeLocation) {
    throw new Error('DataShare: registrationRole is set but dataLakeLocation is not; set dataLakeLocation to register a location, or drop registrationRole');
  }
  const prefix = props.dataLakeLocation?.prefix;
  if (prefix !== undefined && resolved(prefix) && /[*?]/.test(prefix)) {
    throw new Error(`DataShare: dataLakeLocation.prefix ${JSON.stringify(prefix)} contains a wildcard; give a plain prefix, e.g. 'curated'`);
  }
}
