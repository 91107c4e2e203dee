import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ComplianceCheck, DataShareConsumer, DataShareConsumerProps } from '../../../src';
import { testStack } from '../../helpers/stacks';

const DATA = '111111111111';
const EXEC = 'arn:aws:iam::222222222222:role/cdk-hnb659fds-cfn-exec-role-222222222222-eu-central-1';

function build(extra: Partial<DataShareConsumerProps> = {}) {
  const { app, stack } = testStack('Exp');
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const consumer = new DataShareConsumer(stack, 'Welding', { databaseName: 'welding', sourceAccountId: DATA, encryptionKey: key, ...extra });
  return { app, stack, key, consumer, t: () => Template.fromStack(stack) };
}

describe('DataShareConsumer', () => {
  test('a resource link to the shared database, and an enforced Athena workgroup with SSE-KMS results in a secure bucket', () => {
    const { t, stack, key, consumer } = build();
    t().hasResourceProperties('AWS::Glue::Database', {
      CatalogId: '222222222222',
      DatabaseInput: { Name: 'welding', TargetDatabase: { CatalogId: DATA, DatabaseName: 'welding' } },
    });
    const bucketId = stack.getLogicalId(consumer.queryResults.bucket.node.defaultChild as any);
    t().hasResourceProperties('AWS::Athena::WorkGroup', {
      Name: 'welding-queries',
      State: 'ENABLED',
      WorkGroupConfiguration: {
        EnforceWorkGroupConfiguration: true,
        PublishCloudWatchMetricsEnabled: true,
        ResultConfiguration: {
          OutputLocation: { 'Fn::Join': ['', ['s3://', { Ref: bucketId }, '/results/']] },
          EncryptionConfiguration: { EncryptionOption: 'SSE_KMS', KmsKey: { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as any), 'Arn'] } },
          ExpectedBucketOwner: '222222222222',
        },
      },
    });
    expect(consumer.workGroupName).toBe('welding-queries');
    expect(t().findResources('AWS::LakeFormation::DataLakeSettings')).toEqual({});
  });

  test('grantSelect: DESCRIBE on the link and SELECT on the shared columns in the owning catalog, after the administrators are set', () => {
    const { t, stack, consumer } = build({ lakeFormationAdminArns: [EXEC], linkName: 'welding_link', workGroupName: 'analysts' });
    const role = new iam.Role(stack, 'Analyst', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const grants = consumer.grantSelect([role], [{ tableName: 'weld_readings', columnNames: ['weld_id', 'current_ka'] }]);
    expect(grants).toHaveLength(2);
    const settingsId = Object.keys(t().findResources('AWS::LakeFormation::DataLakeSettings'))[0];
    t().hasResourceProperties('AWS::LakeFormation::DataLakeSettings', { MutationType: 'APPEND', Admins: [{ DataLakePrincipalIdentifier: EXEC }] });
    const roleArn = { 'Fn::GetAtt': [stack.getLogicalId(role.node.defaultChild as any), 'Arn'] };
    const permissions = Object.values(t().findResources('AWS::LakeFormation::PrincipalPermissions')) as any[];
    expect(permissions.map((p) => p.Properties)).toEqual([
      { Catalog: '222222222222', Principal: { DataLakePrincipalIdentifier: roleArn }, Resource: { Database: { CatalogId: '222222222222', Name: 'welding_link' } }, Permissions: ['DESCRIBE'], PermissionsWithGrantOption: [] },
      {
        Catalog: '222222222222',
        Principal: { DataLakePrincipalIdentifier: roleArn },
        Resource: { TableWithColumns: { CatalogId: DATA, DatabaseName: 'welding', Name: 'weld_readings', ColumnNames: ['weld_id', 'current_ka'] } },
        Permissions: ['SELECT'],
        PermissionsWithGrantOption: [],
      },
    ]);
    for (const p of permissions) expect(p.DependsOn).toContain(settingsId);
  });

  test('grantDescribeLink: DESCRIBE on the link only, without grant option, after the administrators are set; nothing on the data', () => {
    const { t, consumer } = build({ lakeFormationAdminArns: [EXEC] });
    const analyst = 'arn:aws:iam::222222222222:role/analyst';
    expect(consumer.grantDescribeLink([analyst])).toHaveLength(1);
    const settingsId = Object.keys(t().findResources('AWS::LakeFormation::DataLakeSettings'))[0];
    const permissions = Object.values(t().findResources('AWS::LakeFormation::PrincipalPermissions')) as any[];
    expect(permissions.map((p) => p.Properties)).toEqual([
      { Catalog: '222222222222', Principal: { DataLakePrincipalIdentifier: analyst }, Resource: { Database: { CatalogId: '222222222222', Name: 'welding' } }, Permissions: ['DESCRIBE'], PermissionsWithGrantOption: [] },
    ]);
    expect(permissions[0].DependsOn).toContain(settingsId);
  });

  test('passes the compliance packs', () => {
    const { app } = build();
    ComplianceCheck.assertCompliant(app);
  });

  describe('refuses bad props, naming the field', () => {
    test.each([
      [{ databaseName: 'Welding-Data' }, /databaseName "Welding-Data" is not a valid database name/],
      [{ sourceAccountId: '1234' }, /sourceAccountId "1234" is not a 12-digit AWS account id/],
      [{ sourceAccountId: '222222222222' }, /sourceAccountId 222222222222 is the account of this stack/],
      [{ workGroupName: 'bad name' }, /workGroupName "bad name" is not a workgroup name/],
      [{ lakeFormationAdminArns: ['admin'] }, /lakeFormationAdminArns contains "admin"/],
    ])('%j', (extra, message) => {
      expect(() => build(extra as Partial<DataShareConsumerProps>)).toThrow(message);
    });
  });
});
