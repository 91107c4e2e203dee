import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { PlatformKey } from '../../constructs/security';
import { PlatformAccount } from '../config/platform-config';
import { allowServicesOfImportingStacks } from '../platform/imported-key-services';
import { SERVING_STAGES, UseCaseNames } from '../usecase/usecase-names';

/**
 * Props of `UseCaseDataKey`.
 */
export interface UseCaseDataKeyProps {
  /** The use case's names. */
  readonly names: UseCaseNames;
  /** The serving account of the key (DEV, INT or PROD). */
  readonly account: PlatformAccount;
}

/**
 * The key of one use case's data in one serving account (DEV, INT, PROD): data capture, batch inputs and
 * outputs, ground truth, monitoring reports, the log groups, topics and queues of its serving stack, and
 * the SageMaker volumes of its endpoint, transform and monitoring jobs. Alias `<prefix>/<use case>/data`;
 * its ARN is published in the SSM parameter `/<prefix>/usecase/<use case>/data-key-arn`, which the use
 * case's serving stack reads at deploy time.
 *
 * It lives in the use case's onboarding stack, which the platform team deploys: the use case's own
 * CloudFormation execution role can neither create nor change it (its deny on resources tagged with
 * another use case keeps every other use case's execution role off it). Its policy is the platform's
 * (`PlatformKey`: this account administers it through IAM; only roles granted in their identity policies
 * use it, which are the use case's own roles), plus the services the serving stack's resources need:
 * CloudWatch Logs for the log groups of this account and region, CloudWatch alarms and EventBridge for
 * the alarm topics and dead-letter queues, and the log delivery of Step Functions.
 *
 * One customer-managed key costs 1 USD a month: three per use case (DEV, INT, PROD).
 */
export class UseCaseDataKey extends Construct {
  /** The key. */
  public readonly key: PlatformKey;
  /** The SSM parameter that holds the key's ARN. */
  public readonly parameter: ssm.StringParameter;

  /**
   * @param scope the use case's onboarding stack of the account
   * @param id the construct id
   * @param props the names and the account
   */
  constructor(scope: Construct, id: string, props: UseCaseDataKeyProps) {
    super(scope, id);
    const { names, account } = props;
    if (!(SERVING_STAGES as readonly PlatformAccount[]).includes(account)) {
      throw new Error(`UseCaseDataKey ${names.useCase}: account must be DEV, INT or PROD (a serving account), not ${account.toUpperCase()}`);
    }
    this.key = new PlatformKey(this, 'Key', {
      aliasName: names.dataKeyAlias.replace(/^alias\//, ''),
      description: `${names.base}: its data in ${account.toUpperCase()} (data capture, batch inference, ground truth, monitoring, logs, SageMaker volumes)`,
    });
    allowServicesOfImportingStacks(this.key.key);
    this.parameter = new ssm.StringParameter(this, 'KeyArn', {
      parameterName: names.dataKeyParameterName,
      stringValue: this.key.keyArn,
      description: `The ARN of the data key of ${names.useCase} in ${account.toUpperCase()} (${names.dataKeyAlias}), for its serving stack`,
    });
  }
}
