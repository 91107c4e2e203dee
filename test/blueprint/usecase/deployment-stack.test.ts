/**
 * The deployment stack of a use case in RES: which serving stacks the pipeline deploys (by hierarchical
 * id) and who feeds it (the S3 source object, its writer, EventBridge).
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { MlopsPlatform, MlopsUseCase, PlatformAccount, PlatformConfig } from '../../../src';
import { logicalIdOf, simulate, TemplatePolicies } from '../../helpers/iam-simulator';

const RES = '333333333333';
const EXP = '222222222222';

function useCase(config = PlatformConfig.sample(), source?: ConstructorParameters<typeof MlopsUseCase>[2]['source']) {
  const app = new App();
  const uc = new MlopsUseCase(app, 'WeldGun', { platform: config, useCaseName: 'weld-gun-pm', source });
  return { app, uc };
}

describe('DeploymentStack: the stacks it deploys', () => {
  test('every Deploy project selects its serving stack by the hierarchical id the CDK CLI matches, not by its CloudFormation name', () => {
    const { uc } = useCase();
    const t = Template.fromStack(uc.deployment).toJSON();
    [PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD].forEach((stage, i) => {
      const serving = uc.serving(stage);
      const project = t.Resources[logicalIdOf(uc.deployment.pipeline.deployProjects[i])];
      const variables = Object.fromEntries(project.Properties.Environment.EnvironmentVariables.map((v: any) => [v.Name, v.Value]));
      // the manifest's displayName of a stack, which `cdk deploy <selector>` matches, is its node path
      expect(variables.TARGET_STACK).toBe(serving.node.path);
      expect(variables.TARGET_STACK).toBe(`WeldGun/${uc.names.servingStackId(stage)}`);
      expect(variables.TARGET_STACK).not.toBe(serving.stackName);
    });
  });
});

describe('DeploymentStack: the S3 source', () => {
  test('a fixed bucket name, event-driven, and its name, key and writer as outputs', () => {
    const { uc } = useCase();
    const t = Template.fromStack(uc.deployment);
    const bucket = t.toJSON().Resources[logicalIdOf(uc.deployment.sourceBucket!.bucket)];
    expect(bucket.Properties.BucketName).toBe(`vwml-weld-gun-pm-source-${RES}`);
    expect(bucket.Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    expect(t.toJSON().Outputs).toMatchObject({
      SourceBucketName: { Value: { Ref: logicalIdOf(uc.deployment.sourceBucket!.bucket) } },
      SourceObjectKey: { Value: 'source.zip' },
      SourceWriterRoleArn: { Value: { 'Fn::GetAtt': [logicalIdOf(uc.deployment.sourceWriterRole!), 'Arn'] } },
    });
    const rule = t.toJSON().Resources[logicalIdOf(uc.deployment.pipeline.sourceTriggerRule!)];
    expect(rule.Properties.EventPattern.detail).toEqual({ bucket: { name: [{ Ref: logicalIdOf(uc.deployment.sourceBucket!.bucket) }] }, object: { key: ['source.zip'] } });
  });

  test('the writer is trusted by the GitHub deploy role of EXP (with session tags), carries the boundary, and may put exactly the source object', async () => {
    const { uc } = useCase();
    const t = Template.fromStack(uc.deployment).toJSON();
    const role = t.Resources[logicalIdOf(uc.deployment.sourceWriterRole!)];
    expect(role.Properties.RoleName).toBe('vwml-weld-gun-pm-source-writer');
    expect(role.Properties.PermissionsBoundary).toBeDefined();
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${EXP}:role/vwml-github-deploy` }, Action: ['sts:AssumeRole', 'sts:TagSession'] },
    ]);
    const policies = TemplatePolicies.fromStack(uc.deployment);
    // the role's own grants (its boundary is the platform's, in the platform stack)
    const identity = [policies.policyDocument(logicalIdOf((uc.deployment.sourceWriterRole as any).grantsPolicy))];
    const bucketArn = `arn:aws:s3:::vwml-weld-gun-pm-source-${RES}`;
    const request = { identityPolicies: identity, principal: `arn:aws:iam::${RES}:role/vwml-weld-gun-pm-source-writer` };
    expect(await simulate({ ...request, action: 's3:PutObject', resource: `${bucketArn}/source.zip` })).toBe('Allowed');
    expect(await simulate({ ...request, action: 's3:PutObject', resource: `${bucketArn}/other.zip` })).toBe('ImplicitlyDenied');
    expect(await simulate({ ...request, action: 's3:GetObject', resource: `${bucketArn}/source.zip` })).toBe('ImplicitlyDenied');
    // SSE-KMS: the key policy (which delegates to the account's IAM policies) and the role's own grant
    const keyId = logicalIdOf(uc.deployment.key.key);
    const keyArn = policies.resolve({ 'Fn::GetAtt': [keyId, 'Arn'] });
    const keyPolicy = policies.resolve(t.Resources[keyId].Properties.KeyPolicy);
    const viaS3 = { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' };
    expect(await simulate({ ...request, resourcePolicy: keyPolicy, action: 'kms:GenerateDataKey', resource: keyArn, context: viaS3 })).toBe('Allowed');
    expect(await simulate({ ...request, resourcePolicy: keyPolicy, action: 'kms:GenerateDataKey', resource: keyArn, context: { 'kms:ViaService': 'sqs.eu-central-1.amazonaws.com' } })).toBe('ImplicitlyDenied');
    expect(await simulate({ ...request, resourcePolicy: keyPolicy, action: 'kms:Decrypt', resource: keyArn, context: viaS3 })).toBe('ImplicitlyDenied');
  });

  test('the GitHub deploy role of EXP may assume the source writers of RES, and only those', async () => {
    const app = new App();
    const platform = new MlopsPlatform(app, 'Platform', { config: PlatformConfig.sample() });
    const exp = platform.stack(PlatformAccount.EXP) as any;
    const policies = TemplatePolicies.fromStack(exp);
    const identity = [policies.policyDocument(logicalIdOf(exp.node.findChild('GithubDeployPolicy')))];
    const principal = `arn:aws:iam::${EXP}:role/vwml-github-deploy`;
    // both sides of the account boundary: the EXP role's own policy and the writer's trust policy in RES
    const { uc } = useCase();
    const trust = TemplatePolicies.fromStack(uc.deployment).resolve(
      Template.fromStack(uc.deployment).toJSON().Resources[logicalIdOf(uc.deployment.sourceWriterRole!)].Properties.AssumeRolePolicyDocument,
    );
    const writer = `arn:aws:iam::${RES}:role/vwml-weld-gun-pm-source-writer`;
    expect(await simulate({ identityPolicies: identity, resourcePolicy: trust, principal, action: 'sts:AssumeRole', resource: writer })).toBe('Allowed');
    expect(await simulate({ identityPolicies: identity, resourcePolicy: trust, principal, action: 'sts:TagSession', resource: writer })).toBe('Allowed');
    // another EXP principal is not trusted; the EXP role may not assume other RES roles
    expect(await simulate({ identityPolicies: identity, resourcePolicy: trust, principal: `arn:aws:iam::${EXP}:role/other`, action: 'sts:AssumeRole', resource: writer })).toBe('ImplicitlyDenied');
    expect(await simulate({ identityPolicies: identity, principal, action: 'sts:AssumeRole', resource: `arn:aws:iam::${RES}:role/vwml-weld-gun-pm-resolve` })).toBe('ImplicitlyDenied');
  });

  test('without a GitHub section, the writer is delegated to the RES account; with a connection source there is no bucket and no writer', () => {
    const json = PlatformConfig.sample().toJson();
    delete json.github;
    const { uc } = useCase(PlatformConfig.fromObject(json));
    const role = Template.fromStack(uc.deployment).toJSON().Resources[logicalIdOf(uc.deployment.sourceWriterRole!)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ AWS: `arn:aws:iam::${RES}:root` });
    const connection = useCase(PlatformConfig.sample(), {
      connectionArn: `arn:aws:codeconnections:eu-central-1:${RES}:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789`,
      owner: 'vw-mlops',
      repository: 'weld-gun-pm',
    }).uc;
    expect(connection.deployment.sourceBucket).toBeUndefined();
    expect(connection.deployment.sourceWriterRole).toBeUndefined();
    expect(connection.deployment.pipeline.sourceTriggerRule).toBeUndefined();
  });
});
