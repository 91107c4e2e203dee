/**
 * Issue 18: a monthly budget per use case from useCases[].monthlyBudgetUsd, filtered by the cost
 * allocation tag mlops:use-case, in each account the use case spends in, e-mailing the team if configured.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { ComplianceCheck, MlopsPlatform, PlatformAccount, PlatformConfig } from '../../../src';

function platformWith(useCase: Record<string, unknown>): MlopsPlatform {
  const props = PlatformConfig.sample().toJson();
  props.useCases = [{ name: 'weld-gun-pm', team: 'mlops-weld-gun-pm', repository: 'vw-mlops/weld-gun-pm', ...useCase }];
  return new MlopsPlatform(new App(), 'Platform', { config: PlatformConfig.fromObject(props) });
}

describe('use-case budgets', () => {
  const platform = platformWith({ monthlyBudgetUsd: 600, budgetNotificationEmail: 'mlops-weld@example.com' });
  const onboarding = platform.useCases[0];

  test.each([PlatformAccount.EXP, PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD])(
    '%s: one budget of the whole amount, filtered by the use-case tag, notifying the team',
    (account) => {
      const stack = onboarding.tryFindStack(account);
      expect(stack).toBeDefined();
      const budgets = Template.fromStack(stack!).findResources('AWS::Budgets::Budget');
      expect(Object.values(budgets).map((b: any) => b.Properties)).toEqual([
        {
          Budget: {
            BudgetName: `vwml-weld-gun-pm-${account}`,
            BudgetType: 'COST',
            TimeUnit: 'MONTHLY',
            BudgetLimit: { Amount: 600, Unit: 'USD' },
            FilterExpression: { Tags: { Key: 'user:mlops:use-case', Values: ['weld-gun-pm'], MatchOptions: ['EQUALS'] } },
          },
          NotificationsWithSubscribers: [
            ['ACTUAL', 80],
            ['ACTUAL', 100],
            ['FORECASTED', 100],
          ].map(([type, threshold]) => ({
            Notification: { NotificationType: type, ComparisonOperator: 'GREATER_THAN', Threshold: threshold, ThresholdType: 'PERCENTAGE' },
            Subscribers: [{ SubscriptionType: 'EMAIL', Address: 'mlops-weld@example.com' }],
          })),
        },
      ]);
    },
  );

  test('no budget in DATA and RES (no use-case spending there), and the app stays nag-clean', () => {
    for (const account of [PlatformAccount.DATA, PlatformAccount.RES]) {
      const stack = onboarding.tryFindStack(account);
      if (stack) Template.fromStack(stack).resourceCountIs('AWS::Budgets::Budget', 0);
    }
    expect(ComplianceCheck.run(platform.node.scope as App).errors).toEqual([]);
  });

  test('without an e-mail address the budget has no notification', () => {
    const p = platformWith({ monthlyBudgetUsd: 100 });
    const budgets = Template.fromStack(p.useCases[0].tryFindStack(PlatformAccount.PROD)!).findResources('AWS::Budgets::Budget');
    expect(Object.values(budgets).map((b: any) => b.Properties.NotificationsWithSubscribers)).toEqual([undefined]);
  });

  test('without monthlyBudgetUsd there is no budget anywhere', () => {
    const p = platformWith({});
    for (const stack of p.useCases[0].stacks) Template.fromStack(stack).resourceCountIs('AWS::Budgets::Budget', 0);
  });

  test('a bad e-mail address, or one without a budget, fails validation naming the field', () => {
    const props = PlatformConfig.sample().toJson();
    const base = { name: 'weld-gun-pm', team: 'mlops-weld-gun-pm', repository: 'vw-mlops/weld-gun-pm' };
    props.useCases = [{ ...base, monthlyBudgetUsd: 5, budgetNotificationEmail: 'team' }];
    expect(PlatformConfig.validate(props)).toEqual([
      'useCases[0].budgetNotificationEmail: "team" is not an e-mail address; write one address, e.g. "mlops-team@example.com", or remove the key',
    ]);
    props.useCases = [{ ...base, budgetNotificationEmail: 'team@example.com' }];
    expect(PlatformConfig.validate(props)).toEqual([
      'useCases[0].budgetNotificationEmail: notifies about a budget that does not exist; add monthlyBudgetUsd, e.g. 500, or remove the key',
    ]);
  });
});
