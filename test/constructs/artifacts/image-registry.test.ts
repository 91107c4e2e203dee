import { Duration } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ComplianceCheck, ImageRegistry, ImageRegistryProps } from '../../../src';
import { testStack } from '../../helpers/stacks';

const EXP = '111111111111';
const DEV = '444444444444';
const INT = '555555555555';
const PROD = '666666666666';
const PUSHER = 'arn:aws:iam::222222222222:role/image-build';
const PULL = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'];
const PUSH = ['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'];

function registry(overrides: Partial<ImageRegistryProps> = {}) {
  const { app, stack } = testStack();
  const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
  const r = new ImageRegistry(stack, 'Registry', {
    encryptionKey: key,
    repositoryNames: ['mlops/training', 'mlops/inference'],
    pullAccountIds: [EXP, DEV, INT, PROD],
    pusherRoleArns: [PUSHER],
    ...overrides,
  });
  return { app, stack, key, registry: r };
}

const root = (account: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:iam::${account}:root`]] });
const repositoryNamed = (t: Template, name: string) =>
  Object.values(t.findResources('AWS::ECR::Repository')).find((r: any) => r.Properties.RepositoryName === name) as any;
const logicalIdOf = (t: Template, name: string) =>
  Object.entries(t.findResources('AWS::ECR::Repository')).find(([, r]: any) => r.Properties.RepositoryName === name)![0];

describe('ImageRegistry', () => {
  test('repositories with immutable tags, scan on push, KMS with the given key, the untagged-expiry rule, retained', () => {
    const { app, stack } = registry();
    const t = Template.fromStack(stack);
    t.resourceCountIs('AWS::ECR::Repository', 2);
    for (const name of ['mlops/training', 'mlops/inference']) {
      const repo = repositoryNamed(t, name);
      expect(repo.DeletionPolicy).toBe('Retain');
      expect(repo.UpdateReplacePolicy).toBe('Retain');
      expect(repo.Properties).toMatchObject({
        ImageTagMutability: 'IMMUTABLE',
        ImageScanningConfiguration: { ScanOnPush: true },
        EncryptionConfiguration: { EncryptionType: 'KMS', KmsKey: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] } },
        EmptyOnDelete: false,
      });
      expect(repo.Properties.LifecyclePolicy.LifecyclePolicyText).toBe(
        '{"rules":[{"rulePriority":1,"description":"Expire untagged images 14 days after push","selection":{"tagStatus":"untagged","countType":"sinceImagePushed","countNumber":14,"countUnit":"days"},"action":{"type":"expire"}}]}',
      );
    }
    ComplianceCheck.assertCompliant(app);
  });

  test('tagged images expire only when maxTaggedImages asks for it', () => {
    const { stack } = registry({ untaggedImageExpiry: Duration.days(3), maxTaggedImages: 50 });
    const rules = JSON.parse(repositoryNamed(Template.fromStack(stack), 'mlops/inference').Properties.LifecyclePolicy.LifecyclePolicyText).rules;
    expect(rules).toEqual([
      {
        rulePriority: 1,
        description: 'Expire untagged images 3 days after push',
        selection: { tagStatus: 'untagged', countType: 'sinceImagePushed', countNumber: 3, countUnit: 'days' },
        action: { type: 'expire' },
      },
      {
        rulePriority: 2,
        description: 'Keep the 50 most recent tagged images',
        selection: { tagStatus: 'tagged', tagPatternList: ['*'], countType: 'imageCountMoreThan', countNumber: 50 },
        action: { type: 'expire' },
      },
    ]);
  });

  test('repository policy: consumer accounts and SageMaker (for those accounts only) pull; only the pushers push, everyone else is denied', () => {
    const { stack } = registry();
    const statements = repositoryNamed(Template.fromStack(stack), 'mlops/inference').Properties.RepositoryPolicyText.Statement;
    const pusher = [PUSHER];
    expect(statements).toEqual([
      { Sid: 'AllowPullByConsumerAccounts', Effect: 'Allow', Principal: { AWS: [root(EXP), root(DEV), root(INT), root(PROD)] }, Action: PULL },
      {
        Sid: 'AllowPullBySageMakerForConsumerAccounts',
        Effect: 'Allow',
        Principal: { Service: 'sagemaker.amazonaws.com' },
        Action: PULL,
        Condition: { StringEquals: { 'aws:SourceAccount': [EXP, DEV, INT, PROD] } },
      },
      // no Allow for the pushers (same account: their identity policy grants the push), only the Deny
      { Sid: 'DenyPushByAnyoneElse', Effect: 'Deny', Principal: { AWS: '*' }, Action: PUSH, Condition: { ArnNotEquals: { 'aws:PrincipalArn': pusher } } },
    ]);
  });

  test('without pull accounts nobody outside the account pulls; SageMaker can be left out', () => {
    const none = registry({ pullAccountIds: undefined });
    const sids = (s: any) =>
      repositoryNamed(Template.fromStack(s), 'mlops/training').Properties.RepositoryPolicyText.Statement.map((x: any) => x.Sid);
    expect(sids(none.stack)).toEqual(['DenyPushByAnyoneElse']);
    const noSageMaker = registry({ allowSageMakerPull: false });
    expect(sids(noSageMaker.stack)).toEqual(['AllowPullByConsumerAccounts', 'DenyPushByAnyoneElse']);
  });

  test('grantPush scopes the role to one repository and makes it a pusher of that repository only', () => {
    const { stack, registry: r } = registry({ pusherRoleArns: undefined });
    const build = new iam.Role(stack, 'Build', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
    const other = new iam.Role(stack, 'Other', { assumedBy: new iam.ServicePrincipal('codebuild.amazonaws.com') });
    r.grantPush(build, 'mlops/inference');
    r.grantPush(other, 'mlops/training');
    const t = Template.fromStack(stack);
    const buildArn = { 'Fn::GetAtt': [expect.stringMatching(/^Build/), 'Arn'] };
    const denyOf = (name: string) =>
      repositoryNamed(t, name).Properties.RepositoryPolicyText.Statement.find((s: any) => s.Sid === 'DenyPushByAnyoneElse').Condition.ArnNotEquals['aws:PrincipalArn'];
    expect(denyOf('mlops/inference')).toEqual([buildArn]);
    expect(denyOf('mlops/training')).toEqual([{ 'Fn::GetAtt': [expect.stringMatching(/^Other/), 'Arn'] }]);

    const policy = Object.entries(t.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('Build'))![1] as any;
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Action: [...PUSH, ...PULL], Resource: { 'Fn::GetAtt': [logicalIdOf(t, 'mlops/inference'), 'Arn'] } },
      { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
    ]);
  });

  test('grantPull covers one or all repositories; repository(name) and repositoryArns expose them', () => {
    const { stack, registry: r } = registry();
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    r.grantPull(role);
    const t = Template.fromStack(stack);
    const statements = (Object.values(t.findResources('AWS::IAM::Policy'))[0] as any).Properties.PolicyDocument.Statement;
    expect(statements[0]).toEqual({
      Effect: 'Allow',
      Action: PULL,
      Resource: [{ 'Fn::GetAtt': [logicalIdOf(t, 'mlops/training'), 'Arn'] }, { 'Fn::GetAtt': [logicalIdOf(t, 'mlops/inference'), 'Arn'] }],
    });
    expect(r.repositoryNames).toEqual(['mlops/training', 'mlops/inference']);
    expect(r.repositoryArns.map((a) => stack.resolve(a))).toEqual([
      { 'Fn::GetAtt': [logicalIdOf(t, 'mlops/training'), 'Arn'] },
      { 'Fn::GetAtt': [logicalIdOf(t, 'mlops/inference'), 'Arn'] },
    ]);
    expect(stack.resolve(r.repository('mlops/inference').repositoryName)).toEqual({ Ref: logicalIdOf(t, 'mlops/inference') });
    expect(() => r.repository('mlops/unknown')).toThrow(/there is no repository "mlops\/unknown"; the registry has mlops\/training, mlops\/inference/);
  });

  test('a repository nobody may push to denies every push, with a synthesis warning', () => {
    const { stack, registry: r } = registry({ pusherRoleArns: undefined });
    r.addPusherRoleArn(PUSHER, 'mlops/inference');
    const t = Template.fromStack(stack);
    expect(repositoryNamed(t, 'mlops/training').Properties.RepositoryPolicyText.Statement.slice(-1)).toEqual([
      { Sid: 'DenyPushByAnyone', Effect: 'Deny', Principal: { AWS: '*' }, Action: PUSH },
    ]);
    expect(repositoryNamed(t, 'mlops/inference').Properties.RepositoryPolicyText.Statement.map((s: any) => s.Sid).slice(-2)).toEqual([
      'AllowPullBySageMakerForConsumerAccounts',
      'DenyPushByAnyoneElse',
    ]);
    const warnings = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('No role may push to mlops/training'));
    expect(warnings).toHaveLength(1);
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('No role may push to mlops/inference'))).toHaveLength(0);
    expect(() => r.addPusherRoleArn(PUSHER)).toThrow(/after synthesis started/);
  });

  test.each([
    [{ repositoryNames: [] }, /repositoryNames is empty/],
    [{ repositoryNames: ['MLOps/Inference'] }, /"MLOps\/Inference", which is not a valid ECR repository name/],
    [{ repositoryNames: ['/inference'] }, /"\/inference", which is not a valid ECR repository name/],
    [{ repositoryNames: ['mlops//inference'] }, /not a valid ECR repository name/],
    [{ repositoryNames: ['mlops--inference-'] }, /not a valid ECR repository name/],
    [{ repositoryNames: ['a'] }, /"a", which is not a valid ECR repository name/],
    [{ repositoryNames: ['a'.repeat(257)] }, /not a valid ECR repository name/],
    [{ repositoryNames: ['mlops/x', 'mlops/x'] }, /contains "mlops\/x" twice/],
    [{ pullAccountIds: ['1234567890123'] }, /pullAccountIds contains "1234567890123", which is not an AWS account id/],
    [{ pusherRoleArns: ['image-build'] }, /pusherRoleArns contains "image-build", which is not an IAM role ARN/],
    [{ pusherRoleArns: ['arn:aws:iam::999999999999:role/build'] }, /a role of account 999999999999, but the registry is in account 222222222222/],
    [{ untaggedImageExpiry: Duration.hours(36) }, /untaggedImageExpiry \(in days\) is 1.5; write a whole number of at least 1/],
    [{ maxTaggedImages: 0 }, /maxTaggedImages is 0; write a whole number of at least 1/],
  ])('rejects bad props: %j', (overrides, message) => {
    expect(() => registry(overrides as Partial<ImageRegistryProps>)).toThrow(message);
  });
});

describe('ImageRegistry: pullPrincipalArns (a repository of one use case)', () => {
  const roles = [`arn:aws:iam::${EXP}:role/vwml-weld-gun-pm-pipeline`, `arn:aws:iam::${DEV}:role/vwml-weld-gun-pm-dev-endpoint`];

  test('the pull statement names the accounts and admits exactly these roles; no SageMaker service statement', () => {
    const { stack } = registry({ pullAccountIds: [EXP, DEV], pullPrincipalArns: roles });
    const t = Template.fromStack(stack);
    const statements = repositoryNamed(t, 'mlops/training').Properties.RepositoryPolicyText.Statement;
    expect(statements).toContainEqual({
      Sid: 'AllowPullByConsumerRoles',
      Effect: 'Allow',
      Principal: { AWS: [root(EXP), root(DEV)] },
      Action: PULL,
      Condition: { ArnEquals: { 'aws:PrincipalArn': roles } },
    });
    expect(JSON.stringify(statements)).not.toContain('sagemaker.amazonaws.com');
  });

  test.each([
    ['not a role ARN', ['arn:aws:iam::111111111111:user/alice'], /pullPrincipalArns\[0\] "arn:aws:iam::111111111111:user\/alice" is not an IAM role ARN/],
    ['a role of an account that may not pull', [`arn:aws:iam::${PROD}:role/x`], /pullPrincipalArns\[0\] is a role of account 666666666666, which is not in pullAccountIds/],
    ['empty', [], /pullPrincipalArns is empty/],
  ])('%s is refused at synth, naming the field', (_, arns, message) => {
    expect(() => registry({ pullAccountIds: [EXP, DEV], pullPrincipalArns: arns })).toThrow(message);
  });
});
