/**
 * The deployment stack of a use case in RES: which serving stacks the pipeline deploys (by hierarchical
 * id) and who feeds it (the S3 source object, its writer, EventBridge).
 */
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
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
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${EXP}:role/vwml-weld-gun-pm-github` }, Action: ['sts:AssumeRole', 'sts:TagSession'] },
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

  test('the use case\'s GitHub role of EXP may assume its source writer of RES, and only that', async () => {
    const app = new App();
    const platform = new MlopsPlatform(app, 'Platform', { config: PlatformConfig.sample() });
    const onboarding = platform.useCases[0];
    const exp = onboarding.tryFindStack(PlatformAccount.EXP)!;
    const identity = [TemplatePolicies.fromStack(exp).policyDocument(logicalIdOf(exp.node.findChild('GithubRole').node.findChild('Policy')))];
    const principal = `arn:aws:iam::${EXP}:role/vwml-weld-gun-pm-github`;
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
    expect(await simulate({ identityPolicies: identity, principal, action: 'sts:AssumeRole', resource: `arn:aws:iam::${RES}:role/vwml-paint-defect-source-writer` })).toBe('ImplicitlyDenied');
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

describe('DeploymentStack: the builds work in the isolated RES VPC', () => {
  const app = new App();
  const config = PlatformConfig.sample();
  const platform = new MlopsPlatform(app, 'Platform', { config });
  const uc = new MlopsUseCase(app, 'WeldGun', { platform: config, useCaseName: 'weld-gun-pm' });
  const resPlatform = platform.stack(PlatformAccount.RES);
  const expPlatform = platform.stack(PlatformAccount.EXP) as any;
  const deployment = TemplatePolicies.fromStack(uc.deployment);
  const boundary = TemplatePolicies.fromStack(resPlatform).policyDocument(logicalIdOf(resPlatform.guardrails.permissionsBoundary));
  const exp = TemplatePolicies.fromStack(expPlatform);
  const expTemplate = Template.fromStack(expPlatform).toJSON();
  const mirror = expPlatform.packageMirror;
  const domainPolicy = exp.resolve(expTemplate.Resources[logicalIdOf(mirror.domain)].Properties.PermissionsPolicyDocument);
  const repositoryPolicy = exp.resolve(expTemplate.Resources[logicalIdOf(mirror.sharedRepository)].Properties.PermissionsPolicyDocument);
  const domainArn = `arn:aws:codeartifact:eu-central-1:${EXP}:domain/vwml-packages`;
  const repositoryArn = `arn:aws:codeartifact:eu-central-1:${EXP}:repository/vwml-packages/shared`;
  const projects = () => [
    ['Resolve', uc.deployment.pipeline.resolveProject],
    ['Synth', uc.deployment.pipeline.synthProject],
    ...uc.deployment.pipeline.deployProjects.map((p, i) => [`Deploy${i}`, p]),
    ...uc.deployment.pipeline.smokeTestProjects.map((p, i) => [`SmokeTest${i}`, p]),
  ] as Array<[string, any]>;

  test('every project logs npm in to the EXP mirror before npm ci (Deploy and SmokeTest: without scripts and credential variables)', () => {
    const t = Template.fromStack(uc.deployment).toJSON();
    for (const [name, project] of projects()) {
      const spec = JSON.parse(t.Resources[logicalIdOf(project)].Properties.Source.BuildSpec);
      expect(spec.phases.install.commands).toEqual([
        `aws codeartifact login --tool npm --domain vwml-packages --domain-owner ${EXP} --repository shared --region eu-central-1`,
        /^(Deploy|SmokeTest)/.test(name) ? expect.stringMatching(/^env( -u AWS_[A-Z_]+)+ npm ci --ignore-scripts$/) : 'npm ci',
      ]);
    }
  });

  // aws codeartifact login: GetAuthorizationToken (identity + boundary in RES, domain policy in EXP) with
  // sts:GetServiceBearerToken (RES only); npm ci: GetRepositoryEndpoint/ReadFromRepository (repository policy)
  test.each(['Resolve', 'Synth', 'Deploy0', 'Deploy1', 'Deploy2', 'SmokeTest0', 'SmokeTest1'])('%s: the role may use the mirror across the account boundary, within the boundary', async (name) => {
    const project = projects().find(([n]) => n === name)![1];
    const role = project.role;
    const identity = [deployment.policyDocument(logicalIdOf(role.grantsPolicy ?? role.node.findChild('Policy')))];
    const principal = deployment.resolve({ 'Fn::GetAtt': [logicalIdOf(role), 'Arn'] });
    const base = { identityPolicies: identity, permissionBoundaryPolicies: [boundary], principal };
    expect(await simulate({ ...base, action: 'codeartifact:GetAuthorizationToken', resource: domainArn, resourcePolicy: domainPolicy })).toBe('Allowed');
    expect(await simulate({ ...base, action: 'sts:GetServiceBearerToken', context: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' } })).toBe('Allowed');
    expect(await simulate({ ...base, action: 'codeartifact:ReadFromRepository', resource: repositoryArn, resourcePolicy: repositoryPolicy })).toBe('Allowed');
    expect(await simulate({ ...base, action: 'codeartifact:GetRepositoryEndpoint', resource: repositoryArn, resourcePolicy: repositoryPolicy })).toBe('Allowed');
    // negative twins: publishing, and a store repository the readers never reach directly
    expect(await simulate({ ...base, action: 'codeartifact:PublishPackageVersion', resource: `arn:aws:codeartifact:eu-central-1:${EXP}:package/vwml-packages/shared/npm/vw/x`, resourcePolicy: repositoryPolicy })).not.toBe('Allowed');
    expect(await simulate({ ...base, action: 'codeartifact:ReadFromRepository', resource: `arn:aws:codeartifact:eu-central-1:${EXP}:repository/vwml-packages/npm-store` })).not.toBe('Allowed');
  });

  test('the RES VPC has an endpoint for every service its builds call (CloudFormation for cdk deploy among them); EXP has no CloudFormation endpoint', () => {
    const services = (stack: any) => Object.values<any>(Template.fromStack(stack).findResources('AWS::EC2::VPCEndpoint')).map((r) => r.Properties.ServiceName);
    const res = services(resPlatform);
    for (const service of ['cloudformation', 'sts', 'codeartifact.api', 'codeartifact.repositories', 'logs', 'kms', 'ssm', 'sagemaker.api', 'sagemaker.runtime', 'ecr.api', 'ecr.dkr', 's3']) {
      expect(res).toContain(`com.amazonaws.eu-central-1.${service}`);
    }
    expect(services(expPlatform)).not.toContain('com.amazonaws.eu-central-1.cloudformation');
  });
});

describe('DeploymentStack: regions', () => {
  test('an isolated RES VPC in another region than EXP (mirror, registry) is warned about at synth time; one region is not', () => {
    const json = PlatformConfig.sample().toJson();
    json.accounts.exp.region = 'eu-west-1';
    const { uc } = useCase(PlatformConfig.fromObject(json));
    Annotations.fromStack(uc.deployment).hasWarning('*', Match.stringLikeRegexp(
      "the deployment pipeline's builds run in the RES VPC \\(eu-central-1\\), but the package mirror and the model registry are in EXP's region eu-west-1",
    ));
    expect(Annotations.fromStack(useCase().uc.deployment).findWarning('*', Match.stringLikeRegexp('package mirror'))).toEqual([]);
  });
});

describe('DeploymentStack: the approval notifications of the team', () => {
  const withEmails = (emails?: string[]) => {
    const json = PlatformConfig.sample().toJson() as any;
    json.useCases[0].approvalEmails = emails;
    return PlatformConfig.fromObject(json);
  };

  test('approvalEmails of the use case\'s entry subscribe to the pipeline\'s approval topic, which is encrypted with the stack\'s key', () => {
    const { uc } = useCase(withEmails(['weld-leads@example.com', 'weld-qa@example.com']));
    const t = Template.fromStack(uc.deployment);
    const topic = logicalIdOf(uc.deployment.pipeline.approvalTopic);
    const subscriptions = Object.values<any>(t.findResources('AWS::SNS::Subscription')).map((s) => s.Properties);
    expect(subscriptions).toEqual([
      { Protocol: 'email', Endpoint: 'weld-leads@example.com', TopicArn: { Ref: topic } },
      { Protocol: 'email', Endpoint: 'weld-qa@example.com', TopicArn: { Ref: topic } },
    ]);
    expect(t.toJSON().Resources[topic].Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [logicalIdOf(uc.deployment.key.key), 'Arn'] });
  });

  test('without approvalEmails nobody is subscribed', () => {
    const { uc } = useCase();
    expect(uc.registryEntry?.approvalEmails).toBeUndefined();
    Template.fromStack(uc.deployment).resourceCountIs('AWS::SNS::Subscription', 0);
  });
});
