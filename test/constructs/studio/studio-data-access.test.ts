import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { studioFixtures } from './fixtures';
import { ComplianceCheck, SecureBucket } from '../../../src';
import { DataScientistProfile, StudioDomain, StudioDomainProps } from '../../../src/constructs/studio';
import { testStack } from '../../helpers/stacks';

function build(extra: (stack: any) => Partial<StudioDomainProps>) {
  const { app, stack } = testStack();
  const f = studioFixtures(stack);
  const domain = new StudioDomain(stack, 'Studio', {
    domainName: 'mlops-exp',
    vpc: f.vpc,
    encryptionKey: f.key,
    permissionsBoundary: f.boundary,
    guardrailPolicy: f.guardrails,
    ...extra(stack),
  });
  return { app, stack, domain, t: () => Template.fromStack(stack) };
}

/** The statements of the data policy attached to a role. */
function dataStatements(t: Template, roleId: string): Record<string, any> {
  const policies = t.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: roleId }], Description: 'Data and packages of a SageMaker Studio execution role: readable buckets, shared databases, Athena, the package mirror' } });
  expect(Object.keys(policies)).toHaveLength(1);
  return Object.fromEntries((Object.values(policies)[0] as any).Properties.PolicyDocument.Statement.map((s: any) => [s.Sid, s]));
}

const MIRROR = {
  domainArn: 'arn:aws:codeartifact:eu-central-1:222222222222:domain/mlops',
  repositoryArns: ['arn:aws:codeartifact:eu-central-1:222222222222:repository/mlops/shared'],
};

describe('StudioDomain: data and package access of the execution roles', () => {
  test('without data props, no data policy', () => {
    const { t } = build(() => ({}));
    expect(Object.keys(t().findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: 'Data and packages of a SageMaker Studio execution role: readable buckets, shared databases, Athena, the package mirror' } }))).toEqual([]);
  });

  test('buckets by name pattern, a shared database and its target, Athena, the mirror: for the default role and every profile', () => {
    const { t, stack, domain } = build((s) => {
      const resultsKey = new kms.Key(s, 'ResultsKey', { enableKeyRotation: true });
      return {
        readableBucketNamePatterns: ['mlops-*-artifacts-222222222222'],
        readableBucketKeyAliases: ['alias/mlops/*/artifacts'],
        sharedDatabases: [{ databaseName: 'sales', targetCatalogId: '111111111111', targetDatabaseName: 'sales_curated', targetCatalogKeyAlias: 'alias/mlops/platform' }],
        athenaWorkGroupName: 'analysts',
        athenaResultsBucket: new SecureBucket(s, 'Results', { encryptionKey: resultsKey }).bucket,
        packageMirror: MIRROR,
      };
    });
    const alice = new DataScientistProfile(stack, 'Alice', { domain, userProfileName: 'alice' });
    for (const role of [domain.defaultExecutionRole, alice.role]) {
      const bySid = dataStatements(t(), stack.getLogicalId(role.node.defaultChild as any));
      expect(Object.keys(bySid)).toEqual([
        'ListReadableBuckets', 'ReadReadableBuckets', 'DecryptReadableBucketObjects', 'ReadSharedDatabaseMetadata',
        'LakeFormationCredentialsForGrantedData', 'DecryptSharedCatalogMetadata', 'QueryInTheWorkGroup', 'ListTheQueryResultsBucket',
        'ReadWriteQueryResults', 'EncryptQueryResults', 'PackageMirrorToken', 'ReadPackagesFromTheMirror', 'BearerTokenForCodeArtifactOnly',
      ]);
      expect(bySid.ReadReadableBuckets.Resource).toBe('arn:aws:s3:::mlops-*-artifacts-222222222222/*');
      expect(bySid.DecryptReadableBucketObjects.Condition).toEqual({
        'ForAnyValue:StringLike': { 'kms:ResourceAliases': ['alias/mlops/*/artifacts'] },
        'StringEquals': { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' },
      });
      expect(bySid.ReadSharedDatabaseMetadata.Resource).toEqual([
        'arn:aws:glue:eu-central-1:222222222222:catalog',
        'arn:aws:glue:eu-central-1:111111111111:catalog',
        'arn:aws:glue:eu-central-1:222222222222:database/sales',
        'arn:aws:glue:eu-central-1:111111111111:database/sales_curated',
        'arn:aws:glue:eu-central-1:222222222222:table/sales/*',
        'arn:aws:glue:eu-central-1:111111111111:table/sales_curated/*',
      ]);
      expect(bySid.DecryptSharedCatalogMetadata).toEqual(expect.objectContaining({
        Resource: 'arn:aws:kms:eu-central-1:111111111111:key/*',
        Condition: { 'ForAnyValue:StringEquals': { 'kms:ResourceAliases': ['alias/mlops/platform'] }, 'StringEquals': { 'kms:ViaService': 'glue.eu-central-1.amazonaws.com' } },
      }));
      expect(bySid.QueryInTheWorkGroup.Resource).toBe('arn:aws:athena:eu-central-1:222222222222:workgroup/analysts');
      expect(bySid.PackageMirrorToken).toEqual(expect.objectContaining({ Action: 'codeartifact:GetAuthorizationToken', Resource: MIRROR.domainArn }));
      expect(bySid.ReadPackagesFromTheMirror.Resource).toBe(MIRROR.repositoryArns[0]);
      expect(bySid.BearerTokenForCodeArtifactOnly.Condition).toEqual({ StringEquals: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } });
    }
  });

  test('passes the compliance packs with every wildcard acknowledged', () => {
    const { app } = build(() => ({
      readableBucketNamePatterns: ['mlops-*-artifacts-222222222222'],
      readableBucketKeyAliases: ['alias/mlops/*/artifacts'],
      sharedDatabases: [{ databaseName: 'sales', targetCatalogId: '111111111111', targetCatalogKeyAlias: 'alias/mlops/platform' }],
      packageMirror: MIRROR,
    }));
    ComplianceCheck.assertCompliant(app);
  });

  describe('refuses bad props, naming the field', () => {
    test.each([
      [{ readableBucketNamePatterns: ['Bad_Bucket'] }, /readableBucketNamePatterns contains "Bad_Bucket"/],
      [{ readableBucketKeyAliases: ['alias/x'] }, /readableBucketKeyAliases is set but readableBucketNamePatterns is not/],
      [{ readableBucketNamePatterns: ['b-*'], readableBucketKeyAliases: ['key/123'] }, /readableBucketKeyAliases contains "key\/123"/],
      [{ sharedDatabases: [{ databaseName: 'Sales' }] }, /sharedDatabases has databaseName "Sales"/],
      [{ sharedDatabases: [{ databaseName: 'sales', targetCatalogId: '42' }] }, /targetCatalogId "42" is not a 12-digit account id/],
      [{ sharedDatabases: [{ databaseName: 'sales', targetDatabaseName: 'x' }] }, /has a targetDatabaseName or targetCatalogKeyAlias but no targetCatalogId/],
      [{ athenaWorkGroupName: 'analysts' }, /athenaWorkGroupName and athenaResultsBucket go together/],
      [{ packageMirror: { domainArn: MIRROR.domainArn, repositoryArns: [] } }, /packageMirror.repositoryArns is empty/],
    ])('%j', (extra, message) => {
      expect(() => build(() => extra as Partial<StudioDomainProps>)).toThrow(message);
    });
  });
});

describe('DataScientistProfile: one ownership tag', () => {
  test('the tag key is studio-user, shared with the persona roles; tags may not set it', () => {
    expect(DataScientistProfile.USER_TAG_KEY).toBe('studio-user');
    const { stack, domain } = build(() => ({}));
    expect(() => new DataScientistProfile(stack, 'Mallory', { domain, userProfileName: 'mallory', tags: { 'studio-user': 'alice' } }))
      .toThrow(/tags has the key "studio-user", which says whose the profile is; set it through owner instead/);
  });
});
