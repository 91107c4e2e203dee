import { SERVING_STAGES, UseCaseNames } from './usecase-names';
import { DeploymentStage, ModelDeploymentPipeline } from '../../constructs/deployment';
import { PlatformAccount } from '../config/platform-config';

/** The deployment pipeline's stage of each serving account. @internal */
export const DEPLOYMENT_STAGE_OF: Record<string, DeploymentStage> = {
  [PlatformAccount.DEV]: DeploymentStage.DEV,
  [PlatformAccount.INT]: DeploymentStage.INT,
  [PlatformAccount.PROD]: DeploymentStage.PROD,
};

/**
 * Whether the use case's deployment pipeline waits for a manual approval before it deploys to a serving
 * account: INT and PROD, not DEV. @internal
 */
export function requiresApprovalBefore(stage: PlatformAccount): boolean {
  return stage !== PlatformAccount.DEV;
}

/** The ARN of the use case's deployment pipeline in RES. @internal */
export function deploymentPipelineArn(names: UseCaseNames): string {
  const { accountId, region } = names.platform.config.account(PlatformAccount.RES);
  return `arn:${names.platform.partition(PlatformAccount.RES)}:codepipeline:${region}:${accountId}:${names.deploymentPipelineName}`;
}

/** The names of the approval stages of the use case's deployment pipeline (`ApproveInt`, `ApproveProd`). @internal */
export function approvalStageNames(): string[] {
  return SERVING_STAGES.filter(requiresApprovalBefore).map((stage) => ModelDeploymentPipeline.approvalStageName(DEPLOYMENT_STAGE_OF[stage]));
}

/**
 * The ARNs of the manual approval actions of the use case's deployment pipeline
 * (`<pipeline ARN>/<stage>/<action>`), one per serving account that `requiresApprovalBefore`. @internal
 */
export function approvalActionArns(names: UseCaseNames): string[] {
  const pipeline = deploymentPipelineArn(names);
  return approvalStageNames().map((stage) => `${pipeline}/${stage}/${ModelDeploymentPipeline.APPROVAL_ACTION_NAME}`);
}
