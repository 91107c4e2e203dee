import { Annotations, Duration, Names, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as actions from 'aws-cdk-lib/aws-codepipeline-actions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BASE_IMAGE_THROUGH_CACHE, CHECK_BASE_IMAGES_REACHABLE, dockerBuildCommand, dockerLogin, pipIndexSecretCommands, promoteCommands, scanGateCommands } from './image-build-commands';
import { ImageBuildPipelineProps, ScanSeverity } from './image-build-pipeline-props';
import { acknowledgeRules } from '../core/acknowledge';
import { ManagedPolicyRole } from '../core/managed-policy-role';
import {
  artifactGrantAcknowledgements, checkPipelineProjectNetwork, createPipelineProject, PipelineProjectOptions, PipelineProjectSettings,
} from '../core/pipeline-project';
import { SecureBucket } from '../core/secure-bucket';
import { accountScopedServicePrincipal } from '../core/service-trust';

const PULL_ACTIONS = ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'];
const PUSH_ACTIONS = ['ecr:PutImage', 'ecr:InitiateLayerUpload', 'ecr:UploadLayerPart', 'ecr:CompleteLayerUpload'];

/**
 * The RES image build pipeline: a CodePipeline (V2) that builds a container image, scans it, tests it
 * and promotes it, by digest, to a repository of the `ImageRegistry`.
 *
 * Stages, in order:
 * 1. **Source**: the `PipelineSource` (S3 object or CodeConnections repository).
 * 2. **Build**: `docker build`, then push to this pipeline's own candidate repository (immutable
 *    tags, scan on push, KMS); exports `IMAGE_DIGEST` (namespace `Build`).
 * 3. **ScanGate**: waits for the candidate's ECR scan (`aws ecr describe-image-scan-findings`, starting
 *    the scan if none exists) and fails on any finding of `failOnSeverities` (CRITICAL and HIGH by
 *    default), on a failed scan and on a timeout: it fails closed.
 * 4. **Test**: pulls the candidate by digest and runs `smokeTestCommands`.
 * 5. **Promote**: copies the candidate, by digest, to the registry repository under the tag
 *    `<pipeline execution id>`, never overwriting a tag (the repository's tags are immutable; a retry
 *    whose tag already names the same digest passes), and checks that the registry now holds exactly
 *    the scanned and tested digest. Exports `IMAGE_DIGEST`, `IMAGE_URI` (`<repository uri>@sha256:...`)
 *    and `IMAGE_TAG` (namespace `Promote`) and writes them to the output artifact `image-detail.json`.
 *
 * Candidate images are never pulled by consumers: only promoted images reach the registry. Every
 * CodeBuild project has its own role with access to the candidate repository only (and, for Promote,
 * the one target repository), the artifact bucket and the key; projects are encrypted with the key and
 * log to their own KMS-encrypted log group.
 *
 * @example
 * new ImageBuildPipeline(this, 'InferenceImage', {
 *   encryptionKey: key,
 *   source: PipelineSource.fromConnection({
 *     connectionArn: 'arn:aws:codeconnections:eu-central-1:222222222222:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
 *     owner: 'vw-mlops', repository: 'inference-image', branch: 'main',
 *   }),
 *   registry,
 *   repositoryName: 'mlops/inference',
 *   smokeTestCommands: ['docker run --rm --network none "$IMAGE_URI" python -c "import sagemaker_inference"'],
 * });
 */
export class ImageBuildPipeline extends Construct {
  /** The pipeline. */
  public readonly pipeline: codepipeline.Pipeline;
  /** The pipeline's artifact bucket (KMS-encrypted with the given key). */
  public readonly artifactBucket: s3.IBucket;
  /** The repository that holds images until they pass the ScanGate and Test stages. */
  public readonly candidateRepository: ecr.IRepository;
  /** The Build project. */
  public readonly buildProject: codebuild.IProject;
  /** The ScanGate project. */
  public readonly scanProject: codebuild.IProject;
  /** The Test project. */
  public readonly testProject: codebuild.IProject;
  /** The Promote project. */
  public readonly promoteProject: codebuild.IProject;
  /** The role of the Promote project: the only role of this pipeline that may push to the registry. */
  public readonly promoteRole: iam.IRole;
  /** The registry repository the image is promoted to. */
  public readonly targetRepository: ecr.IRepository;
  /** The promoted image's digest, as a pipeline variable (`#{Promote.IMAGE_DIGEST}`) for later actions. */
  public readonly imageDigestVariable: string;
  /** The promoted image's URI by digest, as a pipeline variable (`#{Promote.IMAGE_URI}`). */
  public readonly imageUriVariable: string;
  /** The output artifact of the Promote stage; it holds `image-detail.json`. */
  public readonly imageDetailArtifact: codepipeline.Artifact;
  /**
   * The EventBridge rule that starts the pipeline when a new version of the S3 source object is written
   * (`PipelineSource.fromS3`); a CodeConnections source starts it on pushes and has none.
   */
  public readonly sourceTriggerRule?: events.Rule;

  /**
   * @param scope the parent construct
   * @param id the construct id
   * @param props the source, the target repository, the smoke test and the key
   */
  constructor(scope: Construct, id: string, props: ImageBuildPipelineProps) {
    super(scope, id);
    validatePipelineProps(props);
    const stack = Stack.of(this);
    const key = props.encryptionKey;
    this.targetRepository = props.registry.repository(props.repositoryName);

    const bucket = new SecureBucket(this, 'Artifacts', { encryptionKey: key });
    this.artifactBucket = bucket.bucket;

    const candidateExpiry = props.candidateImageExpiry ?? Duration.days(30);
    const candidates = new ecr.Repository(this, 'CandidateRepository', {
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      imageScanOnPush: true,
      encryption: ecr.RepositoryEncryption.KMS,
      encryptionKey: key,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        { rulePriority: 1, description: `Expire candidate images ${candidateExpiry.toDays()} days after push`, tagStatus: ecr.TagStatus.ANY, maxImageAge: candidateExpiry },
      ],
    });
    this.candidateRepository = candidates;

    const projectSettings: PipelineProjectSettings = {
      encryptionKey: key,
      artifactBucket: this.artifactBucket,
      network: props,
      sourceRepoUrlReason:
        'The project has the CODEPIPELINE source type: it receives the source as an encrypted pipeline artifact and never clones a GitHub or Bitbucket repository, so there is no repository credential to hold.',
    };
    const project = (name: string, options: ProjectOptions): codebuild.PipelineProject =>
      createPipelineProject(this, name, projectSettings, {
        ...options,
        writesArtifacts: options.writesArtifacts ?? false,
        roleAcknowledgements: options.dockerLogin ? DOCKER_LOGIN_ACKNOWLEDGEMENT : undefined,
      });
    const candidateVars = {
      CANDIDATE_REPOSITORY_NAME: candidates.repositoryName,
      CANDIDATE_REPOSITORY_URI: candidates.repositoryUri,
    };

    // Build: docker build, push to the candidate repository, export the digest.
    const baseImages = props.baseImageRepositories ?? [];
    const mirror = props.packageMirror;
    if (props.vpc && !mirror) {
      Annotations.of(this).addWarningV2(
        '@vw/mlops-blueprint:imageBuildWithoutMirror',
        'ImageBuildPipeline: the Build project runs in a VPC without packageMirror: package installs in the Dockerfile (pip install) reach no index unless the VPC has internet; set packageMirror',
      );
    }
    const build = project('Build', {
      description: `Builds the ${props.repositoryName} image and pushes it to the candidate repository`,
      privileged: true,
      dockerLogin: true,
      privilegedReason: 'The Build project runs docker build and docker push, which need the Docker daemon that only privileged mode provides.',
      computeType: props.buildComputeType ?? codebuild.ComputeType.MEDIUM,
      timeout: Duration.hours(1),
      variables: {
        ...candidateVars,
        DOCKERFILE: props.dockerfilePath ?? 'Dockerfile',
        BUILD_CONTEXT: props.buildContext ?? '.',
        ...(baseImages.length > 0 ? { BASE_IMAGE_REGISTRIES: baseImages.map((r) => r.registryUri).join(' ') } : {}),
        ...(props.baseImageUri !== undefined ? { BASE_IMAGE: props.baseImageUri } : {}),
        ...(props.baseImageCachePath !== undefined ? { BASE_IMAGE_CACHE: props.baseImageCachePath } : {}),
      },
      buildSpec: buildSpec(['IMAGE_DIGEST', 'IMAGE_TAG'], [
        ...dockerLogin('CANDIDATE_REPOSITORY_URI'),
        ...(baseImages.length > 0
          ? [
            'for REGISTRY in $BASE_IMAGE_REGISTRIES; do aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "$REGISTRY" || exit 1; done',
          ]
          : []),
        ...(props.vpc ? [CHECK_BASE_IMAGES_REACHABLE] : []),
        ...(mirror ? pipIndexSecretCommands(mirror) : []),
        'IMAGE_TAG="${EXECUTION_ID}-${CODEBUILD_BUILD_NUMBER}"',
        ...(props.baseImageCachePath !== undefined ? BASE_IMAGE_THROUGH_CACHE : []),
        dockerBuildCommand(props.baseImageUri !== undefined || props.baseImageCachePath !== undefined, mirror !== undefined),
        'docker push "$CANDIDATE_REPOSITORY_URI:$IMAGE_TAG"',
        'IMAGE_DIGEST=$(aws ecr describe-images --repository-name "$CANDIDATE_REPOSITORY_NAME" --image-ids imageTag="$IMAGE_TAG" --query \'imageDetails[0].imageDigest\' --output text)',
        'case "$IMAGE_DIGEST" in sha256:*) echo "Built $CANDIDATE_REPOSITORY_URI@$IMAGE_DIGEST" ;; *) echo "Build: no digest for $IMAGE_TAG in the candidate repository"; exit 1 ;; esac',
      ]),
    });
    grantEcr(build, candidates, [...PULL_ACTIONS, ...PUSH_ACTIONS, 'ecr:DescribeImages']);
    for (const base of baseImages) grantEcr(build, base, PULL_ACTIONS);
    if (mirror) {
      mirror.grantRead(build);
      acknowledgeRules(build.role!, {
        'AwsSolutions-IAM5[Resource::*]':
          'ecr:GetAuthorizationToken (the Docker login to ECR) and sts:GetServiceBearerToken (the CodeArtifact token for pip in the build, conditioned on sts:AWSServiceName) have no resource-level permissions; every image action is limited to named repositories.',
      });
    }

    // ScanGate: wait for the candidate's scan and fail on the blocking severities.
    const severities = props.failOnSeverities ?? [ScanSeverity.CRITICAL, ScanSeverity.HIGH];
    const scanTimeout = props.scanTimeout ?? Duration.minutes(30);
    const scan = project('ScanGate', {
      description: `Fails when the candidate image has ${severities.join(' or ')} scan findings`,
      privileged: false,
      dockerLogin: false,
      timeout: scanTimeout.plus(Duration.minutes(10)),
      variables: { ...candidateVars, FAIL_ON_SEVERITIES: severities.join(' '), SCAN_TIMEOUT_SECONDS: String(scanTimeout.toSeconds()) },
      buildSpec: buildSpec([], scanGateCommands()),
    });
    grantEcr(scan, candidates, ['ecr:DescribeImageScanFindings', 'ecr:StartImageScan'], false);

    // Test: pull the candidate by digest and run the smoke test.
    const test = project('Test', {
      description: `Runs the smoke test of the ${props.repositoryName} image`,
      privileged: true,
      dockerLogin: true,
      privilegedReason: 'The Test project pulls the candidate image and runs it with docker run, which needs the Docker daemon that only privileged mode provides.',
      timeout: Duration.minutes(30),
      variables: candidateVars,
      buildSpec: buildSpec([], [
        ...dockerLogin('CANDIDATE_REPOSITORY_URI'),
        'IMAGE_URI="$CANDIDATE_REPOSITORY_URI@$IMAGE_DIGEST"',
        'docker pull "$IMAGE_URI"',
        ...(props.testWithPackageMirror && mirror ? pipIndexSecretCommands(mirror) : []),
        ...props.smokeTestCommands,
      ]),
    });
    grantEcr(test, candidates, PULL_ACTIONS);
    if (props.testWithPackageMirror && mirror) {
      mirror.grantRead(test);
      acknowledgeRules(test.role!, {
        'AwsSolutions-IAM5[Resource::*]':
          'ecr:GetAuthorizationToken (the Docker login to ECR) and sts:GetServiceBearerToken (the CodeArtifact token for pip in the test image, conditioned on sts:AWSServiceName) have no resource-level permissions; every image action is limited to named repositories.',
      });
    }

    // Promote: copy the candidate by digest to the registry; the role's name is fixed so that the
    // registry (possibly in another stack) can list it as a pusher without a cross-stack reference.
    const promoteRoleName = `${Names.uniqueResourceName(this, { maxLength: 50, separator: '-' })}-promote`;
    this.promoteRole = new ManagedPolicyRole(this, 'PromoteRole', {
      roleName: promoteRoleName,
      assumedBy: accountScopedServicePrincipal(this, 'codebuild.amazonaws.com'),
      description: `Promotes scanned and tested images to ${props.repositoryName}`,
      dropCodeBuildDefaultLogGroup: true,
    });
    const promote = project('Promote', {
      description: `Promotes the candidate image, by digest, to ${props.repositoryName}`,
      role: this.promoteRole,
      privileged: true,
      dockerLogin: true,
      writesArtifacts: true,
      privilegedReason: 'The Promote project copies the image with docker pull and docker push, which need the Docker daemon that only privileged mode provides.',
      timeout: Duration.minutes(30),
      variables: {
        ...candidateVars,
        TARGET_REPOSITORY_NAME: this.targetRepository.repositoryName,
        TARGET_REPOSITORY_URI: this.targetRepository.repositoryUri,
      },
      buildSpec: {
        ...buildSpec(['IMAGE_DIGEST', 'IMAGE_URI', 'IMAGE_TAG'], promoteCommands()),
        artifacts: { files: ['image-detail.json'] },
      },
    });
    grantEcr(promote, candidates, PULL_ACTIONS);
    grantEcr(promote, this.targetRepository, [...PULL_ACTIONS, ...PUSH_ACTIONS, 'ecr:DescribeImages']);
    props.registry.addPusherRoleArn(
      stack.formatArn({ service: 'iam', region: '', account: stack.account, resource: 'role', resourceName: promoteRoleName }),
      props.repositoryName,
    );

    this.buildProject = build;
    this.scanProject = scan;
    this.testProject = test;
    this.promoteProject = promote;

    // The pipeline.
    const source = new codepipeline.Artifact('Source');
    this.imageDetailArtifact = new codepipeline.Artifact('ImageDetail');
    const executionId = { value: codepipeline.GlobalVariables.executionId };
    const buildAction = new actions.CodeBuildAction({
      actionName: 'Build',
      project: build,
      input: source,
      variablesNamespace: 'Build',
      environmentVariables: { EXECUTION_ID: executionId },
    });
    const digest = { value: buildAction.variable('IMAGE_DIGEST') };
    const promoteAction = new actions.CodeBuildAction({
      actionName: 'Promote',
      project: promote,
      input: source,
      outputs: [this.imageDetailArtifact],
      variablesNamespace: 'Promote',
      environmentVariables: { EXECUTION_ID: executionId, IMAGE_DIGEST: digest },
    });
    // One role for the pipeline and its actions: it only moves artifacts and starts this pipeline's builds.
    const pipelineRole = new ManagedPolicyRole(this, 'PipelineRole', {
      assumedBy: accountScopedServicePrincipal(this, 'codepipeline.amazonaws.com'),
      description: 'Runs the image build pipeline: source, artifact transfers and the four CodeBuild projects',
    });
    acknowledgeRules(pipelineRole, artifactGrantAcknowledgements(this.artifactBucket, true));
    this.pipeline = new codepipeline.Pipeline(this, 'Pipeline', {
      pipelineName: props.pipelineName,
      role: pipelineRole,
      usePipelineRoleForActions: true,
      pipelineType: codepipeline.PipelineType.V2,
      artifactBucket: this.artifactBucket,
      // the artifact bucket is already encrypted with the customer-managed key; no extra key is created
      crossAccountKeys: false,
      restartExecutionOnUpdate: false,
      stages: [
        { stageName: 'Source', actions: [props.source._bind(source, pipelineRole)] },
        { stageName: 'Build', actions: [buildAction] },
        {
          stageName: 'ScanGate',
          actions: [new actions.CodeBuildAction({ actionName: 'ScanGate', project: scan, input: source, environmentVariables: { IMAGE_DIGEST: digest } })],
        },
        {
          stageName: 'Test',
          actions: [new actions.CodeBuildAction({ actionName: 'SmokeTest', project: test, input: source, environmentVariables: { IMAGE_DIGEST: digest } })],
        },
        { stageName: 'Promote', actions: [promoteAction] },
      ],
    });
    // A new version of an S3 source object starts the pipeline (an EventBridge rule, no polling).
    if (props.source._needsTriggerRule) {
      const sourceTriggerRole = new ManagedPolicyRole(this, 'SourceTriggerRole', {
        assumedBy: accountScopedServicePrincipal(this, 'events.amazonaws.com'),
        description: `Starts the image build pipeline of ${props.repositoryName} when its source changes`,
      });
      this.sourceTriggerRule = props.source._bindTrigger(this, this.pipeline, { eventRole: sourceTriggerRole });
    }
    this.imageDigestVariable = promoteAction.variable('IMAGE_DIGEST');
    this.imageUriVariable = promoteAction.variable('IMAGE_URI');

    if (props.permissionsBoundary) {
      iam.PermissionsBoundary.of(this).apply(props.permissionsBoundary);
    }
  }
}

interface ProjectOptions extends Omit<PipelineProjectOptions, 'writesArtifacts' | 'roleAcknowledgements'> {
  readonly privileged: boolean;
  readonly writesArtifacts?: boolean;
  /** Whether the project logs Docker in to ECR (`ecr:GetAuthorizationToken` on `*`). */
  readonly dockerLogin: boolean;
}

/** The acknowledgement on the role of a project that logs Docker in to ECR. */
const DOCKER_LOGIN_ACKNOWLEDGEMENT = {
  'AwsSolutions-IAM5[Resource::*]': 'ecr:GetAuthorizationToken (the Docker login to ECR) has no resource-level permissions; every image action is limited to named repositories.',
};

/** A buildspec with one build phase, bash, and the given exported variables. */
function buildSpec(exported: string[], commands: string[]): Record<string, unknown> {
  return {
    version: '0.2',
    env: exported.length > 0 ? { 'shell': 'bash', 'exported-variables': exported } : { shell: 'bash' },
    phases: { build: { commands } },
  };
}


/** Adds ECR actions on one repository (and `ecr:GetAuthorizationToken` for Docker logins) to a project's role. */
function grantEcr(project: codebuild.IProject, repository: ecr.IRepository, ecrActions: string[], dockerLoginNeeded = true): void {
  iam.Grant.addToPrincipal({ grantee: project, actions: ecrActions, resourceArns: [repository.repositoryArn] });
  if (dockerLoginNeeded) {
    iam.Grant.addToPrincipal({ grantee: project, actions: ['ecr:GetAuthorizationToken'], resourceArns: ['*'] });
  }
}

function validatePipelineProps(props: ImageBuildPipelineProps): void {
  const base = props.baseImageUri;
  if (base !== undefined && !Token.isUnresolved(base)) {
    if (!/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[a-z0-9._/-]+(:[\w.-]+|@sha256:[0-9a-f]{64})$/.test(base)) {
      throw new Error(
        `ImageBuildPipeline: baseImageUri ${JSON.stringify(base)} is not an ECR image; the build has no internet, so write an image of the central registry or of an ECR pull-through cache, by tag or digest, e.g. '333333333333.dkr.ecr.eu-central-1.amazonaws.com/vwml/python:3.11-slim'`,
      );
    }
  }
  if (base !== undefined && (props.baseImageRepositories ?? []).length === 0) {
    throw new Error('ImageBuildPipeline: baseImageUri is set without baseImageRepositories; add the repository of the base image there, so that the build may log in and pull it');
  }
  if (props.testWithPackageMirror && !props.packageMirror) {
    throw new Error('ImageBuildPipeline: testWithPackageMirror is set without packageMirror; give the package mirror the Test project should install test packages from, or leave testWithPackageMirror out');
  }
  if (props.baseImageCachePath !== undefined && base !== undefined) {
    throw new Error('ImageBuildPipeline: baseImageUri and baseImageCachePath are both set; give baseImageUri to name the base image, or baseImageCachePath to build on the Dockerfile\'s own pinned ECR Public image through the cache');
  }
  if (props.baseImageCachePath !== undefined && !Token.isUnresolved(props.baseImageCachePath)
    && !/^\d{12}\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[a-z0-9._/-]+[a-z0-9]$/.test(props.baseImageCachePath)) {
    throw new Error(`ImageBuildPipeline: baseImageCachePath ${JSON.stringify(props.baseImageCachePath)} is not the registry path of a pull-through cache; write <account>.dkr.ecr.<region>.amazonaws.com/<cache prefix>, e.g. '333333333333.dkr.ecr.eu-central-1.amazonaws.com/vwml-ecr-public'`);
  }
  if (props.baseImageCachePath !== undefined && (props.baseImageRepositories ?? []).length === 0) {
    throw new Error('ImageBuildPipeline: baseImageCachePath is set without baseImageRepositories; add the cached repository of the base image there, so that the build may log in and pull it');
  }
  if (!props.registry.repositoryNames.includes(props.repositoryName)) {
    throw new Error(
      `ImageBuildPipeline: repositoryName ${JSON.stringify(props.repositoryName)} is not a repository of the registry; use one of ${props.registry.repositoryNames.join(', ')}`,
    );
  }
  if (props.smokeTestCommands.length === 0 || props.smokeTestCommands.some((c) => c.trim().length === 0)) {
    throw new Error('ImageBuildPipeline: smokeTestCommands is empty or has an empty command; give at least one command, e.g. \'docker run --rm --network none "$IMAGE_URI" python -c "import app"\'');
  }
  if (props.failOnSeverities !== undefined && props.failOnSeverities.length === 0) {
    throw new Error('ImageBuildPipeline: failOnSeverities is empty, so the ScanGate would pass every image; name the blocking severities, or omit it for CRITICAL and HIGH');
  }
  if (props.scanTimeout !== undefined && props.scanTimeout.toMinutes({ integral: false }) < 1) {
    throw new Error('ImageBuildPipeline: scanTimeout is shorter than a minute; ECR scans take minutes, give at least Duration.minutes(5)');
  }
  if (props.scanTimeout !== undefined && props.scanTimeout.toMinutes({ integral: false }) > 470) {
    throw new Error('ImageBuildPipeline: scanTimeout is longer than 470 minutes; the ScanGate project must finish within CodeBuild\'s 8-hour limit');
  }
  const candidateDays = props.candidateImageExpiry?.toDays({ integral: false });
  if (candidateDays !== undefined && (!Number.isInteger(candidateDays) || candidateDays < 1)) {
    throw new Error('ImageBuildPipeline: candidateImageExpiry must be a whole number of days, at least Duration.days(1)');
  }
  for (const [prop, value] of [['dockerfilePath', props.dockerfilePath], ['buildContext', props.buildContext]] as const) {
    if (value !== undefined && (value.length === 0 || value.startsWith('/') || value.split('/').includes('..'))) {
      throw new Error(`ImageBuildPipeline: ${prop} ${JSON.stringify(value)} must be a path inside the source, relative to its root, without '..', e.g. 'docker/Dockerfile'`);
    }
  }
  checkPipelineProjectNetwork('ImageBuildPipeline', props);
}
