/**
 * Job name prefixes (the SDK's `use_custom_job_prefix`): the steps render them, a `ModelBuildPipeline` with
 * `jobNamePrefix` requires them and limits its role to those jobs and their log streams (IAM simulation).
 */
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  ModelBuildPipeline, PipelineDefinition, PipelineDefinitionSource, PipelinePlaceholder, PipelineValue, PredictiveMaintenancePipeline,
  ProcessingStep, SageMakerFrameworkImage, SageMakerGuardrails, TrainingStep, TransformStep, TuningObjectiveType, TuningStep,
} from '../../../src';
import { TemplatePolicies, logicalIdOf, simulate } from '../../helpers/iam-simulator';
import { TEST_ENV, testStack } from '../../helpers/stacks';

const s = (value: string) => PipelineValue.fromString(value);
const SM = `arn:aws:sagemaker:eu-central-1:${TEST_ENV.account}`;
const LOGS = `arn:aws:logs:eu-central-1:${TEST_ENV.account}:log-group:/aws/sagemaker`;
const PREFIX = 'vwml-weld-gun-pm--';

function definition(jobNamePrefix?: string): PipelineDefinition {
  return PredictiveMaintenancePipeline.definition({
    pipelineName: 'vwml-weld-gun-pm-build',
    region: 'eu-central-1',
    roleArn: PipelinePlaceholder.ROLE_ARN,
    bucketName: PipelinePlaceholder.ARTIFACT_BUCKET_NAME,
    kmsKeyArn: PipelinePlaceholder.KMS_KEY_ARN,
    subnetIds: [PipelinePlaceholder.SUBNET_IDS],
    securityGroupIds: [PipelinePlaceholder.SECURITY_GROUP_IDS],
    modelPackageGroupName: 'vwml-weld-gun-pm',
    jobNamePrefix,
  });
}

function pipeline(def: PipelineDefinition, jobNamePrefix?: string) {
  const { stack } = testStack();
  const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, maxAzs: 2, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
  const guardrails = new SageMakerGuardrails(stack, 'Guardrails');
  const build = new ModelBuildPipeline(stack, 'Build', {
    pipelineName: 'vwml-weld-gun-pm-build',
    definitionSource: PipelineDefinitionSource.fromDefinition(def),
    permissionsBoundary: guardrails.permissionsBoundary,
    guardrailPolicy: guardrails.guardrailPolicy,
    encryptionKey: new kms.Key(stack, 'Key', { enableKeyRotation: true }),
    vpc,
    modelPackageGroupName: 'vwml-weld-gun-pm',
    imageRepositoryArns: [SageMakerFrameworkImage.sklearn('eu-central-1').repositoryArn],
    jobNamePrefix,
  });
  const policies = TemplatePolicies.fromStack(stack);
  return {
    own: [policies.policyDocument(logicalIdOf(build.executionPolicy)), policies.policyDocument(logicalIdOf(build.dataAccessPolicy))],
    roleArn: policies.getAttOf(logicalIdOf(build.role), 'Arn'),
  };
}

describe('job steps render their job name prefix as the SDK does', () => {
  const role = s('arn:aws:iam::111111111111:role/r');
  test('processing, training and transform: ProcessingJobName, TrainingJobName, TransformJobName', () => {
    const p = new ProcessingStep('P', { jobNamePrefix: 'uc--prep', roleArn: role, imageUri: s('i'), instanceType: s('ml.m5.large') });
    const t = new TrainingStep('T', { jobNamePrefix: 'uc--train', roleArn: role, trainingImage: s('i'), instanceType: s('ml.m5.large'), outputPath: s('s3://b/o') });
    const b = new TransformStep('B', { jobNamePrefix: 'uc--batch', modelName: s('m'), inputS3Uri: s('s3://b/i'), outputPath: s('s3://b/o'), instanceType: s('ml.m5.large') });
    expect(p.toJson().Arguments.ProcessingJobName).toBe('uc--prep');
    expect(t.toJson().Arguments.TrainingJobName).toBe('uc--train');
    expect(b.toJson().Arguments.TransformJobName).toBe('uc--batch');
    expect(new ProcessingStep('Q', { roleArn: role, imageUri: s('i'), instanceType: s('ml.m5.large') }).toJson().Arguments).not.toHaveProperty('ProcessingJobName');
  });

  test.each(['', '-uc', 'uc_prep', 'x'.repeat(41)])('refuses the prefix %j with the field and the rule', (prefix) => {
    expect(() => new ProcessingStep('P', { jobNamePrefix: prefix, roleArn: role, imageUri: s('i'), instanceType: s('ml.m5.large') }))
      .toThrow(/step "P": jobNamePrefix .* must be 1 to 40 letters, digits and hyphens/);
  });

  test('a tuning step refuses one (SageMaker names tuning jobs and their training jobs)', () => {
    expect(() => new TuningStep('Tune', {
      jobNamePrefix: 'uc--tune',
      trainingJob: { roleArn: role, trainingImage: s('i'), instanceType: s('ml.m5.large'), outputPath: s('s3://b/o') },
      objectiveMetricName: 'validation:f1',
      objectiveType: TuningObjectiveType.MAXIMIZE,
      maxJobs: PipelineValue.fromNumber(2),
      continuousParameterRanges: [{ name: 'eta', minValue: s('0.1'), maxValue: s('0.5') }],
    })).toThrow(/step "Tune": a tuning step takes no jobNamePrefix/);
  });

  test('the predictive-maintenance pipeline names its three jobs <prefix>prep, train and eval', () => {
    const names = definition(PREFIX).toJson().Steps.filter((x: any) => x.Type !== 'Condition').map((x: any) => x.Arguments.ProcessingJobName ?? x.Arguments.TrainingJobName);
    expect(names).toEqual([`${PREFIX}prep`, `${PREFIX}train`, `${PREFIX}eval`]);
  });
});

describe('ModelBuildPipeline jobNamePrefix', () => {
  test('a job step without a prefix, or with another, is refused at synth naming the step and the fix', () => {
    expect(() => pipeline(definition(), PREFIX)).toThrow(/step "Preprocess" \(Processing\): ProcessingJobName is missing: .*give the step a jobNamePrefix such as "vwml-weld-gun-pm--preprocess"/);
    expect(() => pipeline(definition('vwml-weld-gun--'), PREFIX)).toThrow(/TrainingJobName "vwml-weld-gun--train" does not start with the pipeline's job name prefix "vwml-weld-gun-pm--"/);
  });

  test.each(['', 'a b', '-x', 'x'.repeat(41)])('refuses the prefix %j', (prefix) => {
    expect(() => pipeline(definition(), prefix)).toThrow(/ModelBuildPipeline: jobNamePrefix .* is not a literal job name prefix/);
  });

  describe('the execution role creates, stops and logs only its own jobs', () => {
    const p = pipeline(definition(PREFIX), PREFIX);
    const allowed = async (action: string, resource: string) =>
      (simulate({ identityPolicies: p.own, principal: p.roleArn, action, resource, context: {} }));
    test.each([
      ['sagemaker:StopTrainingJob', `${SM}:training-job/${PREFIX}train-0p4m3x7gk5ph`],
      ['sagemaker:DescribeProcessingJob', `${SM}:processing-job/${PREFIX}prep-0p4m3x7gk5ph`],
      ['logs:PutLogEvents', `${LOGS}/TrainingJobs:log-stream:${PREFIX}train-0p4m3x7gk5ph/algo-1-1765000000`],
    ])('%s on its own job: Allowed', async (action, resource) => {
      expect(await allowed(action, resource)).toBe('Allowed');
    });
    test.each([
      ['sagemaker:StopTrainingJob', `${SM}:training-job/vwml-weld-gun-pm2--train-0p4m3x7gk5ph`],
      ['sagemaker:StopTrainingJob', `${SM}:training-job/pipelines-0p4m3x7gk5ph-train-kzzp9hnxas`],
      ['sagemaker:DescribeProcessingJob', `${SM}:processing-job/vwml-weld-gun--prep-0p4m3x7gk5ph`],
      ['logs:PutLogEvents', `${LOGS}/TrainingJobs:log-stream:vwml-weld-gun-pm2--train-0p4m3x7gk5ph/algo-1-1765000000`],
    ])('%s on another pipeline\'s job (%s): not allowed', async (action, resource) => {
      expect(await allowed(action, resource)).toBe('ImplicitlyDenied');
    });
  });

  test('without jobNamePrefix the role keeps the names SageMaker Pipelines gives (pipelines-*)', async () => {
    const p = pipeline(definition());
    const decision = await simulate({ identityPolicies: p.own, principal: p.roleArn, action: 'sagemaker:StopTrainingJob', resource: `${SM}:training-job/pipelines-0p4m3x7gk5ph-train-kzzp9hnxas`, context: {} });
    expect(decision).toBe('Allowed');
  });
});
