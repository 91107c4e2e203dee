import { Duration } from 'aws-cdk-lib';
import * as codebuild from 'aws-cdk-lib/aws-codebuild';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ImageRegistry } from './image-registry';
import { PackageMirrorReference } from './package-mirror-reference';
import { PipelineSource } from '../core/pipeline-source';

/**
 * A severity of an ECR image scan finding.
 */
export enum ScanSeverity {
  /** CRITICAL */
  CRITICAL = 'CRITICAL',
  /** HIGH */
  HIGH = 'HIGH',
  /** MEDIUM */
  MEDIUM = 'MEDIUM',
  /** LOW */
  LOW = 'LOW',
  /** INFORMATIONAL */
  INFORMATIONAL = 'INFORMATIONAL',
  /** UNDEFINED (the scanner could not rate the finding) */
  UNDEFINED = 'UNDEFINED',
}

/**
 * Props of an `ImageBuildPipeline`.
 */
export interface ImageBuildPipelineProps {
  /** The customer-managed key for the artifact bucket, the candidate repository, the CodeBuild projects and their logs. */
  readonly encryptionKey: kms.IKey;

  /** Where the Dockerfile and build context come from. */
  readonly source: PipelineSource;

  /** The registry that receives the promoted image. */
  readonly registry: ImageRegistry;

  /** The registry repository the image is promoted to (one of the registry's `repositoryNames`). */
  readonly repositoryName: string;

  /**
   * The smoke test: shell commands run after the candidate image has been pulled, by digest, into
   * the test project's Docker daemon; `$IMAGE_URI` names it (`<candidate repository>@sha256:...`).
   * A command that exits non-zero fails the pipeline before promotion. Run containers with
   * `--network none` unless the test needs the network.
   *
   * @example ['docker run --rm --network none "$IMAGE_URI" python -c "import sklearn, sagemaker_inference"']
   */
  readonly smokeTestCommands: string[];

  /**
   * Give the Test project the package mirror as well: before `smokeTestCommands` it exports
   * `PIP_INDEX_URL` (with a fresh CodeArtifact token), so that the smoke test can build a test image on
   * the candidate with test-only packages (`docker build --secret id=pip-index-url,env=PIP_INDEX_URL`)
   * and run the code's own tests inside the image. Needs `packageMirror`.
   * @default false
   */
  readonly testWithPackageMirror?: boolean;

  /**
   * The Dockerfile, relative to the source root.
   * @default 'Dockerfile'
   */
  readonly dockerfilePath?: string;

  /**
   * The build context directory, relative to the source root.
   * @default '.'
   */
  readonly buildContext?: string;

  /**
   * Scan findings of these severities fail the ScanGate stage.
   * @default [ScanSeverity.CRITICAL, ScanSeverity.HIGH]
   */
  readonly failOnSeverities?: ScanSeverity[];

  /**
   * How long the ScanGate waits for the scan result before it fails (it fails closed).
   * @default Duration.minutes(30)
   */
  readonly scanTimeout?: Duration;

  /**
   * Repositories the Dockerfile's base images come from (`FROM <account>.dkr.ecr...`); the build
   * project logs in to their registries and may pull from them (a repository of another account must
   * also allow this account in its repository policy). Builds without internet access cannot pull
   * from Docker Hub.
   * @default - no base-image repositories: the build only pushes to the candidate repository
   */
  readonly baseImageRepositories?: ecr.IRepository[];

  /**
   * The base image of the build, from the central registry (or an ECR pull-through cache): passed as
   * `--build-arg BASE_IMAGE=<uri>`, so that the Dockerfile says `ARG BASE_IMAGE` and `FROM ${BASE_IMAGE}`
   * instead of naming a Docker Hub image. Its repository must be one of `baseImageRepositories` (login
   * and pull rights).
   * @default - no build argument: the Dockerfile names its base images itself
   */
  readonly baseImageUri?: string;

  /**
   * The registry path of an ECR pull-through cache of ECR Public
   * (`<account>.dkr.ecr.<region>.amazonaws.com/<cache prefix>`) that the Dockerfile's own pinned base image
   * comes through: the Build reads the default of `ARG BASE_IMAGE=public.ecr.aws/<path>:<tag>@sha256:<digest>`
   * and passes `--build-arg BASE_IMAGE=<cache path>/<path>:<tag>@sha256:<digest>`, so the image is built on
   * exactly the digest the repository pins (a Dockerfile whose default is not on `public.ecr.aws` fails
   * the Build). The cached repositories must be among `baseImageRepositories`. Not together with
   * `baseImageUri`.
   * @default - no rewrite
   */
  readonly baseImageCachePath?: string;

  /**
   * The CodeArtifact mirror `pip` installs from inside `docker build`. The Build project gets the mirror's
   * reader statements and hands the index URL, with a fresh CodeArtifact token in it, to the build as
   * the BuildKit secret `pip-index-url` (never as a build argument, which the image history would keep):
   * `RUN --mount=type=secret,id=pip-index-url PIP_INDEX_URL="$(cat /run/secrets/pip-index-url)" pip install -r requirements.txt`.
   * @default - no mirror: the Dockerfile's package installs need internet access
   */
  readonly packageMirror?: PackageMirrorReference;

  /**
   * The compute type of the Build project (ML images are large).
   * @default codebuild.ComputeType.MEDIUM
   */
  readonly buildComputeType?: codebuild.ComputeType;

  /**
   * How long candidate images (built, possibly failed, never promoted) are kept in the candidate repository.
   * @default Duration.days(30)
   */
  readonly candidateImageExpiry?: Duration;

  /**
   * The VPC the CodeBuild projects run in. It must reach ECR (api and dkr), S3, CloudWatch Logs, KMS
   * and STS (and CodeArtifact, with `packageMirror`), through VPC endpoints when it has no internet
   * egress. In a VPC the Build project first checks the Dockerfile: every `FROM` must be an ECR image, a
   * build argument, an earlier stage or `scratch`, or the build fails with that message (instead of a
   * network timeout when docker tries Docker Hub). Use a stack with a concrete account
   * and region: CodeBuild's network-interface permission is then written with literal ARNs, and its
   * compliance finding is acknowledged by that exact ARN.
   * @default - the projects run outside any VPC, in CodeBuild's network
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of the projects, when `vpc` is set.
   * @default - the VPC's private subnets
   */
  readonly subnetSelection?: ec2.SubnetSelection;

  /**
   * The security groups of the projects, when `vpc` is set.
   * @default - one security group with all outbound traffic allowed and no inbound rule
   */
  readonly securityGroups?: ec2.ISecurityGroup[];

  /**
   * A permissions boundary applied to every role this construct creates (pipeline, actions, projects).
   * @default - no permissions boundary
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;

  /**
   * The pipeline name.
   * @default - a name generated by CloudFormation
   */
  readonly pipelineName?: string;
}
