import { Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  ComplianceCheck,
  PackageMirrorReference,
  DeploymentStage,
  DeploymentTarget,
  ModelDeploymentPipeline,
  ModelDeploymentPipelineProps,
  PipelineSource,
  SecureBucket,
} from '../../../src';
import { testStack } from '../../helpers/stacks';

export const CONNECTION = 'arn:aws:codeconnections:eu-central-1:222222222222:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
export const DEV = '444444444444';
export const INT = '555555555555';
export const PROD = '666666666666';
export const EXP = '111111111111';

export function targets(): DeploymentTarget[] {
  return [
    { stage: DeploymentStage.DEV, account: DEV, stackPath: 'Churn/ServingDev', endpointName: 'churn-dev', smokeTestRoleArn: `arn:aws:iam::${DEV}:role/mlops-smoke-test`, requiresApprovalBefore: false },
    { stage: DeploymentStage.INT, account: INT, stackPath: 'Churn/ServingInt', endpointName: 'churn-int', smokeTestRoleArn: `arn:aws:iam::${INT}:role/mlops-smoke-test`, requiresApprovalBefore: true },
    { stage: DeploymentStage.PROD, account: PROD, stackPath: 'Churn/ServingProd', endpointName: 'churn-prod', requiresApprovalBefore: true },
  ];
}

export function deploymentPipeline(overrides: Partial<ModelDeploymentPipelineProps> = {}, stack?: Stack) {
  const t = stack ? { app: stack.node.root, stack } : testStack();
  const key = new kms.Key(t.stack, 'Key', { enableKeyRotation: true });
  const p = new ModelDeploymentPipeline(t.stack, 'Deploy', {
    encryptionKey: key,
    source: PipelineSource.fromConnection({ connectionArn: CONNECTION, owner: 'vw-mlops', repository: 'churn-model' }),
    modelPackageGroupName: 'churn-model',
    registryAccount: EXP,
    modelEventBus: 'mlops-model-events',
    qualifier: 'mlops',
    targets: targets(),
    ...overrides,
  });
  return { ...t, key, pipeline: p };
}

const resourcesOf = (t: Template, type: string, prefix: string) => Object.entries(t.findResources(type)).filter(([id]) => id.startsWith(prefix));
const resourceOf = (t: Template, type: string, prefix: string) => {
  const found = resourcesOf(t, type, prefix);
  expect(found).toHaveLength(1);
  return { id: found[0][0], resource: found[0][1] as any };
};
const pipelineOf = (t: Template) => resourceOf(t, 'AWS::CodePipeline::Pipeline', 'DeployPipeline').resource.Properties;
const projectOf = (t: Template, name: string) => resourceOf(t, 'AWS::CodeBuild::Project', `Deploy${name}Project`);
const buildSpecOf = (t: Template, name: string) => JSON.parse(projectOf(t, name).resource.Properties.Source.BuildSpec);
const commandsOf = (t: Template, name: string): string[] => buildSpecOf(t, name).phases.build.commands;
const statementsOf = (t: Template, role: string): any[] => resourceOf(t, 'AWS::IAM::ManagedPolicy', `Deploy${role}RolePolicy`).resource.Properties.PolicyDocument.Statement;
const actionsOf = (t: Template) => pipelineOf(t).Stages.flatMap((s: any) => s.Actions.map((a: any) => ({ stage: s.Name, ...a })));
const bootstrapRoles = (account: string, region = 'eu-central-1', qualifier = 'mlops') =>
  ['deploy-role', 'file-publishing-role', 'image-publishing-role', 'lookup-role'].map((r) => `arn:aws:iam::${account}:role/cdk-${qualifier}-${r}-${account}-${region}`);

describe('ModelDeploymentPipeline: the pipeline', () => {
  test('a V2 pipeline with the stages in this exact order, on the KMS-encrypted artifact bucket; compliant', () => {
    const { app, stack } = deploymentPipeline();
    const t = Template.fromStack(stack);
    const p = pipelineOf(t);
    expect(p.PipelineType).toBe('V2');
    expect(p.Stages.map((s: any) => s.Name)).toEqual([
      'Source', 'Resolve', 'Synth', 'DeployDev', 'SmokeTestDev', 'ApproveInt', 'DeployInt', 'SmokeTestInt', 'ApproveProd', 'DeployProd',
    ]);
    expect(p.Stages.map((s: any) => s.Actions.map((a: any) => a.ActionTypeId.Provider))).toEqual([
      ['CodeStarSourceConnection'], ['CodeBuild'], ['CodeBuild'], ['CodeBuild'], ['CodeBuild'], ['Manual'], ['CodeBuild'], ['CodeBuild'], ['Manual'], ['CodeBuild'],
    ]);
    const bucket = resourceOf(t, 'AWS::S3::Bucket', 'DeployArtifactsBucket');
    expect(p.ArtifactStore).toEqual({ Type: 'S3', Location: { Ref: bucket.id }, EncryptionKey: { Type: 'KMS', Id: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] } } });
    expect(bucket.resource.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault).toEqual({
      SSEAlgorithm: 'aws:kms',
      KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] },
    });
    // crossAccountKeys: false — no pipeline key besides the given one, and no action role in another account
    t.resourceCountIs('AWS::KMS::Key', 1);
    for (const a of actionsOf(t)) expect(a.RoleArn).toBeUndefined();
    ComplianceCheck.assertCompliant(app);
  });

  test('the artifact bucket denies every principal outside this account (the artifacts never leave RES)', () => {
    const { stack } = deploymentPipeline();
    const t = Template.fromStack(stack);
    const bucket = resourceOf(t, 'AWS::S3::Bucket', 'DeployArtifactsBucket');
    t.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucket.id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'DenyPrincipalsOutsideThisAccount',
            Effect: 'Deny',
            Action: 's3:*',
            Condition: { StringNotEquals: { 'aws:PrincipalAccount': '222222222222' }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
          }),
        ]),
      },
    });
  });

  test('no deploy or smoke-test action runs without the PinnedModel artifact', () => {
    const { stack } = deploymentPipeline();
    const actions = actionsOf(Template.fromStack(stack));
    const inputs = (stage: string) => actions.find((a: any) => a.stage === stage).InputArtifacts.map((i: any) => i.Name);
    const outputs = (stage: string) => (actions.find((a: any) => a.stage === stage).OutputArtifacts ?? []).map((i: any) => i.Name);
    expect(outputs('Source')).toEqual(['Source']);
    expect(inputs('Resolve')).toEqual(['Source']);
    expect(outputs('Resolve')).toEqual(['PinnedModel']);
    expect(inputs('Synth')).toEqual(['Source', 'PinnedModel']);
    expect(outputs('Synth')).toEqual(['CloudAssembly']);
    const deployAndSmoke = actions.filter((a: any) => /^(Deploy|SmokeTest)/.test(a.stage));
    expect(deployAndSmoke.map((a: any) => a.stage)).toEqual(['DeployDev', 'SmokeTestDev', 'DeployInt', 'SmokeTestInt', 'DeployProd']);
    for (const a of deployAndSmoke) expect(a.InputArtifacts.map((i: any) => i.Name)).toContain('PinnedModel');
    for (const stage of ['DeployDev', 'DeployInt', 'DeployProd']) expect(inputs(stage)).toEqual(['Source', 'PinnedModel', 'CloudAssembly']);
    // the Resolve action publishes the pinned ARN as a variable
    expect(actions.find((a: any) => a.stage === 'Resolve').Namespace).toBe('Resolve');
  });

  test('two manual approvals, before INT and PROD, notify the KMS-encrypted topic with the pinned ARN', () => {
    const { stack } = deploymentPipeline({ approvalEmails: ['ml-approvers@example.com'] });
    const t = Template.fromStack(stack);
    const topic = resourceOf(t, 'AWS::SNS::Topic', 'DeployApprovalTopic');
    expect(topic.resource.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] });
    t.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ml-approvers@example.com', TopicArn: { Ref: topic.id } });
    const approvals = actionsOf(t).filter((a: any) => a.ActionTypeId.Category === 'Approval');
    expect(approvals.map((a: any) => a.stage)).toEqual(['ApproveInt', 'ApproveProd']);
    for (const a of approvals) {
      expect(a.Configuration.NotificationArn).toEqual({ Ref: topic.id });
      expect(a.Configuration.CustomData).toContain('#{Resolve.MODEL_PACKAGE_ARN}');
    }
    expect(approvals[0].Configuration.CustomData).toBe(
      'Deploy model package #{Resolve.MODEL_PACKAGE_ARN} (version #{Resolve.MODEL_PACKAGE_VERSION}) to INT: stack Churn/ServingInt, endpoint churn-int, account 555555555555.',
    );
    expect(approvals[1].Configuration.CustomData).toContain('to PROD: stack Churn/ServingProd');
    // the pipeline role may publish to the topic and use its key
    const pipelineStatements = resourceOf(t, 'AWS::IAM::ManagedPolicy', 'DeployPipelineRolePolicy').resource.Properties.PolicyDocument.Statement;
    expect(pipelineStatements).toContainEqual(expect.objectContaining({ Action: 'sns:Publish', Resource: { Ref: topic.id } }));
  });

  test('a SmokeTestProd stage when the PROD target has a smoke-test role', () => {
    const tg = targets();
    const { stack } = deploymentPipeline({ targets: [tg[0], tg[1], { ...tg[2], smokeTestRoleArn: `arn:aws:iam::${PROD}:role/mlops-smoke-test` }] });
    expect(pipelineOf(Template.fromStack(stack)).Stages.map((s: any) => s.Name).slice(-3)).toEqual(['ApproveProd', 'DeployProd', 'SmokeTestProd']);
  });

  test('an S3 source: the zip object; a new version starts the pipeline through EventBridge, not by polling', () => {
    const { stack } = deploymentPipeline({}, testStack().stack);
    const key = new kms.Key(stack, 'SourceKey', { enableKeyRotation: true });
    const sourceBucket = new SecureBucket(stack, 'SourceBucket', { encryptionKey: key });
    new ModelDeploymentPipeline(stack, 'FromS3', {
      encryptionKey: key,
      source: PipelineSource.fromS3(sourceBucket.bucket, 'use-cases/churn-model.zip'),
      modelPackageGroupName: 'churn-model',
      registryAccount: EXP,
      modelEventBus: 'mlops-model-events',
      qualifier: 'mlops',
      targets: targets(),
    });
    const p = resourceOf(Template.fromStack(stack), 'AWS::CodePipeline::Pipeline', 'FromS3Pipeline').resource.Properties;
    expect(p.Stages[0].Actions[0]).toMatchObject({
      ActionTypeId: { Category: 'Source', Provider: 'S3' },
      Configuration: { S3ObjectKey: 'use-cases/churn-model.zip', PollForSourceChanges: false },
      OutputArtifacts: [{ Name: 'Source' }],
    });
    const t = Template.fromStack(stack);
    const bucket = { id: 'SourceBucket7A793AB3', resource: t.toJSON().Resources.SourceBucket7A793AB3 };
    expect(bucket.resource.Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    const rule = resourceOf(t, 'AWS::Events::Rule', 'FromS3SourceChanged').resource.Properties;
    expect(rule.EventPattern).toEqual({
      'source': ['aws.s3'],
      'detail-type': ['Object Created'],
      'detail': { bucket: { name: [{ Ref: bucket.id }] }, object: { key: ['use-cases/churn-model.zip'] } },
    });
    const target = rule.Targets[0];
    expect(target.RoleArn).toEqual({ 'Fn::GetAtt': [resourceOf(t, 'AWS::IAM::Role', 'FromS3TriggerRole').id, 'Arn'] });
    expect(target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [resourceOf(t, 'AWS::SQS::Queue', 'FromS3TriggerDeadLetterQueue').id, 'Arn'] } });
    // the dead-letter queue admits EventBridge for both rules of this pipeline, and only those
    const queuePolicy = Object.values<any>(t.findResources('AWS::SQS::QueuePolicy')).find((q) => JSON.stringify(q).includes('FromS3TriggerDeadLetterQueue'));
    const dlqStatement = queuePolicy.Properties.PolicyDocument.Statement.find((st: any) => st.Sid === 'AllowDeadLettersOfTheDeploymentTrigger');
    expect(dlqStatement.Condition.ArnEquals['aws:SourceArn']).toEqual([
      { 'Fn::GetAtt': [resourceOf(t, 'AWS::Events::Rule', 'FromS3OnModelApproved').id, 'Arn'] },
      { 'Fn::GetAtt': [resourceOf(t, 'AWS::Events::Rule', 'FromS3SourceChanged').id, 'Arn'] },
    ]);
  });
});

describe('ModelDeploymentPipeline: the buildspecs', () => {
  test('Resolve: npm ci, then deploy resolve of the registry account\'s group, exit code 2 explained, the pinned ARN exported', () => {
    const { stack } = deploymentPipeline();
    const t = Template.fromStack(stack);
    const spec = buildSpecOf(t, 'Resolve');
    expect(spec.phases.install).toEqual({ 'runtime-versions': { nodejs: 20 }, 'commands': ['npm ci'] });
    expect(spec.env['exported-variables']).toEqual(['MODEL_PACKAGE_ARN', 'MODEL_PACKAGE_VERSION']);
    expect(spec.artifacts).toEqual({ files: ['pinned-model.json'] });
    const commands = spec.phases.build.commands;
    expect(commands[0]).toMatch(/^npx mlops-blueprint deploy resolve --group "\$MODEL_PACKAGE_GROUP_ARN" --region "\$REGISTRY_REGION" --out pinned-model.json \|\| \{/);
    expect(commands[0]).toContain('if [ "$RC" -eq 2 ]; then echo "Resolve FAILED: the model package group $MODEL_PACKAGE_GROUP_ARN has no approved version');
    expect(commands[0]).toContain('exit "$RC"');
    expect(commands[1]).toBe('MODEL_PACKAGE_ARN=$(node -p "require(process.argv[1]).modelPackageArn" ./pinned-model.json)');
    expect(projectOf(t, 'Resolve').resource.Properties.Environment.EnvironmentVariables).toEqual(
      expect.arrayContaining([
        { Name: 'MODEL_PACKAGE_GROUP_ARN', Type: 'PLAINTEXT', Value: `arn:aws:sagemaker:eu-central-1:${EXP}:model-package-group/churn-model` },
        { Name: 'REGISTRY_REGION', Type: 'PLAINTEXT', Value: 'eu-central-1' },
      ]),
    );
  });

  test('Synth: reads the pinned ARN from PinnedModel and synthesizes with -c pinnedModelPackageArn; the output is cdk.out', () => {
    const { stack } = deploymentPipeline({ installCommands: ['npm config set registry https://npm.example.com/', 'npm ci'] });
    const spec = buildSpecOf(Template.fromStack(stack), 'Synth');
    expect(spec.phases.install.commands).toEqual(['npm config set registry https://npm.example.com/', 'npm ci']);
    const commands: string[] = spec.phases.build.commands;
    expect(commands[0]).toMatch(/^test -s "\$CODEBUILD_SRC_DIR_PinnedModel\/pinned-model.json" \|\| /);
    expect(commands[1]).toBe('PINNED_ARN=$(node -p "require(process.argv[1]).modelPackageArn" "$CODEBUILD_SRC_DIR_PinnedModel/pinned-model.json")');
    expect(commands[commands.length - 1]).toBe('npx cdk synth --quiet -c pinnedModelPackageArn="$PINNED_ARN" --output cdk.out');
    expect(spec.artifacts).toEqual({ 'base-directory': 'cdk.out', 'files': ['**/*'] });
  });

  test('Deploy: check-pin runs first, then cdk deploy of exactly that stack from the cloud assembly', () => {
    const { stack } = deploymentPipeline();
    const t = Template.fromStack(stack);
    for (const [stage, stackPath, account] of [['Dev', 'Churn/ServingDev', DEV], ['Int', 'Churn/ServingInt', INT], ['Prod', 'Churn/ServingProd', PROD]]) {
      const commands = commandsOf(t, `Deploy${stage}`);
      const checkPin = commands.indexOf('npx mlops-blueprint deploy check-pin --pinned "$CODEBUILD_SRC_DIR_PinnedModel/pinned-model.json" --assembly "$CODEBUILD_SRC_DIR_CloudAssembly" --stack "$TARGET_STACK"');
      const deploy = commands.indexOf('npx cdk deploy --app "$CODEBUILD_SRC_DIR_CloudAssembly" "$TARGET_STACK" --exclusively --require-approval never');
      expect(checkPin).toBeGreaterThan(0);
      expect(deploy).toBe(checkPin + 1);
      expect(deploy).toBe(commands.length - 1);
      // nothing touches AWS before the pin is checked
      expect(commands.slice(0, checkPin).join('\n')).not.toMatch(/cdk deploy|aws /);
      expect(projectOf(t, `Deploy${stage}`).resource.Properties.Environment.EnvironmentVariables).toEqual([
        { Name: 'TARGET_STACK', Type: 'PLAINTEXT', Value: stackPath },
        { Name: 'TARGET_ACCOUNT', Type: 'PLAINTEXT', Value: account },
        { Name: 'TARGET_REGION', Type: 'PLAINTEXT', Value: 'eu-central-1' },
      ]);
    }
  });

  test('SmokeTest: deploy smoke-test of the target\'s endpoint with its role, the sample and the pinned model', () => {
    const { stack } = deploymentPipeline({ smokeTestSamplePath: 'tests/sample.csv', smokeTestContentType: 'text/csv', smokeTestTimeout: Duration.minutes(30) });
    const t = Template.fromStack(stack);
    const commands = commandsOf(t, 'SmokeTestDev');
    expect(commands[commands.length - 1]).toBe(
      'npx mlops-blueprint deploy smoke-test --endpoint "$ENDPOINT_NAME" --sample "$SMOKE_TEST_SAMPLE" --content-type "$SMOKE_TEST_CONTENT_TYPE" ' +
        '--timeout "$SMOKE_TEST_TIMEOUT_SECONDS" --role-arn "$SMOKE_TEST_ROLE_ARN" --region "$TARGET_REGION" --pinned "$CODEBUILD_SRC_DIR_PinnedModel/pinned-model.json"',
    );
    expect(projectOf(t, 'SmokeTestInt').resource.Properties.Environment.EnvironmentVariables).toEqual([
      { Name: 'ENDPOINT_NAME', Type: 'PLAINTEXT', Value: 'churn-int' },
      { Name: 'TARGET_REGION', Type: 'PLAINTEXT', Value: 'eu-central-1' },
      { Name: 'SMOKE_TEST_ROLE_ARN', Type: 'PLAINTEXT', Value: `arn:aws:iam::${INT}:role/mlops-smoke-test` },
      { Name: 'SMOKE_TEST_SAMPLE', Type: 'PLAINTEXT', Value: 'tests/sample.csv' },
      { Name: 'SMOKE_TEST_CONTENT_TYPE', Type: 'PLAINTEXT', Value: 'text/csv' },
      { Name: 'SMOKE_TEST_TIMEOUT_SECONDS', Type: 'PLAINTEXT', Value: '1800' },
    ]);
    // the project outlives the InService wait
    expect(projectOf(t, 'SmokeTestInt').resource.Properties.TimeoutInMinutes).toBe(45);
  });
});

describe('ModelDeploymentPipeline: least privilege', () => {
  test('with deployRoleArns, a Deploy role may assume exactly those roles of its target and no bootstrap role', () => {
    const tg = targets();
    const scoped = (acct: string, stage: string) => [`arn:aws:iam::${acct}:role/vwml-churn-${stage}-deploy`, `arn:aws:iam::${acct}:role/vwml-churn-${stage}-publish`];
    const { stack, pipeline } = deploymentPipeline({ targets: [{ ...tg[0], deployRoleArns: scoped(DEV, 'dev') }, tg[1], { ...tg[2], deployRoleArns: scoped(PROD, 'prod') }] });
    const t = Template.fromStack(stack);
    const assumeOf = (role: string) => statementsOf(t, role).filter((s) => JSON.stringify(s.Action).includes('sts:'));
    expect(assumeOf('DeployDev')).toEqual([{ Sid: 'AssumeTheTargetsDeployRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: scoped(DEV, 'dev') }]);
    // a target without deployRoleArns keeps the bootstrap roles (the documented default)
    expect(assumeOf('DeployInt')).toEqual([{ Sid: 'AssumeTheTargetsCdkBootstrapRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: bootstrapRoles(INT) }]);
    expect(assumeOf('DeployProd')).toEqual([{ Sid: 'AssumeTheTargetsDeployRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: scoped(PROD, 'prod') }]);
    expect(pipeline.bootstrapRoleArns).toEqual(bootstrapRoles(INT));
    expect(pipeline.assumableRoleArns).toEqual([...scoped(DEV, 'dev'), ...bootstrapRoles(INT), ...scoped(PROD, 'prod')]);
  });

  test('each Deploy role may assume exactly the configured qualifier\'s four bootstrap roles of its own target, nothing else', () => {
    const tg = targets();
    const { stack, pipeline } = deploymentPipeline({ targets: [tg[0], { ...tg[1], region: 'eu-west-1' }, tg[2]] });
    const t = Template.fromStack(stack);
    const assumeOf = (role: string) => statementsOf(t, role).filter((s) => JSON.stringify(s.Action).includes('sts:'));
    expect(assumeOf('DeployDev')).toEqual([{ Sid: 'AssumeTheTargetsCdkBootstrapRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: bootstrapRoles(DEV) }]);
    expect(assumeOf('DeployInt')).toEqual([{ Sid: 'AssumeTheTargetsCdkBootstrapRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: bootstrapRoles(INT, 'eu-west-1') }]);
    expect(assumeOf('DeployProd')).toEqual([{ Sid: 'AssumeTheTargetsCdkBootstrapRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: bootstrapRoles(PROD) }]);
    // the default qualifier appears in no permission (the test stack's own synthesizer uses it, not this construct)
    expect(JSON.stringify(t.findResources('AWS::IAM::ManagedPolicy'))).not.toContain('hnb659fds');
    expect(pipeline.bootstrapRoleArns).toEqual([...bootstrapRoles(DEV), ...bootstrapRoles(INT, 'eu-west-1'), ...bootstrapRoles(PROD)]);
    // the smoke-test roles assume only their target's smoke-test role; Resolve and Synth assume nothing
    expect(assumeOf('SmokeTestDev')).toEqual([{ Sid: 'AssumeTheTargetsSmokeTestRole', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: `arn:aws:iam::${DEV}:role/mlops-smoke-test` }]);
    expect(assumeOf('Resolve')).toEqual([]);
    expect(assumeOf('Synth')).toEqual([]);
    // no role of this construct may assume anything else
    const everyAssume = Object.values(t.findResources('AWS::IAM::ManagedPolicy'))
      .flatMap((p: any) => p.Properties.PolicyDocument.Statement)
      .filter((s: any) => JSON.stringify(s.Action).includes('sts:'));
    expect(everyAssume).toHaveLength(5);
  });

  test('a qualifier other than the default is used verbatim; the default one only when configured', () => {
    const { stack } = deploymentPipeline({ qualifier: 'hnb659fds' });
    const t = Template.fromStack(stack);
    expect(statementsOf(t, 'DeployDev').find((s) => s.Action === 'sts:AssumeRole').Resource).toEqual(bootstrapRoles(DEV, 'eu-central-1', 'hnb659fds'));
  });

  test('Resolve reads only this group of the registry account; its role has a fixed name and a computed ARN', () => {
    const { stack, pipeline } = deploymentPipeline({ resolveRoleName: 'churn-model-resolve', registryRegion: 'eu-west-1' });
    const t = Template.fromStack(stack);
    const sagemaker = statementsOf(t, 'Resolve').filter((s) => JSON.stringify(s.Action).includes('sagemaker:'));
    expect(sagemaker).toEqual([
      { Sid: 'ReadTheModelPackageGroup', Effect: 'Allow', Action: 'sagemaker:DescribeModelPackageGroup', Resource: `arn:aws:sagemaker:eu-west-1:${EXP}:model-package-group/churn-model` },
      { Sid: 'ReadTheVersionsOfTheGroup', Effect: 'Allow', Action: 'sagemaker:DescribeModelPackage', Resource: `arn:aws:sagemaker:eu-west-1:${EXP}:model-package/churn-model/*` },
      { Sid: 'ListTheVersionsOfTheGroup', Effect: 'Allow', Action: 'sagemaker:ListModelPackages', Resource: '*' },
    ]);
    t.hasResourceProperties('AWS::IAM::Role', { RoleName: 'churn-model-resolve' });
    expect(pipeline.resolveRoleArn).toBe('arn:aws:iam::222222222222:role/churn-model-resolve');
    // no write access to the registry, no other SageMaker action anywhere
    const all = JSON.stringify(t.toJSON());
    expect(all).not.toMatch(/sagemaker:(Update|Create|Delete|Invoke)/);
  });

  test('the default Resolve role name is derived from the path and fits IAM', () => {
    const { pipeline, stack } = deploymentPipeline();
    const name = Template.fromStack(stack).findResources('AWS::IAM::Role', { Properties: { RoleName: Match.stringLikeRegexp('-resolve$') } });
    const roleName = (Object.values(name)[0] as any).Properties.RoleName;
    expect(roleName.length).toBeLessThanOrEqual(64);
    expect(pipeline.resolveRoleArn).toBe(`arn:aws:iam::222222222222:role/${roleName}`);
  });

  test('every project is encrypted with the key and logs to its own KMS-encrypted log group', () => {
    const { stack } = deploymentPipeline();
    const t = Template.fromStack(stack);
    const projects = Object.values(t.findResources('AWS::CodeBuild::Project')) as any[];
    expect(projects).toHaveLength(7);
    const groups = t.findResources('AWS::Logs::LogGroup');
    for (const p of projects) {
      expect(p.Properties.EncryptionKey).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] });
      const group = p.Properties.LogsConfig.CloudWatchLogs.GroupName.Ref;
      expect(groups[group].Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] });
      expect(groups[group].Properties.RetentionInDays).toBe(365);
      expect(p.Properties.Environment.PrivilegedMode).toBe(false);
    }
    expect(Object.keys(groups)).toHaveLength(7);
  });

  test('a VPC and a permissions boundary reach every project and role; still compliant', () => {
    const t0 = testStack();
    const vpc = new ec2.Vpc(t0.stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const boundary = new iam.ManagedPolicy(t0.stack, 'Boundary', { statements: [new iam.PolicyStatement({ actions: ['sts:AssumeRole', 's3:GetObject'], resources: ['arn:aws:s3:::example-bucket'] })] });
    const { app, stack } = deploymentPipeline({ vpc, permissionsBoundary: boundary }, t0.stack);
    const t = Template.fromStack(stack);
    for (const p of Object.values(t.findResources('AWS::CodeBuild::Project')) as any[]) expect(p.Properties.VpcConfig.VpcId).toEqual({ Ref: expect.stringMatching(/^Vpc/) });
    const roles = Object.entries(t.findResources('AWS::IAM::Role')).filter(([id]) => id.startsWith('Deploy'));
    expect(roles).toHaveLength(9);
    for (const [, r] of roles as any[]) expect(r.Properties.PermissionsBoundary).toEqual({ Ref: expect.stringMatching(/^Boundary/) });
    acknowledgeVpcOf(vpc);
    ComplianceCheck.assertCompliant(app);
  });
});

describe('ModelDeploymentPipeline: the trigger', () => {
  test('an approval of this group in the registry account, on the RES model event bus, starts the pipeline; DLQ', () => {
    const { stack } = deploymentPipeline();
    const t = Template.fromStack(stack);
    const pipelineId = resourceOf(t, 'AWS::CodePipeline::Pipeline', 'DeployPipeline').id;
    const queue = resourceOf(t, 'AWS::SQS::Queue', 'DeployTriggerDeadLetterQueue');
    const role = resourceOf(t, 'AWS::IAM::Role', 'DeployTriggerRole');
    const rule = resourceOf(t, 'AWS::Events::Rule', 'DeployOnModelApproved').resource.Properties;
    expect(rule.EventBusName).toBe('mlops-model-events');
    expect(rule.EventPattern).toEqual({
      'source': ['aws.sagemaker'],
      'detail-type': ['SageMaker Model Package State Change'],
      'account': [EXP],
      'detail': { ModelPackageGroupName: ['churn-model'], ModelApprovalStatus: ['Approved'] },
    });
    expect(rule.Targets).toEqual([
      {
        Id: 'Target0',
        Arn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':codepipeline:eu-central-1:222222222222:', { Ref: pipelineId }]] },
        RoleArn: { 'Fn::GetAtt': [role.id, 'Arn'] },
        DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queue.id, 'Arn'] } },
        RetryPolicy: { MaximumEventAgeInSeconds: 14400, MaximumRetryAttempts: 8 },
      },
    ]);
    expect(role.resource.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(statementsOf(t, 'Trigger')).toEqual([
      { Effect: 'Allow', Action: 'codepipeline:StartPipelineExecution', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':codepipeline:eu-central-1:222222222222:', { Ref: pipelineId }]] } },
    ]);
    expect(queue.resource.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] });
    t.hasResourceProperties('AWS::SQS::QueuePolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Sid: 'AllowDeadLettersOfTheDeploymentTrigger',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [resourceOf(t, 'AWS::Events::Rule', 'DeployOnModelApproved').id, 'Arn'] } } },
          }),
        ]),
      },
    });
    // EventBridge may encrypt the dead letters with the key, through SQS only
    t.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Sid: 'AllowEventBridgeDeadLettersOfDeploymentTriggers', Condition: { StringEquals: { 'kms:ViaService': 'sqs.eu-central-1.amazonaws.com' } } }),
        ]),
      },
    });
  });

  test('the bus may be given by ARN (of this account and region)', () => {
    const { stack } = deploymentPipeline({ modelEventBus: 'arn:aws:events:eu-central-1:222222222222:event-bus/mlops-model-events' });
    expect(resourceOf(Template.fromStack(stack), 'AWS::Events::Rule', 'DeployOnModelApproved').resource.Properties.EventBusName).toBe('mlops-model-events');
  });
});

describe('ModelDeploymentPipeline: bad props fail at synth time', () => {
  const tg = targets();
  const fails = (overrides: Partial<ModelDeploymentPipelineProps>, message: string | RegExp) =>
    expect(() => deploymentPipeline(overrides)).toThrow(message);

  test('targets out of order, missing or duplicated', () => {
    fails({ targets: [tg[1], tg[0], tg[2]] }, 'ModelDeploymentPipeline: targets must be exactly DEV, INT, PROD in this order (each once), got [INT, DEV, PROD]');
    fails({ targets: [tg[0], tg[2]] }, /got \[DEV, PROD\]/);
    fails({ targets: [tg[0], tg[1], tg[1]] }, /got \[DEV, INT, INT\]/);
    fails({ targets: [] }, /must be exactly DEV, INT, PROD/);
  });

  test('a missing approval before INT or PROD, or an approval before DEV', () => {
    fails({ targets: [tg[0], { ...tg[1], requiresApprovalBefore: false }, tg[2]] }, 'targets[1] (INT).requiresApprovalBefore is not true; INT must be approved manually before it is deployed');
    fails({ targets: [tg[0], tg[1], { ...tg[2], requiresApprovalBefore: false }] }, 'targets[2] (PROD).requiresApprovalBefore is not true');
    fails({ targets: [{ ...tg[0], requiresApprovalBefore: true }, tg[1], tg[2]] }, 'targets[0] (DEV).requiresApprovalBefore is true; DEV is deployed automatically');
  });

  test('a bad qualifier', () => {
    fails({ qualifier: 'my qualifier' }, /qualifier "my qualifier" is not a CDK bootstrap qualifier; .*e.g. 'mlops'/);
    fails({ qualifier: 'waytoolongqualifier' }, /is not a CDK bootstrap qualifier/);
    fails({ qualifier: '' }, /is not a CDK bootstrap qualifier/);
  });

  test('bad accounts: malformed, shared by two stages, the pipeline\'s own, a smoke-test role of another account', () => {
    fails({ targets: [{ ...tg[0], account: '4444' }, tg[1], tg[2]] }, 'targets[0] (DEV).account "4444" is not an AWS account id; write the 12 digits');
    fails({ targets: [tg[0], { ...tg[1], account: DEV, smokeTestRoleArn: `arn:aws:iam::${DEV}:role/x` }, tg[2]] }, `targets[1] (INT).account ${DEV} is also the account of DEV`);
    fails({ targets: [tg[0], tg[1], { ...tg[2], account: '222222222222' }] }, 'is the pipeline\'s own account');
    fails({ targets: [{ ...tg[0], smokeTestRoleArn: `arn:aws:iam::${INT}:role/mlops-smoke-test` }, tg[1], tg[2]] }, `smokeTestRoleArn is a role of account ${INT}, not of the target account ${DEV}`);
    fails({ registryAccount: 'exp' }, 'registryAccount "exp" is not an AWS account id');
  });

  test('a missing smoke test before a promotion, bad names and paths', () => {
    fails({ targets: [{ ...tg[0], smokeTestRoleArn: undefined }, tg[1], tg[2]] }, 'targets[0] (DEV).smokeTestRoleArn is missing; DEV must pass a smoke test before the next stage');
    fails({ targets: [{ ...tg[0], smokeTestRoleArn: 'mlops-smoke-test' }, tg[1], tg[2]] }, /smokeTestRoleArn "mlops-smoke-test" is not an IAM role ARN/);
    fails({ targets: [{ ...tg[0], endpointName: 'churn_dev' }, tg[1], tg[2]] }, /endpointName "churn_dev" is not a valid SageMaker name/);
    fails({ targets: [{ ...tg[0], stackPath: 'Churn Serving' }, tg[1], tg[2]] }, /stackPath "Churn Serving" is not a stack of the cloud assembly as cdk deploy selects it; write the stack's hierarchical id/);
    fails({ targets: [{ ...tg[0], region: 'Frankfurt' }, tg[1], tg[2]] }, /region "Frankfurt" is not an AWS region/);
    fails({ modelPackageGroupName: 'arn:aws:sagemaker:eu-central-1:111111111111:model-package-group/churn' }, /modelPackageGroupName .* write the name, not the ARN/);
    fails({ modelEventBus: 'arn:aws:events:eu-central-1:111111111111:event-bus/mlops-model-events' }, /is not in this stack's account and region/);
    fails({ modelEventBus: 'default' }, /is not the name of a custom event bus/);
    fails({ smokeTestSamplePath: '../sample.json' }, /smokeTestSamplePath "..\/sample.json" must be a path inside the use-case repository/);
    fails({ installCommands: [] }, /installCommands is empty/);
    fails({ smokeTestTimeout: Duration.hours(3) }, /smokeTestTimeout must be between 1 and 120 minutes/);
    const { stack } = testStack();
    const topic = new sns.Topic(stack, 'Own', { masterKey: new kms.Key(stack, 'TopicKey', { enableKeyRotation: true }) });
    expect(() => deploymentPipeline({ approvalTopic: topic, approvalEmails: ['a@example.com'] }, stack)).toThrow(/approvalEmails is set together with approvalTopic/);
  });

  test('PipelineSource: bad connection and key', () => {
    expect(() => PipelineSource.fromConnection({ connectionArn: 'arn:aws:s3:::bucket', owner: 'o', repository: 'r' })).toThrow(/is not a connection ARN/);
    expect(() => PipelineSource.fromConnection({ connectionArn: CONNECTION, owner: 'vw/mlops', repository: 'r' })).toThrow(/owner "vw\/mlops" is not a repository owner/);
    const { stack } = testStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'B', 'bucket');
    expect(() => PipelineSource.fromS3(bucket, '/abs.zip')).toThrow(/objectKey "\/abs.zip" is not an S3 key/);
  });
});

/** The isolated test VPC's own findings are not this construct's concern. */
function acknowledgeVpcOf(vpc: ec2.Vpc): void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { acknowledgeRules } = require('../../../src/constructs/core/acknowledge');
  acknowledgeRules(vpc, {
    'AwsSolutions-VPC7': 'A test VPC for the CodeBuild projects only; flow logs belong to the platform network construct, not to this test.',
    'NIST.800.53.R5-VPCFlowLogsEnabled': 'A test VPC for the CodeBuild projects only; flow logs belong to the platform network construct, not to this test.',
    'HIPAA.Security-VPCFlowLogsEnabled': 'A test VPC for the CodeBuild projects only; flow logs belong to the platform network construct, not to this test.',
  });
}

describe('ModelDeploymentPipeline: the package mirror', () => {
  const mirror = PackageMirrorReference.fromAttributes({ domainName: 'mlops-packages', domainOwner: EXP, region: 'eu-central-1' });

  test('every project logs npm in to the mirror before npm ci, and every project role may read it (nothing else of CodeArtifact), nag-clean', () => {
    const { app, stack } = deploymentPipeline({ packageMirror: mirror });
    const t = Template.fromStack(stack);
    const login = `aws codeartifact login --tool npm --domain mlops-packages --domain-owner ${EXP} --repository shared --region eu-central-1`;
    // the projects whose roles assume the target accounts' roles install without running dependency code or exposing the credentials
    const withoutCredentials = 'env -u AWS_CONTAINER_CREDENTIALS_RELATIVE_URI -u AWS_CONTAINER_CREDENTIALS_FULL_URI -u AWS_CONTAINER_AUTHORIZATION_TOKEN '
      + '-u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN npm ci --ignore-scripts';
    for (const name of ['Resolve', 'Synth', 'DeployDev', 'DeployInt', 'DeployProd', 'SmokeTestDev', 'SmokeTestInt']) {
      const npmCi = /^(Deploy|SmokeTest)/.test(name) ? withoutCredentials : 'npm ci';
      expect(buildSpecOf(t, name).phases.install.commands).toEqual([login, npmCi]);
      const statements = statementsOf(t, name);
      expect(statements).toEqual(expect.arrayContaining([
        { Sid: 'PackageMirrorToken', Effect: 'Allow', Action: 'codeartifact:GetAuthorizationToken', Resource: `arn:aws:codeartifact:eu-central-1:${EXP}:domain/mlops-packages` },
        { Sid: 'PackageMirrorRead', Effect: 'Allow', Action: ['codeartifact:GetRepositoryEndpoint', 'codeartifact:ReadFromRepository'], Resource: `arn:aws:codeartifact:eu-central-1:${EXP}:repository/mlops-packages/shared` },
        {
          Sid: 'PackageMirrorBearerToken',
          Effect: 'Allow',
          Action: 'sts:GetServiceBearerToken',
          Resource: '*',
          Condition: { StringEquals: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } },
        },
      ]));
      expect(JSON.stringify(statements).match(/"codeartifact:/g)).toHaveLength(3);
    }
    ComplianceCheck.assertCompliant(app);
  });

  test('in a VPC without a mirror (and without own installCommands) the plain npm ci would need internet: a synth warning says so', () => {
    const warningOf = (overrides: Partial<ModelDeploymentPipelineProps>) => {
      const { stack } = testStack();
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      deploymentPipeline({ vpc, ...overrides }, stack);
      return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('without packageMirror or installCommands'));
    };
    expect(warningOf({})).toHaveLength(1);
    expect(warningOf({ packageMirror: mirror })).toEqual([]);
    expect(warningOf({ installCommands: ['npm ci --registry https://npm.example.internal/'] })).toEqual([]);
  });

  test('explicit installCommands replace the default login, the grants stay', () => {
    const { stack } = deploymentPipeline({ packageMirror: mirror, installCommands: ['npm ci --ignore-scripts'] });
    const t = Template.fromStack(stack);
    expect(buildSpecOf(t, 'Synth').phases.install.commands).toEqual(['npm ci --ignore-scripts']);
    expect(buildSpecOf(t, 'DeployDev').phases.install.commands).toEqual(['npm ci --ignore-scripts']);
    expect(JSON.stringify(statementsOf(t, 'Synth'))).toContain('PackageMirrorBearerToken');
  });

  test.each([
    [{ domainOwner: '2222' }, /PackageMirrorReference: domainOwner "2222" is not valid; write the 12-digit account that owns the domain/],
    [{ domainName: 'Mlops_Packages' }, /PackageMirrorReference: domainName "Mlops_Packages" is not valid/],
    [{ region: 'europe' }, /PackageMirrorReference: region "europe" is not valid/],
  ])('refuses a bad mirror reference %j', (overrides, message) => {
    expect(() => PackageMirrorReference.fromAttributes({ domainName: 'mlops-packages', domainOwner: EXP, region: 'eu-central-1', ...overrides })).toThrow(message);
  });
});
