import * as budgets from 'aws-cdk-lib/aws-budgets';
import { Construct } from 'constructs';
import { PlatformAccount } from '../config/platform-config';

/** The accounts where a use case's resources cost money, each with a budget of its own. */
export const BUDGET_ACCOUNTS: readonly PlatformAccount[] = [PlatformAccount.EXP, PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD];

/** The cost allocation tag budgets filter on, as AWS Budgets names a user-defined tag. */
export const BUDGET_TAG_KEY = 'user:mlops:use-case';

/** Props of `UseCaseBudget`. */
export interface UseCaseBudgetProps {
  /** The use case. */
  readonly useCaseName: string;
  /** The account the budget is in (its costs only). */
  readonly account: PlatformAccount;
  /** The monthly limit in US dollars. */
  readonly monthlyBudgetUsd: number;
  /** The budget's name. */
  readonly budgetName: string;
  /**
   * Who is told at 80 % and 100 % of actual and 100 % of forecasted cost.
   * @default - no notification (the budget shows in the Billing console only)
   */
  readonly notificationEmail?: string;
}

/**
 * A monthly cost budget of one use case in one account: the costs of the resources tagged
 * `mlops:use-case=<name>` (the tag must be activated as a cost allocation tag in the management account),
 * with e-mail notifications to the team. A budget in a member account sees that account's costs only, so
 * each account the use case spends in (EXP, DEV, INT, PROD) gets one with the use case's whole budget:
 * it warns when that account alone reaches it; the sum over accounts is in Cost Explorer of the management
 * account, grouped by the tag.
 */
export class UseCaseBudget extends Construct {
  /** The budget. */
  public readonly budget: budgets.CfnBudget;

  /**
   * @param scope the use case's onboarding stack of the account
   * @param id the construct id
   * @param props the use case, the account and the limit
   */
  constructor(scope: Construct, id: string, props: UseCaseBudgetProps) {
    super(scope, id);
    const subscribers = props.notificationEmail ? [{ subscriptionType: 'EMAIL', address: props.notificationEmail }] : undefined;
    const notify = (notificationType: string, threshold: number) => ({
      notification: { notificationType, comparisonOperator: 'GREATER_THAN', threshold, thresholdType: 'PERCENTAGE' },
      subscribers: subscribers!,
    });
    this.budget = new budgets.CfnBudget(this, 'Budget', {
      budget: {
        budgetName: props.budgetName,
        budgetType: 'COST',
        timeUnit: 'MONTHLY',
        budgetLimit: { amount: props.monthlyBudgetUsd, unit: 'USD' },
        filterExpression: { tags: { key: BUDGET_TAG_KEY, values: [props.useCaseName], matchOptions: ['EQUALS'] } },
      },
      notificationsWithSubscribers: subscribers ? [notify('ACTUAL', 80), notify('ACTUAL', 100), notify('FORECASTED', 100)] : undefined,
    });
  }
}
