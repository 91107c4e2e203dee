import { AspectPriority, Aspects, IAspect } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { useCaseBucketStatement } from '../../constructs/security/use-case-isolation';

/**
 * Adds to the policy of every S3 bucket of a scope the statement that admits only the use case's principals
 * (`useCaseBucketStatement`): buckets the stack creates later in its constructor, or that a user adds to
 * the stack, are covered too.
 */
class OwnerOnlyBuckets implements IAspect {
  private readonly done = new Set<s3.Bucket>();

  constructor(private readonly useCase: string) {}

  public visit(node: IConstruct): void {
    if (!(node instanceof s3.Bucket) || this.done.has(node)) return;
    this.done.add(node);
    node.addToResourcePolicy(useCaseBucketStatement(node.bucketArn, this.useCase));
  }
}

/**
 * Restricts every bucket created in a use case's stack to the use case's own principals (roles tagged
 * `mlops:use-case=<use case>`, and people whose session carries that tag).
 * @param scope the use case's stack
 * @param useCase the use case's name
 * @internal
 */
export function restrictBucketsToUseCase(scope: IConstruct, useCase: string): void {
  Aspects.of(scope).add(new OwnerOnlyBuckets(useCase), { priority: AspectPriority.MUTATING });
}
