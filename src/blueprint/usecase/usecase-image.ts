import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { SERVING_STAGES, UseCaseNames } from './usecase-names';
import { ImageBuildPipeline, ImageRegistry } from '../../constructs/artifacts';
import { PipelineSource } from '../../constructs/core';
import { PlatformAccount } from '../config/platform-config';
import { grantPullThroughCache } from '../platform/base-image-cache';
import { platformPackageMirror } from '../platform/platform-mirror';
import { PullThroughCacheLocation } from '../platform/pull-through-cache';

/**
 * What the Test stage of the use case's image build runs against the candidate, by digest: the image's
 * Python is the ML code's minor version, every module of the code imports with the installed packages
 * and the entrypoints are there (without network); then the ML tests of `ml/tests` run inside the image:
 * a test image on the candidate adds only `requirements-dev.txt` (pytest, from the package mirror) and the
 * tests, and pytest runs in it without network.
 * @param context the directory of the source that holds `ml/` (`.` for the zip of `ml/`)
 * @internal
 */
export function useCaseImageTests(context: string): string[] {
  const dockerfile = 'Dockerfile.ml-test';
  return [
    'docker run --rm --network none --entrypoint python3 "$IMAGE_URI" -c '
      + '"import importlib, pathlib, sys; assert sys.version_info[:2] == (3, 11), sys.version; sys.path.insert(0, \'/opt/ml/code\'); '
      + '[importlib.import_module(p.stem) for p in sorted(pathlib.Path(\'/opt/ml/code\').glob(\'*.py\'))]; print(\'imports ok on\', sys.version)"',
    'docker run --rm --network none --entrypoint sh "$IMAGE_URI" -c \'command -v train && command -v serve\'',
    `ML_DIR="$CODEBUILD_SRC_DIR/${context}"`,
    // a Dockerfile of its own, outside the build context, with its own ignore file (BuildKit reads
    // <Dockerfile>.dockerignore beside it): the image's .dockerignore leaves the tests out
    'printf \'%s\\n\' \'ARG IMAGE\' \'FROM ${IMAGE}\' \'COPY requirements-dev.txt /opt/ml/test/requirements-dev.txt\' '
      + '\'RUN --mount=type=secret,id=pip-index-url PIP_INDEX_URL="$(cat /run/secrets/pip-index-url)" python3 -m pip install --no-cache-dir -r /opt/ml/test/requirements-dev.txt\' '
      + `'COPY . /opt/ml/test' 'WORKDIR /opt/ml/test' > "/tmp/${dockerfile}"`,
    `printf '%s\\n' '.venv' '**/__pycache__' '.pytest_cache' '.ruff_cache' 'data' > "/tmp/${dockerfile}.dockerignore"`,
    `DOCKER_BUILDKIT=1 docker build --file "/tmp/${dockerfile}" --build-arg IMAGE="$IMAGE_URI" --secret id=pip-index-url,env=PIP_INDEX_URL --tag ml-test "$ML_DIR"`,
    'docker run --rm --network none ml-test python3 -m pytest -q -p no:cacheprovider',
  ];
}

/**
 * Props of `UseCaseImageBuild`.
 */
export interface UseCaseImageBuildProps {
  /** The use case's names. */
  readonly names: UseCaseNames;
  /** The key of the repository, the pipeline's artifacts and logs (the deployment stack's key). */
  readonly encryptionKey: kms.IKey;
  /** Where the image's build context comes from: the zip of the repository's `ml/`, or the repository itself. */
  readonly source: PipelineSource;
  /**
   * The directory of the source that holds the Dockerfile and is the build context.
   * @default '.' (the source is the `ml/` directory)
   */
  readonly buildContext?: string;
  /**
   * The VPC the builds run in (RES's isolated network).
   * @default - CodeBuild's network
   */
  readonly vpc?: ec2.IVpc;
  /**
   * The permissions boundary of the pipeline's roles.
   * @default - none
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;
}

/**
 * The use case's own image, built in RES from its repository (`ml/Dockerfile`: Python and exactly
 * `ml/requirements.txt`, the code in `/opt/ml/code`): its repository of the central registry
 * (`<prefix>/usecase/<use case>`, immutable tags, scan on push, the stack's key) and an
 * `ImageBuildPipeline` that builds it on every new source, on the Dockerfile's pinned ECR Public base image
 * through the platform's pull-through cache and with pip through the CodeArtifact mirror of EXP, gates
 * it on the scan (CRITICAL, HIGH), runs the code's imports and its ML tests inside the image
 * (`useCaseImageTests`) and promotes it by digest.
 *
 * Only the use case's own roles may pull it: the pipeline role of EXP (processing and training jobs) and
 * the endpoint and batch model roles of DEV, INT and PROD (the model's container); the repository policy
 * names the accounts and admits exactly these role ARNs (`aws:PrincipalArn`), so another use case's
 * roles in the same accounts are denied.
 */
export class UseCaseImageBuild extends Construct {
  /** The repository of the use case's images (a registry with this one repository). */
  public readonly registry: ImageRegistry;
  /** The repository. */
  public readonly repository: ecr.IRepository;
  /** The image build pipeline. */
  public readonly pipeline: ImageBuildPipeline;
  /** The roles that may pull the image, by ARN. */
  public readonly pullerRoleArns: string[];

  /**
   * @param scope the use case's deployment stack in RES
   * @param id the construct id
   * @param props the names, key, source and network
   */
  constructor(scope: Construct, id: string, props: UseCaseImageBuildProps) {
    super(scope, id);
    const names = props.names;
    const config = names.platform.config;
    const stack = Stack.of(this);
    this.pullerRoleArns = [
      names.roleArn(PlatformAccount.EXP, names.pipelineRoleName),
      ...SERVING_STAGES.flatMap((stage) => [
        names.roleArn(stage, names.endpointRoleName(stage)),
        names.roleArn(stage, names.batchModelRoleName(stage)),
      ]),
    ];
    const pullAccounts = [PlatformAccount.EXP, ...SERVING_STAGES].map((a) => config.account(a).accountId).filter((a, i, all) => all.indexOf(a) === i);
    this.registry = new ImageRegistry(this, 'Registry', {
      encryptionKey: props.encryptionKey,
      repositoryNames: [names.imageRepositoryName],
      pullAccountIds: pullAccounts,
      pullPrincipalArns: this.pullerRoleArns,
    });
    this.repository = this.registry.repository(names.imageRepositoryName);

    // the Dockerfile's pinned base image (ECR Public) through the platform's pull-through cache of RES
    const cache = new PullThroughCacheLocation(stack, config.prefix);
    const baseRepository = cache.importBaseImageRepository(this, 'BaseImageRepository');
    const context = props.buildContext ?? '.';
    this.pipeline = new ImageBuildPipeline(this, 'Pipeline', {
      pipelineName: names.imageBuildPipelineName,
      encryptionKey: props.encryptionKey,
      source: props.source,
      registry: this.registry,
      repositoryName: names.imageRepositoryName,
      buildContext: context,
      dockerfilePath: context === '.' ? 'Dockerfile' : `${context}/Dockerfile`,
      smokeTestCommands: useCaseImageTests(context),
      testWithPackageMirror: true,
      vpc: props.vpc,
      packageMirror: platformPackageMirror(names.platform),
      baseImageRepositories: [baseRepository],
      baseImageCachePath: cache.registryPath,
      permissionsBoundary: props.permissionsBoundary,
    });
    grantPullThroughCache(this.pipeline.buildProject, cache.repositoryArn('*'));
  }
}
