/**
 * Issue 11, defect 4: DATA's cross-account Lake Formation grants and what EXP needs to read the share.
 * The sample platform is synthesized once; every assertion reads the synthesized templates.
 */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { MlopsPlatform, PlatformAccount, PlatformBootstrap, PlatformConfig } from '../../../src';
import { simulate, TemplatePolicies } from '../../helpers/iam-simulator';

const config = PlatformConfig.sample();
const app = new App();
const platform = new MlopsPlatform(app, 'Platform', { config });
const data = Template.fromStack(platform.data);
const DATA_EXEC_ROLE = 'arn:aws:iam::111111111111:role/cdk-vwml-cfn-exec-role-111111111111-eu-central-1';

describe('DATA: cross-account Lake Formation grants can be made', () => {
  test('the CloudFormation execution role of DATA is made a data lake administrator (appended), before every grant', () => {
    const settings = data.findResources('AWS::LakeFormation::DataLakeSettings');
    expect(Object.values(settings).map((r: any) => r.Properties)).toEqual([
      { MutationType: 'APPEND', Admins: [{ DataLakePrincipalIdentifier: DATA_EXEC_ROLE }] },
    ]);
    const [settingsId] = Object.keys(settings);
    // the sample's use case declares dataAccess: the EXP account gets DESCRIBE on the database only, without
    // grant option; the use case's onboarding stack grants its data cells filter to its roles
    const grants = data.findResources('AWS::LakeFormation::PrincipalPermissions');
    expect(Object.keys(grants).length).toBe(1);
    for (const grant of Object.values(grants) as any[]) {
      expect(grant.DependsOn).toContain(settingsId);
      expect(grant.Properties).toMatchObject({ Principal: { DataLakePrincipalIdentifier: '222222222222' }, Permissions: ['DESCRIBE'], PermissionsWithGrantOption: [] });
    }
  });

  test('configured additional administrators are kept in the list', () => {
    const extraApp = new App();
    const withAdmins = PlatformConfig.fromObject({
      ...config.toJson(),
      dataShare: { ...config.toJson().dataShare, lakeFormationAdminArns: ['arn:aws:iam::111111111111:role/data-platform-admins'] },
    });
    const p = new MlopsPlatform(extraApp, 'Platform', { config: withAdmins });
    Template.fromStack(p.data).hasResourceProperties('AWS::LakeFormation::DataLakeSettings', {
      Admins: [{ DataLakePrincipalIdentifier: DATA_EXEC_ROLE }, { DataLakePrincipalIdentifier: 'arn:aws:iam::111111111111:role/data-platform-admins' }],
    });
  });

  test('a bad additional administrator fails validation naming the field', () => {
    expect(() => PlatformConfig.fromObject({
      ...config.toJson(),
      dataShare: { ...config.toJson().dataShare, lakeFormationAdminArns: ['data-platform-admins'] },
    })).toThrow(/dataShare\.lakeFormationAdminArns\[0\]/);
  });

  test('the location of the shared tables is registered with a role that may read it and decrypt with the DATA platform key', async () => {
    const registrations = data.findResources('AWS::LakeFormation::Resource');
    expect(Object.values(registrations).map((r: any) => r.Properties)).toEqual([
      {
        ResourceArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::vwml-data-lake-111111111111/welding/weld_readings']] },
        RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^DataShareRegistrationRole/), 'Arn'] },
        UseServiceLinkedRole: false,
      },
    ]);
    const roleId = (Object.values(registrations)[0] as any).Properties.RoleArn['Fn::GetAtt'][0];
    data.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lakeformation.amazonaws.com' } })] },
    });
    const policies = TemplatePolicies.fromStack(platform.data, { account: '111111111111' });
    const role = policies.rolePolicies(roleId);
    const keyId = platform.data.resolve((platform.data.platformKey.key.node.defaultChild as any).logicalId);
    const keyArn = policies.resolve({ 'Fn::GetAtt': [keyId, 'Arn'] }) as string;
    const keyPolicy = policies.resolve(data.toJSON().Resources[keyId].Properties.KeyPolicy);
    expect(await simulate({
      ...role,
      resourcePolicy: keyPolicy,
      principal: 'arn:aws:iam::111111111111:role/registration',
      action: 'kms:Decrypt',
      resource: keyArn,
      context: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' },
    })).toBe('Allowed');
    expect(await simulate({
      ...role,
      principal: 'arn:aws:iam::111111111111:role/registration',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::vwml-data-lake-111111111111/welding/weld_readings/part-0.parquet',
    })).toBe('Allowed');
    expect(await simulate({
      ...role,
      principal: 'arn:aws:iam::111111111111:role/registration',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::vwml-data-lake-111111111111/hr/salaries.parquet',
    })).toBe('ImplicitlyDenied');
  });

  test('tables in two buckets are refused with the field named', () => {
    // The registry's data access names tables of the sample share; this share has other tables.
    const { useCases: _useCases, studio: _studio, ...rest } = config.toJson();
    const twoBuckets = PlatformConfig.fromObject({
      ...rest,
      dataShare: {
        databaseName: 'welding',
        tables: [
          { name: 'a', location: 's3://bucket-one/a/', columns: [{ name: 'x', type: 'string' }], sharedColumns: ['x'] },
          { name: 'b', location: 's3://bucket-two/b/', columns: [{ name: 'x', type: 'string' }], sharedColumns: ['x'] },
        ],
      },
    });
    expect(() => new MlopsPlatform(new App(), 'Platform', { config: twoBuckets })).toThrow(/dataShare\.tables: the table locations are in 2 buckets/);
  });

  test('the DATA execution policy allows AWS RAM, which cross-account Lake Formation grants use', async () => {
    const policy = PlatformBootstrap.forAccount(config, PlatformAccount.DATA).executionPolicyDocument;
    for (const [action, resource] of [
      ['ram:CreateResourceShare', '*'],
      ['ram:AssociateResourceShare', 'arn:aws:ram:eu-central-1:111111111111:resource-share/abc'],
      ['ram:GetResourceShares', '*'],
    ]) {
      expect(await simulate({ identityPolicies: [policy], principal: DATA_EXEC_ROLE, action, resource })).toBe('Allowed');
    }
  });
});
