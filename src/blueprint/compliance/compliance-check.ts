import { CfnResource, Stage, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NagPack, NIST80053R5Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';

/**
 * The cdk-nag rule packs the platform is held to.
 */
export enum CompliancePack {
  /** AWS Solutions (`AwsSolutions-*`) */
  AWS_SOLUTIONS = 'AwsSolutions',
  /** NIST 800-53 revision 5 (`NIST.800.53.R5-*`) */
  NIST_800_53_R5 = 'NIST.800.53.R5',
  /** HIPAA Security (`HIPAA.Security-*`) */
  HIPAA_SECURITY = 'HIPAA.Security',
}

/**
 * One unacknowledged finding of a rule pack on one resource.
 */
export interface ComplianceFinding {
  /** The pack that reported it. */
  readonly pack: CompliancePack;
  /** The rule id, with the finding in brackets where the rule reports several, e.g. `AwsSolutions-IAM5[Resource::*]`. */
  readonly ruleId: string;
  /** `error` or `warning`. */
  readonly severity: string;
  /** The construct path of the offending CloudFormation resource. */
  readonly constructPath: string;
  /** What the rule found. */
  readonly description: string;
}

/**
 * One acknowledgement (`Validations.of(x).acknowledge(...)`) found in the construct tree.
 */
export interface ComplianceAcknowledgement {
  /** The acknowledged rule id, e.g. `AwsSolutions-IAM5[Resource::*]`. */
  readonly ruleId: string;
  /** The construct the acknowledgement is attached to (it covers everything below it). */
  readonly constructPath: string;
  /** The reason given. */
  readonly reason: string;
}

/**
 * Options of a compliance check.
 */
export interface ComplianceCheckOptions {
  /**
   * The packs to run.
   * @default - AwsSolutions, NIST 800-53 rev 5 and HIPAA Security
   */
  readonly packs?: CompliancePack[];

  /**
   * Treat warnings as failures too.
   * @default false
   */
  readonly failOnWarnings?: boolean;
}

/**
 * The result of a compliance check: every unacknowledged finding of every pack.
 */
export class ComplianceReport {
  /** Every unacknowledged finding, errors first. */
  public readonly findings: ComplianceFinding[];
  /** The packs that were run. */
  public readonly packs: CompliancePack[];
  /** The number of CloudFormation resources that were checked. */
  public readonly resourceCount: number;
  /** Every acknowledgement in the checked tree, with its reason. */
  public readonly acknowledgements: ComplianceAcknowledgement[];
  private readonly failOnWarnings: boolean;

  /**
   * Reports are made by `ComplianceCheck.run`; this constructor is not meant to be called directly.
   * @param findings every unacknowledged finding
   * @param packs the packs that were run
   * @param resourceCount the number of CloudFormation resources checked
   * @param failOnWarnings whether warnings count as failures
   * @param acknowledgements every acknowledgement in the checked tree
   */
  constructor(
    findings: ComplianceFinding[],
    packs: CompliancePack[],
    resourceCount: number,
    failOnWarnings: boolean,
    acknowledgements: ComplianceAcknowledgement[],
  ) {
    this.acknowledgements = acknowledgements;
    this.findings = [...findings].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1));
    this.packs = packs;
    this.resourceCount = resourceCount;
    this.failOnWarnings = failOnWarnings;
  }

  /** The unacknowledged errors. */
  public get errors(): ComplianceFinding[] {
    return this.findings.filter((f) => f.severity === 'error');
  }

  /** The unacknowledged warnings. */
  public get warnings(): ComplianceFinding[] {
    return this.findings.filter((f) => f.severity !== 'error');
  }

  /** Whether the check passed: no errors (and no warnings when they count as failures). */
  public get passed(): boolean {
    return this.errors.length === 0 && (!this.failOnWarnings || this.warnings.length === 0);
  }

  /** A one-line summary, e.g. `3 packs over 120 resources: 0 errors, 2 warnings`. */
  public get summary(): string {
    return `${this.packs.length} packs (${this.packs.join(', ')}) over ${this.resourceCount} resources: ${this.errors.length} errors, ${this.warnings.length} warnings`;
  }

  /** The summary, then one line per finding. */
  public toString(): string {
    const lines = this.findings.map((f) => `[${f.severity}] ${f.ruleId} at ${f.constructPath}: ${f.description}`);
    return [this.summary, ...lines].join('\n');
  }
}

/**
 * Runs the cdk-nag rule packs over every stack of an app and reports every unacknowledged finding.
 *
 * Acknowledgements are made with `Validations.of(construct).acknowledge({ id, reason })` (cdk-nag 3);
 * they apply to the construct and everything below it.
 *
 * @example
 * const app = new App();
 * new MlopsPlatform(app, 'Platform', { config: PlatformConfig.sample() });
 * ComplianceCheck.assertCompliant(app);
 */
export class ComplianceCheck {
  /**
   * Synthesizes the app (so that aspects have run) and runs the packs over its whole construct tree.
   * @param scope an App, a Stage or a Stack; the packs run over the whole tree of its Stage
   * @param options which packs, and whether warnings fail
   */
  public static run(scope: IConstruct, options: ComplianceCheckOptions = {}): ComplianceReport {
    const packs = options.packs ?? [CompliancePack.AWS_SOLUTIONS, CompliancePack.NIST_800_53_R5, CompliancePack.HIPAA_SECURITY];
    if (packs.length === 0) {
      throw new Error('ComplianceCheck: options.packs is empty; name at least one CompliancePack, or omit it to run all three');
    }
    const stage = Stage.isStage(scope) ? scope : Stage.of(scope);
    if (!stage) {
      throw new Error(`ComplianceCheck: ${scope.node.path || 'the scope'} is not inside an App or Stage; add it to an App first`);
    }
    // synthesis runs aspects and prepares the tree; the packs then check the resources as deployed
    stage.synth();

    const findings: ComplianceFinding[] = [];
    for (const pack of packs) {
      const report = createPack(pack).validateScope(scope);
      for (const violation of report.violations) {
        for (const resource of violation.violatingResources) {
          findings.push({
            pack,
            ruleId: violation.ruleName,
            severity: violation.severity === 'error' ? 'error' : 'warning',
            constructPath: resource.constructPath ?? resource.resourceLogicalId ?? '(unknown)',
            description: violation.description,
          });
        }
      }
    }
    const all = scope.node.findAll();
    const resourceCount = all.filter((c) => CfnResource.isCfnResource(c)).length;
    // each acknowledge() call records the construct's acknowledgements so far: keep one per construct and rule
    const acknowledged = new Map<string, ComplianceAcknowledgement>();
    for (const c of all) {
      for (const entry of c.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || !entry.data) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          const ruleId = id.replace(/^annotation::/i, '');
          acknowledged.set(`${c.node.path}\n${ruleId}`, { ruleId, constructPath: c.node.path, reason: String(reason) });
        }
      }
    }
    const acknowledgements = [...acknowledged.values()];
    return new ComplianceReport(findings, packs, resourceCount, options.failOnWarnings ?? false, acknowledgements);
  }

  /**
   * Like `run`, and throws an Error that lists every failing finding when the check did not pass.
   * @param scope an App, a Stage or a Stack
   * @param options which packs, and whether warnings fail
   */
  public static assertCompliant(scope: IConstruct, options: ComplianceCheckOptions = {}): ComplianceReport {
    const report = ComplianceCheck.run(scope, options);
    if (!report.passed) {
      const failing = options.failOnWarnings ? report.findings : report.errors;
      const lines = failing.map((f) => `[${f.severity}] ${f.ruleId} at ${f.constructPath}: ${f.description}`);
      throw new Error(`Compliance check failed: ${report.summary}\n${lines.join('\n')}`);
    }
    return report;
  }
}

function createPack(pack: CompliancePack): NagPack {
  switch (pack) {
    case CompliancePack.AWS_SOLUTIONS:
      return new AwsSolutionsChecks();
    case CompliancePack.NIST_800_53_R5:
      return new NIST80053R5Checks();
    case CompliancePack.HIPAA_SECURITY:
      return new HIPAASecurityChecks();
    default:
      throw new Error(`ComplianceCheck: unknown pack ${JSON.stringify(pack)}; use one of ${Object.values(CompliancePack).join(', ')}`);
  }
}
