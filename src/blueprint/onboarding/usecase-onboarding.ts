import { CfnOutput } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { UseCaseApproverRole } from './approver-role';
import { UseCaseGithubRole } from './github-role';
import { ScopedDeployRoles } from './scoped-deploy-roles';
import { BUDGET_ACCOUNTS, UseCaseBudget } from './usecase-budget';
import { createUseCaseDataGrant } from './usecase-data-access';
import { UseCaseDataKey } from './usecase-data-key';
import { createUseCaseStudioProfiles, grantDescribeLink } from './usecase-studio';
import { DataCellsFilterGrant } from '../../constructs/data';
import { DataScientistProfile } from '../../constructs/studio';
import { PlatformAccount, PlatformConfig } from '../config/platform-config';
import { UseCaseConfig } from '../config/usecase-config';
import { personaTrust } from '../platform/people-trust';
import { SERVING_STAGES, UseCaseNames } from '../usecase/usecase-names';
import { UseCaseStack } from '../usecase/usecase-stack';

/**
 * Props of `UseCaseOnboarding`.
 */
export interface UseCaseOnboardingProps {
  /** The validated platform configuration. */
  readonly config: PlatformConfig;
  /** The use case's entry of `useCases`. */
  readonly useCase: UseCaseConfig;
}

/** Construct ids of the onboarding stacks, by account. */
const STACK_IDS: Record<PlatformAccount, string> = {
  [PlatformAccount.DATA]: 'Data',
  [PlatformAccount.EXP]: 'Exp',
  [PlatformAccount.RES]: 'Res',
  [PlatformAccount.DEV]: 'Dev',
  [PlatformAccount.INT]: 'Int',
  [PlatformAccount.PROD]: 'Prod',
};

/**
 * One use case onboarded on the platform: in each account it touches, a small stack of its own,
 * `<prefix>-<use case>-onboarding-<account>`, deployed by the platform team with the platform's CDK
 * bootstrap roles. The stacks hold what the use case's own stacks may not create themselves (its scoped
 * roles, its key, its data filters); so the platform stacks stay small at 100 use cases. Every role and
 * resource carries the tag `mlops:use-case` with the use case's name.
 *
 * In DEV, INT and PROD it holds the use case's data key (`UseCaseDataKey`), with which its serving stack
 * there encrypts its data, besides its scoped deploy roles.
 *
 * In RES it holds the use case's approver role (`UseCaseApproverRole`): its lead data scientists approve
 * the INT and PROD deployments of its deployment pipeline, and nothing else (the stack's output
 * `ApproverRoleArn` names it).
 *
 * With `monthlyBudgetUsd`, each account the use case spends in (EXP, DEV, INT, PROD) gets a `UseCaseBudget`
 * filtered by the cost allocation tag `mlops:use-case` (a member account's budget sees that account only).
 *
 * `MlopsPlatform` creates one per entry of `useCases`.
 */
export class UseCaseOnboarding extends Construct {
  /** The use case's names. */
  public readonly names: UseCaseNames;
  /** The use case's registry entry. */
  public readonly useCase: UseCaseConfig;
  /** The platform configuration. */
  public readonly config: PlatformConfig;
  /**
   * The role GitHub Actions of the use case's repository assume in EXP (`<prefix>-<use case>-github`),
   * in its EXP onboarding stack; only with `github` configured.
   */
  public readonly githubRole?: iam.Role;
  /**
   * The role the use case's lead data scientists assume in RES to approve (or reject) the INT and PROD
   * deployments of its deployment pipeline (`<prefix>-<use case>-approver`), in its RES onboarding stack.
   */
  public readonly approverRole: iam.Role;
  /**
   * The Studio user profiles of the use case's data scientists (`studio.users[]` with this `useCase`), by
   * user profile name, in its EXP onboarding stack (deployed after the EXP platform stack, whose Studio
   * domain they join); empty when the use case has no Studio user.
   */
  public readonly studioProfiles: { [userProfileName: string]: DataScientistProfile };
  /**
   * The use case's Lake Formation data cells filters, granted to its roles in EXP, in its DATA onboarding
   * stack; only with `dataAccess` (and `dataShare`).
   */
  public readonly dataAccess?: DataCellsFilterGrant;

  /**
   * The use case's data keys in the serving accounts (`<prefix>/<use case>/data`), by account (DEV, INT,
   * PROD), in its onboarding stack there; its serving stack encrypts everything it stores with that key.
   */
  public readonly dataKeys: { [account: string]: UseCaseDataKey };

  private readonly byAccount = new Map<PlatformAccount, UseCaseStack>();
  private readonly deployRolesByAccount = new Map<PlatformAccount, ScopedDeployRoles>();

  /**
   * @param scope the parent construct (the `MlopsPlatform`)
   * @param id the construct id
   * @param props the configuration and the use case
   */
  constructor(scope: Construct, id: string, props: UseCaseOnboardingProps) {
    super(scope, id);
    this.config = props.config;
    this.useCase = props.useCase;
    this.names = new UseCaseNames(props.config, props.useCase.name);
    if (props.config.github) {
      const stack = this._stack(PlatformAccount.EXP, 'GitHub role');
      this.githubRole = new UseCaseGithubRole(stack, 'GithubRole', { names: this.names, useCase: props.useCase }).role;
    }
    // the use case deploys its own stacks with its own scoped roles, never the account-wide bootstrap roles:
    // the training stack in EXP from its GitHub workflow, the serving stacks from its RES Deploy builds
    const names = this.names;
    const longerUseCaseNames = props.config.useCases.map((u) => u.name).filter((n) => n.startsWith(`${props.useCase.name}-`));
    this.deployRolesByAccount.set(PlatformAccount.EXP, new ScopedDeployRoles(this._stack(PlatformAccount.EXP, 'deploy roles'), 'DeployRoles', {
      names,
      account: PlatformAccount.EXP,
      qualifier: props.config.qualifier,
      stackNames: [names.trainingStackName],
      deployerRoleArns: [names.roleArn(PlatformAccount.EXP, names.githubRoleName)],
      longerUseCaseNames,
    }));
    this.dataKeys = {};
    for (const stage of SERVING_STAGES) {
      this.dataKeys[stage] = new UseCaseDataKey(this._stack(stage, 'deploy roles, data key'), 'DataKey', { names, account: stage });
      this.deployRolesByAccount.set(stage, new ScopedDeployRoles(this._stack(stage, 'deploy roles, data key'), 'DeployRoles', {
        names,
        account: stage,
        qualifier: props.config.qualifier,
        stackNames: [names.servingStackName(stage)],
        // exactly the Deploy project role of this stage in RES, by ARN (a principal tag could be set by
        // anyone who may tag roles in RES)
        deployerRoleArns: [names.roleArn(PlatformAccount.RES, names.deployCallerRoleName(stage))],
        longerUseCaseNames,
      }));
    }
    // the INT and PROD approvals of its deployment pipeline, by its leads only
    const resStack = this._stack(PlatformAccount.RES, 'approver role');
    const approver = new UseCaseApproverRole(resStack, 'ApproverRole', { names, trust: personaTrust(props.config, PlatformAccount.RES) });
    this.approverRole = approver.role;
    new CfnOutput(resStack, 'ApproverRoleArn', {
      value: approver.role.roleArn,
      description: `The role the leads of ${names.useCase} assume to approve its INT and PROD deployments: ${approver.approveCommand}`,
    });
    this.studioProfiles = createUseCaseStudioProfiles(props.config, props.useCase.name, () => this._stack(PlatformAccount.EXP, 'Studio profiles'));
    if ((props.useCase.dataAccess ?? []).length > 0 && props.config.dataShare) {
      this.dataAccess = createUseCaseDataGrant(this._stack(PlatformAccount.DATA, 'data cells filters'), props.config, props.useCase, names);
      // its model-build pipeline, to which DATA grants the filters too, sees the table through the resource link
      grantDescribeLink(this._stack(PlatformAccount.EXP, 'pipeline data access'), props.config, 'pipeline', names.roleArn(PlatformAccount.EXP, names.pipelineRoleName));
    }
    const budget = props.useCase.monthlyBudgetUsd;
    if (budget !== undefined) {
      for (const account of BUDGET_ACCOUNTS) {
        new UseCaseBudget(this._stack(account, 'budget'), 'Budget', {
          useCaseName: props.useCase.name,
          account,
          monthlyBudgetUsd: budget,
          budgetName: `${this.names.base}-${account}`,
          notificationEmail: props.useCase.budgetNotificationEmail,
        });
      }
    }
  }

  /**
   * The scoped deploy roles of the use case in an account (EXP, DEV, INT, PROD), if any.
   * @param account the account
   */
  public tryFindDeployRoles(account: PlatformAccount): ScopedDeployRoles | undefined {
    return this.deployRolesByAccount.get(account);
  }

  /** The onboarding stacks, in the order of the accounts (DATA, EXP, RES, DEV, INT, PROD). */
  public get stacks(): UseCaseStack[] {
    return Object.values(PlatformAccount).map((a) => this.byAccount.get(a)).filter((s): s is UseCaseStack => s !== undefined);
  }

  /**
   * The onboarding stack of an account, if the use case has one there.
   * @param account the account
   */
  public tryFindStack(account: PlatformAccount): UseCaseStack | undefined {
    return this.byAccount.get(account);
  }

  /**
   * The onboarding stack of an account, created on first use.
   * @internal
   */
  public _stack(account: PlatformAccount, purpose: string): UseCaseStack {
    let stack = this.byAccount.get(account);
    if (!stack) {
      stack = new UseCaseStack(this, STACK_IDS[account], {
        platform: this.config,
        useCaseName: this.useCase.name,
        account,
        stackName: this.names.onboardingStackName(account),
        purpose: `onboarding (${purpose})`,
      });
      this.byAccount.set(account, stack);
    }
    return stack;
  }
}
