/**
 * Issue 11, defects 11 and 4 (EXP side): a data scientist opens their own Studio profile, queries the
 * table DATA shares and installs packages from the mirror. Every policy is read from the synthesized
 * templates of the sample platform (synthesized once).
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MlopsPlatform, Persona, PlatformAccount, PlatformBootstrap, PlatformConfig } from '../../../src';
import { logicalIdOf, PolicyDocumentJson, simulate, TemplatePolicies } from '../../helpers/iam-simulator';

const config = PlatformConfig.sample();
const app = new App();
const platform = new MlopsPlatform(app, 'Platform', { config });
const expStack = platform.exp;
const exp = Template.fromStack(expStack);
const expJson = exp.toJSON();
const DOMAIN_ID = 'd-abc123';
const EXP = '222222222222';
const MIRROR_DOMAIN_ARN = `arn:aws:codeartifact:eu-central-1:${EXP}:domain/vwml-packages`;
const MIRROR_REPO_ARN = `arn:aws:codeartifact:eu-central-1:${EXP}:repository/vwml-packages/shared`;
const policies = TemplatePolicies.fromStack(expStack, {
  references: {
    [`${logicalIdOf(expStack.studio.cfnDomain)}.DomainId`]: DOMAIN_ID,
    // CodeArtifact ARNs carry the domain in the repository's path
    [`${logicalIdOf(expStack.packageMirror.domain)}.Arn`]: MIRROR_DOMAIN_ARN,
    [`${logicalIdOf(expStack.packageMirror.sharedRepository)}.Arn`]: MIRROR_REPO_ARN,
  },
});
const DATA = '111111111111';
const REGION = 'eu-central-1';
const glueArn = (account: string, resource: string) => `arn:aws:glue:${REGION}:${account}:${resource}`;

// the profiles of the use case's data scientists are in its EXP onboarding stack, which reads the domain,
// VPC, keys and Athena results bucket from the SSM parameters of the EXP platform stack
const onboarding = platform.useCases.find((u) => u.useCase.name === 'weld-gun-pm')!;
const profileStack = onboarding.tryFindStack(PlatformAccount.EXP)!;
const profileJson = Template.fromStack(profileStack).toJSON();
const published: Record<string, string> = Object.fromEntries(Object.values<any>(expJson.Resources)
  .filter((r) => r.Type === 'AWS::SSM::Parameter')
  .map((r) => [r.Properties.Name, String(policies.resolve(r.Properties.Value))]));
const profilePolicies = TemplatePolicies.fromStack(profileStack, {
  references: Object.fromEntries(Object.entries<any>(profileJson.Parameters ?? {})
    .filter(([, p]) => published[p.Default] !== undefined)
    .map(([id, p]) => [id, published[p.Default]])),
});
const profile = onboarding.studioProfiles['data-scientist-1'];
// the guardrail policy and the boundary are the EXP platform stack's, attached by name
const guardrailPolicyId = logicalIdOf(expStack.guardrails.guardrailPolicy);
const scientist = {
  identityPolicies: profilePolicies.identityPolicies(logicalIdOf(profile.role), {
    [`arn:aws:iam::${EXP}:policy/vwml-SageMakerGuardrails`]: policies.policyDocument(guardrailPolicyId),
  }),
  permissionBoundaryPolicies: [policies.policyDocument(logicalIdOf(expStack.guardrails.permissionsBoundary))],
  principal: `arn:aws:iam::${EXP}:role/vwml-weld-gun-pm-studio-data-scientist-1`,
};

/** The tags of a resource of the use case's EXP onboarding template, as a map. */
function tagsOf(logicalId: string): Record<string, string> {
  return Object.fromEntries((profileJson.Resources[logicalId].Properties.Tags ?? []).map((t: any) => [t.Key, t.Value]));
}

describe('EXP: a data scientist opens exactly their own Studio profile', () => {
  const ds = {
    ...policies.rolePolicies(logicalIdOf(expStack.personas!.role(Persona.DATA_SCIENTIST))),
    principal: `arn:aws:iam::${EXP}:role/vwml-DataScientist`,
  };
  const domainId = DOMAIN_ID;

  test.each([
    ['data-scientist-1', 'Allowed'],
    ['data-scientist-2', 'ImplicitlyDenied'],
  ])('the data scientist whose session tag is data-scientist-1 opens %s: %s', async (userProfileName, expected) => {
    const tags = tagsOf(logicalIdOf(onboarding.studioProfiles[userProfileName].cfnUserProfile));
    expect(await simulate({
      ...ds,
      action: 'sagemaker:CreatePresignedDomainUrl',
      resource: `arn:aws:sagemaker:${REGION}:${EXP}:user-profile/${domainId}/${userProfileName}`,
      context: {
        'aws:ResourceTag/studio-user': tags['studio-user'],
        'aws:PrincipalTag/studio-user': 'data-scientist-1',
      },
    })).toBe(expected);
  });

  test('the profile carries one ownership tag, studio-user, with the owner (here the user profile name)', () => {
    const tags = tagsOf(logicalIdOf(profile.cfnUserProfile));
    expect(tags['studio-user']).toBe('data-scientist-1');
    expect(tags.Owner).toBeUndefined();
  });

  test('a Studio execution role cannot retag a profile as its own', async () => {
    expect(await simulate({
      ...scientist,
      action: 'sagemaker:AddTags',
      resource: `arn:aws:sagemaker:${REGION}:${EXP}:user-profile/${DOMAIN_ID}/data-scientist-2`,
      context: { 'aws:TagKeys': ['studio-user'] },
    })).toBe('ExplicitlyDenied');
  });
});

describe('EXP: Studio reaches S3 and the data services through the VPC', () => {
  test('the domain security group sends HTTPS to S3 (the gateway endpoint), not only to the VPC CIDR', () => {
    const sgId = logicalIdOf(expStack.studio.securityGroup);
    expect(expJson.Resources[sgId].Properties.SecurityGroupEgress).toContainEqual(
      expect.objectContaining({ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    );
  });

  test('no Lake Formation endpoint: Athena calls GetDataAccess on the service side, nothing in the VPC calls Lake Formation', () => {
    const services = Object.values(exp.findResources('AWS::EC2::VPCEndpoint')).map((r: any) => JSON.stringify(r.Properties.ServiceName));
    expect(services.filter((s) => s.includes('lakeformation'))).toEqual([]);
  });

  test.each(['glue', 'athena'])('an interface endpoint for %s, private DNS, behind the endpoint security group', (service) => {
    exp.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: `com.amazonaws.${REGION}.${service}`,
      VpcEndpointType: 'Interface',
      PrivateDnsEnabled: true,
      SecurityGroupIds: [{ 'Fn::GetAtt': [logicalIdOf(expStack.network!.endpointSecurityGroup), 'GroupId'] }],
    });
  });
});

describe('EXP: a data scientist queries the table DATA shares', () => {
  const consumer = expStack.sharedData!;

  test('a resource link to the DATA database, and an Athena workgroup whose encrypted results configuration is enforced', () => {
    exp.hasResourceProperties('AWS::Glue::Database', {
      CatalogId: EXP,
      DatabaseInput: { Name: 'welding', TargetDatabase: { CatalogId: DATA, DatabaseName: 'welding' } },
    });
    const keyArn = { 'Fn::GetAtt': [logicalIdOf(expStack.platformKey.key), 'Arn'] };
    exp.hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'vwml-data-scientists',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        ResultConfiguration: { EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: keyArn }, ExpectedBucketOwner: EXP },
      },
    });
  });

  test('Lake Formation in EXP gives the use case\'s Studio roles DESCRIBE on the link (after its execution role became an administrator); SELECT on their use case\'s filter comes from DATA, by role name', () => {
    const settings = exp.findResources('AWS::LakeFormation::DataLakeSettings');
    expect(Object.values(settings).map((r: any) => r.Properties.Admins)).toEqual([
      [{ DataLakePrincipalIdentifier: `arn:aws:iam::${EXP}:role/cdk-vwml-cfn-exec-role-${EXP}-${REGION}` }],
    ]);
    const grantsOf = (json: any) => Object.values<any>(json.Resources).filter((r) => r.Type === 'AWS::LakeFormation::PrincipalPermissions');
    // a profile role by Fn::GetAtt (same stack); the use case's pipeline role by ARN (its training stack)
    const principalOf = (r: any) => r.Properties.Principal.DataLakePrincipalIdentifier['Fn::GetAtt']?.[0] ?? r.Properties.Principal.DataLakePrincipalIdentifier;
    // the platform stack grants nothing: the domain's default role reads no data, and the profiles of the
    // onboarded use case are in its EXP onboarding stack
    expect(grantsOf(expJson)).toEqual([]);
    expect(expStack.profiles).toEqual({});
    // there, each profile role gets DESCRIBE on the link (deployed after the platform stack, whose execution role
    // is the administrator that made the link); the sample's weld-gun-pm declares dataAccess
    const profiles = Object.values(onboarding.studioProfiles).map((p) => p.role);
    const profileGrants = grantsOf(profileJson);
    expect(profileGrants.map(principalOf).sort()).toEqual([...profiles.map((r) => logicalIdOf(r)), `arn:aws:iam::${EXP}:role/vwml-weld-gun-pm-pipeline`].sort());
    for (const r of profileGrants) {
      expect(r.Properties).toMatchObject({ Resource: { Database: { CatalogId: EXP, Name: 'welding' } }, Permissions: ['DESCRIBE'], PermissionsWithGrantOption: [] });
    }
    const dataGrants = Template.fromStack(platform.useCases[0].tryFindStack(PlatformAccount.DATA)!);
    for (const role of profiles) {
      dataGrants.hasResourceProperties('AWS::LakeFormation::PrincipalPermissions', {
        Principal: { DataLakePrincipalIdentifier: `arn:aws:iam::${EXP}:role/${profileJson.Resources[logicalIdOf(role)].Properties.RoleName}` },
        Resource: { DataCellsFilter: { TableCatalogId: DATA, DatabaseName: 'welding', TableName: 'weld_readings', Name: 'vwml-weld-gun-pm_weld_readings' } },
        Permissions: ['SELECT'],
        PermissionsWithGrantOption: [],
      });
    }
  });

  // Lake Formation's cross-account grant puts a Glue resource policy on DATA's catalog for EXP (through RAM)
  const ramCatalogPolicy: PolicyDocumentJson = {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${EXP}:root` }, Action: 'glue:*', Resource: glueArn(DATA, '*') }],
  };

  test.each([
    ['glue:GetDatabase', glueArn(EXP, 'database/welding')],
    ['glue:GetTable', glueArn(EXP, 'table/welding/weld_readings')],
    ['glue:GetPartitions', glueArn(EXP, 'table/welding/weld_readings')],
    ['glue:GetTables', glueArn(EXP, 'database/welding')],
    ['glue:GetDatabase', glueArn(DATA, 'database/welding')],
    ['glue:GetTable', glueArn(DATA, 'table/welding/weld_readings')],
    ['glue:GetPartitions', glueArn(DATA, 'table/welding/weld_readings')],
  ])('the profile role may call %s on %s', async (action, resource) => {
    expect(await simulate({ ...scientist, action, resource, resourcePolicy: resource.includes(DATA) ? ramCatalogPolicy : undefined })).toBe('Allowed');
  });

  test('but not read another database of either catalog', async () => {
    expect(await simulate({ ...scientist, action: 'glue:GetTable', resource: glueArn(EXP, 'table/hr/salaries') })).toBe('ImplicitlyDenied');
    expect(await simulate({ ...scientist, action: 'glue:GetTable', resource: glueArn(DATA, 'table/hr/salaries'), resourcePolicy: ramCatalogPolicy })).toBe('ImplicitlyDenied');
  });

  test('the profile role may get data access from Lake Formation', async () => {
    expect(await simulate({ ...scientist, action: 'lakeformation:GetDataAccess', resource: '*' })).toBe('Allowed');
  });

  test('the profile role may decrypt DATA\'s catalog through Glue: its identity policy and DATA\'s key policy both allow it', async () => {
    const data = TemplatePolicies.fromStack(platform.data);
    const keyId = logicalIdOf(platform.data.platformKey.key);
    const keyArn = data.resolve({ 'Fn::GetAtt': [keyId, 'Arn'] }) as string;
    const keyPolicy = data.resolve(Template.fromStack(platform.data).toJSON().Resources[keyId].Properties.KeyPolicy);
    const context = { 'kms:ViaService': `glue.${REGION}.amazonaws.com`, 'kms:ResourceAliases': ['alias/vwml/platform'] };
    expect(await simulate({ ...scientist, action: 'kms:Decrypt', resource: keyArn, resourcePolicy: keyPolicy, context })).toBe('Allowed');
    expect(await simulate({ ...scientist, action: 'kms:Decrypt', resource: keyArn, resourcePolicy: keyPolicy, context: { ...context, 'kms:ViaService': `s3.${REGION}.amazonaws.com` } }))
      .not.toBe('Allowed');
  });

  test('the profile role runs queries in the workgroup only, and reads and writes its results', async () => {
    const workgroup = `arn:aws:athena:${REGION}:${EXP}:workgroup/vwml-data-scientists`;
    for (const action of ['athena:StartQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults']) {
      expect(await simulate({ ...scientist, action, resource: workgroup })).toBe('Allowed');
    }
    expect(await simulate({ ...scientist, action: 'athena:StartQueryExecution', resource: `arn:aws:athena:${REGION}:${EXP}:workgroup/primary` })).toBe('ImplicitlyDenied');
    const bucket = policies.resolve(expStack.resolve(consumer.queryResults.bucket.bucketName)) as string;
    for (const action of ['s3:PutObject', 's3:GetObject']) {
      expect(await simulate({ ...scientist, action, resource: `arn:aws:s3:::${bucket}/results/q-1.csv` })).toBe('Allowed');
    }
    const keyArn = policies.resolve(expStack.resolve(expStack.platformKey.key.keyArn)) as string;
    const keyPolicy = policies.resolve(expJson.Resources[logicalIdOf(expStack.platformKey.key)].Properties.KeyPolicy);
    expect(await simulate({ ...scientist, action: 'kms:GenerateDataKey', resource: keyArn, resourcePolicy: keyPolicy })).toBe('Allowed');
  });

  test('the EXP execution policy may create the resource link, the workgroup and the Lake Formation grants', async () => {
    const policy = PlatformBootstrap.forAccount(config, PlatformAccount.EXP).executionPolicyDocument;
    const principal = `arn:aws:iam::${EXP}:role/cdk-vwml-cfn-exec-role-${EXP}-${REGION}`;
    for (const [action, resource] of [
      ['glue:CreateDatabase', glueArn(EXP, 'database/welding')],
      ['athena:CreateWorkGroup', `arn:aws:athena:${REGION}:${EXP}:workgroup/vwml-data-scientists`],
      ['lakeformation:GrantPermissions', '*'],
      ['lakeformation:PutDataLakeSettings', '*'],
    ]) {
      expect(await simulate({ identityPolicies: [policy], principal, action, resource })).toBe('Allowed');
    }
  });
});

describe('EXP: a data scientist reads the use cases\' artifacts and installs packages from the mirror', () => {
  test('artifact buckets of the use cases, by naming convention, read-only', async () => {
    const object = `arn:aws:s3:::vwml-weld-gun-pm-artifacts-${EXP}/code/train.py`;
    expect(await simulate({ ...scientist, action: 's3:GetObject', resource: object })).toBe('Allowed');
    expect(await simulate({ ...scientist, action: 's3:PutObject', resource: object })).toBe('ImplicitlyDenied');
    expect(await simulate({ ...scientist, action: 's3:GetObject', resource: `arn:aws:s3:::other-bucket-${EXP}/x` })).toBe('ImplicitlyDenied');
    expect(await simulate({
      ...scientist,
      action: 'kms:Decrypt',
      resource: `arn:aws:kms:${REGION}:${EXP}:key/11111111-2222-3333-4444-555555555555`,
      resourcePolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${EXP}:root` }, Action: 'kms:*', Resource: '*' }] },
      context: { 'kms:ViaService': `s3.${REGION}.amazonaws.com`, 'kms:ResourceAliases': ['alias/vwml/weld-gun-pm/artifacts'] },
    })).toBe('Allowed');
  });

  test('CodeArtifact token, endpoint and reads of the mirror, and a bearer token for CodeArtifact only', async () => {
    const domainArn = MIRROR_DOMAIN_ARN;
    const repoArn = MIRROR_REPO_ARN;
    expect(await simulate({ ...scientist, action: 'codeartifact:GetAuthorizationToken', resource: domainArn })).toBe('Allowed');
    for (const action of ['codeartifact:GetRepositoryEndpoint', 'codeartifact:ReadFromRepository']) {
      expect(await simulate({ ...scientist, action, resource: repoArn })).toBe('Allowed');
    }
    expect(await simulate({ ...scientist, action: 'sts:GetServiceBearerToken', resource: '*', context: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } })).toBe('Allowed');
    expect(await simulate({ ...scientist, action: 'sts:GetServiceBearerToken', resource: '*', context: { 'sts:AWSServiceName': 'other.amazonaws.com' } })).toBe('ImplicitlyDenied');
  });
});
