/**
 * The image build of `vwml/ml-inference` in RES: the pipeline reads the source, CodeBuild builds on the
 * base image and pushes a candidate, the scan gate reads the findings, the test stage runs the
 * candidate, and the promote stage copies it to the central repository that the stages pull from.
 */
import { Flow } from '../engine/types';

const CANDIDATE = 'arn:aws:ecr:eu-central-1:333333333333:repository/${PlatformRes/ImageBuildmlinferenceCandidateRepository.Ref}';
const RELEASED = 'arn:aws:ecr:eu-central-1:333333333333:repository/vwml/ml-inference';
const ECR_PUSH_DOC = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html';
const ECR_VPC_DOC = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html';

/** The image build. */
export const IMAGE_BUILD: Flow = {
  id: 'image-build',
  name: 'image build of vwml/ml-inference (RES)',
  requests: [
    {
      step: 'source: pipeline reads the image source',
      caller: 'PlatformRes/ImageBuildmlinferencePipelineRole',
      account: 'RES',
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::${PlatformRes/ImageSourcesBucket.Ref}/ml-inference/source.zip',
      reason: 'The S3 source action reads the source object (SSE-KMS)',
      doc: 'https://docs.aws.amazon.com/codepipeline/latest/userguide/action-reference-S3.html',
    },
    {
      step: 'build: CodeBuild authenticates to ECR',
      caller: 'PlatformRes/ImageBuildmlinferenceBuildRole',
      account: 'RES',
      action: 'ecr:GetAuthorizationToken',
      resource: '*',
      network: { from: 'PlatformRes/ImageBuildmlinferenceBuildProjectSecurityGroup' },
      reason: 'docker login to the registry',
      doc: ECR_VPC_DOC,
    },
    {
      step: 'build: CodeBuild pulls the base image through the pull-through cache',
      caller: 'PlatformRes/ImageBuildmlinferenceBuildRole',
      account: 'RES',
      action: 'ecr:BatchGetImage',
      resource: 'arn:aws:ecr:eu-central-1:333333333333:repository/vwml-ecr-public/docker/library/python',
      network: { from: 'PlatformRes/ImageBuildmlinferenceBuildProjectSecurityGroup' },
      reason: 'The Dockerfile FROM ${BASE_IMAGE} resolves through the ECR pull-through cache of ECR Public (the VPC has no internet route)',
      doc: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache.html',
    },
    {
      step: 'build: the first pull imports the upstream image into the cache',
      caller: 'PlatformRes/ImageBuildmlinferenceBuildRole',
      account: 'RES',
      action: 'ecr:BatchImportUpstreamImage',
      resource: 'arn:aws:ecr:eu-central-1:333333333333:repository/vwml-ecr-public/docker/library/python',
      network: { from: 'PlatformRes/ImageBuildmlinferenceBuildProjectSecurityGroup' },
      reason: 'A pull-through cache imports an image on its first pull with the puller\'s rights',
      doc: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html',
    },
    {
      step: 'build: CodeBuild pushes the candidate',
      caller: 'PlatformRes/ImageBuildmlinferenceBuildRole',
      account: 'RES',
      action: 'ecr:PutImage',
      resource: CANDIDATE,
      network: { from: 'PlatformRes/ImageBuildmlinferenceBuildProjectSecurityGroup' },
      reason: 'docker push of the candidate image',
      doc: ECR_PUSH_DOC,
    },
    {
      step: 'scan: the gate reads the scan findings of the candidate',
      caller: 'PlatformRes/ImageBuildmlinferenceScanGateRole',
      account: 'RES',
      action: 'ecr:DescribeImageScanFindings',
      resource: CANDIDATE,
      network: { from: 'PlatformRes/ImageBuildmlinferenceScanGateProjectSecurityGroup', endpoint: 'ecr.api' },
      reason: 'The gate fails the build on findings above the threshold',
      doc: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-scanning.html',
    },
    {
      step: 'test: the test stage pulls the candidate',
      caller: 'PlatformRes/ImageBuildmlinferenceTestRole',
      account: 'RES',
      action: 'ecr:BatchGetImage',
      resource: CANDIDATE,
      network: { from: 'PlatformRes/ImageBuildmlinferenceTestProjectSecurityGroup' },
      reason: 'The tests run inside the candidate image',
      doc: ECR_VPC_DOC,
    },
    {
      step: 'promote: the promote stage pulls the candidate',
      caller: 'vwmlplatformres-ImageBuildmlinference-A34DB689-promote',
      account: 'RES',
      action: 'ecr:BatchGetImage',
      resource: CANDIDATE,
      network: { from: 'PlatformRes/ImageBuildmlinferencePromoteProjectSecurityGroup' },
      reason: 'Promotion copies the tested candidate',
      doc: ECR_VPC_DOC,
    },
    {
      step: 'promote: the promote stage pushes to the central repository',
      caller: 'vwmlplatformres-ImageBuildmlinference-A34DB689-promote',
      account: 'RES',
      action: 'ecr:PutImage',
      resource: RELEASED,
      network: { from: 'PlatformRes/ImageBuildmlinferencePromoteProjectSecurityGroup' },
      reason: 'Only the promote stage writes the repository that jobs and endpoints pull from',
      doc: ECR_PUSH_DOC,
    },
    // Negative twins
    {
      step: 'build: pulls an image outside the cache and the central registry',
      caller: 'PlatformRes/ImageBuildmlinferenceBuildRole',
      account: 'RES',
      action: 'ecr:BatchImportUpstreamImage',
      resource: 'arn:aws:ecr:eu-central-1:333333333333:repository/other-cache/library/python',
      network: { from: 'PlatformRes/ImageBuildmlinferenceBuildProjectSecurityGroup' },
      reason: 'The build imports upstream images only below the platform cache\'s prefix',
      doc: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html',
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
    },
    {
      step: 'build stage pushes straight to the central repository, skipping scan and tests',
      caller: 'PlatformRes/ImageBuildmlinferenceBuildRole',
      account: 'RES',
      action: 'ecr:PutImage',
      resource: RELEASED,
      reason: 'Unscanned images never reach the central repository: its policy denies every pusher but the promote role',
      doc: ECR_PUSH_DOC,
      deniedFor: { stage: 'iam', because: 'ExplicitlyDenied by resource (DenyPushByAnyoneElse)' },
    },
    {
      step: 'test stage overwrites the candidate',
      caller: 'PlatformRes/ImageBuildmlinferenceTestRole',
      account: 'RES',
      action: 'ecr:PutImage',
      resource: CANDIDATE,
      reason: 'The test stage only reads the candidate',
      doc: ECR_PUSH_DOC,
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
    },
    {
      step: 'DEV endpoint role pushes to the central repository',
      caller: 'vwml-weld-gun-pm-dev-endpoint',
      account: 'DEV',
      action: 'ecr:PutImage',
      resource: RELEASED,
      reason: 'Consumer accounts may pull, never push',
      doc: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html',
      deniedFor: { stage: 'iam', because: 'ExplicitlyDenied by resource (DenyPushByAnyoneElse)' },
    },
  ],
};
