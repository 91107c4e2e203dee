import { ArnFormat, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { EncryptedLogGroup } from '../core/encrypted-log-group';

/** The managed rule groups of the created web ACL, in priority order. */
const MANAGED_GROUPS: Array<{ name: string; countOnly?: string[] }> = [
  { name: 'AWSManagedRulesAmazonIpReputationList' },
  // SizeRestrictions_BODY blocks bodies over 8 KB: ordinary for inference payloads, so it only counts
  { name: 'AWSManagedRulesCommonRuleSet', countOnly: ['SizeRestrictions_BODY'] },
  { name: 'AWSManagedRulesKnownBadInputsRuleSet' },
];

/** Headers that carry credentials: never written to the WAF logs. */
const REDACTED_HEADERS = ['authorization', 'x-api-key', 'x-amz-security-token'];

/** What the created web ACL needs. */
export interface ManagedRulesWebAclProps {
  readonly encryptionKey: kms.IKey;
  readonly rateLimitPerIp: number;
  readonly logRetention: logs.RetentionDays;
  readonly metricPrefix: string;
}

/**
 * The web ACL of `InferenceApiFirewall.managedRules`, with its logging.
 * @internal
 */
export class ManagedRulesWebAcl extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;
  public readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ManagedRulesWebAclProps) {
    super(scope, id);
    const metric = (name: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `${props.metricPrefix}-${name}`.slice(0, 255),
    });
    const rules: wafv2.CfnWebACL.RuleProperty[] = MANAGED_GROUPS.map((g, priority) => ({
      name: g.name,
      priority,
      overrideAction: { none: {} },
      statement: {
        managedRuleGroupStatement: {
          vendorName: 'AWS',
          name: g.name,
          ruleActionOverrides: g.countOnly?.map((name) => ({ name, actionToUse: { count: {} } })),
        },
      },
      visibilityConfig: metric(g.name),
    }));
    rules.push({
      name: 'RateLimitPerClientIp',
      priority: MANAGED_GROUPS.length,
      action: { block: {} },
      statement: { rateBasedStatement: { limit: props.rateLimitPerIp, aggregateKeyType: 'IP', evaluationWindowSec: 300 } },
      visibilityConfig: metric('RateLimitPerClientIp'),
    });
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'REGIONAL',
      defaultAction: { allow: {} },
      description: 'Inference API: AWS managed rules for IP reputation, core rule set and known bad inputs, rate limit per client IP',
      rules,
      visibilityConfig: metric('WebAcl'),
    });

    // WAF only logs to log groups whose name starts with aws-waf-logs-
    const logGroupName = `aws-waf-logs-${Names.uniqueResourceName(this, { maxLength: 200, separator: '-' })}`;
    this.logGroup = new EncryptedLogGroup(this, 'Logs', {
      encryptionKey: props.encryptionKey,
      logGroupName,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    }).logGroup;
    const logging = new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // the log group ARN without the ":*" suffix of its Arn attribute, as WAF wants it
      logDestinationConfigs: [
        Stack.of(this).formatArn({ service: 'logs', resource: 'log-group', resourceName: logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME }),
      ],
      redactedFields: REDACTED_HEADERS.map((name) => ({ singleHeader: { Name: name } })),
    });
    logging.node.addDependency(this.logGroup);
  }
}
