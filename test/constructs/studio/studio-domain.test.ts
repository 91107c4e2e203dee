import { Duration, RemovalPolicy, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { studioFixtures } from './fixtures';
import { ComplianceCheck, SecureBucket } from '../../../src';
import { StudioAuthMode, StudioDomain, StudioDomainProps } from '../../../src/constructs/studio';
import { testStack } from '../../helpers/stacks';

function domainStack(extra: Partial<StudioDomainProps> = {}) {
  const { app, stack } = testStack();
  const f = studioFixtures(stack);
  const domain = new StudioDomain(stack, 'Studio', {
    domainName: 'mlops-exp',
    vpc: f.vpc,
    encryptionKey: f.key,
    permissionsBoundary: f.boundary,
    guardrailPolicy: f.guardrails,
    ...extra,
  });
  return { app, stack, f, domain, t: () => Template.fromStack(stack) };
}

/** The statements of the customer-managed policy attached to the given role logical id. */
function policyStatementsOf(t: Template, roleLogicalId: string): any[] {
  const policies = t.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: roleLogicalId }] } });
  expect(Object.keys(policies)).toHaveLength(1);
  return (Object.values(policies)[0] as any).Properties.PolicyDocument.Statement;
}

function logicalId(stack: Stack, c: any): string {
  return stack.getLogicalId(c.node.defaultChild);
}

describe('StudioDomain', () => {
  test('VPC only, in the isolated subnets, EFS/EBS with the given key, IAM sign-in, retained', () => {
    const { t, stack, f } = domainStack();
    t().resourceCountIs('AWS::SageMaker::Domain', 1);
    t().hasResource('AWS::SageMaker::Domain', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        DomainName: 'mlops-exp',
        AuthMode: 'IAM',
        AppNetworkAccessType: 'VpcOnly',
        VpcId: { Ref: stack.getLogicalId(f.vpc.node.defaultChild as any) },
        SubnetIds: f.vpc.isolatedSubnets.map((s) => ({ Ref: stack.getLogicalId(s.node.defaultChild as any) })),
        KmsKeyId: { 'Fn::GetAtt': [stack.getLogicalId(f.key.node.defaultChild as any), 'Arn'] },
        TagPropagation: 'ENABLED',
        DomainSettings: { ExecutionRoleIdentityConfig: 'USER_PROFILE_NAME', DockerSettings: { EnableDockerAccess: 'DISABLED' } },
      },
    });
  });

  test('idle JupyterLab and Code Editor apps shut down after 60 minutes, users may choose 60 to 240', () => {
    const { t } = domainStack();
    const idle = { IdleSettings: { LifecycleManagement: 'ENABLED', IdleTimeoutInMinutes: 60, MinIdleTimeoutInMinutes: 60, MaxIdleTimeoutInMinutes: 240 } };
    t().hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: {
        JupyterLabAppSettings: { AppLifecycleManagement: idle },
        CodeEditorAppSettings: { AppLifecycleManagement: idle },
      },
      DefaultSpaceSettings: { JupyterLabAppSettings: { AppLifecycleManagement: idle } },
    });
  });

  test('custom idle timeouts and space storage', () => {
    const { t } = domainStack({
      idleTimeout: Duration.minutes(90),
      minIdleTimeout: Duration.hours(1),
      maxIdleTimeout: Duration.hours(12),
      defaultSpaceStorage: Size.gibibytes(20),
      maxSpaceStorage: Size.gibibytes(200),
    });
    const idle = { IdleSettings: { LifecycleManagement: 'ENABLED', IdleTimeoutInMinutes: 90, MinIdleTimeoutInMinutes: 60, MaxIdleTimeoutInMinutes: 720 } };
    const storage = { DefaultEbsStorageSettings: { DefaultEbsVolumeSizeInGb: 20, MaximumEbsVolumeSizeInGb: 200 } };
    t().hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: { JupyterLabAppSettings: { AppLifecycleManagement: idle }, SpaceStorageSettings: storage },
      DefaultSpaceSettings: { SpaceStorageSettings: storage },
    });
  });

  test('idle shutdown can be turned off explicitly', () => {
    const { t } = domainStack({ idleShutdown: false });
    t().hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: { JupyterLabAppSettings: { AppLifecycleManagement: { IdleSettings: { LifecycleManagement: 'DISABLED' } } } },
    });
  });

  test('default user and space settings: the default role, the domain security group, Studio (not Classic), no notebook output sharing', () => {
    const { t, stack, domain } = domainStack();
    const role = { 'Fn::GetAtt': [logicalId(stack, domain.defaultExecutionRole), 'Arn'] };
    const sg = [{ 'Fn::GetAtt': [logicalId(stack, domain.securityGroup), 'GroupId'] }];
    t().hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: {
        ExecutionRole: role,
        SecurityGroups: sg,
        StudioWebPortal: 'ENABLED',
        DefaultLandingUri: 'studio::',
        StudioWebPortalSettings: { HiddenAppTypes: ['JupyterServer', 'RStudioServerPro', 'Canvas'] },
        SharingSettings: { NotebookOutputOption: 'Disabled' },
        SpaceStorageSettings: { DefaultEbsStorageSettings: { DefaultEbsVolumeSizeInGb: 5, MaximumEbsVolumeSizeInGb: 100 } },
      },
      DefaultSpaceSettings: { ExecutionRole: role, SecurityGroups: sg },
    });
  });

  test('notebook output is shared only to the given bucket, encrypted with its key', () => {
    const { app, stack } = testStack();
    const f = studioFixtures(stack);
    const sharing = new SecureBucket(stack, 'Sharing', { encryptionKey: f.key });
    const domain = new StudioDomain(stack, 'Studio', {
      domainName: 'mlops-exp',
      vpc: f.vpc,
      encryptionKey: f.key,
      permissionsBoundary: f.boundary,
      notebookSharingBucket: sharing.bucket,
    });
    const t = Template.fromStack(stack);
    const bucketId = stack.getLogicalId(sharing.bucket.node.defaultChild as any);
    t.hasResourceProperties('AWS::SageMaker::Domain', {
      DefaultUserSettings: {
        SharingSettings: {
          NotebookOutputOption: 'Allowed',
          S3OutputPath: { 'Fn::Join': ['', ['s3://', { Ref: bucketId }, '/studio-sharing/']] },
          S3KmsKeyId: { 'Fn::GetAtt': [stack.getLogicalId(f.key.node.defaultChild as any), 'Arn'] },
        },
      },
    });
    const statements = policyStatementsOf(t, logicalId(stack, domain.defaultExecutionRole));
    expect(statements).toContainEqual(
      expect.objectContaining({
        Sid: 'WriteSharedNotebookSnapshots',
        Action: ['s3:GetObject', 's3:PutObject'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucketId, 'Arn'] }, '/studio-sharing/*']] },
      }),
    );
    ComplianceCheck.assertCompliant(app);
  });

  test('IAM Identity Center sign-in', () => {
    const { t } = domainStack({ authMode: StudioAuthMode.IAM_IDENTITY_CENTER });
    t().hasResourceProperties('AWS::SageMaker::Domain', { AuthMode: 'SSO' });
  });

  test('security group: HTTPS to the VPC endpoints and to S3 in one rule (without a prefix list id), NFS among members, nothing else', () => {
    const { t, stack, domain } = domainStack();
    const sgId = logicalId(stack, domain.securityGroup);
    const sg = t().findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^SageMaker Studio domain') } });
    expect(Object.keys(sg)).toEqual([sgId]);
    expect((sg[sgId] as any).Properties.SecurityGroupEgress).toEqual([
      { CidrIp: '0.0.0.0/0', Description: 'HTTPS to the VPC endpoints and to S3 through the gateway endpoint (the only routes out of the isolated subnets)', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
    ]);
    expect((sg[sgId] as any).Properties.SecurityGroupIngress).toBeUndefined();
    const ingress = t().findResources('AWS::EC2::SecurityGroupIngress');
    expect(Object.values(ingress).map((r: any) => r.Properties)).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, GroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] } }),
    ]);
    const egress = t().findResources('AWS::EC2::SecurityGroupEgress');
    expect(Object.values(egress).map((r: any) => r.Properties)).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 2049, ToPort: 2049, GroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] }, DestinationSecurityGroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] } }),
    ]);
  });

  test('security group: S3 gateway prefix list, and Studio Classic ports only when Classic is not hidden', () => {
    const { t } = domainStack({ s3PrefixListId: 'pl-6ea54007', hiddenAppTypes: ['Canvas'] });
    // with the prefix list, S3 and the VPC endpoints (the VPC CIDR) are two narrower rules
    t().hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: Match.arrayWith([Match.objectLike({ Description: 'HTTPS to the VPC endpoints', FromPort: 443, ToPort: 443 })]),
    });
    t().hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      DestinationPrefixListId: 'pl-6ea54007',
      Description: 'HTTPS to the S3 gateway endpoint',
      FromPort: 443,
      IpProtocol: 'tcp',
      ToPort: 443,
    });
    t().hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 8192, ToPort: 65535, IpProtocol: 'tcp' });
    t().hasResourceProperties('AWS::EC2::SecurityGroupEgress', { FromPort: 8192, ToPort: 65535, IpProtocol: 'tcp' });
    t().hasResourceProperties('AWS::SageMaker::Domain', { DefaultUserSettings: { StudioWebPortalSettings: { HiddenAppTypes: ['Canvas'] } } });
  });

  test('default execution role: SageMaker trust with source identity, the given boundary, the guardrail policy', () => {
    const { t, stack, f, domain } = domainStack();
    const roleId = logicalId(stack, domain.defaultExecutionRole);
    t().hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } },
          { Action: 'sts:SetSourceIdentity', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } },
        ],
      },
      PermissionsBoundary: { Ref: stack.getLogicalId(f.boundary.node.defaultChild as any) },
      ManagedPolicyArns: [{ Ref: stack.getLogicalId(f.guardrails.node.defaultChild as any) }],
    });
    expect(Object.keys(t().findResources('AWS::IAM::Role'))).toEqual([roleId]);
    // no inline policies anywhere: the permissions live in one customer-managed policy
    t().resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('default execution role policy: domain-scoped Studio, passes only itself, ENIs only in this VPC, the key, given buckets and images', () => {
    const { app, stack } = testStack();
    const f = studioFixtures(stack);
    const artifacts = new SecureBucket(stack, 'Artifacts', { encryptionKey: f.key });
    const work = new SecureBucket(stack, 'Work', { encryptionKey: f.key, accessLogsBucket: artifacts.accessLogsBucket });
    const repo = new ecr.Repository(stack, 'Images', { imageScanOnPush: true, removalPolicy: RemovalPolicy.RETAIN });
    const domain = new StudioDomain(stack, 'Studio', {
      domainName: 'mlops-exp',
      vpc: f.vpc,
      encryptionKey: f.key,
      permissionsBoundary: f.boundary,
      guardrailPolicy: f.guardrails,
      artifactBuckets: [artifacts.bucket],
      readWriteBuckets: [work.bucket],
      ecrRepositories: [repo],
    });
    const t = Template.fromStack(stack);
    const roleId = logicalId(stack, domain.defaultExecutionRole);
    const domainId = stack.getLogicalId(domain.cfnDomain);
    const statements = policyStatementsOf(t, roleId);
    const bySid = Object.fromEntries(statements.map((s: any) => [s.Sid, s]));
    expect(Object.keys(bySid)).toEqual([
      'StudioAppsAndSpacesOfThisDomain',
      'SageMakerReadOnly',
      'SageMakerJobsExperimentsAndPipelines',
      'PassOnlyThisRoleOnlyToSageMaker',
      'SageMakerLogGroups',
      'StudioAppLogsRead',
      'SageMakerMetrics',
      'NetworkInterfacesInThisVpcOnly',
      'DescribeNetwork',
      'UseTheDomainKey',
      'LetSageMakerEncryptVolumesWithTheDomainKey',
      'ListArtifactBuckets',
      'ReadArtifacts',
      'ListWorkBuckets',
      'ReadWriteWorkObjects',
      'EcrLogin',
      'PullGivenImages',
      'NoStudioUserTagChangesOnProfiles',
    ]);
    expect(statements.filter((s: any) => s.Effect !== 'Allow').map((s: any) => s.Sid)).toEqual(['NoStudioUserTagChangesOnProfiles']);
    expect(bySid.StudioAppsAndSpacesOfThisDomain.Resource).toEqual([
      { 'Fn::GetAtt': [domainId, 'DomainArn'] },
      { 'Fn::Join': ['', ['arn:aws:sagemaker:eu-central-1:222222222222:user-profile/', { 'Fn::GetAtt': [domainId, 'DomainId'] }, '/*']] },
      { 'Fn::Join': ['', ['arn:aws:sagemaker:eu-central-1:222222222222:space/', { 'Fn::GetAtt': [domainId, 'DomainId'] }, '/*']] },
      { 'Fn::Join': ['', ['arn:aws:sagemaker:eu-central-1:222222222222:app/', { 'Fn::GetAtt': [domainId, 'DomainId'] }, '/*']] },
    ]);
    expect(bySid.PassOnlyThisRoleOnlyToSageMaker).toEqual(
      expect.objectContaining({
        Action: 'iam:PassRole',
        Resource: { 'Fn::GetAtt': [roleId, 'Arn'] },
        Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      }),
    );
    expect(bySid.NetworkInterfacesInThisVpcOnly.Condition).toEqual({
      ArnEquals: { 'ec2:Vpc': { 'Fn::Join': ['', ['arn:aws:ec2:eu-central-1:222222222222:vpc/', { Ref: stack.getLogicalId(f.vpc.node.defaultChild as any) }]] } },
    });
    const keyArn = { 'Fn::GetAtt': [stack.getLogicalId(f.key.node.defaultChild as any), 'Arn'] };
    expect(bySid.UseTheDomainKey).toEqual(expect.objectContaining({ Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], Resource: keyArn }));
    expect(bySid.LetSageMakerEncryptVolumesWithTheDomainKey.Condition).toEqual({ Bool: { 'kms:GrantIsForAWSResource': 'true' } });
    const artifactsId = stack.getLogicalId(artifacts.bucket.node.defaultChild as any);
    expect(bySid.ReadArtifacts).toEqual(
      expect.objectContaining({
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [artifactsId, 'Arn'] }, '/*']] },
      }),
    );
    expect(bySid.ReadWriteWorkObjects.Action).toEqual(['s3:GetObject', 's3:GetObjectVersion', 's3:PutObject', 's3:AbortMultipartUpload']);
    expect(bySid.PullGivenImages.Resource).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(repo.node.defaultChild as any), 'Arn'] });
    // nothing writes outside the job, experiment and pipeline ARNs of this account and region
    expect(bySid.SageMakerJobsExperimentsAndPipelines.Resource).toEqual(
      ['training-job', 'processing-job', 'hyper-parameter-tuning-job', 'experiment', 'experiment-trial', 'experiment-trial-component', 'pipeline'].map(
        (kind) => `arn:aws:sagemaker:eu-central-1:222222222222:${kind}/*`,
      ),
    );
    // no full-service wildcards
    const actions = statements.flatMap((s: any) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
    expect(actions.filter((a: string) => a.endsWith(':*'))).toEqual([]);
    ComplianceCheck.assertCompliant(app);
  });

  test('exposes the ids, the role, the security group and the VPC', () => {
    const { stack, f, domain } = domainStack();
    expect(stack.resolve(domain.domainId)).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(domain.cfnDomain), 'DomainId'] });
    expect(stack.resolve(domain.domainArn)).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(domain.cfnDomain), 'DomainArn'] });
    expect(stack.resolve(domain.homeEfsFileSystemId)).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(domain.cfnDomain), 'HomeEfsFileSystemId'] });
    expect(domain.vpc).toBe(f.vpc);
    expect(domain.authMode).toBe(StudioAuthMode.IAM);
    expect(domain.permissionsBoundary).toBe(f.boundary);
    expect(domain.guardrailPolicy).toBe(f.guardrails);
  });

  test('passes the compliance packs with only the acknowledged Studio wildcards', () => {
    const { app } = domainStack();
    const report = ComplianceCheck.assertCompliant(app);
    const mine = report.acknowledgements.filter((a) => a.constructPath.startsWith('Test/Studio'));
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((a) => a.ruleId.startsWith('AwsSolutions-IAM5['))).toBe(true);
    expect(mine.every((a) => a.constructPath === 'Test/Studio/DefaultExecutionPolicy')).toBe(true);
  });

  describe('refuses bad props', () => {
    const cases: Array<[string, Partial<StudioDomainProps>, RegExp]> = [
      ['a domain name with an underscore', { domainName: 'mlops_exp' }, /domainName "mlops_exp" is invalid/],
      ['a domain name ending with a hyphen', { domainName: 'mlops-' }, /domainName "mlops-" is invalid/],
      ['a domain name over 63 characters', { domainName: 'a'.repeat(64) }, /domainName "a{64}" is invalid/],
      ['an idle timeout under one hour', { idleTimeout: Duration.minutes(30) }, /idleTimeout is 30 minutes; SageMaker accepts 60 to 525600 minutes/],
      ['an idle timeout over a year', { idleTimeout: Duration.days(366), maxIdleTimeout: Duration.days(366) }, /idleTimeout is 527040 minutes/],
      ['an idle timeout in seconds', { idleTimeout: Duration.seconds(3630) }, /idleTimeout is .*; use whole minutes/],
      ['an idle timeout above the maximum', { idleTimeout: Duration.hours(3), maxIdleTimeout: Duration.hours(2) }, /idleTimeout \(180 minutes\) is outside minIdleTimeout..maxIdleTimeout \(60..120 minutes\)/],
      ['a minimum above the maximum', { minIdleTimeout: Duration.hours(5), maxIdleTimeout: Duration.hours(2), idleTimeout: Duration.hours(2) }, /minIdleTimeout \(300 minutes\) is longer than maxIdleTimeout \(120 minutes\)/],
      ['a space volume under 5 GiB', { defaultSpaceStorage: Size.gibibytes(2) }, /defaultSpaceStorage is 2 GiB; use whole GiB from 5 to 16384/],
      ['a default volume above the maximum', { defaultSpaceStorage: Size.gibibytes(50), maxSpaceStorage: Size.gibibytes(20) }, /defaultSpaceStorage \(50 GiB\) is larger than maxSpaceStorage \(20 GiB\)/],
      ['an unknown app type', { hiddenAppTypes: ['Jupyter'] }, /hiddenAppTypes contains "Jupyter"; use only JupyterServer/],
      ['subnets the VPC does not have', { vpcSubnets: { subnetType: ec2.SubnetType.PUBLIC } }, /vpcSubnets selects no subnets of the VPC \(There are no 'Public' subnet groups/],
    ];
    test.each(cases)('%s', (_name, extra, message) => {
      expect(() => domainStack(extra)).toThrow(message);
    });
  });
});
