/**
 * Studio user profiles per use case (issue 12, scale): the profile of a data scientist whose `useCase` is
 * listed in `useCases` lives in that use case's EXP onboarding stack, not in the EXP platform stack, and
 * keeps what it had there: the use-case tag, the isolation policy with NoEndpointLogs, its security group
 * in the platform VPC, the Lake Formation grants (DESCRIBE on the link; DATA grants the use case's filters). The onboarding stack reads the
 * domain, VPC, keys and Athena results bucket from the SSM parameters of the EXP platform stack (no exports).
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MlopsPlatform, PlatformAccount, UseCaseOnboarding } from '../../../src';
import { twoUseCasesConfig } from '../../fixtures/two-usecases';
import { logicalIdOf, PolicyDocumentJson, simulate, TemplatePolicies } from '../../helpers/iam-simulator';

const EXP = '222222222222';
const REGION = 'eu-central-1';
/** data scientists 1 and 2 on weld-gun-pm (the sample's), 3 on paint-defect, none on weld-gun. */
const USERS: Record<string, string> = { 'data-scientist-1': 'weld-gun-pm', 'data-scientist-2': 'weld-gun-pm', 'data-scientist-3': 'paint-defect' };

const app = new App();
const platform = new MlopsPlatform(app, 'Platform', {
  config: twoUseCasesConfig((json) => {
    json.studio.users = Object.entries(USERS).map(([userProfileName, useCase]) => ({ userProfileName, useCase }));
  }),
});
const expJson = Template.fromStack(platform.exp).toJSON();

function onboarding(name: string): UseCaseOnboarding {
  return platform.useCases.find((u) => u.useCase.name === name)!;
}

function resourcesOf(json: any, type: string): any[] {
  return Object.values<any>(json.Resources).filter((r) => r.Type === type);
}

function tagsOf(resource: any): Record<string, string> {
  return Object.fromEntries((resource.Properties.Tags ?? []).map((t: any) => [t.Key, t.Value]));
}

/** The SSM parameter names a template reads (CloudFormation parameters of type AWS::SSM::Parameter::Value). */
function ssmParametersOf(json: any): Record<string, string> {
  return Object.fromEntries(Object.entries<any>(json.Parameters ?? {})
    .filter(([, p]) => String(p.Type).startsWith('AWS::SSM::Parameter::Value'))
    .map(([id, p]) => [id, p.Default]));
}

test('the EXP platform stack has no user profile once the users\' use cases are listed; it publishes the domain id and the query results bucket', () => {
  expect(resourcesOf(expJson, 'AWS::SageMaker::UserProfile')).toEqual([]);
  expect(platform.exp.profiles).toEqual({});
  const published = resourcesOf(expJson, 'AWS::SSM::Parameter').map((r) => r.Properties.Name);
  expect(published).toEqual(expect.arrayContaining(['/vwml/platform/studio-domain-id', '/vwml/platform/athena-results-bucket']));
  // nothing of the platform stack is exported for the onboarding stacks
  expect(expJson.Outputs ?? {}).toEqual({});
});

describe.each(['weld-gun-pm', 'paint-defect'])('the EXP onboarding stack of %s', (useCase) => {
  const users = Object.keys(USERS).filter((u) => USERS[u] === useCase);
  const stack = onboarding(useCase).tryFindStack(PlatformAccount.EXP)!;
  const json = Template.fromStack(stack).toJSON();
  const ssm = ssmParametersOf(json);

  test('holds exactly the profiles of its data scientists, in the platform\'s domain (by SSM parameter), tagged with the use case', () => {
    expect(Object.keys(onboarding(useCase).studioProfiles).sort()).toEqual(users);
    expect(Object.keys(platform.studioProfiles).sort()).toEqual(Object.keys(USERS).sort());
    const profiles = resourcesOf(json, 'AWS::SageMaker::UserProfile');
    expect(profiles.map((p) => p.Properties.UserProfileName).sort()).toEqual(users);
    for (const p of profiles) {
      expect(ssm[p.Properties.DomainId.Ref]).toBe('/vwml/platform/studio-domain-id');
      expect(tagsOf(p)['mlops:use-case']).toBe(useCase);
    }
  });

  test('each execution role has its fixed name, the use-case tag, the guardrail policy and the EXP boundary', () => {
    // <prefix>-studio_<user>: outside <prefix>-<use case>-*, which the use case's own deploy roles may change
    const roles = resourcesOf(json, 'AWS::IAM::Role').filter((r) => /-studio_/.test(r.Properties.RoleName ?? ''));
    expect(roles.map((r) => r.Properties.RoleName).sort()).toEqual(users.map((u) => `vwml-studio_${u}`));
    for (const r of roles) {
      expect(tagsOf(r)['mlops:use-case']).toBe(useCase);
      expect(JSON.stringify(r.Properties.ManagedPolicyArns)).toContain('policy/vwml-SageMakerGuardrails');
      expect(JSON.stringify(r.Properties.PermissionsBoundary)).toContain('policy/vwml-PermissionsBoundary');
    }
  });

  test('each profile has its own security group in the platform VPC (by SSM parameter), no egress of its own', () => {
    const groups = resourcesOf(json, 'AWS::EC2::SecurityGroup');
    expect(groups).toHaveLength(users.length);
    for (const g of groups) {
      expect(ssm[g.Properties.VpcId.Ref]).toBe('/vwml/platform/vpc-id');
      expect(g.Properties.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32' })]);
      expect(tagsOf(g)['mlops:use-case']).toBe(useCase);
    }
  });

  test('Lake Formation: DESCRIBE on the resource link to each profile role of a use case with dataAccess, no SELECT (DATA grants its filters)', () => {
    // the sample's weld-gun-pm declares dataAccess, so the data is shared per use case; paint-defect declares none
    const grants = resourcesOf(json, 'AWS::LakeFormation::PrincipalPermissions');
    // the profile roles by Fn::GetAtt, and the use case's pipeline role by ARN (its training stack creates it)
    const roleIds = useCase === 'weld-gun-pm'
      ? [...Object.values(onboarding(useCase).studioProfiles).map((p) => logicalIdOf(p.role)), `arn:aws:iam::${EXP}:role/vwml-weld-gun-pm-pipeline`].sort()
      : [];
    const to = (permission: string) => grants.filter((g) => g.Properties.Permissions.includes(permission))
      .map((g) => g.Properties.Principal.DataLakePrincipalIdentifier['Fn::GetAtt']?.[0] ?? g.Properties.Principal.DataLakePrincipalIdentifier).sort();
    expect(to('DESCRIBE')).toEqual(roleIds);
    expect(to('SELECT')).toEqual([]);
    for (const g of grants) expect(g.Properties).toMatchObject({ Resource: { Database: { CatalogId: EXP, Name: 'welding' } }, PermissionsWithGrantOption: [] });
  });

  test('reads only the SSM parameters it uses (cfn-lint W2001: no unused template parameter, e.g. the subnet ids)', () => {
    const { Resources, Outputs, Conditions, Rules } = json;
    const body = JSON.stringify({ Resources, Outputs, Conditions, Rules });
    const unused = Object.keys(json.Parameters ?? {}).filter((id) => !body.includes(`{"Ref":"${id}"}`));
    expect(unused).toEqual([]);
    expect(Object.values(ssm)).not.toContain('/vwml/platform/subnet-ids');
  });

  test('no reference to another stack: no Fn::ImportValue', () => {
    expect(JSON.stringify(json)).not.toContain('Fn::ImportValue');
  });
});

test('weld-gun has no Studio user: no profile in its EXP onboarding stack', () => {
  expect(onboarding('weld-gun').studioProfiles).toEqual({});
  const stack = onboarding('weld-gun').tryFindStack(PlatformAccount.EXP);
  if (stack) expect(resourcesOf(Template.fromStack(stack).toJSON(), 'AWS::SageMaker::UserProfile')).toEqual([]);
});

describe('the moved profile roles act for their use case only (identity policy + guardrail + boundary)', () => {
  const platformPolicies = TemplatePolicies.fromStack(platform.exp);
  const guardrail = platformPolicies.policyDocument(logicalIdOf(platform.exp.guardrails.guardrailPolicy));
  const boundary = platformPolicies.policyDocument(logicalIdOf(platform.exp.guardrails.permissionsBoundary));

  interface Principal {
    identityPolicies: PolicyDocumentJson[];
    permissionBoundaryPolicies: PolicyDocumentJson[];
    principal: string;
    context: Record<string, string>;
  }

  function principal(user: string): Principal {
    const useCase = USERS[user];
    const stack: Stack = onboarding(useCase).tryFindStack(PlatformAccount.EXP)!;
    const role = onboarding(useCase).studioProfiles[user].role;
    return {
      identityPolicies: TemplatePolicies.fromStack(stack).identityPolicies(logicalIdOf(role), { [`arn:aws:iam::${EXP}:policy/vwml-SageMakerGuardrails`]: guardrail }),
      permissionBoundaryPolicies: [boundary],
      principal: `arn:aws:iam::${EXP}:role/vwml-studio_${user}`,
      // the role's own tag
      context: { 'aws:PrincipalTag/mlops:use-case': useCase },
    };
  }

  test.each([
    ['data-scientist-1', 'weld-gun-pm', 'Allowed'],
    ['data-scientist-1', 'paint-defect', 'ExplicitlyDenied'],
    ['data-scientist-3', 'paint-defect', 'Allowed'],
    ['data-scientist-3', 'weld-gun-pm', 'ExplicitlyDenied'],
  ])('%s stops a training job tagged %s: %s', async (user, tag, expected) => {
    const p = principal(user);
    expect(await simulate({
      ...p,
      action: 'sagemaker:StopTrainingJob',
      resource: `arn:aws:sagemaker:${REGION}:${EXP}:training-job/job-1`,
      context: { ...p.context, 'aws:ResourceTag/mlops:use-case': tag },
    })).toBe(expected);
  });

  test.each([
    ['data-scientist-1', 'vwml-weld-gun-pm', 'Allowed'],
    ['data-scientist-1', 'vwml-paint-defect', 'ExplicitlyDenied'],
  ])('%s reads model package versions of %s: %s', async (user, group, expected) => {
    const p = principal(user);
    expect(await simulate({ ...p, action: 'sagemaker:DescribeModelPackage', resource: `arn:aws:sagemaker:${REGION}:${EXP}:model-package/${group}/1` }))
      .toBe(expected);
  });

  test('NoEndpointLogs: no endpoint logs, whose names do not say whose they are', async () => {
    const p = principal('data-scientist-1');
    expect(await simulate({ ...p, action: 'logs:GetLogEvents', resource: `arn:aws:logs:${REGION}:${EXP}:log-group:/aws/sagemaker/Endpoints/vwml-paint-defect-dev:log-stream:x` }))
      .toBe('ExplicitlyDenied');
  });

  test('its own use case\'s artifacts only', async () => {
    const p = principal('data-scientist-3');
    expect(await simulate({ ...p, action: 's3:GetObject', resource: `arn:aws:s3:::vwml-paint-defect-artifacts-${EXP}/code/train.py` })).toBe('Allowed');
    expect(await simulate({ ...p, action: 's3:GetObject', resource: `arn:aws:s3:::vwml-weld-gun-pm-artifacts-${EXP}/code/train.py` })).toBe('ImplicitlyDenied');
  });
});

describe('without per-use-case dataAccess: the profiles of the onboarding stack read the shared columns', () => {
  // the same platform, but no use case declares dataAccess: the data is shared by columns to every Studio role
  const shared = new MlopsPlatform(new App(), 'Platform', {
    config: twoUseCasesConfig((json) => {
      json.studio.users = Object.entries(USERS).map(([userProfileName, useCase]) => ({ userProfileName, useCase }));
      for (const u of json.useCases) delete u.dataAccess;
    }),
  });
  const useCase = shared.useCases.find((u) => u.useCase.name === 'weld-gun-pm')!;
  const json = Template.fromStack(useCase.tryFindStack(PlatformAccount.EXP)!).toJSON();
  const share = shared.config.dataShare!;
  const DATA = shared.config.account(PlatformAccount.DATA).accountId;
  const grants = resourcesOf(json, 'AWS::LakeFormation::PrincipalPermissions');
  const roleIds = Object.values(useCase.studioProfiles).map((p) => logicalIdOf(p.role)).sort();
  const principalOf = (g: any) => g.Properties.Principal.DataLakePrincipalIdentifier['Fn::GetAtt'][0];

  test('DESCRIBE on the resource link in EXP to each profile role, without grant option', () => {
    const describes = grants.filter((g) => g.Properties.Permissions.includes('DESCRIBE'));
    expect(describes.map(principalOf).sort()).toEqual(roleIds);
    for (const g of describes) {
      expect(g.Properties).toMatchObject({ Catalog: EXP, Resource: { Database: { CatalogId: EXP, Name: share.databaseName } }, Permissions: ['DESCRIBE'], PermissionsWithGrantOption: [] });
    }
  });

  test('SELECT on exactly the shared columns of each table in DATA to each profile role, without grant option', () => {
    expect(share.tables.length).toBeGreaterThan(0);
    const selects = grants.filter((g) => g.Properties.Permissions.includes('SELECT'));
    expect(selects).toHaveLength(roleIds.length * share.tables.length);
    for (const roleId of roleIds) {
      for (const t of share.tables) {
        const grant = selects.find((g) => principalOf(g) === roleId && g.Properties.Resource.TableWithColumns.Name === t.name);
        expect(grant?.Properties).toEqual({
          Catalog: EXP,
          Principal: { DataLakePrincipalIdentifier: { 'Fn::GetAtt': [roleId, 'Arn'] } },
          Resource: { TableWithColumns: { CatalogId: DATA, DatabaseName: share.databaseName, Name: t.name, ColumnNames: t.sharedColumns } },
          Permissions: ['SELECT'],
          PermissionsWithGrantOption: [],
        });
      }
    }
  });

  test('a use case without Studio users grants nothing', () => {
    const weldGun = shared.useCases.find((u) => u.useCase.name === 'weld-gun')!.tryFindStack(PlatformAccount.EXP);
    if (weldGun) expect(resourcesOf(Template.fromStack(weldGun).toJSON(), 'AWS::LakeFormation::PrincipalPermissions')).toEqual([]);
  });
});
