import { PersonaTrust } from '../../constructs/security/persona-trust';
import { DEFAULT_PERMISSION_SETS } from '../config/people-defaults';
import { PlatformAccount, PlatformConfig } from '../config/platform-config';
import { PlatformNames } from '../naming';

/**
 * Who may assume the persona roles of an account, from `people` of the configuration: the permission sets
 * of Identity Center, else the SAML provider of the account, else MFA principals (by default of the
 * account itself). The persona roles and the use cases' approver roles in RES trust the same people.
 * @internal
 */
export function personaTrust(config: PlatformConfig, account: PlatformAccount): PersonaTrust {
  const people = config.people;
  if (people?.identityCenterAccountId) {
    return PersonaTrust.identityCenter(people.identityCenterAccountId, people.permissionSets ?? DEFAULT_PERMISSION_SETS);
  }
  const { accountId } = config.account(account);
  if (people?.samlProviderName) {
    const partition = new PlatformNames(config).partition(account);
    return PersonaTrust.samlProvider(`arn:${partition}:iam::${accountId}:saml-provider/${people.samlProviderName}`);
  }
  return PersonaTrust.accountsWithMfa(people?.mfaAccountIds ?? [accountId]);
}
