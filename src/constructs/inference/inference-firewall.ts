import { Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import { MIN_REASON_LENGTH } from '../core/acknowledge';

/** A regional WAFv2 web ACL ARN. */
const WEB_ACL_ARN = /^arn:aws[a-z-]*:wafv2:[a-z0-9-]+:\d{12}:regional\/webacl\/[\w-]{1,128}\/[\w-]{1,128}$/;

/** Bounds of a WAF rate-based rule limit (requests per 5 minutes per IP). */
const MIN_RATE = 10;
const MAX_RATE = 2_000_000_000;

/**
 * Options of the web ACL that `InferenceApiFirewall.managedRules` creates.
 */
export interface ManagedRulesFirewallOptions {
  /**
   * Requests one client IP may send in any 5 minutes before it is blocked (10 to 2,000,000,000).
   * @default 2000
   */
  readonly rateLimitPerIp?: number;

  /**
   * How long the web ACL's logs (in a KMS-encrypted log group `aws-waf-logs-...`) are kept.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
}

/**
 * The AWS WAF web ACL in front of an `InferenceApi` stage.
 */
export class InferenceApiFirewall {
  /**
   * Associates an existing regional web ACL (e.g. the platform's shared ACL, managed by Firewall
   * Manager) with the stage.
   * @param webAclArn the ARN of a REGIONAL WAFv2 web ACL in the API's region
   */
  public static fromWebAclArn(webAclArn: string): InferenceApiFirewall {
    if (!Token.isUnresolved(webAclArn) && !WEB_ACL_ARN.test(webAclArn)) {
      throw new Error(
        `InferenceApiFirewall.fromWebAclArn: ${JSON.stringify(webAclArn)} is not the ARN of a regional WAFv2 web ACL ` +
          '(arn:aws:wafv2:<region>:<account>:regional/webacl/<name>/<id>)',
      );
    }
    return new InferenceApiFirewall('existing', webAclArn);
  }

  /**
   * Creates a web ACL for the stage: the AWS managed rule groups IP reputation, core rule set (its
   * body-size rule only counts, because inference payloads are often larger than 8 KB) and known bad
   * inputs, plus a rate-based rule per client IP; logs go to a KMS-encrypted log group with the
   * Authorization, X-Api-Key and X-Amz-Security-Token headers redacted.
   * @param options the rate limit and the log retention
   */
  public static managedRules(options: ManagedRulesFirewallOptions = {}): InferenceApiFirewall {
    const rate = options.rateLimitPerIp ?? 2_000;
    if (!Token.isUnresolved(rate) && (!Number.isInteger(rate) || rate < MIN_RATE || rate > MAX_RATE)) {
      throw new Error(`InferenceApiFirewall.managedRules: rateLimitPerIp must be an integer from ${MIN_RATE} to ${MAX_RATE}, got ${rate}`);
    }
    return new InferenceApiFirewall('managed', undefined, rate, options.logRetention ?? logs.RetentionDays.ONE_YEAR);
  }

  /**
   * No web ACL. Only for APIs that are not reachable from the internet or that are protected another
   * way; the reason is recorded as the acknowledgement of the WAF rules of cdk-nag.
   * @param reason why this API needs no web ACL (at least 30 characters, specific to this API)
   */
  public static none(reason: string): InferenceApiFirewall {
    if (reason.trim().length < MIN_REASON_LENGTH) {
      throw new Error(`InferenceApiFirewall.none: say in at least ${MIN_REASON_LENGTH} characters why this API needs no web ACL, got ${JSON.stringify(reason)}`);
    }
    return new InferenceApiFirewall('none', undefined, undefined, undefined, reason.trim());
  }

  /** `existing`, `managed` or `none`. */
  public readonly kind: string;
  /** The web ACL ARN (existing web ACL only). */
  public readonly webAclArn?: string;
  /** The rate limit per client IP and 5 minutes (created web ACL only). */
  public readonly rateLimitPerIp?: number;
  /** The log retention (created web ACL only). */
  public readonly logRetention?: logs.RetentionDays;
  /** Why there is no web ACL (`none` only). */
  public readonly reason?: string;

  private constructor(kind: string, webAclArn?: string, rateLimitPerIp?: number, logRetention?: logs.RetentionDays, reason?: string) {
    this.kind = kind;
    this.webAclArn = webAclArn;
    this.rateLimitPerIp = rateLimitPerIp;
    this.logRetention = logRetention;
    this.reason = reason;
  }
}
