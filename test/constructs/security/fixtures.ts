/**
 * Request contexts for SageMaker guardrail simulations: compliant requests per action, and ARNs.
 */
import { ContextValue } from '../../helpers/iam-simulator';
import { TEST_ENV } from '../../helpers/stacks';

export const ACCOUNT = TEST_ENV.account;
export const REGION = TEST_ENV.region;
export const KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab`;
export const OTHER_KEY = `arn:aws:kms:${REGION}:${ACCOUNT}:key/99999999-12ab-34cd-56ef-1234567890ab`;
export const SUBNET = 'subnet-0123456789abcdef0';
export const OTHER_SUBNET = 'subnet-0fedcba9876543210';
export const SG = 'sg-0123456789abcdef0';

/** The ARN of a SageMaker resource in the test account and region. */
export function sm(resource: string): string {
  return `arn:aws:sagemaker:${REGION}:${ACCOUNT}:${resource}`;
}

type Ctx = Record<string, ContextValue>;

const VPC: Ctx = { 'sagemaker:VpcSubnets': [SUBNET], 'sagemaker:VpcSecurityGroupIds': [SG] };
const KMS: Ctx = { 'sagemaker:VolumeKmsKeyArn': KEY, 'sagemaker:OutputKmsKeyArn': KEY };
const ISOLATED: Ctx = { 'sagemaker:NetworkIsolation': true, 'sagemaker:InterContainerTrafficEncryption': true };

/** A request that every guardrail lets through, per action: action, resource and context. */
export const COMPLIANT: Record<string, { resource: string; context: Ctx }> = {
  'sagemaker:CreateTrainingJob': { resource: sm('training-job/train-1'), context: { ...VPC, ...KMS, ...ISOLATED, 'sagemaker:InstanceTypes': ['ml.m5.xlarge'] } },
  'sagemaker:CreateProcessingJob': { resource: sm('processing-job/prep-1'), context: { ...VPC, ...KMS, ...ISOLATED, 'sagemaker:InstanceTypes': ['ml.m5.large'] } },
  'sagemaker:CreateHyperParameterTuningJob': {
    resource: sm('hyper-parameter-tuning-job/tune-1'),
    context: { ...VPC, ...KMS, ...ISOLATED, 'sagemaker:InstanceTypes': ['ml.c5.2xlarge'] },
  },
  'sagemaker:CreateTransformJob': { resource: sm('transform-job/batch-1'), context: { ...KMS, 'sagemaker:InstanceTypes': ['ml.m5.xlarge'] } },
  'sagemaker:CreateAutoMLJobV2': {
    resource: sm('automl-job/auto-1'),
    context: { ...VPC, ...KMS, 'sagemaker:InterContainerTrafficEncryption': true },
  },
  'sagemaker:CreateModel': { resource: sm('model/model-1'), context: { ...VPC, 'sagemaker:NetworkIsolation': true } },
  'sagemaker:CreateEndpointConfig': {
    resource: sm('endpoint-config/config-1'),
    context: { 'sagemaker:VolumeKmsKeyArn': KEY, 'sagemaker:InstanceTypes': ['ml.m5.large'] },
  },
  'sagemaker:CreateNotebookInstance': {
    resource: sm('notebook-instance/nb-1'),
    context: {
      ...VPC,
      'sagemaker:VolumeKmsKeyArn': KEY,
      'sagemaker:DirectInternetAccess': 'Disabled',
      'sagemaker:RootAccess': 'Disabled',
      'sagemaker:MinimumInstanceMetadataServiceVersion': '2',
      'sagemaker:InstanceTypes': ['ml.t3.medium'],
    },
  },
  'sagemaker:CreateDomain': {
    resource: sm('domain/d-abc123'),
    context: { ...VPC, 'sagemaker:VolumeKmsKeyArn': KEY, 'sagemaker:AppNetworkAccessType': 'VpcOnly', 'sagemaker:InstanceTypes': ['system', 'ml.t3.medium'] },
  },
  'sagemaker:UpdateDomain': { resource: sm('domain/d-abc123'), context: { 'sagemaker:AppNetworkAccessType': 'VpcOnly' } },
  'sagemaker:CreateApp': { resource: sm('app/d-abc123/alice/JupyterServer/default'), context: { 'sagemaker:InstanceTypes': ['system'] } },
  'sagemaker:CreateDataQualityJobDefinition': {
    resource: sm('data-quality-job-definition/dq-1'),
    context: { ...VPC, ...KMS, ...ISOLATED, 'sagemaker:InstanceTypes': ['ml.m5.large'] },
  },
  'sagemaker:CreateMonitoringSchedule': { resource: sm('monitoring-schedule/monitor-1'), context: {} },
  'sagemaker:CreateLabelingJob': {
    resource: sm('labeling-job/label-1'),
    context: { 'sagemaker:OutputKmsKeyArn': KEY, 'sagemaker:WorkteamType': 'private-crowd' },
  },
};

/** The compliant request of an action with some context keys changed (`undefined` removes a key). */
export function variant(action: string, changes: Ctx): { action: string; resource: string; context: Ctx } {
  const base = COMPLIANT[action];
  if (!base) throw new Error(`no compliant request for ${action}`);
  const context: Ctx = { ...base.context };
  for (const [k, v] of Object.entries(changes)) {
    if (v === undefined) delete context[k];
    else context[k] = v;
  }
  return { action, resource: base.resource, context };
}
