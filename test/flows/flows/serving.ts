/**
 * Serving in DEV, INT and PROD (one flow per stage): the endpoint fetching its model from EXP and its image from RES,
 * logs and metrics, and scheduled batch inference in every stage. PROD is always on: data capture, the inference API,
 * the model monitor job and the drift alarm. DEV and INT scale to zero (the default): the inference component that
 * CloudFormation creates on the endpoint, and what may not touch it (the smoke test's requests are in the release flow).
 */
import { ACCOUNTS, Flow, FlowRequest } from '../engine/types';

/** One serving stage. */
interface Stage {
  readonly name: 'DEV' | 'INT' | 'PROD';
  readonly lower: string;
  readonly id: string;
  readonly stack: string;
  readonly platform: string;
}

const STAGES: Record<'DEV' | 'INT' | 'PROD', Stage> = {
  DEV: { name: 'DEV', lower: 'dev', id: ACCOUNTS.DEV, stack: 'WeldGunServingDev', platform: 'PlatformDev' },
  INT: { name: 'INT', lower: 'int', id: ACCOUNTS.INT, stack: 'WeldGunServingInt', platform: 'PlatformInt' },
  PROD: { name: 'PROD', lower: 'prod', id: ACCOUNTS.PROD, stack: 'WeldGunServingProd', platform: 'PlatformProd' },
};

/** The other stage each stage's twins reach for. */
const OTHER: Record<'DEV' | 'INT' | 'PROD', 'DEV' | 'INT' | 'PROD'> = { DEV: 'INT', INT: 'PROD', PROD: 'DEV' };

/**
 * The serving flow of one stage.
 * @param stage DEV, INT or PROD
 */
export function servingFlow(stage: 'DEV' | 'INT' | 'PROD'): Flow {
  const t = STAGES[stage];
  const o = STAGES[OTHER[stage]];
  // the reference app's modes are the defaults: DEV and INT scale to zero, PROD is always on
  const scaleToZero = stage !== 'PROD';
  const ENDPOINT_ROLE = `vwml-weld-gun-pm-${t.lower}-endpoint`;
  const ARTIFACT = 'arn:aws:s3:::vwml-weld-gun-pm-artifacts-222222222222/runs/a1b2c3/model/model.tar.gz';
  // the use case's own data key of the stage (its onboarding stack), not the platform's ML key
  const DATA_KEY = `\${ssm:${t.name}:/vwml/usecase/weld-gun-pm/data-key-arn}`;
  const ENDPOINT = `arn:aws:sagemaker:eu-central-1:${t.id}:endpoint/vwml-weld-gun-pm-${t.lower}`;
  const VERSION = 'arn:aws:sagemaker:eu-central-1:222222222222:model-package/vwml-weld-gun-pm/7';
  const CAPTURE = `arn:aws:s3:::\${${t.stack}/EndpointDataCaptureBucket.Ref}/data-capture/vwml-weld-gun-pm-${t.lower}/AllTraffic/2026/12/06/03/capture.jsonl`;
  const SUBNETS = [`\${${t.platform}/NetworkVpcIsolatedSubnet1Subnet.Ref}`, `\${${t.platform}/NetworkVpcIsolatedSubnet2Subnet.Ref}`];
  const CFN_EXEC = `vwml-weld-gun-pm-${t.lower}-cfn-exec`;
  const API_SOURCE = `arn:aws:execute-api:eu-central-1:${t.id}:\${${t.stack}/InferenceApi.Ref}/\${${t.stack}/InferenceApiDeploymentStagev1.Ref}/POST/invocations`;
  const EXECUTION_ROLE_DOC = 'https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html#sagemaker-roles-createmodel-perms';
  const LOGS_KMS_DOC = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html';

  return {
    id: `serving-${t.lower}`,
    name: scaleToZero
      ? `serving in ${t.name}: endpoint scaling to zero (inference component), batch inference`
      : `serving in ${t.name}: endpoint, inference API, batch inference, model monitor`,
    requests: [
      {
        step: 'endpoint: SageMaker reads the model artifact from EXP',
        caller: ENDPOINT_ROLE,
        account: t.name,
        action: 's3:GetObject',
        resource: ARTIFACT,
        reason: 'Cross-account artifact reads need the execution role, the bucket policy and the EXP artifact key policy',
        doc: EXECUTION_ROLE_DOC,
      },
      {
        step: 'endpoint: the artifact download leaves the endpoint VPC through the S3 gateway endpoint',
        caller: ENDPOINT_ROLE,
        account: t.name,
        action: 's3:GetObject',
        resource: ARTIFACT,
        network: { from: `${t.stack}/EndpointSecurityGroup` },
        reason: 'With VpcConfig, SageMaker fetches the model artifact through the endpoint\'s network interfaces',
        doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/host-vpc.html',
      },
      {
        step: 'endpoint: the execution role calls KMS itself (not through S3) with the model artifact\'s key',
        caller: ENDPOINT_ROLE,
        account: t.name,
        action: 'kms:Decrypt',
        resource: '${WeldGunTraining/ArtifactKey.Arn}',
        reason: 'The execution role uses the artifact key only through S3 (kms:ViaService), which calls KMS on the service side: nothing in the stage VPC calls KMS, so the VPC has no kms endpoint',
        doc: 'https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service',
        deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
      },
      {
        step: 'endpoint: SageMaker pulls the use case\'s image (the model\'s, by digest) from the RES registry',
        caller: ENDPOINT_ROLE,
        account: t.name,
        action: 'ecr:BatchGetImage',
        resource: 'arn:aws:ecr:eu-central-1:333333333333:repository/vwml/usecase/weld-gun-pm',
        network: { from: `${t.stack}/EndpointSecurityGroup` },
        reason: 'Cross-account pulls need the execution role and the repository policy; the endpoint VPC keeps an ecr.dkr endpoint for the pull (the hosting documentation does not say the pull stays outside the VPC)',
        doc: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html',
      },
      {
        step: 'endpoint: SageMaker authenticates to ECR for the image pull',
        caller: ENDPOINT_ROLE,
        account: t.name,
        action: 'ecr:GetAuthorizationToken',
        resource: '*',
        network: { from: `${t.stack}/EndpointSecurityGroup` },
        reason: 'An image pull starts with an ECR authorization token of the execution role, through the ecr.api endpoint of the endpoint VPC',
        doc: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html',
      },
      {
        step: 'endpoint: container logs',
        caller: ENDPOINT_ROLE,
        account: t.name,
        action: 'logs:PutLogEvents',
        resource: `arn:aws:logs:eu-central-1:${t.id}:log-group:/aws/sagemaker/Endpoints/vwml-weld-gun-pm-${t.lower}:log-stream:AllTraffic/i-0abc`,
        network: { from: `${t.stack}/EndpointSecurityGroup` },
        reason: 'Endpoint containers log with the execution role, from the endpoint VPC through its logs endpoint',
        doc: EXECUTION_ROLE_DOC,
      },
      {
        step: 'endpoint: the containers publish the endpoint metrics',
        caller: ENDPOINT_ROLE,
        account: t.name,
        action: 'cloudwatch:PutMetricData',
        resource: '*',
        context: { 'cloudwatch:namespace': '/aws/sagemaker/Endpoints' },
        network: { from: `${t.stack}/EndpointSecurityGroup` },
        reason: 'SageMaker publishes the instance metrics (CPU, memory, disk) of the endpoint with the execution role, through the monitoring endpoint of the endpoint VPC',
        doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/monitoring-cloudwatch.html',
      },
      {
        step: 'endpoint: CloudWatch Logs encrypts the endpoint log group with the use case\'s data key',
        caller: 'service:logs.eu-central-1.amazonaws.com',
        account: t.name,
        action: 'kms:GenerateDataKey',
        resource: DATA_KEY,
        context: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:eu-central-1:${t.id}:log-group:/aws/sagemaker/Endpoints/vwml-weld-gun-pm-${t.lower}` },
        reason: 'A log group with KmsKeyId needs the key policy to admit logs.<region>.amazonaws.com',
        doc: LOGS_KMS_DOC,
      },
      {
        step: 'autoscaling: CloudFormation creates the Application Auto Scaling service-linked role',
        caller: CFN_EXEC,
        account: t.name,
        action: 'iam:CreateServiceLinkedRole',
        resource: `arn:aws:iam::${t.id}:role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint`,
        context: { 'iam:AWSServiceName': 'sagemaker.application-autoscaling.amazonaws.com' },
        reason: 'The scalable target names the service-linked role, which the first registration creates',
        doc: 'https://docs.aws.amazon.com/autoscaling/application/userguide/application-auto-scaling-service-linked-roles.html',
      },
      {
        step: `autoscaling: CloudFormation registers the endpoint ${scaleToZero ? 'inference component (copies from 0)' : 'variant'} as scalable target`,
        caller: CFN_EXEC,
        account: t.name,
        action: 'application-autoscaling:RegisterScalableTarget',
        resource: `arn:aws:application-autoscaling:eu-central-1:${t.id}:scalable-target/056fd8ef5a6a4b3b8a2ad1c2d3e4f5a6`,
        reason: 'AWS::ApplicationAutoScaling::ScalableTarget of the endpoint',
        doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-prerequisites.html',
      },
      {
        step: 'batch: state machine creates the run model',
        caller: `${t.stack}/BatchInferenceStateMachineRole`,
        account: t.name,
        action: 'sagemaker:CreateModel',
        resource: `arn:aws:sagemaker:eu-central-1:${t.id}:model/vwml-weld-gun-pm-${t.lower}-20261206`,
        context: { 'sagemaker:VpcSubnets': SUBNETS, 'sagemaker:VpcSecurityGroupIds': [`\${${t.stack}/BatchInferenceSecurityGroup.GroupId}`], 'sagemaker:NetworkIsolation': true },
        reason: 'Each run creates a model from the pinned package',
        doc: 'https://docs.aws.amazon.com/step-functions/latest/dg/connect-sagemaker.html',
      },
      {
        step: 'batch: state machine reads the pinned model package in EXP',
        caller: `${t.stack}/BatchInferenceStateMachineRole`,
        account: t.name,
        action: 'sagemaker:DescribeModelPackage',
        resource: VERSION,
        reason: 'CreateModel from a cross-account package needs the group policy to admit the caller',
        doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-ram.html',
      },
      {
        step: 'batch: SageMaker lets the transform job volume use the key (grant)',
        caller: `${t.stack}/BatchInferenceStateMachineRole`,
        account: t.name,
        action: 'kms:CreateGrant',
        resource: DATA_KEY,
        context: { 'kms:GrantIsForAWSResource': true, 'kms:ViaService': 'sagemaker.eu-central-1.amazonaws.com' },
        reason: 'CreateTransformJob with TransformResources.VolumeKmsKeyId: SageMaker creates a grant on the volume key with the credentials of the caller, the state machine role',
        doc: 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TransformResources.html',
      },
      {
        step: 'batch: the model role may encrypt with the output key',
        caller: `${t.stack}/BatchInferenceModelRole`,
        account: t.name,
        action: 'kms:Encrypt',
        resource: DATA_KEY,
        reason: 'With TransformOutput.KmsKeyId a key, the SageMaker execution role must be allowed kms:Encrypt on it',
        doc: 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_TransformOutput.html',
      },
      {
        step: 'batch: transform job reads the model artifact from EXP',
        caller: `${t.stack}/BatchInferenceModelRole`,
        account: t.name,
        action: 's3:GetObject',
        resource: ARTIFACT,
        reason: 'The transform job downloads the model with the model role',
        doc: EXECUTION_ROLE_DOC,
      },
      {
        step: 'batch: transform job reads the input through the S3 gateway endpoint',
        caller: `${t.stack}/BatchInferenceModelRole`,
        account: t.name,
        action: 's3:GetObject',
        resource: `arn:aws:s3:::\${${t.stack}/BatchInferenceInputBucket.Ref}/input/2026-12-06/batch.csv`,
        network: { from: `${t.stack}/BatchInferenceSecurityGroup` },
        reason: 'Transform input is read in VPC mode (SSE-KMS)',
        doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/batch-vpc.html',
      },
      {
        step: 'batch: transform job writes the results',
        caller: `${t.stack}/BatchInferenceModelRole`,
        account: t.name,
        action: 's3:PutObject',
        resource: `arn:aws:s3:::\${${t.stack}/BatchInferenceOutputBucket.Ref}/output/vwml-weld-gun-pm-${t.lower}-20261206/batch.csv.out`,
        context: { 's3:x-amz-server-side-encryption-aws-kms-key-id': DATA_KEY },
        network: { from: `${t.stack}/BatchInferenceSecurityGroup` },
        reason: 'Transform output is written in VPC mode (SSE-KMS)',
        doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/batch-vpc.html',
      },
      {
        step: 'the account\'s CDK bootstrap execution role reads the batch results',
        caller: `cdk-vwml-cfn-exec-role-${t.id}-eu-central-1`,
        account: t.name,
        action: 's3:GetObject',
        resource: `arn:aws:s3:::\${${t.stack}/BatchInferenceOutputBucket.Ref}/output/vwml-weld-gun-pm-${t.lower}-20261206/batch.csv.out`,
        reason: 'A bucket of a use case admits only principals tagged with that use case (issue 12), whatever a platform role\'s own policy allows',
        doc: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-principaltag',
        deniedFor: { stage: 'iam', because: 'ExplicitlyDenied by resource (OnlyTheUseCasesPrincipals)' },
      },
      {
        step: 'the batch model role encrypts with the platform\'s ML key',
        caller: `${t.stack}/BatchInferenceModelRole`,
        account: t.name,
        action: 'kms:GenerateDataKey',
        resource: `\${ssm:${t.name}:/vwml/platform/ml-key-arn}`,
        reason: 'The use case\'s data is under its own data key (issue 12); its roles have no grant on the key the platform shares',
        doc: 'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html#key-policy-default-allow-root-enable-iam',
        deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
      },
      ...(scaleToZero ? scaleToZeroRequests(t, o) : [
        {
          step: 'endpoint: model container writes captured requests',
          caller: ENDPOINT_ROLE,
          account: t.name,
          action: 's3:PutObject',
          resource: CAPTURE,
          context: { 's3:x-amz-server-side-encryption-aws-kms-key-id': DATA_KEY },
          reason: 'Data capture writes with the execution role (SSE-KMS)',
          doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-data-capture.html',
        },
        {
          step: 'inference API: API Gateway invokes the handler function',
          caller: 'service:apigateway.amazonaws.com',
          account: t.name,
          action: 'lambda:InvokeFunction',
          resource: `\${${t.stack}/InferenceApiHandler.Arn}`,
          context: { 'aws:SourceArn': API_SOURCE },
          reason: 'A Lambda proxy integration needs the function\'s resource policy to admit the API\'s method',
          doc: 'https://docs.aws.amazon.com/apigateway/latest/developerguide/permissions.html',
        },
        {
          step: 'inference API: handler invokes the endpoint through the SageMaker Runtime endpoint',
          caller: `${t.stack}/InferenceApiHandlerRole`,
          account: t.name,
          action: 'sagemaker:InvokeEndpoint',
          resource: ENDPOINT,
          network: { from: `${t.stack}/InferenceApiHandlerSecurityGroup` },
          reason: 'The Lambda function in the VPC calls InvokeEndpoint',
          doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/interface-vpc-endpoint.html',
        },
        {
          step: 'monitor: job reads the captured data through the S3 gateway endpoint',
          caller: `${t.stack}/ModelMonitorRole`,
          account: t.name,
          action: 's3:GetObject',
          resource: CAPTURE,
          network: { from: `${t.stack}/ModelMonitorSecurityGroup` },
          reason: 'The monitoring job analyses the capture (SSE-KMS)',
          doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor.html',
        },
        {
          step: 'monitor: SageMaker lets the monitoring job volume use the key (grant)',
          caller: `${t.stack}/ModelMonitorRole`,
          account: t.name,
          action: 'kms:CreateGrant',
          resource: DATA_KEY,
          context: { 'kms:GrantIsForAWSResource': true, 'kms:ViaService': 'sagemaker.eu-central-1.amazonaws.com' },
          reason: 'The schedule starts each monitoring job with its role and MonitoringClusterConfig.VolumeKmsKeyId: SageMaker creates a grant on the volume key with that role',
          doc: 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_MonitoringClusterConfig.html',
        },
        {
          step: 'monitor: job reads the ground truth',
          caller: `${t.stack}/ModelMonitorRole`,
          account: t.name,
          action: 's3:GetObject',
          resource: `arn:aws:s3:::vwml-weld-gun-pm-${t.lower}-labels-${t.id}/labels/2026/12/06/10/labels.jsonl`,
          network: { from: `${t.stack}/ModelMonitorSecurityGroup` },
          reason: 'Model-quality monitoring merges ground-truth labels',
          doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-model-quality-merge.html',
        },
        {
          step: 'labels: the labelling process writes ground truth with the writer role',
          caller: `vwml-weld-gun-pm-${t.lower}-labels-writer`,
          account: t.name,
          action: 's3:PutObject',
          resource: `arn:aws:s3:::vwml-weld-gun-pm-${t.lower}-labels-${t.id}/labels/2026/12/06/10/labels.jsonl`,
          context: { 's3:x-amz-server-side-encryption-aws-kms-key-id': DATA_KEY },
          reason: 'The plant\'s labelling process puts JSON Lines label records below labels/ (SSE-KMS with the stage key)',
          doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor-model-quality-merge.html',
        },
        {
          step: 'monitor: job writes its report',
          caller: `${t.stack}/ModelMonitorRole`,
          account: t.name,
          action: 's3:PutObject',
          resource: `arn:aws:s3:::\${${t.stack}/ModelMonitorReportsBucket.Ref}/model-monitor/data-quality/2026/12/06/constraint_violations.json`,
          context: { 's3:x-amz-server-side-encryption-aws-kms-key-id': DATA_KEY },
          network: { from: `${t.stack}/ModelMonitorSecurityGroup` },
          reason: 'Monitoring results go to the reports bucket (SSE-KMS)',
          doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/model-monitor.html',
        },
        {
          step: 'drift alarm: CloudWatch publishes to the encrypted monitor topic',
          caller: 'service:cloudwatch.amazonaws.com',
          account: t.name,
          action: 'kms:GenerateDataKey',
          resource: DATA_KEY,
          context: { 'aws:SourceAccount': `${t.id}` },
          reason: 'Alarm actions on an SSE-KMS topic need the key policy to admit cloudwatch.amazonaws.com',
          doc: 'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services',
        },
        // Negative twins
        {
          step: 'the labels writer reads the captured requests',
          caller: `vwml-weld-gun-pm-${t.lower}-labels-writer`,
          account: t.name,
          action: 's3:GetObject',
          resource: CAPTURE,
          reason: 'The labelling role only puts labels: captured payloads stay with the endpoint and the monitor',
          doc: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html',
          deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
        },
        {
          step: `${o.name} endpoint role reads the ${t.name} data capture`,
          caller: `vwml-weld-gun-pm-${o.lower}-endpoint`,
          account: o.name,
          action: 's3:GetObject',
          resource: CAPTURE,
          reason: 'Stages are isolated: no other account may read captured requests',
          doc: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html',
          deniedFor: { stage: 'iam', because: 'ImplicitlyDenied' },
        },
        {
          step: 'another API invokes the handler function',
          caller: 'service:apigateway.amazonaws.com',
          account: t.name,
          action: 'lambda:InvokeFunction',
          resource: `\${${t.stack}/InferenceApiHandler.Arn}`,
          context: { 'aws:SourceArn': `arn:aws:execute-api:eu-central-1:${t.id}:otherapi42/v1/POST/invocations` },
          reason: 'The permission names the inference API\'s own method only',
          doc: 'https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html',
          deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by resource' },
        },
        {
          step: `inference API handler invokes the ${o.name} endpoint`,
          caller: `${t.stack}/InferenceApiHandlerRole`,
          account: t.name,
          action: 'sagemaker:InvokeEndpoint',
          resource: `arn:aws:sagemaker:eu-central-1:${o.id}:endpoint/vwml-weld-gun-pm-${o.lower}`,
          reason: `The ${t.name} API reaches the ${t.name} endpoint only`,
          doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/api-permissions-reference.html',
          deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
        },
        {
          step: 'inference API handler reads S3 from the VPC',
          caller: `${t.stack}/InferenceApiHandlerRole`,
          account: t.name,
          action: 's3:GetObject',
          resource: CAPTURE,
          network: { from: `${t.stack}/InferenceApiHandlerSecurityGroup` },
          reason: 'The handler\'s security group lets HTTPS out to the VPC only, not to the S3 prefix list',
          doc: 'https://docs.aws.amazon.com/vpc/latest/privatelink/vpc-endpoints-s3.html',
          deniedFor: { stage: 'network', because: 'no HTTPS rule to the s3 prefix list' },
        },
        {
          step: 'monitor job writes its report with the EXP artifact key',
          caller: `${t.stack}/ModelMonitorRole`,
          account: t.name,
          action: 'kms:GenerateDataKey',
          resource: '${WeldGunTraining/ArtifactKey.Arn}',
          context: { 'kms:ViaService': 's3.eu-central-1.amazonaws.com' },
          reason: 'A key of another account is usable only if its key policy and the caller\'s policy both allow',
          doc: 'https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html',
          deniedFor: { stage: 'iam', because: 'ImplicitlyDenied' },
        },
      ] as FlowRequest[]),
    ],
  };
}

/**
 * The requests of a stage that scales to zero: CloudFormation creates the inference component; the twins: what
 * may not change it.
 * @param t the stage
 * @param o the other stage its twins reach from
 */
function scaleToZeroRequests(t: Stage, o: Stage): FlowRequest[] {
  const component = (s: Stage, name = `vwml-weld-gun-pm-${s.lower}`) => `arn:aws:sagemaker:eu-central-1:${s.id}:inference-component/${name}`;
  const doc = 'https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html';
  const smoke = `vwml-weld-gun-pm-${t.lower}-smoke-test`;
  return [
    {
      step: 'scale to zero: CloudFormation creates the inference component of the model on the endpoint',
      caller: `vwml-weld-gun-pm-${t.lower}-cfn-exec`,
      account: t.name,
      action: 'sagemaker:CreateInferenceComponent',
      resource: component(t),
      reason: 'AWS::SageMaker::InferenceComponent: the model runs as a component whose copies Application Auto Scaling scales from 0',
      doc: 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateInferenceComponent.html',
    },
    // Negative twins
    {
      step: `the ${t.name} smoke-test session scales another use case's inference component`,
      caller: smoke,
      account: t.name,
      action: 'sagemaker:UpdateInferenceComponentRuntimeConfig',
      resource: component(t, `vwml-other-uc-${t.lower}`),
      reason: 'The smoke test brings up its own use case\'s component only',
      doc,
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
    },
    {
      step: `the ${t.name} smoke-test session changes the model of the inference component`,
      caller: smoke,
      account: t.name,
      action: 'sagemaker:UpdateInferenceComponent',
      resource: component(t),
      reason: 'The smoke test sets the copy count; only the deployment (CloudFormation) changes what the component serves',
      doc: 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_UpdateInferenceComponent.html',
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
    },
    {
      step: `the ${o.name} smoke-test role scales the ${t.name} inference component`,
      caller: `vwml-weld-gun-pm-${o.lower}-smoke-test`,
      account: o.name,
      action: 'sagemaker:UpdateInferenceComponentRuntimeConfig',
      resource: component(t),
      reason: 'Stages are isolated: a component is scaled from its own account only',
      doc,
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied' },
    },
  ];
}

/** The serving flows of DEV, INT and PROD. */
export const SERVING: Flow[] = (['DEV', 'INT', 'PROD'] as const).map(servingFlow);
