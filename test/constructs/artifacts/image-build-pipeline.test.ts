import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  ComplianceCheck,
  ImageBuildPipeline,
  ImageBuildPipelineProps,
  ImageRegistry,
  PipelineSource,
  ScanSeverity,
  SecureBucket,
} from '../../../src';
import { acknowledgeRules } from '../../../src/constructs/core/acknowledge';
import { testStack } from '../../helpers/stacks';

const CONNECTION = 'arn:aws:codeconnections:eu-central-1:222222222222:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
const SMOKE = 'docker run --rm --network none "$IMAGE_URI" python -c "import sklearn"';

function pipeline(overrides: Partial<ImageBuildPipelineProps> = {}, stack?: Stack) {
  const t = stack ? { app: stack.node.root, stack } : testStack();
  const key = new kms.Key(t.stack, 'Key', { enableKeyRotation: true });
  const registry = new ImageRegistry(t.stack, 'Registry', {
    encryptionKey: key,
    repositoryNames: ['mlops/inference', 'mlops/training'],
    pullAccountIds: ['444444444444'],
  });
  const p = new ImageBuildPipeline(t.stack, 'Images', {
    encryptionKey: key,
    registry,
    repositoryName: 'mlops/inference',
    source: PipelineSource.fromConnection({ connectionArn: CONNECTION, owner: 'vw-mlops', repository: 'inference-image' }),
    smokeTestCommands: [SMOKE],
    ...overrides,
  });
  return { ...t, key, registry, pipeline: p };
}

const resourceOf = (t: Template, type: string, prefix: string) => {
  const found = Object.entries(t.findResources(type)).filter(([id]) => id.startsWith(prefix));
  expect(found).toHaveLength(1);
  return { id: found[0][0], resource: found[0][1] as any };
};
const projectOf = (t: Template, name: string) => resourceOf(t, 'AWS::CodeBuild::Project', `Images${name}Project`);
const buildSpecOf = (t: Template, name: string) => JSON.parse(projectOf(t, name).resource.Properties.Source.BuildSpec);
const statementsOf = (t: Template, role: string) => resourceOf(t, 'AWS::IAM::ManagedPolicy', `Images${role}Policy`).resource.Properties.PolicyDocument.Statement;

describe('ImageBuildPipeline', () => {
  test('a V2 pipeline with Source, Build, ScanGate, Test and Promote, in that order, on a KMS-encrypted artifact bucket', () => {
    const { app, stack } = pipeline();
    const t = Template.fromStack(stack);
    const { resource } = resourceOf(t, 'AWS::CodePipeline::Pipeline', 'ImagesPipeline');
    expect(resource.Properties.PipelineType).toBe('V2');
    expect(resource.Properties.Stages.map((s: any) => s.Name)).toEqual(['Source', 'Build', 'ScanGate', 'Test', 'Promote']);
    expect(resource.Properties.Stages.map((s: any) => s.Actions.map((a: any) => a.ActionTypeId.Provider))).toEqual([
      ['CodeStarSourceConnection'],
      ['CodeBuild'],
      ['CodeBuild'],
      ['CodeBuild'],
      ['CodeBuild'],
    ]);
    const bucket = resourceOf(t, 'AWS::S3::Bucket', 'ImagesArtifactsBucket');
    expect(resource.Properties.ArtifactStore).toEqual({
      Type: 'S3',
      Location: { Ref: bucket.id },
      EncryptionKey: { Type: 'KMS', Id: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] } },
    });
    expect(bucket.resource.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
    });
    // no extra pipeline key: the artifact bucket already uses the customer-managed key
    t.resourceCountIs('AWS::KMS::Key', 1);
    ComplianceCheck.assertCompliant(app);
  });

  test('the connection source triggers on the branch and the pipeline role may use the connection under both service prefixes', () => {
    const { stack } = pipeline();
    const t = Template.fromStack(stack);
    const source = resourceOf(t, 'AWS::CodePipeline::Pipeline', 'ImagesPipeline').resource.Properties.Stages[0].Actions[0];
    expect(source.Configuration).toMatchObject({ ConnectionArn: CONNECTION, FullRepositoryId: 'vw-mlops/inference-image', BranchName: 'main' });
    const statements = statementsOf(t, 'PipelineRole');
    expect(statements).toEqual(
      expect.arrayContaining([
        { Effect: 'Allow', Action: 'codeconnections:UseConnection', Resource: CONNECTION },
        { Effect: 'Allow', Action: 'codestar-connections:UseConnection', Resource: CONNECTION },
      ]),
    );
  });

  test('an S3 source: a new version of the object starts the pipeline through EventBridge (S3 event notifications, no polling, no CloudTrail)', () => {
    const { stack } = testStack();
    const key = new kms.Key(stack, 'SourceKey', { enableKeyRotation: true });
    const sourceBucket = new SecureBucket(stack, 'Source', { encryptionKey: key });
    const { app } = pipeline({ source: PipelineSource.fromS3(sourceBucket.bucket, 'images/inference.zip') }, stack);
    const t = Template.fromStack(stack);
    const source = resourceOf(t, 'AWS::CodePipeline::Pipeline', 'ImagesPipeline').resource.Properties.Stages[0].Actions[0];
    expect(source.ActionTypeId).toMatchObject({ Category: 'Source', Provider: 'S3' });
    expect(source.Configuration).toEqual({ S3Bucket: { Ref: expect.stringMatching(/^SourceBucket/) }, S3ObjectKey: 'images/inference.zip', PollForSourceChanges: false });
    const bucket = resourceOf(t, 'AWS::S3::Bucket', 'SourceBucket').resource.Properties;
    expect(bucket.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    const rule = resourceOf(t, 'AWS::Events::Rule', 'ImagesSourceChanged');
    expect(rule.resource.Properties.EventBusName).toBeUndefined();
    expect(rule.resource.Properties.EventPattern).toEqual({
      'source': ['aws.s3'],
      'detail-type': ['Object Created'],
      'detail': { bucket: { name: [{ Ref: resourceOf(t, 'AWS::S3::Bucket', 'SourceBucket').id }] }, object: { key: ['images/inference.zip'] } },
    });
    const pipelineId = resourceOf(t, 'AWS::CodePipeline::Pipeline', 'ImagesPipeline').id;
    const target = rule.resource.Properties.Targets[0];
    expect(JSON.stringify(target.Arn)).toContain(pipelineId);
    const triggerRole = resourceOf(t, 'AWS::IAM::Role', 'ImagesSourceTriggerRole');
    expect(target.RoleArn).toEqual({ 'Fn::GetAtt': [triggerRole.id, 'Arn'] });
    expect(triggerRole.resource.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'events.amazonaws.com' });
    ComplianceCheck.assertCompliant(app);
  });

  test('the stages hand the digest on: Build exports it, ScanGate, Test and Promote receive it, Promote exports the promoted image', () => {
    const { stack, pipeline: p } = pipeline();
    const stages = resourceOf(Template.fromStack(stack), 'AWS::CodePipeline::Pipeline', 'ImagesPipeline').resource.Properties.Stages;
    const action = (stage: number) => stages[stage].Actions[0];
    const env = (stage: number) => JSON.parse(action(stage).Configuration.EnvironmentVariables);
    expect(action(1).Namespace).toBe('Build');
    expect(env(1)).toEqual([{ name: 'EXECUTION_ID', type: 'PLAINTEXT', value: '#{codepipeline.PipelineExecutionId}' }]);
    for (const stage of [2, 3]) expect(env(stage)).toEqual([{ name: 'IMAGE_DIGEST', type: 'PLAINTEXT', value: '#{Build.IMAGE_DIGEST}' }]);
    expect(action(4).Namespace).toBe('Promote');
    expect(env(4)).toEqual([
      { name: 'EXECUTION_ID', type: 'PLAINTEXT', value: '#{codepipeline.PipelineExecutionId}' },
      { name: 'IMAGE_DIGEST', type: 'PLAINTEXT', value: '#{Build.IMAGE_DIGEST}' },
    ]);
    expect(action(4).OutputArtifacts).toEqual([{ Name: 'ImageDetail' }]);
    expect(stack.resolve(p.imageDigestVariable)).toBe('#{Promote.IMAGE_DIGEST}');
    expect(stack.resolve(p.imageUriVariable)).toBe('#{Promote.IMAGE_URI}');
    expect(p.imageDetailArtifact.artifactName).toBe('ImageDetail');
    const t = Template.fromStack(stack);
    expect(buildSpecOf(t, 'Build').env['exported-variables']).toEqual(['IMAGE_DIGEST', 'IMAGE_TAG']);
    expect(buildSpecOf(t, 'Promote').env['exported-variables']).toEqual(['IMAGE_DIGEST', 'IMAGE_URI', 'IMAGE_TAG']);
    expect(buildSpecOf(t, 'Promote').artifacts).toEqual({ files: ['image-detail.json'] });
  });

  test('the ScanGate buildspec reads the scan findings and fails on CRITICAL or HIGH', () => {
    const { stack } = pipeline();
    const t = Template.fromStack(stack);
    const project = projectOf(t, 'ScanGate').resource.Properties;
    expect(project.Environment.EnvironmentVariables).toEqual(
      expect.arrayContaining([
        { Name: 'FAIL_ON_SEVERITIES', Type: 'PLAINTEXT', Value: 'CRITICAL HIGH' },
        { Name: 'SCAN_TIMEOUT_SECONDS', Type: 'PLAINTEXT', Value: '1800' },
      ]),
    );
    expect(project.TimeoutInMinutes).toBe(40);
    const commands: string[] = buildSpecOf(t, 'ScanGate').phases.build.commands;
    const script = commands.join('\n');
    expect(script).toContain('aws ecr describe-image-scan-findings --repository-name "$CANDIDATE_REPOSITORY_NAME" --image-id imageDigest="$IMAGE_DIGEST"');
    expect(script).toContain("--query 'imageScanFindings.findingSeverityCounts'");
    expect(script).toContain('aws ecr start-image-scan');
    expect(script).toMatch(/if \[ "\$BLOCKING" -gt 0 \]; then\n.*ScanGate FAILED.*\n {2}exit 1\nfi/);
  });

  test('severities are configurable', () => {
    const { stack } = pipeline({
      failOnSeverities: [ScanSeverity.CRITICAL, ScanSeverity.HIGH, ScanSeverity.MEDIUM],
      scanTimeout: Duration.minutes(60),
    });
    const project = projectOf(Template.fromStack(stack), 'ScanGate').resource.Properties;
    expect(project.Environment.EnvironmentVariables).toEqual(
      expect.arrayContaining([
        { Name: 'FAIL_ON_SEVERITIES', Type: 'PLAINTEXT', Value: 'CRITICAL HIGH MEDIUM' },
        { Name: 'SCAN_TIMEOUT_SECONDS', Type: 'PLAINTEXT', Value: '3600' },
      ]),
    );
    expect(project.TimeoutInMinutes).toBe(70);
  });

  test('Build, Test and Promote run Docker in privileged mode (acknowledged each with its reason); ScanGate does not', () => {
    const { stack } = pipeline();
    const t = Template.fromStack(stack);
    const privileged = (name: string) => projectOf(t, name).resource.Properties.Environment.PrivilegedMode;
    expect(['Build', 'ScanGate', 'Test', 'Promote'].map(privileged)).toEqual([true, false, true, true]);
    const report = ComplianceCheck.run(stack);
    const cb3 = report.acknowledgements.filter((a) => a.ruleId === 'AwsSolutions-CB3');
    expect([...new Set(cb3.map((a) => a.constructPath))].sort()).toEqual(['Test/Images/BuildProject', 'Test/Images/PromoteProject', 'Test/Images/TestProject']);
    for (const a of cb3) expect(a.reason).toMatch(/docker (build|run|pull)/);
  });

  test('every project is encrypted with the key, logs to its own KMS-encrypted log group and uses a managed image', () => {
    const { stack } = pipeline();
    const t = Template.fromStack(stack);
    for (const name of ['Build', 'ScanGate', 'Test', 'Promote']) {
      const props = projectOf(t, name).resource.Properties;
      expect(props.EncryptionKey).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] });
      expect(props.Environment.Image).toBe('aws/codebuild/standard:7.0');
      const group = resourceOf(t, 'AWS::Logs::LogGroup', `Images${name}Logs`);
      expect(props.LogsConfig).toEqual({ CloudWatchLogs: { Status: 'ENABLED', GroupName: { Ref: group.id } } });
      expect(group.resource.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] });
      expect(group.resource.DeletionPolicy).toBe('Retain');
    }
    expect(projectOf(t, 'Build').resource.Properties.Environment.ComputeType).toBe('BUILD_GENERAL1_MEDIUM');
  });

  test('each project role reaches only its repositories, the artifact bucket, the key and its log group', () => {
    const { stack } = pipeline();
    const t = Template.fromStack(stack);
    const key = { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] };
    const candidate = { 'Fn::GetAtt': [resourceOf(t, 'AWS::ECR::Repository', 'ImagesCandidateRepository').id, 'Arn'] };
    const target = { 'Fn::GetAtt': [resourceOf(t, 'AWS::ECR::Repository', 'RegistryRepositorymlopsinference').id, 'Arn'] };
    const bucketArn = { 'Fn::GetAtt': [resourceOf(t, 'AWS::S3::Bucket', 'ImagesArtifactsBucket').id, 'Arn'] };
    const bucket = [bucketArn, { 'Fn::Join': ['', [bucketArn, '/*']] }];
    const logs = (name: string) => ({ 'Fn::GetAtt': [resourceOf(t, 'AWS::Logs::LogGroup', `Images${name}Logs`).id, 'Arn'] });
    const allowed = (name: string, extra: unknown[]) => [logs(name), key, bucket, ...extra];

    const check = (role: string, project: string, ecrResources: Record<string, unknown>) => {
      const statements = statementsOf(t, role);
      for (const s of statements) {
        const actions: string[] = [s.Action].flat();
        if (actions.some((a) => a.startsWith('ecr:') && a !== 'ecr:GetAuthorizationToken')) {
          expect(actions.every((a) => a.startsWith('ecr:'))).toBe(true);
          expect(Object.values(ecrResources)).toContainEqual(s.Resource);
        } else if (actions.includes('ecr:GetAuthorizationToken')) {
          expect(s).toEqual({ Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' });
        } else {
          expect(allowed(project, [])).toContainEqual(s.Resource);
        }
        // the CodeBuild defaults this library does not use are not granted
        expect(actions).not.toContain('codebuild:CreateReportGroup');
        expect(actions).not.toContain('logs:CreateLogGroup');
      }
      return statements;
    };
    const ecrOf = (statements: any[], resource: unknown) =>
      statements.filter((s: any) => JSON.stringify(s.Resource) === JSON.stringify(resource)).flatMap((s: any) => [s.Action].flat());

    const build = check('BuildRole', 'Build', { candidate });
    expect(ecrOf(build, candidate)).toEqual([
      'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability',
      'ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:DescribeImages',
    ]);
    const scan = check('ScanGateRole', 'ScanGate', { candidate });
    expect(ecrOf(scan, candidate)).toEqual(['ecr:DescribeImageScanFindings', 'ecr:StartImageScan']);
    expect(scan.map((s: any) => s.Action)).not.toContain('ecr:GetAuthorizationToken');
    const test = check('TestRole', 'Test', { candidate });
    expect(ecrOf(test, candidate)).toEqual(['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability']);
    const promote = check('PromoteRole', 'Promote', { candidate, target });
    expect(ecrOf(promote, candidate)).toEqual(['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability']);
    expect(ecrOf(promote, target)).toEqual([
      'ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability',
      'ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload', 'ecr:DescribeImages',
    ]);
    // only the Promote role touches the registry; the other repository of the registry is never granted
    const other = { 'Fn::GetAtt': [resourceOf(t, 'AWS::ECR::Repository', 'RegistryRepositorymlopstraining').id, 'Arn'] };
    for (const role of ['BuildRole', 'ScanGateRole', 'TestRole', 'PromoteRole', 'PipelineRole']) {
      expect(JSON.stringify(statementsOf(t, role))).not.toContain(JSON.stringify(other));
    }
    for (const role of ['BuildRole', 'ScanGateRole', 'TestRole', 'PipelineRole']) {
      expect(JSON.stringify(statementsOf(t, role))).not.toContain(JSON.stringify(target));
    }
    // no inline policies: every role carries one customer-managed policy
    expect(Object.keys(t.findResources('AWS::IAM::Policy'))).toEqual([]);
  });

  test('base-image repositories: the Build project logs in to their registry and may pull from them only', () => {
    const { stack } = testStack();
    const bases = new ImageRegistry(stack, 'Bases', {
      encryptionKey: new kms.Key(stack, 'BaseKey', { enableKeyRotation: true }),
      repositoryNames: ['base/python'],
      pusherRoleArns: ['arn:aws:iam::222222222222:role/base-build'],
    });
    const { app } = pipeline({ baseImageRepositories: [bases.repository('base/python')] }, stack);
    const t = Template.fromStack(stack);
    const base = { 'Fn::GetAtt': [resourceOf(t, 'AWS::ECR::Repository', 'BasesRepositorybasepython').id, 'Arn'] };
    expect(statementsOf(t, 'BuildRole')).toContainEqual({
      Effect: 'Allow',
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
      Resource: base,
    });
    for (const role of ['ScanGateRole', 'TestRole', 'PromoteRole']) expect(JSON.stringify(statementsOf(t, role))).not.toContain(JSON.stringify(base));
    const env = projectOf(t, 'Build').resource.Properties.Environment.EnvironmentVariables;
    // <account of the base repository>.dkr.ecr.<its region>.<url suffix>, computed from its ARN
    expect(JSON.stringify(env.find((v: any) => v.Name === 'BASE_IMAGE_REGISTRIES').Value)).toContain(JSON.stringify({ 'Fn::Split': [':', base] }));
    expect(buildSpecOf(t, 'Build').phases.build.commands[1]).toMatch(/^for REGISTRY in \$BASE_IMAGE_REGISTRIES; do aws ecr get-login-password/);
    ComplianceCheck.assertCompliant(app);
  });

  test('the registry repository lets only the Promote role push, by its fixed name', () => {
    const { stack, pipeline: p } = pipeline();
    const t = Template.fromStack(stack);
    const roleName = resourceOf(t, 'AWS::IAM::Role', 'ImagesPromoteRole').resource.Properties.RoleName;
    expect(roleName).toMatch(/^[\w+=,.@-]{1,64}$/);
    expect(roleName).toMatch(/-promote$/);
    const arn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::222222222222:role/${roleName}`]] };
    const repo = resourceOf(t, 'AWS::ECR::Repository', 'RegistryRepositorymlopsinference').resource;
    const deny = repo.Properties.RepositoryPolicyText.Statement.find((s: any) => s.Sid === 'DenyPushByAnyoneElse');
    expect(deny.Condition).toEqual({ ArnNotEquals: { 'aws:PrincipalArn': [arn] } });
    expect(stack.resolve(p.promoteRole.roleArn)).toEqual({ 'Fn::GetAtt': [resourceOf(t, 'AWS::IAM::Role', 'ImagesPromoteRole').id, 'Arn'] });
  });

  test('registry and key in one stack, pipeline in another: no dependency cycle, the registry lists the Promote role by name', () => {
    const app = new App();
    const env = { account: '222222222222', region: 'eu-central-1' };
    const shared = new Stack(app, 'Registry', { env });
    const key = new kms.Key(shared, 'Key', { enableKeyRotation: true });
    const registry = new ImageRegistry(shared, 'Registry', { encryptionKey: key, repositoryNames: ['mlops/inference'] });
    const builds = new Stack(app, 'Builds', { env });
    new ImageBuildPipeline(builds, 'Images', {
      encryptionKey: new kms.Key(builds, 'BuildKey', { enableKeyRotation: true }),
      registry,
      repositoryName: 'mlops/inference',
      source: PipelineSource.fromConnection({ connectionArn: CONNECTION, owner: 'vw-mlops', repository: 'inference-image' }),
      smokeTestCommands: [SMOKE],
    });
    const assembly = app.synth();
    expect(builds.dependencies.map((d) => d.stackName)).toEqual(['Registry']);
    expect(shared.dependencies).toEqual([]);
    const registryTemplate = JSON.stringify(assembly.getStackByName('Registry').template);
    expect(registryTemplate).toMatch(/:iam::222222222222:role\/Builds-Images-[0-9A-F]{8}-promote/);
    expect(registryTemplate).not.toContain('Fn::ImportValue');
    ComplianceCheck.assertCompliant(app);
  });

  test('the candidate repository: immutable tags, scan on push, KMS, candidates expire after 30 days', () => {
    const { stack } = pipeline();
    const repo = resourceOf(Template.fromStack(stack), 'AWS::ECR::Repository', 'ImagesCandidateRepository').resource;
    expect(repo.DeletionPolicy).toBe('Retain');
    expect(repo.Properties).toMatchObject({
      ImageTagMutability: 'IMMUTABLE',
      ImageScanningConfiguration: { ScanOnPush: true },
      EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] } },
    });
    expect(repo.Properties.LifecyclePolicy.LifecyclePolicyText).toBe(
      '{"rules":[{"rulePriority":1,"description":"Expire candidate images 30 days after push","selection":{"tagStatus":"any","countType":"sinceImagePushed","countNumber":30,"countUnit":"days"},"action":{"type":"expire"}}]}',
    );
  });

  test('in a VPC, with a permissions boundary on every role', () => {
    const { stack } = testStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    acknowledgeRules(vpc, {
      'AwsSolutions-VPC7': 'Test fixture only: the platform VPC of the network concern has flow logs; this VPC only hosts the test projects.',
      'NIST.800.53.R5-VPCFlowLogsEnabled': 'Test fixture only: the platform VPC of the network concern has flow logs; this VPC only hosts the test projects.',
      'HIPAA.Security-VPCFlowLogsEnabled': 'Test fixture only: the platform VPC of the network concern has flow logs; this VPC only hosts the test projects.',
    });
    const boundary = new iam.ManagedPolicy(stack, 'Boundary', {
      statements: [new iam.PolicyStatement({ actions: ['ecr:*', 's3:*', 'kms:*', 'logs:*', 'codebuild:*', 'ec2:*'], resources: ['*'] })],
    });
    acknowledgeRules(boundary, {
      'AwsSolutions-IAM5[Action::ecr:*]': 'Test fixture only: a permissions boundary caps permissions and never grants any by itself.',
      'AwsSolutions-IAM5[Action::s3:*]': 'Test fixture only: a permissions boundary caps permissions and never grants any by itself.',
      'AwsSolutions-IAM5[Action::kms:*]': 'Test fixture only: a permissions boundary caps permissions and never grants any by itself.',
      'AwsSolutions-IAM5[Action::logs:*]': 'Test fixture only: a permissions boundary caps permissions and never grants any by itself.',
      'AwsSolutions-IAM5[Action::codebuild:*]': 'Test fixture only: a permissions boundary caps permissions and never grants any by itself.',
      'AwsSolutions-IAM5[Action::ec2:*]': 'Test fixture only: a permissions boundary caps permissions and never grants any by itself.',
      'AwsSolutions-IAM5[Resource::*]': 'Test fixture only: a permissions boundary caps permissions and never grants any by itself.',
      'NIST.800.53.R5-IAMPolicyNoStatementsWithFullAccess': 'Test fixture only: a permissions boundary caps permissions and never grants any by itself.',
      'HIPAA.Security-IAMPolicyNoStatementsWithFullAccess': 'Test fixture only: a permissions boundary caps permissions and never grants any by itself.',
    });
    const { app } = pipeline({ vpc, permissionsBoundary: boundary }, stack);
    const t = Template.fromStack(stack);
    for (const name of ['Build', 'ScanGate', 'Test', 'Promote']) {
      expect(projectOf(t, name).resource.Properties.VpcConfig).toMatchObject({
        VpcId: { Ref: expect.stringMatching(/^Vpc/) },
        Subnets: [{ Ref: expect.stringMatching(/^Vpcisolated/) }, { Ref: expect.stringMatching(/^Vpcisolated/) }, { Ref: expect.stringMatching(/^Vpcisolated/) }],
      });
    }
    const roles = Object.entries(t.findResources('AWS::IAM::Role')).filter(([id]) => id.startsWith('Images'));
    expect(roles.length).toBeGreaterThanOrEqual(5);
    for (const [, role] of roles) {
      expect((role as any).Properties.PermissionsBoundary).toEqual({ Ref: expect.stringMatching(/^Boundary/) });
    }
    t.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.absent() });
    const eni = statementsOf(t, 'BuildRole').find((s: any) => s.Action === 'ec2:CreateNetworkInterfacePermission');
    expect(eni).toEqual({
      Effect: 'Allow',
      Action: 'ec2:CreateNetworkInterfacePermission',
      Resource: 'arn:aws:ec2:eu-central-1:222222222222:network-interface/*',
      Condition: {
        StringEquals: {
          'ec2:Subnet': [0, 1, 2].map(() => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':ec2:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':subnet/', { Ref: expect.stringMatching(/^Vpcisolated/) }]] })),
          'ec2:AuthorizedService': 'codebuild.amazonaws.com',
        },
      },
    });
    ComplianceCheck.assertCompliant(app);
  });

  test.each([
    [{ repositoryName: 'mlops/other' }, /repositoryName "mlops\/other" is not a repository of the registry; use one of mlops\/inference, mlops\/training/],
    [{ smokeTestCommands: [] }, /smokeTestCommands is empty/],
    [{ smokeTestCommands: ['  '] }, /smokeTestCommands is empty or has an empty command/],
    [{ failOnSeverities: [] }, /failOnSeverities is empty, so the ScanGate would pass every image/],
    [{ scanTimeout: Duration.seconds(30) }, /scanTimeout is shorter than a minute/],
    [{ scanTimeout: Duration.hours(8) }, /scanTimeout is longer than 470 minutes/],
    [{ candidateImageExpiry: Duration.hours(12) }, /candidateImageExpiry must be a whole number of days/],
    [{ dockerfilePath: '../Dockerfile' }, /dockerfilePath "..\/Dockerfile" must be a path inside the source/],
    [{ buildContext: '/abs' }, /buildContext "\/abs" must be a path inside the source/],
    [{ securityGroups: [] }, /subnetSelection or securityGroups is set without vpc/],
    [{ testWithPackageMirror: true }, /testWithPackageMirror is set without packageMirror/],
    [{ baseImageCachePath: '333333333333.dkr.ecr.eu-central-1.amazonaws.com/vwml-ecr-public' }, /baseImageCachePath is set without baseImageRepositories/],
    [{ baseImageCachePath: 'public.ecr.aws/docker' }, /baseImageCachePath "public.ecr.aws\/docker" is not the registry path of a pull-through cache/],
  ])('rejects bad props: %j', (overrides, message) => {
    expect(() => pipeline(overrides as Partial<ImageBuildPipelineProps>)).toThrow(message);
  });

  test('rejects bad sources', () => {
    expect(() => PipelineSource.fromConnection({ connectionArn: 'arn:aws:codecommit:eu-central-1:222222222222:repo', owner: 'o', repository: 'r' })).toThrow(
      /connectionArn "arn:aws:codecommit:eu-central-1:222222222222:repo" is not a connection ARN/,
    );
    expect(() => PipelineSource.fromConnection({ connectionArn: CONNECTION, owner: 'vw-mlops', repository: 'vw-mlops/inference' })).toThrow(
      /repository "vw-mlops\/inference" is not a repository repository name/,
    );
    const { stack } = testStack();
    const bucket = new SecureBucket(stack, 'B', { encryptionKey: new kms.Key(stack, 'K', { enableKeyRotation: true }) });
    expect(() => PipelineSource.fromS3(bucket.bucket, '/images/a.zip')).toThrow(/objectKey "\/images\/a.zip" is not an S3 key/);
    expect(PipelineSource.fromConnection({ connectionArn: CONNECTION, owner: 'vw-mlops', repository: 'inference', branch: 'release' }).description).toBe(
      'vw-mlops/inference@release',
    );
  });
});

/**
 * The buildspec scripts, run the way CodeBuild runs them (one bash session, stop at the first failing
 * command) against stand-ins for `aws` and `docker` that answer like ECR would.
 */
describe('ImageBuildPipeline buildspec behaviour', () => {
  // the buildspecs use bash and jq (both are in CodeBuild's standard image); scripts/setup.sh installs jq
  beforeAll(() => {
    for (const tool of ['jq', 'bash']) {
      if (spawnSync(tool, ['--version']).status !== 0) throw new Error(`${tool} is needed to run the buildspecs; install it (scripts/setup.sh does)`);
    }
  });
  const run = test;
  const DIGEST = 'sha256:' + 'a'.repeat(64);
  const OTHER = 'sha256:' + 'b'.repeat(64);

  /** A fake `aws`: scan status and counts from files, describe-images from a state file; logs every call. */
  const FAKE_AWS = `#!/bin/bash
echo "aws $*" >> "$WORK/calls.log"
case "$*" in
  "ecr get-login-password"*) echo secret ;;
  "ecr start-image-scan"*) echo started > "$WORK/scan-started" ;;
  "ecr describe-image-scan-findings"*"imageScanStatus.status"*)
    if [ -f "$WORK/scan-missing" ] && [ ! -f "$WORK/scan-started" ]; then
      echo "An error occurred (ScanNotFoundException) when calling the DescribeImageScanFindings operation" >&2; exit 254
    fi
    cat "$WORK/scan-status" ;;
  "ecr describe-image-scan-findings"*"findingSeverityCounts"*) cat "$WORK/scan-counts" ;;
  "ecr describe-images"*)
    if [ -f "$WORK/target-digest" ]; then cat "$WORK/target-digest"; else echo "An error occurred (ImageNotFoundException)" >&2; exit 254; fi ;;
  *) echo "unexpected aws call: $*" >&2; exit 2 ;;
esac
`;
  /** A fake `docker`: logins and pulls succeed; a push records the digest the registry would compute. */
  const FAKE_DOCKER = `#!/bin/bash
echo "docker $*" >> "$WORK/calls.log"
case "$1" in
  login) cat > /dev/null ;;
  push) if [ -f "$WORK/push-digest" ]; then cp "$WORK/push-digest" "$WORK/target-digest"; fi ;;
  run) exit "\${FAKE_RUN_STATUS:-0}" ;;
esac
`;

  function runScript(commands: string[], env: Record<string, string>, files: Record<string, string>) {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'buildspec-'));
    const bin = path.join(work, 'bin');
    fs.mkdirSync(bin);
    fs.writeFileSync(path.join(bin, 'aws'), FAKE_AWS, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'docker'), FAKE_DOCKER, { mode: 0o755 });
    fs.writeFileSync(path.join(bin, 'sleep'), '#!/bin/bash\n', { mode: 0o755 });
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(work, name), content);
    const script = commands.map((c) => `${c}\n__rc=$?; if [ $__rc -ne 0 ]; then exit $__rc; fi`).join('\n');
    const result = spawnSync('bash', ['-c', script], {
      cwd: work,
      encoding: 'utf-8',
      env: { PATH: `${bin}:${process.env.PATH}`, WORK: work, AWS_REGION: 'eu-central-1', HOME: work, ...env },
    });
    const read = (name: string) => (fs.existsSync(path.join(work, name)) ? fs.readFileSync(path.join(work, name), 'utf-8') : undefined);
    return { status: result.status, output: result.stdout + result.stderr, calls: read('calls.log') ?? '', read };
  }

  function specs(overrides: Partial<ImageBuildPipelineProps> = {}) {
    const t = Template.fromStack(pipeline(overrides).stack);
    const commands = (name: string) => buildSpecOf(t, name).phases.build.commands as string[];
    return { build: commands('Build'), scan: commands('ScanGate'), test: commands('Test'), promote: commands('Promote') };
  }
  const scanEnv = (severities = 'CRITICAL HIGH', timeout = '1800') => ({
    CANDIDATE_REPOSITORY_NAME: 'candidates',
    IMAGE_DIGEST: DIGEST,
    FAIL_ON_SEVERITIES: severities,
    SCAN_TIMEOUT_SECONDS: timeout,
  });

  run('Build tags the candidate with the execution id and build number, pushes it and exports its digest', () => {
    const { build } = specs();
    const env = {
      CANDIDATE_REPOSITORY_URI: '222222222222.dkr.ecr.eu-central-1.amazonaws.com/candidates',
      CANDIDATE_REPOSITORY_NAME: 'candidates',
      DOCKERFILE: 'Dockerfile',
      BUILD_CONTEXT: '.',
      EXECUTION_ID: 'exec-1',
      CODEBUILD_BUILD_NUMBER: '7',
    };
    const ok = runScript([...build, 'echo "exported IMAGE_DIGEST=$IMAGE_DIGEST IMAGE_TAG=$IMAGE_TAG"'], env, { 'target-digest': DIGEST });
    expect(ok.status).toBe(0);
    expect(ok.calls).toContain('docker login --username AWS --password-stdin 222222222222.dkr.ecr.eu-central-1.amazonaws.com');
    expect(ok.calls).toContain(`docker build --file Dockerfile --tag ${env.CANDIDATE_REPOSITORY_URI}:exec-1-7 .`);
    expect(ok.calls).toContain(`docker push ${env.CANDIDATE_REPOSITORY_URI}:exec-1-7`);
    expect(ok.output).toContain(`exported IMAGE_DIGEST=${DIGEST} IMAGE_TAG=exec-1-7`);
    const missing = runScript(build, env, {});
    expect(missing.status).not.toBe(0);
  });

  run('Test pulls the candidate by digest and fails when the smoke test fails', () => {
    const { test: commands } = specs();
    const env = { CANDIDATE_REPOSITORY_URI: '222222222222.dkr.ecr.eu-central-1.amazonaws.com/candidates', IMAGE_DIGEST: DIGEST };
    const ok = runScript(commands, env, {});
    expect(ok.status).toBe(0);
    expect(ok.calls).toContain(`docker pull ${env.CANDIDATE_REPOSITORY_URI}@${DIGEST}`);
    expect(ok.calls).toContain(`docker run --rm --network none ${env.CANDIDATE_REPOSITORY_URI}@${DIGEST} python -c import sklearn`);
    const failing = runScript(commands, { ...env, FAKE_RUN_STATUS: '3' }, {});
    expect(failing.status).toBe(3);
  });

  run('ScanGate fails on a CRITICAL or a HIGH finding', () => {
    const { scan } = specs();
    for (const counts of ['{"CRITICAL": 1, "MEDIUM": 4}', '{"HIGH": 2}']) {
      const r = runScript(scan, scanEnv(), { 'scan-status': 'COMPLETE', 'scan-counts': counts });
      expect(r.status).toBe(1);
      expect(r.output).toMatch(/ScanGate FAILED: [12] finding\(s\) of severity CRITICAL HIGH in candidates@sha256:a+/);
    }
  });

  run('ScanGate passes with only lower findings, or none', () => {
    const { scan } = specs();
    for (const counts of ['{"MEDIUM": 7, "LOW": 3, "INFORMATIONAL": 1}', 'null']) {
      const r = runScript(scan, scanEnv(), { 'scan-status': 'COMPLETE', 'scan-counts': counts });
      expect(r.output).toContain('ScanGate passed');
      expect(r.status).toBe(0);
    }
  });

  run('ScanGate applies the configured severities', () => {
    const { scan } = specs({ failOnSeverities: [ScanSeverity.CRITICAL, ScanSeverity.HIGH, ScanSeverity.MEDIUM] });
    const r = runScript(scan, scanEnv('CRITICAL HIGH MEDIUM'), { 'scan-status': 'COMPLETE', 'scan-counts': '{"MEDIUM": 1}' });
    expect(r.status).toBe(1);
  });

  run('ScanGate fails closed on a failed scan and on a timeout, and starts a scan that is missing', () => {
    const { scan } = specs();
    const failed = runScript(scan, scanEnv(), { 'scan-status': 'FAILED', 'scan-counts': 'null' });
    expect(failed.status).toBe(1);
    expect(failed.output).toContain("ended with status 'FAILED'");
    const timeout = runScript(scan, scanEnv('CRITICAL HIGH', '0'), { 'scan-status': 'IN_PROGRESS', 'scan-counts': 'null' });
    expect(timeout.status).toBe(1);
    expect(timeout.output).toContain('no scan result after 0 seconds');
    const missing = runScript(scan, scanEnv(), { 'scan-missing': '', 'scan-status': 'COMPLETE', 'scan-counts': '{}' });
    expect(missing.calls).toContain('aws ecr start-image-scan --repository-name candidates --image-id imageDigest=' + DIGEST);
    expect(missing.status).toBe(0);
    const enhanced = runScript(scan, scanEnv(), { 'scan-status': 'ACTIVE', 'scan-counts': '{"CRITICAL": 1}' });
    expect(enhanced.status).toBe(1);
  });

  const promoteEnv = {
    CANDIDATE_REPOSITORY_URI: '222222222222.dkr.ecr.eu-central-1.amazonaws.com/candidates',
    TARGET_REPOSITORY_NAME: 'mlops/inference',
    TARGET_REPOSITORY_URI: '222222222222.dkr.ecr.eu-central-1.amazonaws.com/mlops/inference',
    IMAGE_DIGEST: DIGEST,
    EXECUTION_ID: '0b5e6c1e-1111-2222-3333-444455556666',
  };

  run('Promote copies the scanned digest under the execution id and records it', () => {
    const { promote } = specs();
    const r = runScript(promote, promoteEnv, { 'push-digest': DIGEST });
    expect(r.status).toBe(0);
    expect(r.calls).toContain(`docker pull ${promoteEnv.CANDIDATE_REPOSITORY_URI}@${DIGEST}`);
    expect(r.calls).toContain(`docker push ${promoteEnv.TARGET_REPOSITORY_URI}:${promoteEnv.EXECUTION_ID}`);
    expect(JSON.parse(r.read('image-detail.json')!)).toEqual({
      repositoryName: 'mlops/inference',
      repositoryUri: promoteEnv.TARGET_REPOSITORY_URI,
      imageDigest: DIGEST,
      imageTag: promoteEnv.EXECUTION_ID,
      imageUri: `${promoteEnv.TARGET_REPOSITORY_URI}@${DIGEST}`,
    });
  });

  run('Promote never overwrites a tag: a retry of the same digest passes, another digest fails', () => {
    const { promote } = specs();
    const retry = runScript(promote, promoteEnv, { 'target-digest': DIGEST });
    expect(retry.status).toBe(0);
    expect(retry.calls).not.toContain('docker push');
    const clash = runScript(promote, promoteEnv, { 'target-digest': OTHER });
    expect(clash.status).toBe(1);
    expect(clash.output).toContain('tags are immutable');
    expect(clash.calls).not.toContain('docker push');
  });

  run('Promote fails when the registry does not hold exactly the scanned and tested digest', () => {
    const { promote } = specs();
    const r = runScript(promote, promoteEnv, { 'push-digest': OTHER });
    expect(r.status).toBe(1);
    expect(r.output).toContain('not the scanned and tested');
    expect(r.read('image-detail.json')).toBeUndefined();
  });
});
