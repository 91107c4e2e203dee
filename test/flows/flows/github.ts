/**
 * The GitHub Actions deploy of a use case's training stack into EXP: the workflow's OIDC session of
 * the use case's own role `vwml-weld-gun-pm-github` (in its EXP onboarding stack) uploads the use-case
 * code and starts the model-build pipeline. It no longer reaches the CDK bootstrap roles of EXP: the
 * training stack is deployed through the use case's own `<prefix>-<use case>-exp-deploy` role.
 */
import { Flow } from '../engine/types';

const ROLE = 'vwml-weld-gun-pm-github';
const CDK_DOC = 'https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html';

/** The GitHub Actions deploy. */
export const GITHUB_DEPLOY: Flow = {
  id: 'github',
  name: 'GitHub Actions deploy of the training stack (EXP)',
  requests: [
    {
      step: 'cdk deploy assumes the use case\'s own EXP deploy role',
      caller: ROLE,
      account: 'EXP',
      action: 'sts:AssumeRole',
      resource: 'arn:aws:iam::222222222222:role/vwml-weld-gun-pm-exp-deploy',
      reason: 'The training stack synthesizes with the use case\'s scoped deploy role, which trusts exactly this GitHub role',
      doc: CDK_DOC,
    },
    {
      step: 'cdk deploy assumes the use case\'s own EXP publishing role',
      caller: ROLE,
      account: 'EXP',
      action: 'sts:AssumeRole',
      resource: 'arn:aws:iam::222222222222:role/vwml-weld-gun-pm-exp-publish',
      reason: 'Assets go to the use case\'s prefix of the bootstrap bucket through its own publishing role',
      doc: CDK_DOC,
    },
    {
      step: 'the deploy-role session changes the training stack through the CloudFormation API',
      caller: 'vwml-weld-gun-pm-exp-deploy',
      account: 'EXP',
      action: 'cloudformation:CreateChangeSet',
      resource: 'arn:aws:cloudformation:eu-central-1:222222222222:stack/vwml-weld-gun-pm-training/0f1e2d3c-aaaa-bbbb-cccc-1234567890ab',
      reason: 'The deploy role may change exactly the use case\'s stacks',
      doc: CDK_DOC,
    },
    {
      step: 'the use case\'s workflow assumes the platform-wide EXP deploy role',
      caller: ROLE,
      account: 'EXP',
      action: 'sts:AssumeRole',
      resource: 'arn:aws:iam::222222222222:role/cdk-vwml-deploy-role-222222222222-eu-central-1',
      reason: 'The bootstrap roles deploy anything in EXP: one use case\'s workflow deploys through its own exp-deploy role',
      doc: CDK_DOC,
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
    },
    {
      step: 'the use case\'s workflow assumes the platform-wide EXP file publishing role',
      caller: ROLE,
      account: 'EXP',
      action: 'sts:AssumeRole',
      resource: 'arn:aws:iam::222222222222:role/cdk-vwml-file-publishing-role-222222222222-eu-central-1',
      reason: 'The bootstrap publishing role writes every asset: one use case\'s workflow publishes through its own publish role',
      doc: CDK_DOC,
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
    },
    {
      step: 'workflow uploads the use-case code to the artifacts bucket',
      caller: ROLE,
      account: 'EXP',
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::vwml-weld-gun-pm-artifacts-222222222222/code/abc123/sourcedir.tar.gz',
      context: { 's3:x-amz-server-side-encryption-aws-kms-key-id': '${WeldGunTraining/ArtifactKey.Arn}' },
      reason: 'The pipeline\'s steps load their code from code/ (SSE-KMS with the use case\'s key)',
      doc: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html',
    },
    {
      step: 'workflow starts the model-build pipeline',
      caller: ROLE,
      account: 'EXP',
      action: 'sagemaker:StartPipelineExecution',
      resource: 'arn:aws:sagemaker:eu-central-1:222222222222:pipeline/vwml-weld-gun-pm-build',
      reason: 'A push to main retrains',
      doc: 'https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_StartPipelineExecution.html',
    },
    // Negative twins
    {
      step: 'the deploy-role session changes the platform stack of EXP',
      caller: 'vwml-weld-gun-pm-exp-deploy',
      account: 'EXP',
      action: 'cloudformation:UpdateStack',
      resource: 'arn:aws:cloudformation:eu-central-1:222222222222:stack/vwml-platform-exp/0f1e2d3c-aaaa-bbbb-cccc-1234567890ab',
      reason: 'A use case\'s deploy role reaches its own stacks only',
      doc: CDK_DOC,
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
    },
    {
      step: 'workflow assumes the DEV deploy role',
      caller: ROLE,
      account: 'EXP',
      action: 'sts:AssumeRole',
      resource: 'arn:aws:iam::444444444444:role/cdk-vwml-deploy-role-444444444444-eu-central-1',
      reason: 'Serving stacks are deployed by the RES pipeline, never from GitHub',
      doc: CDK_DOC,
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity; ImplicitlyDenied by resource' },
    },
    {
      step: 'workflow overwrites a trained model artifact',
      caller: ROLE,
      account: 'EXP',
      action: 's3:PutObject',
      resource: 'arn:aws:s3:::vwml-weld-gun-pm-artifacts-222222222222/runs/a1b2c3/model/model.tar.gz',
      context: { 's3:x-amz-server-side-encryption-aws-kms-key-id': '${WeldGunTraining/ArtifactKey.Arn}' },
      reason: 'The workflow writes code only, never models',
      doc: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/security-best-practices.html',
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
    },
  ],
};
