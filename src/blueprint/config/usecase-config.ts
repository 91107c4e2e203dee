/**
 * What one use case may read of the data shared from DATA: one table of `dataShare.tables`, some of its
 * shared columns and, optionally, only some rows. The DATA onboarding stack of the use case turns it into
 * a Lake Formation data cells filter granted to that use case's roles only (no grant option).
 */
export interface UseCaseDataAccessConfig {
  /** The table, one of `dataShare.tables[].name`. */
  readonly table: string;

  /** The columns the use case may read: a subset of the table's `sharedColumns`. */
  readonly columns: string[];

  /**
   * A PartiQL row filter expression, e.g. `plant_id IN ('wob', 'zwi')`. Lake Formation returns only the rows
   * for which it is true.
   * @default - every row
   */
  readonly rowFilter?: string;
}

/**
 * One use case in the platform's registry (`useCases` of the platform configuration). Onboarding it
 * creates, in each account it touches, a small stack of its own: scoped deploy and CloudFormation
 * execution roles in DEV, INT and PROD (its serving stacks synthesize with them), a GitHub OIDC role for
 * its repository in EXP, an approver role in RES (INT and PROD approvals of its deployment pipeline only), a key for its data in the serving accounts and its
 * Lake Formation data filters in DATA. Every role and resource of it carries the tag `mlops:use-case`.
 */
export interface UseCaseConfig {
  /** The use-case name: 2 to 20 lowercase letters, digits and single hyphens, e.g. `weld-gun-pm`. */
  readonly name: string;

  /**
   * The owning team: the IAM Identity Center group whose members work on this use case (display name),
   * e.g. `mlops-weld-gun-pm`.
   */
  readonly team: string;

  /** The use case's GitHub repository, `owner/name`, e.g. `vw-mlops/weld-gun-pm`. */
  readonly repository: string;

  /**
   * The branch of the repository whose workflows may deploy (the exact `sub` of the GitHub OIDC token is
   * `repo:<owner>/<name>:ref:refs/heads/<branch>`).
   * @default 'main'
   */
  readonly deployBranch?: string;

  /**
   * What the use case may read of the shared data (one entry per table): its DATA onboarding stack grants a
   * data cells filter per entry to the use case's pipeline role and its Studio profiles' execution roles in
   * EXP. Once any use case declares it, the EXP account as a whole gets no `SELECT` on the shared tables.
   * @default - nothing of the shared data
   */
  readonly dataAccess?: UseCaseDataAccessConfig[];

  /**
   * A monthly budget in US dollars for the use case's tagged resources: an AWS Budget in each account it
   * spends in (EXP, DEV, INT, PROD), filtered by the cost allocation tag `mlops:use-case`.
   * @default - no budget
   */
  readonly monthlyBudgetUsd?: number;

  /**
   * Who is e-mailed when a budget of the use case reaches 80 % or 100 % (actual) or is forecast to
   * exceed it, e.g. the team's distribution list. Needs `monthlyBudgetUsd`.
   * @default - no notification
   */
  readonly budgetNotificationEmail?: string;

  /**
   * Who is e-mailed when the use case's deployment pipeline in RES waits for an approval (before INT and
   * before PROD), e.g. the team's leads or distribution list: e-mail subscriptions of the pipeline's
   * approval topic (each address confirms its subscription once). The use case's approver role in RES
   * (`<prefix>-<use case>-approver`) approves.
   * @default - nobody is e-mailed (the approvals wait in the pipeline)
   */
  readonly approvalEmails?: string[];
}
