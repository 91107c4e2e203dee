/**
 * IAM policy simulation of the persona roles' REAL synthesized policies: each role's own policy and
 * the guardrail policy as identity policies, and the permissions boundary.
 */
import { ACCOUNT, KEY, OTHER_KEY, REGION, sm, variant } from './fixtures';
import { Persona, PersonaEnvironment, PersonaRoles, PersonaTrust, SageMakerGuardrails } from '../../../src/constructs/security';
import { Decision, logicalIdOf, PolicyDocumentJson, simulateWithDetails, TemplatePolicies } from '../../helpers/iam-simulator';
import { testStack } from '../../helpers/stacks';

const KEY_POLICY: PolicyDocumentJson = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'kms:*', Resource: '*' }],
};
const DATA_BUCKET = 'arn:aws:s3:::exp-data-bucket';
const EXECUTION_ROLE = `arn:aws:iam::${ACCOUNT}:role/SageMakerExecution`;

function personaPolicies(environment: PersonaEnvironment) {
  const { stack } = testStack();
  const guardrails = new SageMakerGuardrails(stack, 'Guardrails');
  const exp = environment === PersonaEnvironment.EXPERIMENTATION;
  const people = new PersonaRoles(stack, 'People', {
    environment,
    trust: PersonaTrust.samlProvider(`arn:aws:iam::${ACCOUNT}:saml-provider/CorporateIdP`),
    guardrails,
    roleNamePrefix: 'Mlops',
    dataBucketArns: exp ? [DATA_BUCKET] : undefined,
    kmsKeyArns: exp ? [KEY] : undefined,
    passableRoleArns: exp ? [EXECUTION_ROLE] : undefined,
    endpointNameSuffix: exp ? undefined : `-${environment.toLowerCase()}`,
  });
  const policies = TemplatePolicies.fromStack(stack);
  return (persona: Persona) => ({
    ...policies.rolePolicies(logicalIdOf(people.role(persona))),
    principal: `arn:aws:iam::${ACCOUNT}:role/Mlops${persona}`,
  });
}

const ENVS = {
  [PersonaEnvironment.EXPERIMENTATION]: personaPolicies(PersonaEnvironment.EXPERIMENTATION),
  [PersonaEnvironment.DEV]: personaPolicies(PersonaEnvironment.DEV),
  [PersonaEnvironment.INT]: personaPolicies(PersonaEnvironment.INT),
  [PersonaEnvironment.PROD]: personaPolicies(PersonaEnvironment.PROD),
};

interface Case {
  readonly name: string;
  readonly env: PersonaEnvironment;
  readonly persona: Persona;
  readonly action: string;
  readonly resource: string;
  readonly context?: Record<string, any>;
  readonly resourcePolicy?: PolicyDocumentJson;
  readonly expected: Decision;
  readonly sid?: string;
}

const { EXPERIMENTATION: EXP, DEV, INT, PROD } = PersonaEnvironment;
const { DATA_SCIENTIST: DS, LEAD_DATA_SCIENTIST: LEAD, MLOPS_ENGINEER: MLOPS, AUDITOR } = Persona;
/** The person's session carries the use case `churn` (session tag `mlops:use-case`), unless a case says otherwise. */
const SESSION = { 'aws:PrincipalTag/mlops:use-case': 'churn' };
const OWN = { 'aws:ResourceTag/mlops:use-case': 'churn' };
const OTHERS = { 'aws:ResourceTag/mlops:use-case': 'paint' };
const training = variant('sagemaker:CreateTrainingJob', { 'aws:RequestTag/mlops:use-case': 'churn' });
const endpoint = sm('endpoint/churn-prod');
const othersEndpoint = sm('endpoint/paint-dev');
const modelPackage = sm('model-package/churn/3');
const othersModelPackage = sm('model-package/paint/3');
const pipeline = sm('pipeline/churn-build');
const othersPipeline = sm('pipeline/paint-build');
const ownProfile = { 'aws:ResourceTag/studio-user': 'alice', 'aws:PrincipalTag/studio-user': 'alice' };
const jobLogs = `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/TrainingJobs`;
/** A stream of the own use case's training job: `<use case>--<step>-<suffix>/<instance>` (no name prefix in this test). */
const logStream = `${jobLogs}:log-stream:churn--train-a1b2c3/algo-1-1765000000`;
const endpointLogs = (endpointName: string) => `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/Endpoints/${endpointName}:log-stream:AllTraffic/i-1`;

const CASES: Case[] = [
  // EXP: full personas, held to the guardrails
  { name: 'data scientist creates a compliant training job', env: EXP, persona: DS, ...training, expected: 'Allowed' },
  { name: 'data scientist creates a training job outside the VPC', env: EXP, persona: DS, ...variant('sagemaker:CreateTrainingJob', { 'sagemaker:VpcSubnets': undefined, 'aws:RequestTag/mlops:use-case': 'churn' }), expected: 'ExplicitlyDenied', sid: 'NoVpcSubnets' },
  { name: 'data scientist creates a training job on a disallowed instance type', env: EXP, persona: DS, ...variant('sagemaker:CreateTrainingJob', { 'sagemaker:InstanceTypes': ['ml.p4d.24xlarge'], 'aws:RequestTag/mlops:use-case': 'churn' }), expected: 'ExplicitlyDenied', sid: 'InstanceTypes' },
  { name: 'data scientist creates a compliant processing job', env: EXP, persona: DS, ...variant('sagemaker:CreateProcessingJob', { 'aws:RequestTag/mlops:use-case': 'churn' }), expected: 'Allowed' },
  { name: 'data scientist creates a processing job without an output key', env: EXP, persona: DS, ...variant('sagemaker:CreateProcessingJob', { 'sagemaker:OutputKmsKeyArn': undefined, 'aws:RequestTag/mlops:use-case': 'churn' }), expected: 'ExplicitlyDenied', sid: 'NoOutputKmsKey' },
  { name: 'data scientist registers a model version pending approval', env: EXP, persona: DS, action: 'sagemaker:CreateModelPackage', resource: modelPackage, context: { 'sagemaker:ModelApprovalStatus': 'PendingManualApproval' }, expected: 'Allowed' },
  { name: 'data scientist registers an approved model version', env: EXP, persona: DS, action: 'sagemaker:CreateModelPackage', resource: modelPackage, context: { 'sagemaker:ModelApprovalStatus': 'Approved' }, expected: 'ExplicitlyDenied', sid: 'OnlyLeadsApproveModels' },
  { name: 'data scientist approves a model version', env: EXP, persona: DS, action: 'sagemaker:UpdateModelPackage', resource: modelPackage, context: { 'sagemaker:ModelApprovalStatus': 'Approved' }, expected: 'ExplicitlyDenied', sid: 'OnlyLeadsApproveModels' },
  { name: 'data scientist updates model version metadata', env: EXP, persona: DS, action: 'sagemaker:UpdateModelPackage', resource: modelPackage, expected: 'Allowed' },
  { name: 'MLOps engineer approves a model version', env: EXP, persona: MLOPS, action: 'sagemaker:UpdateModelPackage', resource: modelPackage, context: { 'sagemaker:ModelApprovalStatus': 'Approved' }, expected: 'ExplicitlyDenied', sid: 'OnlyLeadsApproveModels' },
  { name: 'lead data scientist approves a model version', env: EXP, persona: LEAD, action: 'sagemaker:UpdateModelPackage', resource: modelPackage, context: { 'sagemaker:ModelApprovalStatus': 'Approved' }, expected: 'Allowed' },
  { name: 'data scientist opens the own Studio profile', env: EXP, persona: DS, action: 'sagemaker:CreatePresignedDomainUrl', resource: sm('user-profile/d-abc123/alice'), context: ownProfile, expected: 'Allowed' },
  // the platform's shared resources carry mlops:use-case=platform
  { name: 'data scientist opens the own Studio profile of the platform', env: EXP, persona: DS, action: 'sagemaker:CreatePresignedDomainUrl', resource: sm('user-profile/d-abc123/alice'), context: { ...ownProfile, 'aws:ResourceTag/mlops:use-case': 'platform' }, expected: 'Allowed' },
  { name: 'a session without a use case opens the own Studio profile of the platform', env: EXP, persona: DS, action: 'sagemaker:CreatePresignedDomainUrl', resource: sm('user-profile/d-abc123/alice'), context: { ...ownProfile, 'aws:ResourceTag/mlops:use-case': 'platform', 'aws:PrincipalTag/mlops:use-case': undefined }, expected: 'Allowed' },
  { name: 'data scientist opens somebody else\'s Studio profile', env: EXP, persona: DS, action: 'sagemaker:CreatePresignedDomainUrl', resource: sm('user-profile/d-abc123/bob'), context: { ...ownProfile, 'aws:ResourceTag/studio-user': 'bob' }, expected: 'ImplicitlyDenied' },
  { name: 'data scientist tags somebody else\'s Studio profile as the own', env: EXP, persona: DS, action: 'sagemaker:AddTags', resource: sm('user-profile/d-abc123/bob'), context: { 'aws:TagKeys': ['studio-user'] }, expected: 'ExplicitlyDenied', sid: 'NoStudioUserTagChanges' },
  { name: 'lead data scientist removes the studio-user tag of a profile', env: EXP, persona: LEAD, action: 'sagemaker:DeleteTags', resource: sm('user-profile/d-abc123/bob'), context: { 'aws:TagKeys': ['studio-user'] }, expected: 'ExplicitlyDenied', sid: 'NoStudioUserTagChanges' },
  { name: 'data scientist tags a training job with a project', env: EXP, persona: DS, action: 'sagemaker:AddTags', resource: sm('training-job/train-1'), context: { 'aws:TagKeys': ['project'] }, expected: 'Allowed' },
  { name: 'data scientist reads experimentation data', env: EXP, persona: DS, action: 's3:GetObject', resource: `${DATA_BUCKET}/features/part-0.parquet`, expected: 'Allowed' },
  { name: 'data scientist reads another bucket', env: EXP, persona: DS, action: 's3:GetObject', resource: 'arn:aws:s3:::other-bucket/x', expected: 'ImplicitlyDenied' },
  { name: 'data scientist passes the execution role to SageMaker', env: EXP, persona: DS, action: 'iam:PassRole', resource: EXECUTION_ROLE, context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' }, expected: 'Allowed' },
  { name: 'data scientist passes the execution role to Lambda', env: EXP, persona: DS, action: 'iam:PassRole', resource: EXECUTION_ROLE, context: { 'iam:PassedToService': 'lambda.amazonaws.com' }, expected: 'ImplicitlyDenied' },
  // KMS needs the key policy to delegate to IAM (the default key policy of CDK keys does)
  { name: 'data scientist decrypts with the data key', env: EXP, persona: DS, action: 'kms:Decrypt', resource: KEY, resourcePolicy: KEY_POLICY, expected: 'Allowed' },
  { name: 'data scientist decrypts with another key', env: EXP, persona: DS, action: 'kms:Decrypt', resource: OTHER_KEY, resourcePolicy: KEY_POLICY, expected: 'ImplicitlyDenied' },
  { name: 'data scientist creates an IAM role', env: EXP, persona: DS, action: 'iam:CreateRole', resource: `arn:aws:iam::${ACCOUNT}:role/Escape`, expected: 'ExplicitlyDenied', sid: 'RoleWithoutBoundary' },
  { name: 'data scientist creates a monitoring schedule', env: EXP, persona: DS, ...variant('sagemaker:CreateMonitoringSchedule', { 'aws:RequestTag/mlops:use-case': 'churn' }), expected: 'ImplicitlyDenied' },
  { name: 'MLOps engineer creates a monitoring schedule on a guarded job definition', env: EXP, persona: MLOPS, ...variant('sagemaker:CreateMonitoringSchedule', { 'aws:RequestTag/mlops:use-case': 'churn' }), expected: 'Allowed' },
  { name: 'MLOps engineer creates a compliant data-quality job definition', env: EXP, persona: MLOPS, ...variant('sagemaker:CreateDataQualityJobDefinition', { 'aws:RequestTag/mlops:use-case': 'churn' }), expected: 'Allowed' },
  { name: 'MLOps engineer creates a data-quality job definition without network isolation', env: EXP, persona: MLOPS, ...variant('sagemaker:CreateDataQualityJobDefinition', { 'sagemaker:NetworkIsolation': false, 'aws:RequestTag/mlops:use-case': 'churn' }), expected: 'ExplicitlyDenied', sid: 'NoNetworkIsolation' },
  { name: 'auditor creates a compliant training job', env: EXP, persona: AUDITOR, ...training, expected: 'ExplicitlyDenied', sid: 'ReadOnlySageMaker' },
  { name: 'auditor reads experimentation data', env: EXP, persona: AUDITOR, action: 's3:GetObject', resource: `${DATA_BUCKET}/features/part-0.parquet`, expected: 'ExplicitlyDenied', sid: 'NoDataReads' },
  { name: 'auditor reads a role', env: EXP, persona: AUDITOR, action: 'iam:GetRole', resource: EXECUTION_ROLE, expected: 'Allowed' },
  { name: 'auditor looks up CloudTrail events', env: EXP, persona: AUDITOR, action: 'cloudtrail:LookupEvents', resource: '*', expected: 'Allowed' },
  { name: 'auditor describes a training job', env: EXP, persona: AUDITOR, action: 'sagemaker:DescribeTrainingJob', resource: sm('training-job/train-1'), expected: 'Allowed' },
  // DEV: troubleshooting
  { name: 'DEV data scientist reads the own use case\'s endpoint logs', env: DEV, persona: DS, action: 'logs:GetLogEvents', resource: endpointLogs('churn-dev'), expected: 'Allowed' },
  { name: 'DEV data scientist reads training logs', env: DEV, persona: DS, action: 'logs:GetLogEvents', resource: logStream, expected: 'ImplicitlyDenied' },
  { name: 'DEV data scientist reads other logs', env: DEV, persona: DS, action: 'logs:GetLogEvents', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/x:log-stream:y`, expected: 'ImplicitlyDenied' },
  { name: 'DEV data scientist invokes an endpoint', env: DEV, persona: DS, action: 'sagemaker:InvokeEndpoint', resource: endpoint, context: OWN, expected: 'Allowed' },
  { name: 'DEV data scientist updates an endpoint', env: DEV, persona: DS, action: 'sagemaker:UpdateEndpoint', resource: endpoint, expected: 'ExplicitlyDenied', sid: 'NoSageMakerChanges' },
  { name: 'DEV MLOps engineer creates a compliant training job', env: DEV, persona: MLOPS, ...training, expected: 'ExplicitlyDenied', sid: 'NoSageMakerChanges' },
  { name: 'DEV MLOps engineer reads a deployment stack', env: DEV, persona: MLOPS, action: 'cloudformation:DescribeStacks', resource: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/churn-dev/1`, expected: 'Allowed' },
  // INT and PROD: read-only for people
  { name: 'INT data scientist invokes an endpoint', env: INT, persona: DS, action: 'sagemaker:InvokeEndpoint', resource: endpoint, expected: 'ExplicitlyDenied', sid: 'ReadOnlySageMaker' },
  { name: 'INT lead data scientist approves a model version', env: INT, persona: LEAD, action: 'sagemaker:UpdateModelPackage', resource: modelPackage, context: { 'sagemaker:ModelApprovalStatus': 'Approved' }, expected: 'ExplicitlyDenied', sid: 'ReadOnlySageMaker' },
  { name: 'PROD data scientist updates an endpoint', env: PROD, persona: DS, action: 'sagemaker:UpdateEndpoint', resource: endpoint, expected: 'ExplicitlyDenied', sid: 'ReadOnlySageMaker' },
  { name: 'PROD lead data scientist updates an endpoint', env: PROD, persona: LEAD, action: 'sagemaker:UpdateEndpoint', resource: endpoint, expected: 'ExplicitlyDenied', sid: 'ReadOnlySageMaker' },
  { name: 'PROD MLOps engineer updates an endpoint', env: PROD, persona: MLOPS, action: 'sagemaker:UpdateEndpoint', resource: endpoint, expected: 'ExplicitlyDenied', sid: 'ReadOnlySageMaker' },
  { name: 'PROD MLOps engineer deletes an endpoint', env: PROD, persona: MLOPS, action: 'sagemaker:DeleteEndpoint', resource: endpoint, expected: 'ExplicitlyDenied', sid: 'ReadOnlySageMaker' },
  { name: 'PROD data scientist describes an endpoint', env: PROD, persona: DS, action: 'sagemaker:DescribeEndpoint', resource: endpoint, context: OWN, expected: 'Allowed' },
  { name: 'PROD data scientist reads endpoint metrics', env: PROD, persona: DS, action: 'cloudwatch:GetMetricData', resource: '*', expected: 'Allowed' },
  { name: 'PROD data scientist reads endpoint logs', env: PROD, persona: DS, action: 'logs:GetLogEvents', resource: endpointLogs('churn-prod'), expected: 'ImplicitlyDenied' },
  { name: 'PROD MLOps engineer reads the own use case\'s endpoint logs', env: PROD, persona: MLOPS, action: 'logs:GetLogEvents', resource: endpointLogs('churn-prod'), expected: 'Allowed' },
  { name: 'PROD MLOps engineer reads Lambda logs', env: PROD, persona: MLOPS, action: 'logs:GetLogEvents', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/lambda/x:log-stream:y`, expected: 'ImplicitlyDenied' },
  { name: 'PROD auditor invokes an endpoint', env: PROD, persona: AUDITOR, action: 'sagemaker:InvokeEndpoint', resource: endpoint, expected: 'ExplicitlyDenied', sid: 'ReadOnlySageMaker' },
  // EXP job logs share SageMaker's account-wide log groups
  { name: 'data scientist reads training logs', env: EXP, persona: DS, action: 'logs:GetLogEvents', resource: logStream, expected: 'Allowed' },
  { name: 'data scientist lists the job log streams', env: EXP, persona: DS, action: 'logs:DescribeLogStreams', resource: `${jobLogs}:*`, expected: 'Allowed' },
  { name: 'data scientist reads another use case\'s training logs', env: EXP, persona: DS, action: 'logs:GetLogEvents', resource: `${jobLogs}:log-stream:paint--train-a1b2c3/algo-1-1765000000`, expected: 'ImplicitlyDenied' },
  { name: 'data scientist reads the logs of a use case whose name starts with the own', env: EXP, persona: DS, action: 'logs:GetLogEvents', resource: `${jobLogs}:log-stream:churn-eu--train-a1b2c3/algo-1-1765000000`, expected: 'ImplicitlyDenied' },
  { name: 'MLOps engineer reads processing logs SageMaker named (not the use case\'s)', env: EXP, persona: MLOPS, action: 'logs:GetLogEvents', resource: `arn:aws:logs:${REGION}:${ACCOUNT}:log-group:/aws/sagemaker/ProcessingJobs:log-stream:pipelines-a1b2c3-prep-x/algo-1`, expected: 'ImplicitlyDenied' },
  { name: 'lead data scientist filters a whole job log group (every use case\'s streams)', env: EXP, persona: LEAD, action: 'logs:FilterLogEvents', resource: `${jobLogs}:*`, expected: 'ImplicitlyDenied' },
  { name: 'data scientist queries a job log group with Logs Insights', env: EXP, persona: DS, action: 'logs:StartQuery', resource: `${jobLogs}:*`, expected: 'ImplicitlyDenied' },
  // one use case per session (issue 12, points 3 and 6): each of these was allowed before
  { name: 'data scientist starts the own use case\'s pipeline', env: EXP, persona: DS, action: 'sagemaker:StartPipelineExecution', resource: pipeline, context: OWN, expected: 'Allowed' },
  { name: 'data scientist starts another use case\'s pipeline', env: EXP, persona: DS, action: 'sagemaker:StartPipelineExecution', resource: othersPipeline, context: OTHERS, expected: 'ExplicitlyDenied', sid: 'OtherUseCasesResources' },
  { name: 'data scientist updates another use case\'s pipeline', env: EXP, persona: DS, action: 'sagemaker:UpdatePipeline', resource: othersPipeline, context: OTHERS, expected: 'ExplicitlyDenied', sid: 'OtherUseCasesResources' },
  { name: 'a session without a use case starts a pipeline', env: EXP, persona: DS, action: 'sagemaker:StartPipelineExecution', resource: pipeline, context: { ...OWN, 'aws:PrincipalTag/mlops:use-case': undefined }, expected: 'ExplicitlyDenied', sid: 'NoUseCaseSessionTag' },
  { name: 'data scientist registers a version in another use case\'s group', env: EXP, persona: DS, action: 'sagemaker:CreateModelPackage', resource: othersModelPackage, context: { 'sagemaker:ModelApprovalStatus': 'PendingManualApproval' }, expected: 'ExplicitlyDenied', sid: 'OwnModelPackageGroupOnly' },
  { name: 'data scientist reads another use case\'s model version', env: EXP, persona: DS, action: 'sagemaker:DescribeModelPackage', resource: othersModelPackage, expected: 'ExplicitlyDenied', sid: 'OwnModelPackageGroupOnly' },
  { name: 'lead data scientist approves another use case\'s model version', env: EXP, persona: LEAD, action: 'sagemaker:UpdateModelPackage', resource: othersModelPackage, context: { 'sagemaker:ModelApprovalStatus': 'Approved' }, expected: 'ExplicitlyDenied', sid: 'OwnModelPackageGroupOnly' },
  { name: 'MLOps engineer rewrites another use case\'s group policy', env: EXP, persona: MLOPS, action: 'sagemaker:PutModelPackageGroupPolicy', resource: sm('model-package-group/paint'), context: OTHERS, expected: 'ExplicitlyDenied', sid: 'OtherUseCasesResources' },
  { name: 'MLOps engineer sets the own group\'s policy', env: EXP, persona: MLOPS, action: 'sagemaker:PutModelPackageGroupPolicy', resource: sm('model-package-group/churn'), context: OWN, expected: 'Allowed' },
  { name: 'data scientist creates a training job without a use case', env: EXP, persona: DS, ...variant('sagemaker:CreateTrainingJob', {}), expected: 'ExplicitlyDenied', sid: 'TagNewResourcesWithOwnUseCase' },
  { name: 'data scientist creates a training job for another use case', env: EXP, persona: DS, ...variant('sagemaker:CreateTrainingJob', { 'aws:RequestTag/mlops:use-case': 'paint' }), expected: 'ExplicitlyDenied', sid: 'TagNewResourcesWithOwnUseCase' },
  { name: 'data scientist tags a job with another use case', env: EXP, persona: DS, action: 'sagemaker:AddTags', resource: sm('training-job/train-1'), context: { ...OWN, 'aws:TagKeys': ['mlops:use-case'], 'aws:RequestTag/mlops:use-case': 'paint' }, expected: 'ExplicitlyDenied', sid: 'NoOtherUseCaseTag' },
  { name: 'data scientist re-tags the platform\'s Studio domain with the own use case', env: EXP, persona: DS, action: 'sagemaker:AddTags', resource: sm('domain/d-abc123'), context: { 'aws:ResourceTag/mlops:use-case': 'platform', 'aws:TagKeys': ['mlops:use-case'], 'aws:RequestTag/mlops:use-case': 'churn' }, expected: 'ExplicitlyDenied', sid: 'NoUseCaseTagChange' },
  { name: 'MLOps engineer re-tags another use case\'s pipeline with the own use case', env: EXP, persona: MLOPS, action: 'sagemaker:AddTags', resource: othersPipeline, context: { ...OTHERS, 'aws:TagKeys': ['mlops:use-case'], 'aws:RequestTag/mlops:use-case': 'churn' }, expected: 'ExplicitlyDenied' },
  { name: 'data scientist tags an untagged job with the own use case', env: EXP, persona: DS, action: 'sagemaker:AddTags', resource: sm('training-job/train-1'), context: { 'aws:TagKeys': ['mlops:use-case'], 'aws:RequestTag/mlops:use-case': 'churn' }, expected: 'Allowed' },
  { name: 'data scientist removes the use-case tag of a job', env: EXP, persona: DS, action: 'sagemaker:DeleteTags', resource: sm('training-job/train-1'), context: { ...OWN, 'aws:TagKeys': ['mlops:use-case'] }, expected: 'ExplicitlyDenied', sid: 'NoUseCaseTagRemoval' },
  { name: 'auditor describes another use case\'s model version', env: EXP, persona: AUDITOR, action: 'sagemaker:DescribeModelPackage', resource: othersModelPackage, expected: 'Allowed' },
  // pipeline executions: their ARN names the pipeline; SageMaker does not evaluate the pipeline's tags for them
  { name: 'data scientist stops an execution of the own use case\'s pipeline', env: EXP, persona: DS, action: 'sagemaker:StopPipelineExecution', resource: sm('pipeline/churn-build/execution/abc123'), expected: 'Allowed' },
  { name: 'data scientist retries an execution of the own use case\'s pipeline', env: EXP, persona: DS, action: 'sagemaker:RetryPipelineExecution', resource: sm('pipeline/churn-build/execution/abc123'), expected: 'Allowed' },
  { name: 'data scientist stops an own-tagged execution of an ad-hoc pipeline', env: EXP, persona: DS, action: 'sagemaker:StopPipelineExecution', resource: sm('pipeline/churn-tuning/execution/abc123'), context: OWN, expected: 'Allowed' },
  { name: 'data scientist stops an execution of another use case\'s pipeline', env: EXP, persona: DS, action: 'sagemaker:StopPipelineExecution', resource: sm('pipeline/paint-build/execution/abc123'), expected: 'ExplicitlyDenied', sid: 'OwnPipelineExecutionsOnly' },
  { name: 'data scientist retries an execution of another use case\'s pipeline', env: EXP, persona: DS, action: 'sagemaker:RetryPipelineExecution', resource: sm('pipeline/paint-build/execution/abc123'), expected: 'ExplicitlyDenied', sid: 'OwnPipelineExecutionsOnly' },
  { name: 'MLOps engineer lets a callback step of another use case\'s execution succeed', env: EXP, persona: MLOPS, action: 'sagemaker:SendPipelineExecutionStepSuccess', resource: sm('pipeline/paint-build/execution/abc123'), expected: 'ExplicitlyDenied', sid: 'OwnPipelineExecutionsOnly' },
  { name: 'data scientist stops an execution of a longer-named use case\'s pipeline', env: EXP, persona: DS, action: 'sagemaker:StopPipelineExecution', resource: sm('pipeline/churn-eu-build/execution/abc123'), expected: 'ExplicitlyDenied', sid: 'OwnPipelineExecutionsOnly' },
  { name: 'a session without a use case stops an execution', env: EXP, persona: DS, action: 'sagemaker:StopPipelineExecution', resource: sm('pipeline/churn-build/execution/abc123'), context: { 'aws:PrincipalTag/mlops:use-case': undefined }, expected: 'ExplicitlyDenied', sid: 'NoUseCaseSessionTagForExecutions' },
  { name: 'DEV data scientist invokes another use case\'s endpoint', env: DEV, persona: DS, action: 'sagemaker:InvokeEndpoint', resource: othersEndpoint, context: OTHERS, expected: 'ExplicitlyDenied', sid: 'OtherUseCasesResources' },
  { name: 'DEV data scientist reads another use case\'s endpoint logs', env: DEV, persona: DS, action: 'logs:GetLogEvents', resource: endpointLogs('paint-dev'), expected: 'ImplicitlyDenied' },
  { name: 'PROD MLOps engineer reads another use case\'s endpoint logs', env: PROD, persona: MLOPS, action: 'logs:GetLogEvents', resource: endpointLogs('paint-prod'), expected: 'ImplicitlyDenied' },
  { name: 'PROD data scientist describes another use case\'s model version', env: PROD, persona: DS, action: 'sagemaker:DescribeModelPackage', resource: othersModelPackage, expected: 'ExplicitlyDenied', sid: 'OwnModelPackageGroupOnly' },
];

describe('PersonaRoles: simulation of the synthesized role policies', () => {
  test('enough request contexts', () => expect(CASES.length).toBeGreaterThanOrEqual(40));

  test.each(CASES.map((c) => ({ ...c, label: `${c.env}/${c.persona}` })))('$label: $name', async (c) => {
    const { action, resource, resourcePolicy } = c;
    const context = Object.fromEntries(Object.entries({ ...SESSION, ...c.context }).filter(([, v]) => v !== undefined));
    const result = await simulateWithDetails({ ...ENVS[c.env](c.persona), action, resource, context, resourcePolicy });
    expect(result.decision).toBe(c.expected);
    if (c.sid) expect(result.explicitDenials.map((d) => d.sid)).toContain(c.sid);
  });
});
