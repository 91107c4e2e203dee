import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ComplianceCheck, DataShare, DataShareProps, DataShareTable, GlueColumnType, SecureBucket, TableDataFormat } from '../../../src';
import { testStack } from '../../helpers/stacks';

const EXP = '111111111111';
const DATA = '222222222222';

const CUSTOMERS: DataShareTable = {
  tableName: 'customers',
  location: 's3://lake-bucket/curated/customers/',
  description: 'One row per customer',
  columns: [
    { name: 'customer_id', columnType: GlueColumnType.BIGINT, comment: 'surrogate key' },
    { name: 'email', columnType: GlueColumnType.STRING },
    { name: 'tenure_months', columnType: GlueColumnType.INT },
    { name: 'monthly_charges', columnType: GlueColumnType.decimalOf(10, 2) },
  ],
  partitionKeys: [{ name: 'dt', columnType: GlueColumnType.DATE }],
};
const EVENTS: DataShareTable = {
  tableName: 'usage_events',
  location: 's3://lake-bucket/curated/usage_events/',
  dataFormat: TableDataFormat.JSON,
  columns: [
    { name: 'customer_id', columnType: GlueColumnType.BIGINT },
    { name: 'tags', columnType: GlueColumnType.arrayOf(GlueColumnType.STRING) },
    { name: 'attributes', columnType: GlueColumnType.mapOf(GlueColumnType.STRING, GlueColumnType.DOUBLE) },
    { name: 'device', columnType: GlueColumnType.of('struct<os:string,version:varchar(20)>') },
  ],
};

function build(extra: Partial<DataShareProps> = {}, withLocation = false) {
  const { app, stack } = testStack('Data');
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const lake = new SecureBucket(stack, 'Lake', { encryptionKey: key });
  const share = new DataShare(stack, 'Share', {
    databaseName: 'customer_churn',
    description: 'Curated churn data',
    encryptionKey: key,
    consumerAccountId: EXP,
    tables: [CUSTOMERS, EVENTS],
    columnGrants: [
      { tableName: 'customers', columnNames: ['customer_id', 'tenure_months', 'dt'] },
      { tableName: 'usage_events', columnNames: ['customer_id', 'tags'] },
    ],
    dataLakeLocation: withLocation ? { bucket: lake.bucket, prefix: 'curated/' } : undefined,
    ...extra,
  });
  return { app, stack, key, lake, share, t: Template.fromStack(stack) };
}

function grants(t: Template): any[] {
  return Object.values(t.findResources('AWS::LakeFormation::PrincipalPermissions')).map((r: any) => r.Properties);
}

describe('DataShare', () => {
  test('a database that gives no default permissions on new tables, after the catalog is encrypted', () => {
    const { t } = build();
    t.resourceCountIs('AWS::Glue::Database', 1);
    t.hasResource('AWS::Glue::Database', {
      Properties: {
        CatalogId: DATA,
        DatabaseInput: { Name: 'customer_churn', Description: 'Curated churn data', CreateTableDefaultPermissions: [] },
      },
      DependsOn: [Match.stringLikeRegexp('^ShareCatalogEncryption')],
    });
  });

  test('tables with their columns, partition keys, location and format', () => {
    const { t } = build();
    t.resourceCountIs('AWS::Glue::Table', 2);
    t.hasResourceProperties('AWS::Glue::Table', {
      CatalogId: DATA,
      DatabaseName: { Ref: Match.stringLikeRegexp('^ShareDatabase') },
      TableInput: {
        Name: 'customers',
        Description: 'One row per customer',
        TableType: 'EXTERNAL_TABLE',
        Parameters: { classification: 'parquet', EXTERNAL: 'TRUE' },
        PartitionKeys: [{ Name: 'dt', Type: 'date' }],
        StorageDescriptor: {
          Columns: [
            { Name: 'customer_id', Type: 'bigint', Comment: 'surrogate key' },
            { Name: 'email', Type: 'string' },
            { Name: 'tenure_months', Type: 'int' },
            { Name: 'monthly_charges', Type: 'decimal(10,2)' },
          ],
          Location: 's3://lake-bucket/curated/customers/',
          InputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat',
          OutputFormat: 'org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat',
          SerdeInfo: { SerializationLibrary: 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe' },
        },
      },
    });
    t.hasResourceProperties('AWS::Glue::Table', {
      TableInput: {
        Name: 'usage_events',
        Parameters: { classification: 'json' },
        StorageDescriptor: {
          Columns: [
            { Name: 'customer_id', Type: 'bigint' },
            { Name: 'tags', Type: 'array<string>' },
            { Name: 'attributes', Type: 'map<string,double>' },
            { Name: 'device', Type: 'struct<os:string,version:varchar(20)>' },
          ],
          SerdeInfo: { SerializationLibrary: 'org.openx.data.jsonserde.JsonSerDe' },
        },
      },
    });
  });

  test('grants the consumer account DESCRIBE on the database and SELECT on exactly the named columns', () => {
    const { t } = build();
    const all = grants(t);
    expect(all).toHaveLength(3);
    for (const g of all) {
      expect(g.Principal).toEqual({ DataLakePrincipalIdentifier: EXP });
      expect(g.Catalog).toBe(DATA);
      expect(g.Permissions).toHaveLength(1);
    }
    expect(all).toContainEqual({
      Catalog: DATA,
      Principal: { DataLakePrincipalIdentifier: EXP },
      Resource: { Database: { CatalogId: DATA, Name: 'customer_churn' } },
      Permissions: ['DESCRIBE'],
      PermissionsWithGrantOption: ['DESCRIBE'],
    });
    expect(all).toContainEqual({
      Catalog: DATA,
      Principal: { DataLakePrincipalIdentifier: EXP },
      Resource: { TableWithColumns: { CatalogId: DATA, DatabaseName: 'customer_churn', Name: 'customers', ColumnNames: ['customer_id', 'tenure_months', 'dt'] } },
      Permissions: ['SELECT'],
      PermissionsWithGrantOption: ['SELECT'],
    });
    expect(all).toContainEqual(
      expect.objectContaining({
        Resource: { TableWithColumns: { CatalogId: DATA, DatabaseName: 'customer_churn', Name: 'usage_events', ColumnNames: ['customer_id', 'tags'] } },
        Permissions: ['SELECT'],
      }),
    );
    // the column that is not granted appears in no grant
    expect(JSON.stringify(all)).not.toContain('email');
  });

  test('grants wait for the table and database they name', () => {
    const { t } = build();
    const resources = t.findResources('AWS::LakeFormation::PrincipalPermissions');
    const select = Object.values(resources).find((r: any) => r.Properties.Resource.TableWithColumns?.Name === 'customers') as any;
    expect(select.DependsOn).toEqual([expect.stringMatching(/^ShareTablecustomers/)]);
    const describe = Object.values(resources).find((r: any) => r.Properties.Resource.Database) as any;
    expect(describe.DependsOn).toEqual([expect.stringMatching(/^ShareDatabase/)]);
  });

  test('without regrant, the consumer gets no grant option', () => {
    const { t } = build({ consumerCanRegrant: false });
    for (const g of grants(t)) expect(g.PermissionsWithGrantOption).toEqual([]);
  });

  test('encrypts the Data Catalog with the key, and lets the consumer account decrypt through Glue only', () => {
    const { t } = build();
    t.hasResourceProperties('AWS::Glue::DataCatalogEncryptionSettings', {
      CatalogId: DATA,
      DataCatalogEncryptionSettings: {
        EncryptionAtRest: { CatalogEncryptionMode: 'SSE-KMS', SseAwsKmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
        ConnectionPasswordEncryption: { ReturnConnectionPasswordEncrypted: true, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
      },
    });
    const [key] = Object.values(t.findResources('AWS::KMS::Key')) as any[];
    const statement = key.Properties.KeyPolicy.Statement.find((s: any) => s.Sid === 'AllowConsumerAccountGlueCatalogReads');
    expect(statement).toEqual({
      Sid: 'AllowConsumerAccountGlueCatalogReads',
      Effect: 'Allow',
      Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${EXP}:root`]] } },
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': 'glue.eu-central-1.amazonaws.com' } },
    });
  });

  test('catalog encryption can be left to another stack of the account', () => {
    const { t } = build({ encryptCatalog: false });
    t.resourceCountIs('AWS::Glue::DataCatalogEncryptionSettings', 0);
    const [db] = Object.values(t.findResources('AWS::Glue::Database')) as any[];
    expect(db.DependsOn).toBeUndefined();
  });

  test('registers the S3 location with a role that may only read it', () => {
    const { t, share, stack } = build({}, true);
    t.hasResourceProperties('AWS::LakeFormation::Resource', {
      ResourceArn: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^LakeBucket'), 'Arn'] }, '/curated']] },
      RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ShareRegistrationRole'), 'Arn'] },
      UseServiceLinkedRole: false,
    });
    t.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lakeformation.amazonaws.com' } }] },
      ManagedPolicyArns: [{ Ref: Match.stringLikeRegexp('^ShareRegistrationPolicy') }],
    });
    const [policy] = Object.values(t.findResources('AWS::IAM::ManagedPolicy')) as any[];
    // '*' in the (always empty) region and account segments of S3 ARNs keeps '::' out of the nag finding id
    expect(policy.Properties.PolicyDocument.Statement[0]).toMatchObject({
      Sid: 'ReadTheRegisteredObjects',
      Resource: { 'Fn::Join': ['', ['arn:aws:s3:*:*:', { Ref: expect.stringMatching(/^LakeBucket/) }, '/curated/*']] },
    });
    const actions = policy.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat());
    expect(actions.sort()).toEqual(['kms:Decrypt', 's3:GetObject', 's3:GetObjectVersion', 's3:ListBucket']);
    expect(policy.Properties.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Sid: 'ListTheRegisteredPrefix', Condition: { StringLike: { 's3:prefix': ['curated', 'curated/*'] } } }),
    );
    expect(share.registrationRole).toBeDefined();
    expect(stack.resolve(share.registrationRole!.roleArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^ShareRegistrationRole/), 'Arn'] });
  });

  test('the registration role takes the permissions boundary', () => {
    const { stack } = testStack('Data');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const lake = new SecureBucket(stack, 'Lake', { encryptionKey: key });
    const boundary = new iam.ManagedPolicy(stack, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] })] });
    new DataShare(stack, 'Share', {
      databaseName: 'db',
      encryptionKey: key,
      consumerAccountId: EXP,
      tables: [CUSTOMERS],
      columnGrants: [],
      dataLakeLocation: { bucket: lake.bucket },
      permissionsBoundary: boundary,
    });
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Role', { PermissionsBoundary: { Ref: Match.stringLikeRegexp('^Boundary') } });
  });

  test('adds (never replaces) Lake Formation administrators before the grants', () => {
    const admin = `arn:aws:iam::${DATA}:role/cdk-hnb659fds-cfn-exec-role-${DATA}-eu-central-1`;
    const { t } = build({ lakeFormationAdminArns: [admin] }, true);
    t.hasResourceProperties('AWS::LakeFormation::DataLakeSettings', { MutationType: 'APPEND', Admins: [{ DataLakePrincipalIdentifier: admin }] });
    for (const r of Object.values(t.findResources('AWS::LakeFormation::PrincipalPermissions')) as any[]) {
      expect(r.DependsOn).toContainEqual(expect.stringMatching(/^ShareDataLakeAdmins/));
    }
  });

  test('exposes the database name and ARN, the table names and table ARNs', () => {
    const { share, stack } = build();
    expect(share.databaseName).toBe('customer_churn');
    expect(share.tableNames).toEqual(['customers', 'usage_events']);
    expect(stack.resolve(share.databaseArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:glue:eu-central-1:${DATA}:database/customer_churn`]] });
    expect(stack.resolve(share.tableArn('customers'))).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:glue:eu-central-1:${DATA}:table/customer_churn/customers`]],
    });
    expect(() => share.tableArn('orders')).toThrow(/"orders" is not a table of customer_churn; its tables are customers, usage_events/);
    expect(share.grants).toHaveLength(3);
  });

  test('passes the compliance packs; the only acknowledgement is the registered prefix wildcard', () => {
    const { app } = build({}, true);
    const report = ComplianceCheck.assertCompliant(app);
    const mine = report.acknowledgements.filter((a) => a.constructPath.startsWith('Data/Share'));
    expect(mine.map((a) => a.ruleId)).toEqual(['AwsSolutions-IAM5[Resource::arn:aws:s3:*:*:<LakeBucketB1D32E10>/curated/*]']);
    expect(mine[0].constructPath).toBe('Data/Share/RegistrationPolicy');
  });

  test('an imported data-lake bucket works too (its wildcard is acknowledged like an owned one)', () => {
    const { app, stack } = testStack('Data');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    new DataShare(stack, 'Share', {
      databaseName: 'db',
      encryptionKey: key,
      consumerAccountId: EXP,
      tables: [CUSTOMERS],
      columnGrants: [{ tableName: 'customers', columnNames: ['customer_id'] }],
      dataLakeLocation: { bucket: s3.Bucket.fromBucketName(stack, 'Lake', 'lake-bucket'), prefix: 'curated', encryptionKey: key },
    });
    const [policy] = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy')) as any[];
    expect(policy.Properties.PolicyDocument.Statement[0].Resource).toBe('arn:aws:s3:*:*:lake-bucket/curated/*');
    ComplianceCheck.assertCompliant(app);
  });
});

describe('DataShare validation', () => {
  const cases: Array<[string, Partial<DataShareProps>, RegExp]> = [
    ['an upper-case database name', { databaseName: 'Churn' }, /databaseName "Churn" is not a valid database name/],
    ['a database name with a dash', { databaseName: 'customer-churn' }, /databaseName "customer-churn" is not a valid database name/],
    ['a bad consumer account id', { consumerAccountId: '1111' }, /consumerAccountId "1111" is not a 12-digit AWS account id/],
    ['the own account as consumer', { consumerAccountId: DATA }, /consumerAccountId 222222222222 is the account of this stack/],
    ['no tables', { tables: [], columnGrants: [] }, /tables is empty/],
    ['a bad table name', { tables: [{ ...CUSTOMERS, tableName: 'Customers' }], columnGrants: [] }, /tableName "Customers" is not a valid table name/],
    ['a duplicate table', { tables: [CUSTOMERS, CUSTOMERS], columnGrants: [] }, /table "customers" is declared twice/],
    ['a table without columns', { tables: [{ ...CUSTOMERS, columns: [], partitionKeys: undefined }], columnGrants: [] }, /table "customers" has no columns/],
    ['a location that is not S3', { tables: [{ ...CUSTOMERS, location: 'https://example.com/x' }], columnGrants: [] }, /location "https:\/\/example.com\/x", which is not an S3 URI/],
    ['an upper-case column', { tables: [{ ...CUSTOMERS, columns: [{ name: 'CustomerId', columnType: GlueColumnType.INT }] }], columnGrants: [] }, /column "CustomerId", which is not a valid column name/],
    ['a partition key that repeats a column', { tables: [{ ...CUSTOMERS, partitionKeys: [{ name: 'email', columnType: GlueColumnType.STRING }] }], columnGrants: [] }, /table "customers" has column "email" twice/],
    ['a grant on an unknown table', { columnGrants: [{ tableName: 'orders', columnNames: ['id'] }] }, /columnGrants names table "orders", which is not in tables \(customers, usage_events\)/],
    [
      'a grant on an unknown column',
      { columnGrants: [{ tableName: 'customers', columnNames: ['customer_id', 'ssn'] }] },
      /the grant on table "customers" names column "ssn", which table "customers" does not have; its columns are customer_id, email, tenure_months, monthly_charges, dt/,
    ],
    ['a grant without columns', { columnGrants: [{ tableName: 'customers', columnNames: [] }] }, /the grant on table "customers" has no columnNames/],
    ['a column granted twice', { columnGrants: [{ tableName: 'customers', columnNames: ['email', 'email'] }] }, /lists column "email" twice/],
    ['two grants on one table', { columnGrants: [{ tableName: 'customers', columnNames: ['email'] }, { tableName: 'customers', columnNames: ['dt'] }] }, /two grants for table "customers"; merge/],
    ['an admin that is not a role ARN', { lakeFormationAdminArns: ['admin'] }, /lakeFormationAdminArns contains "admin", which is not an IAM role or user ARN/],
  ];
  test.each(cases)('refuses %s', (_name, extra, message) => {
    expect(() => build(extra)).toThrow(message);
  });

  test('refuses a registration role without a location, and a wildcard prefix', () => {
    const { stack } = testStack('Data');
    const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.ServicePrincipal('lakeformation.amazonaws.com') });
    const base = { databaseName: 'db', encryptionKey: key, consumerAccountId: EXP, tables: [CUSTOMERS], columnGrants: [] };
    expect(() => new DataShare(stack, 'A', { ...base, registrationRole: role })).toThrow(/registrationRole is set but dataLakeLocation is not/);
    const lake = new SecureBucket(stack, 'Lake', { encryptionKey: key });
    expect(() => new DataShare(stack, 'B', { ...base, dataLakeLocation: { bucket: lake.bucket, prefix: 'raw/*' } })).toThrow(/prefix "raw\/\*" contains a wildcard/);
  });
});

describe('GlueColumnType', () => {
  test('names types as Glue does', () => {
    expect(GlueColumnType.decimalOf(38, 0).typeName).toBe('decimal(38,0)');
    expect(GlueColumnType.varcharOf(64).typeName).toBe('varchar(64)');
    expect(GlueColumnType.charOf(2).typeName).toBe('char(2)');
    expect(GlueColumnType.arrayOf(GlueColumnType.mapOf(GlueColumnType.STRING, GlueColumnType.BIGINT)).typeName).toBe('array<map<string,bigint>>');
    expect(GlueColumnType.of(' timestamp ').typeName).toBe('timestamp');
  });

  test('refuses impossible types', () => {
    expect(() => GlueColumnType.decimalOf(0, 0)).toThrow(/precision 0 must be a whole number from 1 to 38/);
    expect(() => GlueColumnType.decimalOf(10, 11)).toThrow(/scale 11 must be a whole number from 0 to the precision/);
    expect(() => GlueColumnType.varcharOf(0)).toThrow(/length 0/);
    expect(() => GlueColumnType.charOf(256)).toThrow(/length 256/);
    expect(() => GlueColumnType.of('struct<a:int')).toThrow(/"struct<a:int" is not a Glue column type/);
    expect(() => GlueColumnType.of('')).toThrow(/is not a Glue column type/);
    expect(() => GlueColumnType.of('1nt')).toThrow(/is not a Glue column type/);
  });

  test('CSV declares its delimiter', () => {
    expect(TableDataFormat.CSV.serdeParameters).toEqual({ 'field.delim': ',' });
    expect(TableDataFormat.ORC.classification).toBe('orc');
    expect(TableDataFormat.AVRO.serializationLibrary).toBe('org.apache.hadoop.hive.serde2.avro.AvroSerDe');
  });
});
