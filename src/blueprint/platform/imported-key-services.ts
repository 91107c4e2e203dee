import * as kms from 'aws-cdk-lib/aws-kms';
import { allowCloudWatchLogs } from '../../constructs/core/encrypted-log-group';
import {
  allowCloudWatchAlarmsToUseKey, allowEventBridgeToUseKey, allowLogDeliveryToUseKey, ImportedKeyWarning,
} from '../../constructs/core/key-grants';

/*
 * One contract between a key's owner and the use-case stacks that import it by ARN (the platform's ML key,
 * a use case's data key): the importing stacks cannot extend the key's policy for the services of their
 * log groups, alarm topics, dead-letter queues and state machine logs, so the owner's stack writes those
 * statements, and the importing stacks acknowledge the constructs' warnings about them.
 */

/** The warnings a use-case stack acknowledges for a key that `allowServicesOfImportingStacks` prepared. @internal */
export const IMPORTED_KEY_SERVICE_WARNINGS = [
  ImportedKeyWarning.LOGS, ImportedKeyWarning.ALARMS, ImportedKeyWarning.EVENTS, ImportedKeyWarning.LOG_DELIVERY,
];

/**
 * Lets CloudWatch Logs (log groups of the key's account and region), CloudWatch alarms, EventBridge and log
 * delivery of the key's account use a key that use-case stacks import.
 * @param key the key, in its owner's stack
 * @internal
 */
export function allowServicesOfImportingStacks(key: kms.Key): void {
  allowCloudWatchLogs(key);
  allowCloudWatchAlarmsToUseKey(key);
  allowEventBridgeToUseKey(key);
  allowLogDeliveryToUseKey(key);
}
