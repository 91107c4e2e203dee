import { Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DEFAULT_BASE_IMAGE, PullThroughCacheLocation } from './pull-through-cache';
import { acknowledgeRules } from '../../constructs/core/acknowledge';

/** The upstream of the base-image cache: ECR Public, which needs no credentials. */
export const BASE_IMAGE_UPSTREAM = 'public.ecr.aws';

export { DEFAULT_BASE_IMAGE } from './pull-through-cache';

/**
 * The ECR pull-through cache of RES for the base images of the image builds, whose CodeBuild projects
 * run in the isolated VPC without internet access: ECR fetches the upstream image from ECR Public on the
 * first pull (from the service side, not through the VPC) and keeps it in a repository of RES below the
 * cache's prefix, reached through the ECR endpoints of the VPC.
 */
export class BaseImageCache extends Construct {
  /** The repository prefix of the cache (`<prefix>-ecr-public`). */
  public readonly repositoryPrefix: string;
  /** The cached repository of the default base image. */
  public readonly baseImageRepository: ecr.IRepository;
  /** The default base image through the cache: `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>-ecr-public/docker/library/python:3.11-slim`. */
  public readonly baseImageUri: string;
  private readonly location: PullThroughCacheLocation;

  /**
   * @param scope the RES platform stack
   * @param id the construct id
   * @param platformPrefix the platform prefix (names the cache's repository prefix)
   */
  constructor(scope: Construct, id: string, platformPrefix: string) {
    super(scope, id);
    // literal names (the account and region of a platform stack are known): the build check reads the URI
    this.location = new PullThroughCacheLocation(Stack.of(this), platformPrefix);
    this.repositoryPrefix = this.location.repositoryPrefix;
    new ecr.CfnPullThroughCacheRule(this, 'Rule', {
      ecrRepositoryPrefix: this.repositoryPrefix,
      upstreamRegistry: 'ecr-public',
      upstreamRegistryUrl: BASE_IMAGE_UPSTREAM,
    });
    this.baseImageRepository = this.location.importBaseImageRepository(this, 'BaseImageRepository');
    const [repositoryPath, tag] = DEFAULT_BASE_IMAGE.split(':');
    this.baseImageUri = `${this.location.registryPath}/${repositoryPath}:${tag}`;
  }

  /**
   * Lets a build pull through the cache: the first pull of an image creates its repository below the
   * prefix and imports the upstream image (`ecr:CreateRepository`, `ecr:BatchImportUpstreamImage`); the
   * pull rights on the repository itself come with `ImageBuildPipeline`'s `baseImageRepositories`.
   * @param grantee the build project's role
   */
  public grantPullThrough(grantee: iam.IGrantable): iam.Grant {
    return grantPullThroughCache(grantee, this.location.repositoryArn('*'));
  }
}

/**
 * Lets a build pull through an ECR pull-through cache: the first pull of an image creates its repository
 * below the cache's prefix and imports the upstream image (`ecr:CreateRepository`,
 * `ecr:BatchImportUpstreamImage`); the pull rights on the cached repository come separately.
 * @param grantee the build project's role
 * @param cachedRepositoriesArn the ARN pattern of the cache's repositories, `arn:aws:ecr:<region>:<account>:repository/<prefix>/*`
 * @internal
 */
export function grantPullThroughCache(grantee: iam.IGrantable, cachedRepositoriesArn: string): iam.Grant {
  const grant = iam.Grant.addToPrincipal({ grantee, actions: ['ecr:CreateRepository', 'ecr:BatchImportUpstreamImage'], resourceArns: [cachedRepositoriesArn] });
  if (grant.principalStatement && grantee.grantPrincipal instanceof iam.Role) {
    acknowledgeRules(grantee.grantPrincipal, {
      [`AwsSolutions-IAM5[Resource::${cachedRepositoriesArn}]`]:
        'The pull-through cache creates one repository per upstream image below its own prefix on the first pull; the build may create and import only there.',
    });
  }
  return grant;
}
