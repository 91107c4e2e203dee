import { Stack } from 'aws-cdk-lib';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import { Construct } from 'constructs';
import { urlSuffixOfRegion } from '../../constructs/core/iam-findings';
import { partitionOf } from '../config/regions';

/** The base image of the image builds: Python 3.11 (the ML code's minor version) from Docker's official images. */
export const DEFAULT_BASE_IMAGE = 'docker/library/python:3.11-slim';

/**
 * Where the platform's pull-through cache of ECR Public is in a RES stack, by name: the stack that creates
 * it (`BaseImageCache`) and the use cases' image builds (other stacks of RES) name it the same way.
 * @internal
 */
export class PullThroughCacheLocation {
  /** The repository prefix of the cache (`<prefix>-ecr-public`). */
  public readonly repositoryPrefix: string;
  /** The cache's registry path: `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>-ecr-public`. */
  public readonly registryPath: string;
  private readonly stack: Stack;

  /**
   * @param stack a stack of RES (literal account and region)
   * @param platformPrefix the platform prefix
   */
  constructor(stack: Stack, platformPrefix: string) {
    this.stack = stack;
    this.repositoryPrefix = `${platformPrefix}-ecr-public`;
    const urlSuffix = urlSuffixOfRegion(stack.region);
    this.registryPath = `${stack.account}.dkr.ecr.${stack.region}.${urlSuffix}/${this.repositoryPrefix}`;
  }

  /**
   * The ARN of a cached repository, or with `*` of all of them.
   * @param path the upstream path, e.g. `docker/library/python`
   */
  public repositoryArn(path: string): string {
    const s = this.stack;
    return `arn:${partitionOf(s.region)}:ecr:${s.region}:${s.account}:repository/${this.repositoryPrefix}/${path}`;
  }

  /**
   * The cached repository of the default base image (`DEFAULT_BASE_IMAGE`), imported.
   * @param scope the construct to import it in
   * @param id its id
   */
  public importBaseImageRepository(scope: Construct, id: string): ecr.IRepository {
    const path = DEFAULT_BASE_IMAGE.split(':')[0];
    return ecr.Repository.fromRepositoryAttributes(scope, id, {
      repositoryName: `${this.repositoryPrefix}/${path}`,
      repositoryArn: this.repositoryArn(path),
    });
  }
}
