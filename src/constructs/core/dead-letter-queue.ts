import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { acknowledgeRules } from './acknowledge';

/**
 * Settings of a dead-letter queue.
 * @internal
 */
export interface DeadLetterQueueOptions {
  /** The customer-managed key of the queue. */
  readonly encryptionKey: kms.IKey;
  /** Why this queue has no dead-letter queue of its own (the reason for `AwsSolutions-SQS3`). */
  readonly whyNoDeadLetterQueue: string;
  /**
   * How long messages are kept.
   * @default Duration.days(14)
   */
  readonly retentionPeriod?: Duration;
  /**
   * What happens to the queue when it leaves the stack.
   * @default - the SQS default (deleted)
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * A dead-letter queue: KMS-encrypted with the given key, TLS only, 14 days of retention, and the
 * acknowledgement that it needs no dead-letter queue itself.
 * @internal
 */
export function createDeadLetterQueue(scope: Construct, id: string, options: DeadLetterQueueOptions): sqs.Queue {
  const queue = new sqs.Queue(scope, id, {
    encryption: sqs.QueueEncryption.KMS,
    encryptionMasterKey: options.encryptionKey,
    enforceSSL: true,
    retentionPeriod: options.retentionPeriod ?? Duration.days(14),
    removalPolicy: options.removalPolicy,
  });
  acknowledgeRules(queue, { 'AwsSolutions-SQS3': options.whyNoDeadLetterQueue });
  return queue;
}
