import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ModelDeploymentPipeline } from '../../constructs/deployment/model-deployment-pipeline';
import { PersonaTrust } from '../../constructs/security/persona-trust';
import { Persona } from '../../constructs/security/personas';
import { approvalActionArns, approvalStageNames, deploymentPipelineArn } from '../usecase/deployment-approvals';
import { UseCaseNames } from '../usecase/usecase-names';

/**
 * Props of `UseCaseApproverRole`.
 */
export interface UseCaseApproverRoleProps {
  /** The use case's names. */
  readonly names: UseCaseNames;
  /**
   * Who the platform's people are (the persona roles' trust of RES, from `people` of the configuration):
   * the role trusts the lead data scientists among them, and only those signed in for this use case.
   */
  readonly trust: PersonaTrust;
}

/**
 * The role that approves the promotions of ONE use case, `<prefix>-<use case>-approver`, in its RES
 * onboarding stack: `codepipeline:PutApprovalResult` on exactly the manual approval actions of the use
 * case's deployment pipeline (before INT and before PROD), and reading that pipeline (its definition,
 * state, executions and action executions). Nothing else: not another use case's pipeline, not a change
 * of the pipeline, not the DEV deployment (which needs no approval).
 *
 * It trusts the lead data scientists (the lead persona of `PersonaTrust`: their Identity Center permission
 * set, the SAML provider or the MFA principals) signed in for this use case: the caller's tag
 * `mlops:use-case` must equal the use case (`aws:PrincipalTag`; with SAML the session tag of the
 * assertion, `aws:RequestTag`), so a lead of another use case cannot assume it.
 */
export class UseCaseApproverRole extends Construct {
  /** The role. */
  public readonly role: iam.Role;
  /** How to approve with it: the `aws codepipeline put-approval-result` command of the use case's pipeline. */
  public readonly approveCommand: string;

  /**
   * @param scope the use case's RES onboarding stack
   * @param id the construct id
   * @param props the use case and the trust of the people
   */
  constructor(scope: Construct, id: string, props: UseCaseApproverRoleProps) {
    super(scope, id);
    const names = props.names;
    const pipelineName = names.deploymentPipelineName;
    this.approveCommand = `aws codepipeline put-approval-result --pipeline-name ${pipelineName} --stage-name ${approvalStageNames().join('|')} `
      + `--action-name ${ModelDeploymentPipeline.APPROVAL_ACTION_NAME} --result summary=...,status=Approved|Rejected --token <token of aws codepipeline get-pipeline-state>`;
    this.role = new iam.Role(this, 'Role', {
      roleName: names.approverRoleName,
      description: `Approves the INT and PROD deployments of ${names.useCase} (pipeline ${pipelineName}); assumed by its lead data scientists`,
      maxSessionDuration: Duration.hours(1),
      assumedBy: props.trust.principalFor(Persona.LEAD_DATA_SCIENTIST, names.useCase),
    });
    this.role.assumeRolePolicy!.addStatements(...props.trust.tagSessionStatements(Persona.LEAD_DATA_SCIENTIST, names.useCase));
    new iam.ManagedPolicy(this, 'Policy', {
      description: `Approve or reject the INT and PROD deployments of ${names.useCase}; read its deployment pipeline`,
      roles: [this.role],
      statements: [
        new iam.PolicyStatement({
          sid: 'ApproveTheUseCasesPromotions',
          actions: ['codepipeline:PutApprovalResult'],
          resources: approvalActionArns(names),
        }),
        new iam.PolicyStatement({
          sid: 'ReadTheUseCasesDeploymentPipeline',
          actions: ['codepipeline:GetPipeline', 'codepipeline:GetPipelineState', 'codepipeline:GetPipelineExecution',
            'codepipeline:ListPipelineExecutions', 'codepipeline:ListActionExecutions'],
          resources: [deploymentPipelineArn(names)],
        }),
      ],
    });
  }
}
