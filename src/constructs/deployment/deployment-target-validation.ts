import { Token } from 'aws-cdk-lib';
import { DeploymentStage, DeploymentTarget } from './deployment-target';
import { checkSageMakerName } from './endpoint-validation';

const ACCOUNT_ID = /^\d{12}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const STACK_SELECTOR = /^[A-Za-z][A-Za-z0-9-]*(\/[A-Za-z][A-Za-z0-9-]*)*$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):role\/[\w+=,.@/-]{1,512}$/;
const ORDER = [DeploymentStage.DEV, DeploymentStage.INT, DeploymentStage.PROD];

/**
 * Checks the targets: exactly DEV, INT, PROD in that order; approvals before INT and PROD only; valid
 * and distinct accounts; valid regions, stack selectors and endpoint names; a smoke-test role in the
 * target's own account for DEV and INT.
 * @internal
 */
export function validateTargets(targets: DeploymentTarget[], pipelineAccount: string): void {
  const P = 'ModelDeploymentPipeline: targets';
  const given = (targets ?? []).map((t) => t.stage);
  if (given.length !== ORDER.length || given.some((s, i) => s !== ORDER[i])) {
    throw new Error(
      `${P} must be exactly DEV, INT, PROD in this order (each once), got [${given.map((s) => stageLabel(s)).join(', ')}]; ` +
        'list the three targets as [{ stage: DeploymentStage.DEV, ... }, { stage: DeploymentStage.INT, ... }, { stage: DeploymentStage.PROD, ... }]',
    );
  }
  const accounts = new Map<string, string>();
  targets.forEach((t, i) => {
    const where = `${P}[${i}] (${stageLabel(t.stage)})`;
    if (t.stage === DeploymentStage.DEV && t.requiresApprovalBefore) {
      throw new Error(`${where}.requiresApprovalBefore is true; DEV is deployed automatically after Synth, so set it to false (the approvals come before INT and PROD)`);
    }
    if (t.stage !== DeploymentStage.DEV && t.requiresApprovalBefore !== true) {
      throw new Error(`${where}.requiresApprovalBefore is not true; ${stageLabel(t.stage)} must be approved manually before it is deployed: set requiresApprovalBefore: true`);
    }
    if (!Token.isUnresolved(t.account)) {
      if (!ACCOUNT_ID.test(t.account ?? '')) {
        throw new Error(`${where}.account ${JSON.stringify(t.account)} is not an AWS account id; write the 12 digits of the account, e.g. '444444444444'`);
      }
      const other = accounts.get(t.account);
      if (other) {
        throw new Error(`${where}.account ${t.account} is also the account of ${other}; every stage deploys to its own account`);
      }
      if (!Token.isUnresolved(pipelineAccount) && t.account === pipelineAccount) {
        throw new Error(`${where}.account ${t.account} is the pipeline's own account; deploy to the stage's account (DEV, INT or PROD), not to RES`);
      }
      accounts.set(t.account, stageLabel(t.stage));
    }
    if (t.region !== undefined && !Token.isUnresolved(t.region) && !REGION.test(t.region)) {
      throw new Error(`${where}.region ${JSON.stringify(t.region)} is not an AWS region; write e.g. 'eu-central-1'`);
    }
    if (Token.isUnresolved(t.stackPath) || !STACK_SELECTOR.test(t.stackPath ?? '') || t.stackPath.length > 200) {
      throw new Error(
        `${where}.stackPath ${JSON.stringify(t.stackPath)} is not a stack of the cloud assembly as cdk deploy selects it; write the stack's hierarchical id, its construct path (stack.node.path: literal, letters, digits, '-' and '/'), e.g. 'UseCase/ServingDev'`,
      );
    }
    checkSageMakerName(`${where}.endpointName`, t.endpointName, 'churn-dev');
    if (t.smokeTestRoleArn === undefined) {
      if (t.stage !== DeploymentStage.PROD) {
        throw new Error(`${where}.smokeTestRoleArn is missing; ${stageLabel(t.stage)} must pass a smoke test before the next stage: give a role in ${t.account} that the smoke test assumes`);
      }
    } else if (!Token.isUnresolved(t.smokeTestRoleArn)) {
      const m = ROLE_ARN.exec(t.smokeTestRoleArn);
      if (!m) {
        throw new Error(`${where}.smokeTestRoleArn ${JSON.stringify(t.smokeTestRoleArn)} is not an IAM role ARN; write e.g. 'arn:aws:iam::${t.account}:role/mlops-smoke-test'`);
      }
      if (!Token.isUnresolved(t.account) && m[1] !== t.account) {
        throw new Error(`${where}.smokeTestRoleArn is a role of account ${m[1]}, not of the target account ${t.account}; give a role in ${t.account}`);
      }
    }
  });
}

/** DEV, INT, PROD for messages. @internal */
export function stageLabel(stage: DeploymentStage | undefined): string {
  return stage === undefined ? 'undefined' : String(stage).toUpperCase();
}
