/**
 * The deploy workflow of the platform repository (internal): a build job, then one job per account in
 * dependency order (DATA, EXP, RES, DEV, INT, PROD), each `needs:` the one before. Every deploy job
 * signs in to its own account through GitHub OIDC and deploys that account's platform stack, selected
 * by its construct path (`npx cdk deploy Platform/Data`: the CDK CLI does not select by stack name),
 * then the use cases' onboarding stacks of the account (`Platform/UseCase-<any>/Exp`, a glob), which read what the
 * platform stack publishes.
 */
import { github, javascript } from 'projen';
import { onboardingStackSelector, ResolvedPlatformOptions, stackSelector } from './platform-options';
import { deployEnvironment, deployRoleArn } from './platform-samples';
import { PlatformAccount } from '../../blueprint/config/platform-config';
import { PlatformNames } from '../../blueprint/naming';

/** The workflow's name (and file: `.github/workflows/deploy.yml`). */
export const DEPLOY_WORKFLOW_NAME = 'deploy';
/** The id of the job that builds (synth, tests, cdk-nag) before anything is deployed. */
export const BUILD_JOB_ID = 'build';
/** The action that exchanges the GitHub OIDC token for the deploy role's credentials. */
export const CONFIGURE_AWS_CREDENTIALS = 'aws-actions/configure-aws-credentials@v6';
/** Deploying a platform stack (Studio, VPC endpoints) may take long; a stuck job is ended after this. */
const DEPLOY_TIMEOUT_MINUTES = 120;

/**
 * The use cases' onboarding stacks of an account, after its platform stack (they read what it publishes,
 * e.g. the Studio domain id in EXP): one step for all of them, none when the account has none.
 */
function onboardingSteps(options: ResolvedPlatformOptions, account: PlatformAccount): github.workflows.JobStep[] {
  const selector = onboardingStackSelector(options.config, account);
  if (!selector) return [];
  return [{
    name: `Deploy the use cases' onboarding stacks of ${account.toUpperCase()}`,
    run: `npx cdk deploy ${selector} --require-approval never`,
  }];
}

/** The id of an account's deploy job. */
export function deployJobId(account: string): string {
  return `deploy-${account}`;
}

/**
 * Adds `.github/workflows/deploy.yml` to the project.
 * @param project the platform project (its GitHub component must exist)
 * @param options the resolved options
 */
export function addDeployWorkflow(project: javascript.NodeProject, options: ResolvedPlatformOptions): github.GithubWorkflow | undefined {
  if (!project.github || !options.deployWorkflow) {
    return undefined;
  }
  const names = new PlatformNames(options.config);
  // one deployment at a time, and never cancel one half-way through an account
  const workflow = new github.GithubWorkflow(project.github, DEPLOY_WORKFLOW_NAME, {
    limitConcurrency: true,
    concurrencyOptions: { group: 'deploy-platform', cancelInProgress: false },
  });
  workflow.on({
    push: { branches: [options.deployBranch] },
    workflowDispatch: {},
  });

  const setup: github.workflows.JobStep[] = [
    github.WorkflowSteps.checkout(),
    ...project.renderWorkflowSetup({ mutable: false }),
  ];

  workflow.addJob(BUILD_JOB_ID, {
    name: 'Build: synth, tests, cdk-nag',
    runsOn: ['ubuntu-latest'],
    permissions: { contents: github.workflows.JobPermission.READ },
    env: { CI: 'true' },
    steps: [...setup, { name: 'Build', run: 'npx projen build' }],
  });

  let previous = BUILD_JOB_ID;
  for (const account of options.deployAccounts) {
    const { accountId, region } = options.config.account(account);
    const stackName = names.platformStackName(account);
    const environment = deployEnvironment(options, account);
    const id = deployJobId(account);
    workflow.addJob(id, {
      name: `Deploy ${account.toUpperCase()} (${stackName})`,
      needs: [previous],
      runsOn: ['ubuntu-latest'],
      ...(environment ? { environment } : {}),
      permissions: {
        contents: github.workflows.JobPermission.READ,
        idToken: github.workflows.JobPermission.WRITE,
      },
      timeoutMinutes: DEPLOY_TIMEOUT_MINUTES,
      env: { CI: 'true' },
      steps: [
        ...setup,
        {
          name: `Assume the deploy role of ${account.toUpperCase()}`,
          uses: CONFIGURE_AWS_CREDENTIALS,
          with: {
            'role-to-assume': deployRoleArn(options, account),
            'role-session-name': `${options.config.prefix}-deploy-${account}`,
            'aws-region': region,
            // refuse credentials of any other account
            'allowed-account-ids': accountId,
          },
        },
        {
          // the CDK CLI selects stacks by construct path, not by stack name
          name: `Deploy ${stackName}`,
          run: `npx cdk deploy ${stackSelector(account)} --require-approval never`,
        },
        ...onboardingSteps(options, account),
      ],
    });
    previous = id;
  }
  return workflow;
}
