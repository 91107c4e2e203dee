/**
 * From a registered version to a deployed endpoint: registration and approval in EXP, the approval
 * event EXP default bus -> RES model bus -> deployment pipeline, and the RES pipeline's Source,
 * Resolve, Deploy (the use case's scoped deploy and CloudFormation execution roles in DEV, INT and PROD) and SmokeTest stages,
 * and the approvals before INT and PROD (the approval topic, the use case's approver role in RES).
 */
import { ACCOUNTS, Flow, FlowRequest } from '../engine/types';

const GROUP = 'arn:aws:sagemaker:eu-central-1:222222222222:model-package-group/vwml-weld-gun-pm';
const VERSION = 'arn:aws:sagemaker:eu-central-1:222222222222:model-package/vwml-weld-gun-pm/7';
const BUS = 'arn:aws:events:eu-central-1:333333333333:event-bus/vwml-model-events';
const REGISTRY_DOC = 'https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-version.html';
const CROSS_ACCOUNT_DOC = 'https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-ram.html';
const EVENTS_DOC = 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-cross-account.html';
const CFN_EXEC_DOC = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/using-iam-servicerole.html';
const CODEBUILD_VPC_DOC = 'https://docs.aws.amazon.com/codebuild/latest/userguide/vpc-support.html';
const APPROVAL_DOC = 'https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals-iam-permissions.html';
/** The use case's deployment pipeline in RES (its name, from the template). */
const PIPELINE = 'arn:aws:codepipeline:eu-central-1:333333333333:${WeldGunDeployment/Pipeline.Ref}';
/** The deployment pipeline of another use case, `paint-defect` (not in the reference app: named by the convention). */
const OTHER_PIPELINE = 'arn:aws:codepipeline:eu-central-1:333333333333:vwml-paint-defect-deploy';

/** A deployment stage of the pipeline. */
interface DeployStage {
  readonly name: 'DEV' | 'INT' | 'PROD';
  readonly cap: string;
  readonly lower: string;
  readonly id: string;
}

/**
 * The Deploy and SmokeTest requests of one stage.
 * @param stage DEV, INT or PROD
 */
function deployStage(stage: 'DEV' | 'INT' | 'PROD'): FlowRequest[] {
  const t: DeployStage = { name: stage, cap: stage[0] + stage.slice(1).toLowerCase(), lower: stage.toLowerCase(), id: ACCOUNTS[stage] };
  return [
    {
      step: `Deploy ${t.name}: CodeBuild assumes the use case's own ${t.name} deploy role`,
      caller: `WeldGunDeployment/PipelineDeploy${t.cap}Role`,
      account: 'RES',
      action: 'sts:AssumeRole',
      resource: `arn:aws:iam::${t.id}:role/vwml-weld-gun-pm-${t.lower}-deploy`,
      network: { from: `WeldGunDeployment/PipelineDeploy${t.cap}ProjectSecurityGroup` },
      reason: 'cdk deploy of a listed use case assumes the deploy role of its onboarding stack (the serving stack\'s synthesizer names it), not the account-wide bootstrap role',
      doc: 'https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html',
    },
    {
      step: `Deploy ${t.name}: the deploy-role session in RES CodeBuild creates the change set through the CloudFormation API`,
      caller: `vwml-weld-gun-pm-${t.lower}-deploy`,
      account: t.name,
      action: 'cloudformation:CreateChangeSet',
      resource: `arn:aws:cloudformation:eu-central-1:${t.id}:stack/vwml-weld-gun-pm-serving-${t.lower}/0f1e2d3c-aaaa-bbbb-cccc-1234567890ab`,
      network: { from: `WeldGunDeployment/PipelineDeploy${t.cap}ProjectSecurityGroup` },
      reason: 'cdk deploy calls CloudFormation from the isolated RES VPC, which needs a cloudformation interface endpoint',
      doc: 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/vpc-interface-endpoints.html',
    },
    {
      step: `Deploy ${t.name}: the deploy-role session in RES CodeBuild reads the bootstrap version (SSM)`,
      caller: `vwml-weld-gun-pm-${t.lower}-deploy`,
      account: t.name,
      action: 'ssm:GetParameter',
      resource: `arn:aws:ssm:eu-central-1:${t.id}:parameter/cdk-bootstrap/vwml/version`,
      network: { from: `WeldGunDeployment/PipelineDeploy${t.cap}ProjectSecurityGroup` },
      reason: 'cdk deploy checks the bootstrap version of the target environment before it deploys, from the RES VPC through its ssm endpoint',
      doc: 'https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html',
    },
    {
      step: `Deploy ${t.name}: CloudFormation execution role passes the endpoint role to SageMaker`,
      caller: `vwml-weld-gun-pm-${t.lower}-cfn-exec`,
      account: t.name,
      action: 'iam:PassRole',
      resource: `arn:aws:iam::${t.id}:role/vwml-weld-gun-pm-${t.lower}-endpoint`,
      context: { 'iam:PassedToService': 'sagemaker.amazonaws.com' },
      reason: 'AWS::SageMaker::Model passes ExecutionRoleArn with the CloudFormation execution role',
      doc: CFN_EXEC_DOC,
    },
    {
      step: `Deploy ${t.name}: CloudFormation execution role creates the model`,
      caller: `vwml-weld-gun-pm-${t.lower}-cfn-exec`,
      account: t.name,
      action: 'sagemaker:CreateModel',
      resource: `arn:aws:sagemaker:eu-central-1:${t.id}:model/endpointmodel-abc123`,
      context: {
        'sagemaker:VpcSubnets': [`\${Platform${t.cap}/NetworkVpcIsolatedSubnet1Subnet.Ref}`, `\${Platform${t.cap}/NetworkVpcIsolatedSubnet2Subnet.Ref}`],
        'sagemaker:VpcSecurityGroupIds': [`\${WeldGunServing${t.cap}/EndpointSecurityGroup.GroupId}`],
        'sagemaker:NetworkIsolation': true,
        'aws:RequestTag/mlops:use-case': 'weld-gun-pm',
      },
      reason: 'The serving stack creates AWS::SageMaker::Model with the use case\'s CloudFormation execution role',
      doc: CFN_EXEC_DOC,
    },
    {
      step: `Deploy ${t.name}: CloudFormation execution role reads the EXP model package the model is created from`,
      caller: `vwml-weld-gun-pm-${t.lower}-cfn-exec`,
      account: t.name,
      action: 'sagemaker:DescribeModelPackage',
      resource: VERSION,
      reason: 'CreateModel with a cross-account ModelPackageName needs the group policy to admit the caller',
      doc: CROSS_ACCOUNT_DOC,
    },
    {
      step: `SmokeTest ${t.name}: CodeBuild assumes the ${t.name} smoke-test role`,
      caller: `WeldGunDeployment/PipelineSmokeTest${t.cap}Role`,
      account: 'RES',
      action: 'sts:AssumeRole',
      resource: `arn:aws:iam::${t.id}:role/vwml-weld-gun-pm-${t.lower}-smoke-test`,
      network: { from: `WeldGunDeployment/PipelineSmokeTest${t.cap}ProjectSecurityGroup` },
      reason: 'Cross-account AssumeRole needs the caller\'s sts:AssumeRole and the role\'s trust policy',
      doc: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_aws-accounts.html',
    },
    {
      step: `SmokeTest ${t.name}: the smoke-test session reads the endpoint configuration (data capture, or an endpoint for inference components)`,
      caller: `vwml-weld-gun-pm-${t.lower}-smoke-test`,
      account: t.name,
      action: 'sagemaker:DescribeEndpointConfig',
      resource: `arn:aws:sagemaker:eu-central-1:${t.id}:endpoint-config/vwml-weld-gun-pm-${t.lower}-endpointconfig-a1b2c3`,
      network: { from: `WeldGunDeployment/PipelineSmokeTest${t.cap}ProjectSecurityGroup` },
      reason: 'deploy smoke-test checks the data capture settings, or finds that the variants name no model (an inference component serves it)',
      doc: 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeEndpointConfig.html',
    },
    // DEV and INT scale to zero: the smoke test reads the inference component and, when it has scaled in to 0
    // copies, sets the copy count to 1 and waits for the copy before it invokes (deploy smoke-test)
    ...(stage === 'PROD' ? [] : [
      {
        step: `SmokeTest ${t.name}: the smoke-test session reads the ${t.name} inference component (its copies)`,
        caller: `vwml-weld-gun-pm-${t.lower}-smoke-test`,
        account: t.name,
        action: 'sagemaker:DescribeInferenceComponent',
        resource: `arn:aws:sagemaker:eu-central-1:${t.id}:inference-component/vwml-weld-gun-pm-${t.lower}`,
        network: { from: `WeldGunDeployment/PipelineSmokeTest${t.cap}ProjectSecurityGroup` },
        reason: 'The smoke test finds out whether the component has scaled in to 0 copies, and waits for a copy InService',
        doc: 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_DescribeInferenceComponent.html',
      },
      {
        step: `SmokeTest ${t.name}: the smoke-test session brings a copy up (scale out from zero)`,
        caller: `vwml-weld-gun-pm-${t.lower}-smoke-test`,
        account: t.name,
        action: 'sagemaker:UpdateInferenceComponentRuntimeConfig',
        resource: `arn:aws:sagemaker:eu-central-1:${t.id}:inference-component/vwml-weld-gun-pm-${t.lower}`,
        network: { from: `WeldGunDeployment/PipelineSmokeTest${t.cap}ProjectSecurityGroup` },
        reason: 'After idle the component has no copy: the smoke test sets the copy count to 1 (managed instance scaling starts an instance) instead of failing its first request',
        doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/endpoint-auto-scaling-zero-instances.html',
      },
    ] as FlowRequest[]),
    {
      step: `SmokeTest ${t.name}: the smoke-test session invokes the ${t.name} endpoint`,
      caller: `vwml-weld-gun-pm-${t.lower}-smoke-test`,
      account: t.name,
      action: 'sagemaker:InvokeEndpoint',
      resource: `arn:aws:sagemaker:eu-central-1:${t.id}:endpoint/vwml-weld-gun-pm-${t.lower}`,
      network: { from: `WeldGunDeployment/PipelineSmokeTest${t.cap}ProjectSecurityGroup` },
      reason: 'The smoke test sends one request through the SageMaker Runtime endpoint of the RES VPC',
      doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/interface-vpc-endpoint.html',
    },
  ];
}

/** A request of the use case's approver role that its identity policy must deny. */
function approverDenied(step: string, action: string, resource: string, reason: string): FlowRequest {
  return { step, caller: 'vwml-weld-gun-pm-approver', account: 'RES', action, resource, reason, doc: APPROVAL_DOC, deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' } };
}

/** Registration, approval, approval event and the deployment pipeline. */
export const RELEASE: Flow = {
  id: 'release',
  name: 'registration, approval event and deployment pipeline (EXP -> RES -> DEV, INT, PROD)',
  requests: [
    {
      step: 'register: pipeline registers a version pending approval',
      caller: 'WeldGunTraining/BuildPipelineExecutionRole',
      account: 'EXP',
      action: 'sagemaker:CreateModelPackage',
      resource: 'arn:aws:sagemaker:eu-central-1:222222222222:model-package/vwml-weld-gun-pm/8',
      context: { 'sagemaker:ModelApprovalStatus': 'PendingManualApproval' },
      reason: 'The RegisterModel step creates a model package in the group',
      doc: REGISTRY_DOC,
    },
    {
      step: 'approve: lead data scientist approves the version',
      caller: 'vwml-LeadDataScientist',
      account: 'EXP',
      action: 'sagemaker:UpdateModelPackage',
      resource: VERSION,
      // the lead signs in for the use case (session tag from Identity Center)
      context: { 'sagemaker:ModelApprovalStatus': 'Approved', 'aws:PrincipalTag/mlops:use-case': 'weld-gun-pm' },
      reason: 'Approval is UpdateModelPackage with ModelApprovalStatus=Approved',
      doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/model-registry-approve.html',
    },
    {
      step: 'approval event: EXP rule forwards the event to the RES model bus',
      caller: 'WeldGunTraining/RegistryEventForwardingRole',
      account: 'EXP',
      action: 'events:PutEvents',
      resource: BUS,
      reason: 'A cross-account bus target needs the rule role\'s PutEvents and the bus policy',
      doc: EVENTS_DOC,
    },
    {
      step: 'approval event: EventBridge encrypts the event on the RES bus with the platform key',
      caller: 'service:events.amazonaws.com',
      account: 'RES',
      action: 'kms:GenerateDataKey',
      resource: '${ssm:RES:/vwml/platform/platform-key-arn}',
      context: { 'aws:SourceAccount': '333333333333', 'aws:SourceArn': BUS, 'kms:EncryptionContext:aws:events:event-bus:arn': BUS },
      reason: 'A bus with a customer managed key needs the key policy to admit EventBridge',
      doc: 'https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-encryption-key-policy.html',
    },
    {
      step: 'approval event: RES rule starts the deployment pipeline',
      caller: 'WeldGunDeployment/PipelineTriggerRole',
      account: 'RES',
      action: 'codepipeline:StartPipelineExecution',
      resource: 'arn:aws:codepipeline:eu-central-1:333333333333:${WeldGunDeployment/Pipeline.Ref}',
      reason: 'An EventBridge rule starts a pipeline with its target role',
      doc: 'https://docs.aws.amazon.com/codepipeline/latest/userguide/create-cloudtrail-S3-source-console.html',
    },
    {
      step: 'Source: pipeline reads the source object',
      caller: 'WeldGunDeployment/PipelinePipelineRole',
      account: 'RES',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::${WeldGunDeployment/SourceBucket.Ref}/source.zip',
      reason: 'The S3 source action reads source.zip (SSE-KMS)',
      doc: 'https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-S3.html',
    },
    {
      step: 'Resolve: CodeBuild describes the EXP model package group',
      caller: 'vwml-weld-gun-pm-resolve',
      account: 'RES',
      action: 'sagemaker:DescribeModelPackageGroup',
      resource: GROUP,
      network: { from: 'WeldGunDeployment/PipelineResolveProjectSecurityGroup' },
      reason: 'Cross-account registry reads need the identity policy and the group policy',
      doc: CROSS_ACCOUNT_DOC,
    },
    {
      step: 'Resolve: CodeBuild describes the approved version',
      caller: 'vwml-weld-gun-pm-resolve',
      account: 'RES',
      action: 'sagemaker:DescribeModelPackage',
      resource: VERSION,
      network: { from: 'WeldGunDeployment/PipelineResolveProjectSecurityGroup' },
      reason: 'The resolver pins the version it found',
      doc: CROSS_ACCOUNT_DOC,
    },
    {
      step: 'Resolve: CodeBuild writes the build log',
      caller: 'vwml-weld-gun-pm-resolve',
      account: 'RES',
      action: 'logs:PutLogEvents',
      resource: 'arn:aws:logs:eu-central-1:333333333333:log-group:${WeldGunDeployment/PipelineResolveLogsLogGroup.Ref}:log-stream:1f2e3d4c',
      network: { from: 'WeldGunDeployment/PipelineResolveProjectSecurityGroup' },
      reason: 'A build in a VPC without internet access streams its log to CloudWatch Logs through the logs endpoint, with the project role',
      doc: 'https://docs.aws.amazon.com/codebuild/latest/userguide/use-vpc-endpoints-with-codebuild.html',
    },
    {
      step: 'Resolve: CodeBuild gets a CodeArtifact bearer token for npm ci',
      caller: 'vwml-weld-gun-pm-resolve',
      account: 'RES',
      action: 'sts:GetServiceBearerToken',
      resource: '*',
      context: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' },
      network: { from: 'WeldGunDeployment/PipelineResolveProjectSecurityGroup' },
      reason: 'npm ci against the CodeArtifact mirror needs a token (GetAuthorizationToken calls GetServiceBearerToken)',
      doc: 'https://docs.aws.amazon.com/codeartifact/latest/ug/tokens-authentication.html',
    },
    {
      step: 'Resolve: CodeBuild gets the authorization token of the mirror in EXP',
      caller: 'vwml-weld-gun-pm-resolve',
      account: 'RES',
      action: 'codeartifact:GetAuthorizationToken',
      resource: '${PlatformExp/PackageMirrorDomain.Arn}',
      network: { from: 'WeldGunDeployment/PipelineResolveProjectSecurityGroup' },
      reason: '`aws codeartifact login --domain-owner <EXP>` in the install phase: the caller\'s policy and the EXP domain policy must both allow it',
      doc: 'https://docs.aws.amazon.com/codeartifact/latest/ug/domain-policies.html',
    },
    {
      step: 'Resolve: npm ci downloads the packages from the mirror\'s shared repository in EXP',
      caller: 'vwml-weld-gun-pm-resolve',
      account: 'RES',
      action: 'codeartifact:ReadFromRepository',
      resource: '${PlatformExp/PackageMirrorShared.Arn}',
      network: { from: 'WeldGunDeployment/PipelineResolveProjectSecurityGroup' },
      reason: 'Package downloads across the account boundary need the repository policy of EXP and the caller\'s policy',
      doc: 'https://docs.aws.amazon.com/codeartifact/latest/ug/repo-policies.html',
    },
    {
      step: 'Resolve: CodeBuild writes the pinned model to the pipeline artifacts',
      caller: 'vwml-weld-gun-pm-resolve',
      account: 'RES',
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::${WeldGunDeployment/PipelineArtifactsBucket.Ref}/vwml-weld-gun-pm/Resolve/pinned.zip',
      network: { from: 'WeldGunDeployment/PipelineResolveProjectSecurityGroup' },
      reason: 'Output artifacts go to the pipeline bucket (SSE-KMS)',
      doc: CODEBUILD_VPC_DOC,
    },
    {
      step: 'Resolve: CodeBuild encrypts the output artifact with the project\'s key (KMS from the build)',
      caller: 'vwml-weld-gun-pm-resolve',
      account: 'RES',
      action: 'kms:GenerateDataKey',
      resource: '${WeldGunDeployment/Key.Arn}',
      network: { from: 'WeldGunDeployment/PipelineResolveProjectSecurityGroup' },
      reason: 'A project with an encryption key encrypts its build output artifacts with it; the role may use the key without kms:ViaService, so the RES VPC keeps a kms endpoint for the build',
      doc: 'https://docs.aws.amazon.com/codebuild/latest/userguide/security-encryption.html',
    },
    {
      step: 'approval: the pipeline notifies the approval topic (encrypted with the deployment key) that INT waits',
      caller: 'WeldGunDeployment/PipelinePipelineRole',
      account: 'RES',
      action: 'sns:Publish',
      resource: '${WeldGunDeployment/PipelineApprovalTopic.Ref}',
      kms: [
        { key: '${WeldGunDeployment/Key.Arn}', action: 'kms:GenerateDataKey', context: { 'kms:ViaService': 'sns.eu-central-1.amazonaws.com' } },
        { key: '${WeldGunDeployment/Key.Arn}', action: 'kms:Decrypt', context: { 'kms:ViaService': 'sns.eu-central-1.amazonaws.com' } },
      ],
      reason: 'A manual approval action publishes to its notification topic with the pipeline role; an SSE-KMS topic needs the publisher to use the key (the approvalEmails subscribers get the message)',
      doc: 'https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html',
    },
    ...(['INT', 'PROD'] as const).flatMap((stage): FlowRequest[] => {
      const cap = stage[0] + stage.slice(1).toLowerCase();
      return [{
        step: `approval: the use case's approver role approves the deployment to ${stage}`,
        caller: 'vwml-weld-gun-pm-approver',
        account: 'RES',
        action: 'codepipeline:PutApprovalResult',
        resource: `${PIPELINE}/Approve${cap}/Approve`,
        reason: `A lead of the use case assumes its approver role and runs aws codepipeline put-approval-result on the Approve${cap} stage`,
        doc: APPROVAL_DOC,
      }];
    }),
    {
      step: 'approval: the approver role reads the pipeline\'s state (the token of the pending approval)',
      caller: 'vwml-weld-gun-pm-approver',
      account: 'RES',
      action: 'codepipeline:GetPipelineState',
      resource: PIPELINE,
      reason: 'put-approval-result needs the approval token, which get-pipeline-state returns',
      doc: 'https://docs.aws.amazon.com/codepipeline/latest/userguide/approvals-approve-or-reject.html',
    },
    ...(['DEV', 'INT', 'PROD'] as const).flatMap(deployStage),
    // Negative twins
    ...(['INT', 'PROD'] as const).map((stage) => approverDenied(
      `approver role of weld-gun-pm approves the ${stage} deployment of paint-defect`, 'codepipeline:PutApprovalResult',
      `${OTHER_PIPELINE}/Approve${stage[0]}${stage.slice(1).toLowerCase()}/Approve`, 'An approver role approves only its own use case\'s pipeline')),
    approverDenied('approver role puts an approval result on its pipeline\'s PROD deploy action (not an approval)', 'codepipeline:PutApprovalResult',
      `${PIPELINE}/DeployProd/Deploy`, 'The approver role names the approval actions only'),
    approverDenied('approver role changes its pipeline\'s definition', 'codepipeline:UpdatePipeline', PIPELINE,
      'Approving is not changing the pipeline (e.g. removing the approval stages): the deployment stack defines it'),
    {
      step: 'pipeline registers a version as already approved',
      caller: 'WeldGunTraining/BuildPipelineExecutionRole',
      account: 'EXP',
      action: 'sagemaker:CreateModelPackage',
      resource: 'arn:aws:sagemaker:eu-central-1:222222222222:model-package/vwml-weld-gun-pm/8',
      context: { 'sagemaker:ModelApprovalStatus': 'Approved' },
      reason: 'Only people approve: the pipeline may register pending versions only',
      doc: REGISTRY_DOC,
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
    },
    {
      step: 'MLOps engineer approves a version',
      caller: 'vwml-MlopsEngineer',
      account: 'EXP',
      action: 'sagemaker:UpdateModelPackage',
      resource: VERSION,
      context: { 'sagemaker:ModelApprovalStatus': 'Approved', 'aws:PrincipalTag/mlops:use-case': 'weld-gun-pm' },
      reason: 'Only lead data scientists approve',
      doc: REGISTRY_DOC,
      deniedFor: { stage: 'iam', because: 'ExplicitlyDenied by identity (OnlyLeadsApproveModels)' },
    },
    {
      step: 'lead data scientist of another use case approves the version',
      caller: 'vwml-LeadDataScientist',
      account: 'EXP',
      action: 'sagemaker:UpdateModelPackage',
      resource: VERSION,
      context: { 'sagemaker:ModelApprovalStatus': 'Approved', 'aws:PrincipalTag/mlops:use-case': 'paint-defect' },
      reason: 'A lead approves the versions of the use case of the session only (model package versions carry no tags: scoped by group name)',
      doc: REGISTRY_DOC,
      deniedFor: { stage: 'iam', because: 'ExplicitlyDenied by identity (OwnModelPackageGroupOnly)' },
    },
    {
      step: 'lead data scientist without a use case approves the version',
      caller: 'vwml-LeadDataScientist',
      account: 'EXP',
      action: 'sagemaker:UpdateModelPackage',
      resource: VERSION,
      context: { 'sagemaker:ModelApprovalStatus': 'Approved' },
      reason: 'A session without the mlops:use-case tag carries the role\'s own tag (platform), which names no model package group',
      doc: REGISTRY_DOC,
      deniedFor: { stage: 'iam', because: 'ExplicitlyDenied by identity (OwnModelPackageGroupOnly)' },
    },
    {
      step: 'DEV smoke-test stage assumes the INT smoke-test role',
      caller: 'WeldGunDeployment/PipelineSmokeTestDevRole',
      account: 'RES',
      action: 'sts:AssumeRole',
      resource: 'arn:aws:iam::555555555555:role/vwml-weld-gun-pm-int-smoke-test',
      reason: 'Each stage reaches only its own account',
      doc: 'https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_common-scenarios_aws-accounts.html',
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
    },
    {
      step: 'RES deploy stage assumes the account-wide DEV bootstrap deploy role',
      caller: 'WeldGunDeployment/PipelineDeployDevRole',
      account: 'RES',
      action: 'sts:AssumeRole',
      resource: 'arn:aws:iam::444444444444:role/cdk-vwml-deploy-role-444444444444-eu-central-1',
      reason: 'The bootstrap execution role may change every stack of the account; a use case deploys only through its own roles',
      doc: 'https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html',
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
    },
    {
      step: 'RES deploy stage assumes the DEV CloudFormation execution role itself',
      caller: 'WeldGunDeployment/PipelineDeployDevRole',
      account: 'RES',
      action: 'sts:AssumeRole',
      resource: 'arn:aws:iam::444444444444:role/cdk-vwml-cfn-exec-role-444444444444-eu-central-1',
      reason: 'Only CloudFormation may assume the execution role; the pipeline reaches it through the deploy role',
      doc: CFN_EXEC_DOC,
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity; ImplicitlyDenied by resource' },
    },
    {
      step: 'DEV data scientist describes the EXP model version',
      caller: 'vwml-DataScientist',
      account: 'DEV',
      action: 'sagemaker:DescribeModelPackage',
      resource: VERSION,
      context: { 'aws:PrincipalTag/mlops:use-case': 'weld-gun-pm' },
      reason: 'The group policy admits the consumer roles only, not whole accounts',
      doc: CROSS_ACCOUNT_DOC,
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by resource' },
    },
  ],
};
