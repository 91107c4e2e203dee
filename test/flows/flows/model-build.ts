/**
 * The model-build pipeline run in EXP: the SageMaker pipeline (its execution role) starts the
 * processing, training and evaluation jobs, which read and write the artifacts bucket through the
 * S3 gateway endpoint, pull their image, write logs and metrics, and register the model version.
 */
import { Flow, FlowRequest } from '../engine/types';

const ROLE = 'WeldGunTraining/BuildPipelineExecutionRole';
const JOB_SG = 'WeldGunTraining/JobSecurityGroup';
const BUCKET = 'arn:aws:s3:::vwml-weld-gun-pm-artifacts-222222222222';
const KEY = '${WeldGunTraining/ArtifactKey.Arn}';
const SUBNETS = ['${PlatformExp/NetworkVpcIsolatedSubnet1Subnet.Ref}', '${PlatformExp/NetworkVpcIsolatedSubnet2Subnet.Ref}'];
const SECURE_JOB = {
  'sagemaker:VpcSubnets': SUBNETS,
  'sagemaker:VpcSecurityGroupIds': ['${WeldGunTraining/JobSecurityGroup.GroupId}'],
  'sagemaker:VolumeKmsKeyArn': KEY,
  'sagemaker:OutputKmsKeyArn': KEY,
  'sagemaker:NetworkIsolation': true,
  'sagemaker:InterContainerTrafficEncryption': true,
  'sagemaker:InstanceTypes': ['ml.m5.xlarge'],
};
const JOBS_DOC = 'https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-roles.html';
const S3_KMS_DOC = 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html';

function job(kind: 'processing' | 'training', step: string, name: string): FlowRequest[] {
  const logGroup = kind === 'processing' ? '/aws/sagemaker/ProcessingJobs' : '/aws/sagemaker/TrainingJobs';
  return [
    {
      step: `${step}: pipeline creates the ${kind} job`,
      caller: ROLE,
      account: 'EXP',
      action: kind === 'processing' ? 'sagemaker:CreateProcessingJob' : 'sagemaker:CreateTrainingJob',
      resource: `arn:aws:sagemaker:eu-central-1:222222222222:${kind}-job/${name}`,
      context: SECURE_JOB,
      reason: 'Pipeline steps run as jobs created with the pipeline execution role, in the VPC, encrypted, network-isolated',
      doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/build-and-manage-access.html',
    },
    {
      step: `${step}: SageMaker lets the job volume use the key (grant)`,
      caller: ROLE,
      account: 'EXP',
      action: 'kms:CreateGrant',
      resource: KEY,
      context: { 'kms:GrantIsForAWSResource': true, 'kms:ViaService': 'sagemaker.eu-central-1.amazonaws.com' },
      reason: 'SageMaker creates a grant on the volume key with the caller\'s credentials',
      doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/encryption-at-rest-nbi.html',
    },
    {
      step: `${step}: ${kind} job writes its log stream`,
      caller: ROLE,
      account: 'EXP',
      action: 'logs:PutLogEvents',
      resource: `arn:aws:logs:eu-central-1:222222222222:log-group:${logGroup}:log-stream:${name}/algo-1`,
      network: { from: JOB_SG },
      reason: 'Job containers log to CloudWatch Logs with the execution role, from the job VPC through its logs endpoint',
      doc: JOBS_DOC,
    },
  ];
}

/** The model-build pipeline run. */
export const MODEL_BUILD: Flow = {
  id: 'model-build',
  name: 'model-build pipeline run (EXP)',
  requests: [
    {
      step: 'pipeline passes its own role to SageMaker jobs',
      caller: ROLE,
      account: 'EXP',
      action: 'iam:PassRole',
      resource: '${WeldGunTraining/BuildPipelineExecutionRole.Arn}',
      context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
      reason: 'Each job step runs with a role that the pipeline passes',
      doc: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html',
    },
    ...job('processing', 'preprocess', 'vwml-weld-gun-pm--prep-a1b2c3d4e5f6'),
    // the use case's rows and columns of the table shared from DATA (its data cells filter, granted to this role):
    // the job calls Athena; Athena calls Glue and Lake Formation with the job's credentials
    {
      step: 'preprocess: job reads the shared table\'s metadata through the resource link',
      caller: ROLE,
      account: 'EXP',
      action: 'glue:GetTable',
      resource: 'arn:aws:glue:eu-central-1:222222222222:table/welding/weld_readings',
      reason: 'Athena resolves the resource link in EXP (Lake Formation DESCRIBE from the onboarding stack) with the caller\'s Glue permissions',
      doc: 'https://docs.aws.amazon.com/lake-formation/latest/dg/resource-links-about.html',
    },
    {
      step: 'preprocess: job gets Lake Formation credentials for the granted data',
      caller: ROLE,
      account: 'EXP',
      action: 'lakeformation:GetDataAccess',
      resource: '*',
      reason: 'Lake Formation vends temporary credentials for the data it granted the role (its data cells filter)',
      doc: 'https://docs.aws.amazon.com/lake-formation/latest/dg/access-control-underlying-data.html',
    },
    {
      step: 'preprocess: job queries the shared table in the data scientists\' workgroup',
      caller: ROLE,
      account: 'EXP',
      action: 'athena:StartQueryExecution',
      resource: 'arn:aws:athena:eu-central-1:222222222222:workgroup/vwml-data-scientists',
      // (its path to the Athena endpoint is the job group's HTTPS to the VPC, as for ECR and the SageMaker API
      // above; the Studio flow checks the Athena endpoint and its group)
      reason: 'The pipeline reads its use case\'s rows and columns with Athena through the VPC endpoint',
      doc: 'https://docs.aws.amazon.com/athena/latest/ug/interface-vpc-endpoint.html',
    },
    {
      step: 'preprocess: job reads a table of a database that DATA did not share',
      caller: ROLE,
      account: 'EXP',
      action: 'glue:GetTable',
      resource: 'arn:aws:glue:eu-central-1:222222222222:table/hr/salaries',
      reason: 'The pipeline role reads only the shared database: its resource link in EXP and the target in DATA',
      doc: 'https://docs.aws.amazon.com/lake-formation/latest/dg/resource-links-about.html',
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
    },
    {
      step: 'preprocess: job reads the raw data',
      caller: ROLE,
      account: 'EXP',
      action: 's3:GetObject',
      resource: `${BUCKET}/runs/a1b2c3/input/data.csv`,
      network: { from: JOB_SG },
      reason: 'ProcessingInput downloads from S3 through the gateway endpoint; SSE-KMS needs kms:Decrypt',
      doc: S3_KMS_DOC,
    },
    {
      step: 'preprocess: job writes the train/test split',
      caller: ROLE,
      account: 'EXP',
      action: 's3:PutObject',
      resource: `${BUCKET}/runs/a1b2c3/preprocess/train.csv`,
      context: { 's3:x-amz-server-side-encryption-aws-kms-key-id': KEY },
      network: { from: JOB_SG },
      reason: 'ProcessingOutput uploads with the bucket key; SSE-KMS needs kms:GenerateDataKey',
      doc: S3_KMS_DOC,
    },
    {
      step: 'preprocess: job authenticates to ECR',
      caller: ROLE,
      account: 'EXP',
      action: 'ecr:GetAuthorizationToken',
      resource: '*',
      network: { from: JOB_SG },
      reason: 'SageMaker pulls the job image with the execution role; the job VPC keeps the ecr.api endpoint for it',
      doc: JOBS_DOC,
    },
    {
      step: 'preprocess: job pulls the use case\'s image from RES',
      caller: ROLE,
      account: 'EXP',
      action: 'ecr:BatchGetImage',
      resource: 'arn:aws:ecr:eu-central-1:333333333333:repository/vwml/usecase/weld-gun-pm',
      network: { from: JOB_SG },
      reason: 'SageMaker pulls the job image (the use case\'s, by digest) with the execution role through the ecr.dkr endpoint of the job VPC; the repository policy of RES admits that role',
      doc: JOBS_DOC,
    },
    ...job('training', 'train', 'vwml-weld-gun-pm--train-a1b2c3d4e5f6'),
    {
      step: 'train: job reads the training split',
      caller: ROLE,
      account: 'EXP',
      action: 's3:GetObject',
      resource: `${BUCKET}/runs/a1b2c3/preprocess/train.csv`,
      network: { from: JOB_SG },
      reason: 'Training channels download from S3 in VPC mode through the gateway endpoint',
      doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/train-vpc.html',
    },
    {
      step: 'train: job uploads the model artifact',
      caller: ROLE,
      account: 'EXP',
      action: 's3:PutObject',
      resource: `${BUCKET}/runs/a1b2c3/model/model.tar.gz`,
      context: { 's3:x-amz-server-side-encryption-aws-kms-key-id': KEY },
      network: { from: JOB_SG },
      reason: 'SageMaker uploads model.tar.gz to OutputDataConfig encrypted with OutputKmsKeyArn',
      doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/train-vpc.html',
    },
    {
      step: 'train: job publishes its metrics',
      caller: ROLE,
      account: 'EXP',
      action: 'cloudwatch:PutMetricData',
      resource: '*',
      context: { 'cloudwatch:namespace': '/aws/sagemaker/TrainingJobs' },
      network: { from: JOB_SG },
      reason: 'Training metrics go to CloudWatch with the execution role, through the monitoring endpoint of the job VPC',
      doc: JOBS_DOC,
    },
    ...job('processing', 'evaluate', 'vwml-weld-gun-pm--eval-a1b2c3d4e5f6'),
    {
      step: 'evaluate: job reads the model artifact',
      caller: ROLE,
      account: 'EXP',
      action: 's3:GetObject',
      resource: `${BUCKET}/runs/a1b2c3/model/model.tar.gz`,
      network: { from: JOB_SG },
      reason: 'The evaluation step loads the trained model',
      doc: S3_KMS_DOC,
    },
    {
      step: 'evaluate: job writes the evaluation report',
      caller: ROLE,
      account: 'EXP',
      action: 's3:PutObject',
      resource: `${BUCKET}/runs/a1b2c3/evaluation/evaluation.json`,
      context: { 's3:x-amz-server-side-encryption-aws-kms-key-id': KEY },
      network: { from: JOB_SG },
      reason: 'The condition step reads the property file from S3',
      doc: S3_KMS_DOC,
    },
    // Negative twins
    {
      step: 'train outside the VPC',
      caller: ROLE,
      account: 'EXP',
      action: 'sagemaker:CreateTrainingJob',
      resource: 'arn:aws:sagemaker:eu-central-1:222222222222:training-job/vwml-weld-gun-pm--train-a1b2c3d4e5f6',
      context: { ...SECURE_JOB, 'sagemaker:VpcSubnets': undefined, 'sagemaker:VpcSecurityGroupIds': undefined },
      reason: 'Guardrail: SageMaker work outside the VPC is explicitly denied',
      doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/security_iam_id-based-policy-examples.html',
      deniedFor: { stage: 'iam', because: 'ExplicitlyDenied' },
    },
    {
      step: 'job writes an object encrypted with another key',
      caller: ROLE,
      account: 'EXP',
      action: 's3:PutObject',
      resource: `${BUCKET}/runs/a1b2c3/model/model.tar.gz`,
      context: { 's3:x-amz-server-side-encryption-aws-kms-key-id': '${ssm:EXP:/vwml/platform/ml-key-arn}' },
      network: { from: JOB_SG },
      reason: 'The bucket policy denies objects not encrypted with the bucket key',
      doc: S3_KMS_DOC,
      deniedFor: { stage: 'iam', because: 'ExplicitlyDenied by resource (DenyObjectsNotEncryptedWithTheBucketKey)' },
    },
    {
      step: 'DEV endpoint role writes into the EXP artifacts',
      caller: 'vwml-weld-gun-pm-dev-endpoint',
      account: 'DEV',
      action: 's3:PutObject',
      resource: `${BUCKET}/runs/a1b2c3/model/model.tar.gz`,
      context: { 's3:x-amz-server-side-encryption-aws-kms-key-id': KEY },
      reason: 'Other accounts may read released artifacts, never write them',
      doc: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html',
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied' },
    },
    {
      step: 'pipeline starts a job named as another use case\'s',
      caller: ROLE,
      account: 'EXP',
      action: 'sagemaker:CreateTrainingJob',
      resource: 'arn:aws:sagemaker:eu-central-1:222222222222:training-job/vwml-weld-gun-pm2--train-a1b2c3d4e5f6',
      context: SECURE_JOB,
      reason: 'The role starts only jobs named <prefix>-<use case>--<step> (ModelBuildPipeline jobNamePrefix), whose log streams only this use case reads',
      doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/build-and-manage-access.html',
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
    },
    {
      step: 'job reads the Glue catalog from the VPC',
      caller: ROLE,
      account: 'EXP',
      action: 'glue:GetTable',
      resource: 'arn:aws:glue:eu-central-1:222222222222:table/weld/readings',
      network: { from: JOB_SG },
      reason: 'The pipeline role reads its training data from the use case\'s bucket, not from the shared catalog: no Glue rights',
      doc: 'https://docs.aws.amazon.com/glue/latest/dg/glue-specifying-resource-arns.html',
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
    },
  ],
};
