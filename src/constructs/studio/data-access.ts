import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { StudioPackageMirror, StudioSharedDatabase } from './data-access-props';
import { literalPartition } from '../core/iam-findings';
import { acknowledgeWildcards, ReasonedStatement, SharedFindingReason } from '../core/wildcard-acknowledgement';

/**
 * What the Studio execution roles may read besides SageMaker: buckets by name pattern, shared databases,
 * an Athena workgroup and the package mirror.
 * @internal
 */
export interface StudioDataAccess {
  readonly readableBucketNamePatterns: string[];
  readonly readableBucketKeyAliases: string[];
  readonly sharedDatabases: StudioSharedDatabase[];
  readonly athenaWorkGroupName?: string;
  readonly athenaResultsBucket?: s3.IBucket;
  readonly packageMirror?: StudioPackageMirror;
}

const ACCOUNT = /^\d{12}$/;
const BUCKET_PATTERN = /^[a-z0-9*][a-z0-9.*-]{1,61}[a-z0-9*]$/;
const ALIAS = /^alias\/[a-zA-Z0-9/_*-]+$/;
const GLUE_NAME = /^[a-z0-9_]{1,255}$/;
const WORKGROUP = /^[a-zA-Z0-9._-]{1,128}$/;

/**
 * Checks the data-access props of a Studio domain; every error names the prop and the fix.
 * @internal
 */
export function validateDataAccess(path: string, access: StudioDataAccess): void {
  const fail = (message: string): never => {
    throw new Error(`StudioDomain ${path}: ${message}`);
  };
  const literal = (v: string | undefined): v is string => v !== undefined && !Token.isUnresolved(v);
  for (const p of access.readableBucketNamePatterns) {
    if (literal(p) && !BUCKET_PATTERN.test(p)) fail(`readableBucketNamePatterns contains ${JSON.stringify(p)}; write a bucket name with '*' for the varying part, e.g. "vwml-*-artifacts-222222222222"`);
  }
  for (const a of access.readableBucketKeyAliases) {
    if (literal(a) && !ALIAS.test(a)) fail(`readableBucketKeyAliases contains ${JSON.stringify(a)}; write a KMS alias name, e.g. "alias/vwml/*/artifacts"`);
  }
  if (access.readableBucketKeyAliases.length > 0 && access.readableBucketNamePatterns.length === 0) {
    fail('readableBucketKeyAliases is set but readableBucketNamePatterns is not; name the buckets whose objects those keys encrypt');
  }
  for (const db of access.sharedDatabases) {
    if (literal(db.databaseName) && !GLUE_NAME.test(db.databaseName)) fail(`sharedDatabases has databaseName ${JSON.stringify(db.databaseName)}; use lower-case letters, digits and '_', e.g. "welding"`);
    if (literal(db.targetCatalogId) && !ACCOUNT.test(db.targetCatalogId)) fail(`sharedDatabases[${db.databaseName}].targetCatalogId ${JSON.stringify(db.targetCatalogId)} is not a 12-digit account id`);
    if (db.targetCatalogId === undefined && (db.targetDatabaseName !== undefined || db.targetCatalogKeyAlias !== undefined)) {
      fail(`sharedDatabases[${db.databaseName}] has a targetDatabaseName or targetCatalogKeyAlias but no targetCatalogId; give the account of the target catalog`);
    }
    if (literal(db.targetCatalogKeyAlias) && !ALIAS.test(db.targetCatalogKeyAlias)) fail(`sharedDatabases[${db.databaseName}].targetCatalogKeyAlias ${JSON.stringify(db.targetCatalogKeyAlias)} is not a KMS alias name; write e.g. "alias/vwml/platform"`);
  }
  if ((access.athenaWorkGroupName === undefined) !== (access.athenaResultsBucket === undefined)) {
    fail('athenaWorkGroupName and athenaResultsBucket go together: give the workgroup and the bucket its query results are written to, or neither');
  }
  if (literal(access.athenaWorkGroupName) && !WORKGROUP.test(access.athenaWorkGroupName)) fail(`athenaWorkGroupName ${JSON.stringify(access.athenaWorkGroupName)} is not a workgroup name; use 1 to 128 letters, digits, '.', '_' and '-'`);
  if (access.packageMirror && access.packageMirror.repositoryArns.length === 0) fail('packageMirror.repositoryArns is empty; list the repositories to install packages from');
}

/**
 * The customer-managed policy of a Studio execution role for data and packages: the readable buckets (by
 * name pattern) and their keys through S3, the shared databases through Glue and Lake Formation, the
 * Athena workgroup and its results, the package mirror. Undefined when none is given.
 * @internal
 */
export function createStudioDataPolicy(
  scope: Construct, id: string, role: iam.IRole, access: StudioDataAccess,
  description = 'Data and packages of a SageMaker Studio execution role: readable buckets, shared databases, Athena, the package mirror',
): iam.ManagedPolicy | undefined {
  const stack = Stack.of(scope);
  const partition = literalPartition(stack);
  const arn = (service: string, account: string, resource: string) => `arn:${partition}:${service}:${stack.region}:${account}:${resource}`;
  const statements: ReasonedStatement[] = [];

  if (access.readableBucketNamePatterns.length > 0) {
    statements.push(
      {
        statement: new iam.PolicyStatement({
          sid: 'ListReadableBuckets',
          actions: ['s3:ListBucket', 's3:GetBucketLocation'],
          resources: access.readableBucketNamePatterns.map((p) => `arn:${partition}:s3:::${p}`),
        }),
        wildcardReason: 'Buckets found by the platform naming convention (one per use case, created after the domain); read-only listing.',
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'ReadReadableBuckets',
          actions: ['s3:GetObject', 's3:GetObjectVersion'],
          resources: access.readableBucketNamePatterns.map((p) => `arn:${partition}:s3:::${p}/*`),
        }),
        wildcardReason: 'Objects of the buckets found by the platform naming convention; read-only, object keys are made at run time.',
      },
    );
    if (access.readableBucketKeyAliases.length > 0) {
      statements.push({
        statement: new iam.PolicyStatement({
          sid: 'DecryptReadableBucketObjects',
          actions: ['kms:Decrypt'],
          resources: [arn('kms', stack.account, 'key/*')],
          conditions: {
            'ForAnyValue:StringLike': { 'kms:ResourceAliases': access.readableBucketKeyAliases },
            'StringEquals': { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` },
          },
        }),
        wildcardReason: 'Key ids of the use cases are not known in advance; kms:ResourceAliases limits the statement to their keys by alias, kms:ViaService to reads through S3.',
      });
    }
  }

  if (access.sharedDatabases.length > 0) {
    const catalogs = new Set<string>([arn('glue', stack.account, 'catalog')]);
    const databases: string[] = [];
    const tables: string[] = [];
    for (const db of access.sharedDatabases) {
      databases.push(arn('glue', stack.account, `database/${db.databaseName}`));
      tables.push(arn('glue', stack.account, `table/${db.databaseName}/*`));
      if (db.targetCatalogId) {
        const target = db.targetDatabaseName ?? db.databaseName;
        catalogs.add(arn('glue', db.targetCatalogId, 'catalog'));
        databases.push(arn('glue', db.targetCatalogId, `database/${target}`));
        tables.push(arn('glue', db.targetCatalogId, `table/${target}/*`));
      }
    }
    statements.push(
      {
        statement: new iam.PolicyStatement({
          sid: 'ReadSharedDatabaseMetadata',
          actions: ['glue:GetDatabase', 'glue:GetDatabases', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'],
          resources: [...catalogs, ...databases, ...tables],
        }),
        wildcardReason: 'The tables of the shared databases (the resource link and its target); Lake Formation grants decide which tables and columns are visible.',
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'LakeFormationCredentialsForGrantedData',
          actions: ['lakeformation:GetDataAccess'],
          resources: ['*'],
        }),
        wildcardReason: 'lakeformation:GetDataAccess has no resource-level permissions; Lake Formation vends credentials only for data it has granted to the role.',
      },
    );
    const keyStatements = access.sharedDatabases.filter((db) => db.targetCatalogId && db.targetCatalogKeyAlias);
    if (keyStatements.length > 0) {
      statements.push({
        statement: new iam.PolicyStatement({
          sid: 'DecryptSharedCatalogMetadata',
          actions: ['kms:Decrypt'],
          resources: [...new Set(keyStatements.map((db) => arn('kms', db.targetCatalogId!, 'key/*')))],
          conditions: {
            'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [...new Set(keyStatements.map((db) => db.targetCatalogKeyAlias!))] },
            'StringEquals': { 'kms:ViaService': `glue.${stack.region}.amazonaws.com` },
          },
        }),
        wildcardReason: 'The key id of the owning account\'s catalog key is not known here; kms:ResourceAliases limits the statement to that key, kms:ViaService to reads through Glue.',
      });
    }
  }

  if (access.athenaWorkGroupName && access.athenaResultsBucket) {
    const results = access.athenaResultsBucket;
    statements.push(
      {
        statement: new iam.PolicyStatement({
          sid: 'QueryInTheWorkGroup',
          actions: [
            'athena:StartQueryExecution', 'athena:StopQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults',
            'athena:GetQueryResultsStream', 'athena:ListQueryExecutions', 'athena:GetWorkGroup', 'athena:BatchGetQueryExecution',
          ],
          resources: [arn('athena', stack.account, `workgroup/${access.athenaWorkGroupName}`)],
        }),
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'ListTheQueryResultsBucket',
          actions: ['s3:ListBucket', 's3:GetBucketLocation'],
          resources: [results.bucketArn],
        }),
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'ReadWriteQueryResults',
          actions: ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
          resources: [results.arnForObjects('*')],
        }),
        wildcardReason: 'Athena names each query\'s result objects by query id at run time, only in the results bucket of the workgroup.',
      },
    );
    if (results.encryptionKey) {
      statements.push({
        statement: new iam.PolicyStatement({
          sid: 'EncryptQueryResults',
          actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
          resources: [results.encryptionKey.keyArn],
        }),
      });
    }
  }

  if (access.packageMirror) {
    statements.push(
      {
        statement: new iam.PolicyStatement({
          sid: 'PackageMirrorToken',
          actions: ['codeartifact:GetAuthorizationToken'],
          resources: [access.packageMirror.domainArn],
        }),
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'ReadPackagesFromTheMirror',
          actions: ['codeartifact:GetRepositoryEndpoint', 'codeartifact:ReadFromRepository'],
          resources: access.packageMirror.repositoryArns,
        }),
      },
      {
        statement: new iam.PolicyStatement({
          sid: 'BearerTokenForCodeArtifactOnly',
          actions: ['sts:GetServiceBearerToken'],
          resources: ['*'],
          conditions: { StringEquals: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } },
        }),
        wildcardReason: 'sts:GetServiceBearerToken has no resource-level permissions; the condition limits it to CodeArtifact tokens.',
      },
    );
  }

  if (statements.length === 0) return undefined;
  const policy = new iam.ManagedPolicy(scope, id, {
    description,
    statements: statements.map((s) => s.statement),
    roles: [role],
  });
  acknowledgeWildcards(policy, statements, { whenValidated: true, sharedFindingReason: SharedFindingReason.LAST });
  return policy;
}
