/**
 * The use case's own image (issue 13): the train workflow writes the zip of ml/ to the deployment
 * source bucket in RES, the use case's image pipeline builds it on the Dockerfile's pinned base image
 * through the pull-through cache and with pip through the package mirror of EXP, scans, tests and
 * promotes it by digest to `vwml/usecase/weld-gun-pm`; the pipeline jobs in EXP and the endpoints in DEV
 * and PROD pull that digest across the account boundary; nobody else pulls or pushes it.
 */
import { Flow } from '../engine/types';

const REPOSITORY = 'arn:aws:ecr:eu-central-1:333333333333:repository/vwml/usecase/weld-gun-pm';
const CANDIDATE = 'arn:aws:ecr:eu-central-1:333333333333:repository/${WeldGunDeployment/ImagePipelineCandidateRepository.Ref}';
const SOURCE = 'arn:aws:s3:::vwml-weld-gun-pm-source-333333333333/ml.zip';
const BUILD = 'WeldGunDeployment/ImagePipelineBuildRole';
const BUILD_SG = 'WeldGunDeployment/ImagePipelineBuildProjectSecurityGroup';
const PROMOTE = 'vwmlweldgunpmdeployment-Image-Pipeline-43EBA9D4-promote';
const WRITER = 'vwml-weld-gun-pm-source-writer';
const ECR_PUSH_DOC = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/image-push-iam.html';
const CROSS_ACCOUNT_PULL_DOC = 'https://docs.aws.amazon.com/sagemaker/latest/dg/ecr-cross-account.html';
const CACHE_DOC = 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/pull-through-cache-iam.html';

/** The use case's image, from its repository to the jobs and endpoints that run it. */
export const USECASE_IMAGE: Flow = {
  id: 'usecase-image',
  name: 'the use case image: ml/ of its repository → RES build → the pipeline in EXP and the endpoints pull it by digest',
  requests: [
    {
      step: 'train workflow: reads the git tree hash of the last ml.zip (is a build needed?)',
      caller: WRITER,
      account: 'RES',
      action: 's3:GetObjectTagging',
      resource: SOURCE,
      reason: 'The tag treehash is the ml/ tree of the last build; reading a tag needs no kms:Decrypt (the object\'s content would)',
      doc: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectTagging.html',
    },
    {
      step: 'train workflow: writes the zip of ml/ (a new version starts the image build)',
      caller: WRITER,
      account: 'RES',
      action: 's3:PutObject',
      resource: SOURCE,
      reason: 'The source writer (chained from the use case\'s GitHub role) puts ml.zip, SSE-KMS with the deployment key',
      doc: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html',
    },
    {
      step: 'train workflow: tags ml.zip with the git tree hash of ml/ (put-object --tagging)',
      caller: WRITER,
      account: 'RES',
      action: 's3:PutObjectTagging',
      resource: SOURCE,
      reason: 'PutObject with tags needs s3:PutObjectTagging as well',
      doc: 'https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html',
    },
    {
      step: 'train workflow: reads the content of ml.zip',
      caller: WRITER,
      account: 'RES',
      action: 's3:GetObject',
      resource: SOURCE,
      reason: 'The writer writes and tags the source; it never reads it back',
      doc: 'https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html',
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
    },
    {
      step: 'train workflow: follows the image build of that object version',
      caller: WRITER,
      account: 'RES',
      action: 'codepipeline:ListPipelineExecutions',
      resource: 'arn:aws:codepipeline:eu-central-1:333333333333:vwml-weld-gun-pm-image',
      reason: 'The workflow waits for the execution whose source revision is the version it wrote',
      doc: 'https://docs.aws.amazon.com/codepipeline/latest/userguide/permissions-reference.html',
    },
    {
      step: 'train workflow: reads the digest the build promoted',
      caller: WRITER,
      account: 'RES',
      action: 'codepipeline:ListActionExecutions',
      resource: 'arn:aws:codepipeline:eu-central-1:333333333333:vwml-weld-gun-pm-image',
      reason: 'The Promote action\'s output variable IMAGE_DIGEST becomes the training stack\'s ImageDigest',
      doc: 'https://docs.aws.amazon.com/codepipeline/latest/userguide/reference-variables.html',
    },
    {
      step: 'train workflow: without a change of ml/, the newest digest of the repository',
      caller: WRITER,
      account: 'RES',
      action: 'ecr:DescribeImages',
      resource: REPOSITORY,
      reason: 'aws ecr describe-images on the use case\'s repository',
      doc: 'https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_DescribeImages.html',
    },
    // The pipeline's read of ml.zip is left out: the Source action of the same ImageBuildPipeline is in the
    // platform's image-build flow, and for the KMS part it relies only on three identical key grants that
    // CDK writes into the pipeline role's policy (which no flow can tell apart in the mutation run).
    {
      step: 'build: pulls the Dockerfile\'s pinned base image through the pull-through cache',
      caller: BUILD,
      account: 'RES',
      action: 'ecr:BatchGetImage',
      resource: 'arn:aws:ecr:eu-central-1:333333333333:repository/vwml-ecr-public/docker/library/python',
      network: { from: BUILD_SG },
      reason: 'ARG BASE_IMAGE=public.ecr.aws/docker/library/python:3.11-slim@sha256:... becomes the cache\'s path (the VPC has no internet route)',
      doc: CACHE_DOC,
    },
    {
      step: 'build: the first pull imports the upstream image into the cache',
      caller: BUILD,
      account: 'RES',
      action: 'ecr:BatchImportUpstreamImage',
      resource: 'arn:aws:ecr:eu-central-1:333333333333:repository/vwml-ecr-public/docker/library/python',
      network: { from: BUILD_SG },
      reason: 'A pull-through cache imports an image on its first pull with the puller\'s rights',
      doc: CACHE_DOC,
    },
    {
      step: 'build: pip gets the token of the package mirror in EXP',
      caller: BUILD,
      account: 'RES',
      action: 'codeartifact:GetAuthorizationToken',
      resource: '${PlatformExp/PackageMirrorDomain.Arn}',
      network: { from: BUILD_SG },
      reason: 'pip install -r requirements.txt inside docker build reads the mirror (the BuildKit secret pip-index-url)',
      doc: 'https://docs.aws.amazon.com/codeartifact/latest/ug/domain-policies.html',
    },
    {
      step: 'build: pip downloads the pinned requirements from the mirror in EXP',
      caller: BUILD,
      account: 'RES',
      action: 'codeartifact:ReadFromRepository',
      resource: '${PlatformExp/PackageMirrorShared.Arn}',
      network: { from: BUILD_SG },
      reason: 'Package downloads across the account boundary need the repository policy of EXP and the caller\'s policy',
      doc: 'https://docs.aws.amazon.com/codeartifact/latest/ug/repo-policies.html',
    },
    {
      step: 'build: pushes the candidate',
      caller: BUILD,
      account: 'RES',
      action: 'ecr:PutImage',
      resource: CANDIDATE,
      network: { from: BUILD_SG },
      reason: 'docker push of the candidate image',
      doc: ECR_PUSH_DOC,
    },
    {
      step: 'promote: pushes the scanned and tested candidate to the use case\'s repository',
      caller: PROMOTE,
      account: 'RES',
      action: 'ecr:PutImage',
      resource: REPOSITORY,
      network: { from: 'WeldGunDeployment/ImagePipelinePromoteProjectSecurityGroup' },
      reason: 'Only the promote stage writes the repository the jobs and endpoints pull from',
      doc: ECR_PUSH_DOC,
    },
    {
      step: 'EXP: the pipeline\'s jobs pull the image by digest',
      caller: 'WeldGunTraining/BuildPipelineExecutionRole',
      account: 'EXP',
      action: 'ecr:BatchGetImage',
      resource: REPOSITORY,
      reason: 'SageMaker pulls a job\'s image with the execution role: its identity policy and the repository policy of RES',
      doc: CROSS_ACCOUNT_PULL_DOC,
    },
    {
      step: 'EXP: the pipeline\'s jobs download the image layers',
      caller: 'WeldGunTraining/BuildPipelineExecutionRole',
      account: 'EXP',
      action: 'ecr:GetDownloadUrlForLayer',
      resource: REPOSITORY,
      reason: 'Layers are fetched with the same role and policies',
      doc: CROSS_ACCOUNT_PULL_DOC,
    },
    {
      step: 'DEV: the endpoint pulls the model\'s image',
      caller: 'vwml-weld-gun-pm-dev-endpoint',
      account: 'DEV',
      action: 'ecr:BatchGetImage',
      resource: REPOSITORY,
      reason: 'The model package names the image by digest; SageMaker pulls it with the model\'s execution role',
      doc: CROSS_ACCOUNT_PULL_DOC,
    },
    {
      step: 'PROD: the endpoint pulls the model\'s image',
      caller: 'vwml-weld-gun-pm-prod-endpoint',
      account: 'PROD',
      action: 'ecr:BatchGetImage',
      resource: REPOSITORY,
      reason: 'The same image by digest in every stage',
      doc: CROSS_ACCOUNT_PULL_DOC,
    },
    // Negative twins
    {
      step: 'the Build pushes straight to the use case\'s repository, skipping scan and tests',
      caller: BUILD,
      account: 'RES',
      action: 'ecr:PutImage',
      resource: REPOSITORY,
      reason: 'Unscanned images never reach the repository: its policy denies every pusher but the promote role',
      doc: ECR_PUSH_DOC,
      deniedFor: { stage: 'iam', because: 'ExplicitlyDenied by resource (DenyPushByAnyoneElse)' },
    },
    {
      step: 'the train workflow pushes an image itself',
      caller: WRITER,
      account: 'RES',
      action: 'ecr:PutImage',
      resource: REPOSITORY,
      reason: 'The workflow only starts the build and reads the digest',
      doc: ECR_PUSH_DOC,
      deniedFor: { stage: 'iam', because: 'ExplicitlyDenied by resource (DenyPushByAnyoneElse)' },
    },
    {
      step: 'a role of DEV that is not the use case\'s endpoint or batch model role pulls the image',
      caller: 'vwml-weld-gun-pm-dev-cfn-exec',
      account: 'DEV',
      action: 'ecr:BatchGetImage',
      resource: REPOSITORY,
      reason: 'The repository admits exactly the use case\'s pipeline, endpoint and batch model roles (aws:PrincipalArn)',
      doc: 'https://docs.aws.amazon.com/AmazonECR/latest/userguide/repository-policy-examples.html',
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by resource' },
    },
  ],
};
