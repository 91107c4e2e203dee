import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';

/**
 * Adds a statement to the policy of a key of this app (once per key and marker) that lets an AWS
 * service principal use the key; imported keys are left alone (their policy is managed elsewhere).
 *
 * @param key the key
 * @param marker names the grant: a second call with the same marker adds nothing
 * @param sid the statement id
 * @param service the service principal, e.g. `cloudwatch.amazonaws.com`
 * @param actions the KMS actions
 * @param conditions the statement's conditions
 * @internal
 */
export function allowServiceToUseKey(
  key: kms.IKey,
  marker: string,
  sid: string,
  service: string,
  actions: string[],
  conditions?: Record<string, any>,
): void {
  const symbol = Symbol.for(marker);
  if (!(key instanceof kms.Key) || (key as any)[symbol]) return;
  key.addToResourcePolicy(
    new iam.PolicyStatement({
      sid,
      principals: [new iam.ServicePrincipal(service)],
      actions,
      resources: ['*'],
      conditions,
    }),
  );
  (key as any)[symbol] = true;
}

/**
 * Lets CloudWatch alarms publish to topics encrypted with this key (once per key, whichever construct
 * asks first).
 * @internal
 */
export function allowCloudWatchAlarmsToUseKey(key: kms.IKey): void {
  allowServiceToUseKey(key, 'vw-mlops-blueprint.cloudwatch-alarms-granted', 'AllowCloudWatchAlarmsToPublishToEncryptedTopics', 'cloudwatch.amazonaws.com', [
    'kms:Decrypt',
    'kms:GenerateDataKey*',
  ]);
}

/**
 * Lets EventBridge rules of this account deliver to topics and queues encrypted with this key.
 * @internal
 */
export function allowEventBridgeToUseKey(key: kms.IKey): void {
  const account = Stack.of(key).account;
  allowServiceToUseKey(
    key,
    'vw-mlops-blueprint.eventbridge-granted',
    'AllowEventBridgeRulesOfThisAccountToDeliverToEncryptedTargets',
    'events.amazonaws.com',
    ['kms:Decrypt', 'kms:GenerateDataKey*'],
    { StringEquals: { 'aws:SourceAccount': account } },
  );
}
