import { Aws, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Persona } from './personas';
import { USE_CASE_TAG_KEY } from '../core/tenancy-tag';
import { STUDIO_USER_TAG_KEY } from '../studio/execution-policy';

/**
 * The IAM Identity Center permission set of each persona: each persona role trusts only the roles that
 * Identity Center provisions for its own permission set, so that a data scientist's sign-in cannot
 * assume the lead's or the MLOps engineer's role.
 */
export interface PersonaPermissionSets {
  /** The permission set of data scientists. */
  readonly dataScientist: string;
  /** The permission set of lead data scientists. */
  readonly leadDataScientist: string;
  /** The permission set of MLOps engineers. */
  readonly mlopsEngineer: string;
  /** The permission set of auditors. */
  readonly auditor: string;
}

/** The session tags a person may carry into a persona role: their use case and their Studio user. */
const SESSION_TAG_KEYS = [USE_CASE_TAG_KEY, STUDIO_USER_TAG_KEY];

/**
 * Who may assume the persona roles, and with which session tags. Every variant lets the caller set only
 * two session tags: `mlops:use-case` (the use case whose resources the person may act on) and
 * `studio-user` (the Studio user profile they may open). Where the caller is itself an AWS principal
 * (Identity Center, MFA users), each tag must equal the caller's own tag of that key
 * (`aws:PrincipalTag`), so nobody picks another use case or another user's profile; with SAML the tags
 * are the identity provider's attributes of the signed-in person.
 */
export class PersonaTrust {
  /**
   * People federated through a SAML 2.0 identity provider (for example the corporate IdP) sign in
   * to the AWS console with `sts:AssumeRoleWithSAML`; the assertion must be meant for AWS sign-in
   * (`SAML:aud`). MFA is enforced by the identity provider, which also passes the session tags
   * (`https://aws.amazon.com/SAML/Attributes/PrincipalTag:mlops:use-case` and `...:studio-user`).
   * @param samlProviderArn the ARN of the IAM SAML provider in this account
   */
  public static samlProvider(samlProviderArn: string): PersonaTrust {
    if (!Token.isUnresolved(samlProviderArn) && !/^arn:aws[a-z-]*:iam::\d{12}:saml-provider\/[\w+=,.@-]+$/.test(samlProviderArn)) {
      throw new Error(`PersonaTrust.samlProvider: ${JSON.stringify(samlProviderArn)} is not a SAML provider ARN; write arn:aws:iam::111122223333:saml-provider/CorporateIdP`);
    }
    const principal = new iam.FederatedPrincipal(samlProviderArn, {
      StringEquals: { 'SAML:aud': 'https://signin.aws.amazon.com/saml' },
    }, 'sts:AssumeRoleWithSAML');
    return new PersonaTrust(() => [principal], false, `SAML federation through ${samlProviderArn}`);
  }

  /**
   * People who signed in through IAM Identity Center in an identity account and assume the persona
   * role from there: each persona role trusts only the roles Identity Center creates for that
   * persona's permission set (`aws-reserved/sso.amazonaws.com/.../AWSReservedSSO_<permission set>_*`).
   * The session tags must equal the caller's own (the permission set's attributes for access control).
   * MFA is enforced by Identity Center.
   * @param accountId the account where the Identity Center permission sets are provisioned
   * @param permissionSets the permission set of each persona
   */
  public static identityCenter(accountId: string, permissionSets: PersonaPermissionSets): PersonaTrust {
    validateAccount('PersonaTrust.identityCenter', accountId);
    const names: Record<Persona, string> = {
      [Persona.DATA_SCIENTIST]: permissionSets.dataScientist,
      [Persona.LEAD_DATA_SCIENTIST]: permissionSets.leadDataScientist,
      [Persona.MLOPS_ENGINEER]: permissionSets.mlopsEngineer,
      [Persona.AUDITOR]: permissionSets.auditor,
    };
    for (const [field, value] of Object.entries(permissionSets)) {
      if (!/^[\w+=,.@-]{1,32}$/.test(value)) {
        throw new Error(`PersonaTrust.identityCenter: permissionSets.${field} ${JSON.stringify(value)} is not a permission set name; use 1 to 32 of A-Z a-z 0-9 + = , . @ _ -`);
      }
    }
    const principalFor = (persona: Persona) => [new iam.AccountPrincipal(accountId).withConditions({
      ArnLike: {
        'aws:PrincipalArn': `arn:${Aws.PARTITION}:iam::${accountId}:role/aws-reserved/sso.amazonaws.com/*AWSReservedSSO_${names[persona]}_*`,
      },
    })];
    return new PersonaTrust(principalFor, true, `IAM Identity Center permission sets ${Object.values(names).join(', ')} in ${accountId}`);
  }

  /**
   * IAM principals of other accounts (for example an identity account) that signed in with MFA
   * (`aws:MultiFactorAuthPresent`, at most one hour ago). The session tags must equal the caller's own.
   * Note that AWS does not carry the MFA context into role-chained sessions: use this for IAM users,
   * `identityCenter` for Identity Center users.
   * @param accountIds the trusted accounts
   */
  public static accountsWithMfa(accountIds: string[]): PersonaTrust {
    if (accountIds.length === 0) {
      throw new Error('PersonaTrust.accountsWithMfa: accountIds is empty; name at least one 12-digit account id');
    }
    accountIds.forEach((a) => validateAccount('PersonaTrust.accountsWithMfa', a));
    const principals = accountIds.map((a) => new iam.AccountPrincipal(a).withConditions({
      Bool: { 'aws:MultiFactorAuthPresent': 'true' },
      NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' },
    }));
    return new PersonaTrust(() => principals, true, `MFA-authenticated principals of ${accountIds.join(', ')}`);
  }

  /** A human-readable summary, used in the role descriptions. */
  public readonly summary: string;

  private constructor(
    private readonly principals: (persona: Persona) => iam.IPrincipal[],
    private readonly pinToCaller: boolean,
    summary: string,
  ) {
    this.summary = summary;
  }

  /**
   * The principal a persona's role trusts to assume it (without `sts:TagSession`: the role's trust policy
   * gets the session-tag statements of `tagSessionStatements`).
   *
   * With `useCase`, for a role of that one use case (for example its approver role): only people signed in
   * for that use case, that is whose own tag `mlops:use-case` (`aws:PrincipalTag`, Identity Center and
   * MFA) or whose session tag from the identity provider (`aws:RequestTag`, SAML) equals it.
   * @param persona the persona
   * @param useCase the use case the role belongs to (omit for a role of every use case)
   */
  public principalFor(persona: Persona, useCase?: string): iam.IPrincipal {
    const principals = this.principalsFor(persona, useCase);
    return principals.length === 1 ? principals[0] : new iam.CompositePrincipal(...principals);
  }

  /**
   * The trust-policy statements that allow `sts:TagSession` for a persona's role: only the keys
   * `mlops:use-case` and `studio-user`, each (for AWS principals) equal to the caller's own tag; with
   * `useCase`, only for callers of that use case (as `principalFor`) and `mlops:use-case` only with that value.
   * @param persona the persona
   * @param useCase the use case the role belongs to (omit for a role of every use case)
   */
  public tagSessionStatements(persona: Persona, useCase?: string): iam.PolicyStatement[] {
    return this.principalsFor(persona, useCase).map((principal) => {
      const conditions: Record<string, Record<string, unknown>> = {
        'ForAllValues:StringEquals': { 'aws:TagKeys': SESSION_TAG_KEYS },
      };
      if (this.pinToCaller) {
        conditions.StringEqualsIfExists = Object.fromEntries(SESSION_TAG_KEYS.map((k) => [`aws:RequestTag/${k}`, `\${aws:PrincipalTag/${k}}`]));
      }
      if (useCase !== undefined) {
        conditions.StringEqualsIfExists = { ...conditions.StringEqualsIfExists, [`aws:RequestTag/${USE_CASE_TAG_KEY}`]: useCase };
      }
      return new iam.PolicyStatement({ actions: ['sts:TagSession'], principals: [principal], conditions });
    });
  }

  /** The persona's principals, with `useCase` each pinned to callers of that use case. */
  private principalsFor(persona: Persona, useCase: string | undefined): iam.IPrincipal[] {
    const principals = this.principals(persona);
    if (useCase === undefined) return principals;
    // AWS callers carry their use case as their own tag; SAML sessions get it as a tag of the request
    const key = this.pinToCaller ? `aws:PrincipalTag/${USE_CASE_TAG_KEY}` : `aws:RequestTag/${USE_CASE_TAG_KEY}`;
    return principals.map((p) => new iam.PrincipalWithConditions(p, { StringEquals: { [key]: useCase } }));
  }
}

function validateAccount(where: string, accountId: string): void {
  if (!Token.isUnresolved(accountId) && !/^\d{12}$/.test(accountId)) {
    throw new Error(`${where}: ${JSON.stringify(accountId)} is not an account id; write the 12 digits, e.g. 111122223333`);
  }
}
