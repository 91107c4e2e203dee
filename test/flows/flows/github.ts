/**
 * The GitHub Actions deploy of a use case's training stack into EXP: the workflow's OIDC session of
 * `vwml-github-deploy` assumes the CDK bootstrap roles of EXP, uploads the use-case code and starts
 * the model-build pipeline.
 */
import { Flow } from '../engine/types';

const ROLE = 'vwml-github-deploy';
const CDK_DOC = 'https://docs.aws.amazon.com/cdk/v2/guide/bootstrapping-env.html';

/** The GitHub Actions deploy. */
export const GITHUB_DEPLOY: Flow = {
  id: 'github',
  name: 'GitHub Actions deploy of the training stack (EXP)',
  requests: [
    {
      step: 'cdk deploy assumes the EXP deploy role',
      caller: ROLE,
      account: 'EXP',
      action: 'sts:AssumeRole',
      resource: 'arn:aws:iam::222222222222:role/cdk-vwml-deploy-role-222222222222-eu-central-1',
      reason: 'cdk deploy runs CloudFormation through the bootstrap deploy role',
      doc: CDK_DOC,
    },
    {
      step: 'cdk deploy assumes the EXP file publishing role',
      caller: ROLE,
      account: 'EXP',
      action: 'sts:AssumeRole',
      resource: 'arn:aws:iam::222222222222:role/cdk-vwml-file-publishing-role-222222222222-eu-central-1',
      reason: 'Assets are published through the bootstrap file publishing role',
      doc: CDK_DOC,
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
