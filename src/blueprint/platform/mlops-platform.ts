import { Construct } from 'constructs';
import { DataScientistProfile } from '../../constructs/studio';
import { AccountBootstrap, PlatformBootstrap } from '../bootstrap/platform-bootstrap';
import { PlatformAccount, PlatformConfig } from '../config/platform-config';
import { PlatformNames } from '../naming';
import { DataAccountStack, ExpAccountStack, ResAccountStack, StageAccountStack } from './account-stacks';
import { PlatformAccountStack } from './platform-account-stack';
import { UseCaseOnboarding } from '../onboarding/usecase-onboarding';

/**
 * Props of the `MlopsPlatform`.
 */
export interface MlopsPlatformProps {
  /** The validated platform configuration (`PlatformConfig.fromFile('platform.json')`). */
  readonly config: PlatformConfig;

  /**
   * Whether the DEV, INT and PROD platform stacks set API Gateway's account-wide CloudWatch role
   * (`AWS::ApiGateway::Account`), which the inference APIs' execution logging needs. Turn it off where
   * a landing zone already sets it in those accounts and regions (deploying would replace its role).
   * The configuration's `landingZone.manageApiGatewayAccount` says the same; this prop, when given, wins.
   * @default - `landingZone.manageApiGatewayAccount` of the configuration, else true
   */
  readonly manageApiGatewayAccount?: boolean;
}

/**
 * The shared six-account MLOps platform from one validated configuration: one stack per account, each
 * with its account and region set. Accounts wire to each other through names and ARNs computed from
 * the configuration (`PlatformNames`), never through CloudFormation exports, so every stack deploys on
 * its own in its own account.
 *
 * | account | stack |
 * |---|---|
 * | DATA | key, guardrails, compliance baseline, Glue database + Lake Formation column grants to EXP |
 * | EXP | + isolated network, ML key, personas, Studio domain (and the profiles of users without a listed use case), CodeArtifact mirror |
 * | RES | + ECR registry and image build pipelines, model event bus, Service Catalog portfolio |
 * | DEV, INT, PROD | + isolated network, ML key, personas of the stage, API Gateway's CloudWatch role |
 *
 * and, for every entry of `useCases`, a `UseCaseOnboarding`: the use case's own small stack in each
 * account it touches (`<prefix>-<use case>-onboarding-<account>`, construct path
 * `<id>/UseCase-<name>/<Account>`), deployed after the platform stack of that account: in EXP it holds
 * the Studio user profiles of the use case's data scientists, which join the EXP platform stack's domain.
 *
 * @example
 * const app = new App();
 * const platform = new MlopsPlatform(app, 'Platform', { config: PlatformConfig.fromFile('platform.json') });
 * ComplianceCheck.assertCompliant(app);
 */
export class MlopsPlatform extends Construct {
  /**
   * The bootstrap of every account: the least-privilege execution policy and the exact `cdk bootstrap`
   * command with the configured qualifier (RES trusted by DEV, INT and PROD).
   * @param config the platform configuration
   */
  public static bootstrapCommands(config: PlatformConfig): AccountBootstrap[] {
    return PlatformBootstrap.forConfig(config);
  }

  /** The configuration. */
  public readonly config: PlatformConfig;
  /** The names computed from it. */
  public readonly names: PlatformNames;
  /** DATA. */
  public readonly data: DataAccountStack;
  /** EXP. */
  public readonly exp: ExpAccountStack;
  /** RES. */
  public readonly res: ResAccountStack;
  /** DEV. */
  public readonly dev: StageAccountStack;
  /** INT. */
  public readonly int: StageAccountStack;
  /** PROD. */
  public readonly prod: StageAccountStack;
  /** The onboarding of every use case of `useCases`, in the order of the configuration. */
  public readonly useCases: UseCaseOnboarding[];

  /**
   * @param scope the App (the stacks are created below this construct)
   * @param id the construct id
   * @param props the configuration
   */
  constructor(scope: Construct, id: string, props: MlopsPlatformProps) {
    super(scope, id);
    this.config = props.config;
    this.names = new PlatformNames(props.config);
    const config = props.config;
    this.data = new DataAccountStack(this, 'Data', { config });
    this.exp = new ExpAccountStack(this, 'Exp', { config });
    this.res = new ResAccountStack(this, 'Res', { config });
    const stage = { config, manageApiGatewayAccount: props.manageApiGatewayAccount ?? config.landingZone.manageApiGatewayAccount };
    this.dev = new StageAccountStack(this, 'Dev', stage, PlatformAccount.DEV);
    this.int = new StageAccountStack(this, 'Int', stage, PlatformAccount.INT);
    this.prod = new StageAccountStack(this, 'Prod', stage, PlatformAccount.PROD);
    this.useCases = config.useCases.map((useCase) => new UseCaseOnboarding(this, `UseCase-${useCase.name}`, { config, useCase }));
    // the data cells filters need DATA's tables and data lake administrators: deploy order, no exports
    for (const u of this.useCases) u.tryFindStack(PlatformAccount.DATA)?.addDependency(this.data);
  }

  /**
   * Every Studio user profile of the platform, by user profile name: those of the EXP platform stack
   * (`exp.profiles`, data scientists without an onboarded use case) and those of the use cases' EXP
   * onboarding stacks (`useCases[].studioProfiles`).
   */
  public get studioProfiles(): { [userProfileName: string]: DataScientistProfile } {
    return Object.assign({}, this.exp.profiles, ...this.useCases.map((u) => u.studioProfiles));
  }

  /** The six stacks, in deployment order (DATA, EXP, RES, DEV, INT, PROD). */
  public get stacks(): PlatformAccountStack[] {
    return [this.data, this.exp, this.res, this.dev, this.int, this.prod];
  }

  /**
   * The stack of one account.
   * @param account which account
   */
  public stack(account: PlatformAccount): PlatformAccountStack {
    return this.stacks.find((s) => s.platformAccount === account)!;
  }
}
