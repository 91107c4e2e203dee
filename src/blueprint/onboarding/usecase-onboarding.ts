import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { UseCaseGithubRole } from './github-role';
import { PlatformAccount, PlatformConfig } from '../config/platform-config';
import { UseCaseConfig } from '../config/usecase-config';
import { UseCaseNames } from '../usecase/usecase-names';
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

  private readonly byAccount = new Map<PlatformAccount, UseCaseStack>();

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
