import { checkObject, isObject, Obj, stringField } from './fields';
import { DEFAULT_PERMISSION_SETS } from './people-defaults';
import { didYouMean, Problems, show } from './problems';

const ACCOUNT_PATTERN = /^\d{12}$/;
const INSTANCE_TYPE_PATTERN = /^ml\.[a-z0-9*]+\.[a-z0-9*]+$|^ml\.\*$/;
const PROFILE_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
const GLUE_NAME_PATTERN = /^[a-z][a-z0-9_]{0,254}$/;
const REPOSITORY_PATTERN = /^[a-z0-9]+([._-][a-z0-9]+)*(\/[a-z0-9]+([._-][a-z0-9]+)*)*$/;
const ROLE_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
const SAML_NAME_PATTERN = /^[\w.-]{1,128}$/;
const LF_ADMIN_ARN_PATTERN = /^arn:aws[a-z-]*:iam::\d{12}:(role|user)\/[\w+=,.@/-]{1,512}$/;
const S3_LOCATION_PATTERN = /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/.*)?$/;
const GLUE_PRIMITIVES = ['string', 'boolean', 'tinyint', 'smallint', 'int', 'bigint', 'float', 'double', 'date', 'timestamp', 'binary'];
const GLUE_TYPE_PATTERN = /^(string|boolean|tinyint|smallint|int|bigint|float|double|date|timestamp|binary|decimal\(\d{1,2},\d{1,2}\)|varchar\(\d{1,5}\)|char\(\d{1,3}\))$/;

function list(obj: Obj, key: string, path: string, problems: Problems, what: string): unknown[] | undefined {
  const value = obj[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) {
    problems.add(`${path}.${key}`.replace(/^\./, ''), `must be a list of ${what}, not ${show(value)}`);
    return undefined;
  }
  return value;
}

function stringList(obj: Obj, key: string, path: string, problems: Problems, what: string, pattern: RegExp, example: string): string[] | undefined {
  const values = list(obj, key, path, problems, what);
  if (values === undefined) return undefined;
  const p = `${path}.${key}`.replace(/^\./, '');
  const out: string[] = [];
  values.forEach((v, i) => {
    if (typeof v !== 'string' || !pattern.test(v)) {
      problems.add(`${p}[${i}]`, `${show(v)} is not ${what}; write for example ${JSON.stringify(example)}`);
    } else if (out.includes(v)) {
      problems.add(`${p}[${i}]`, `${show(v)} is listed twice; list each once`);
    } else {
      out.push(v);
    }
  });
  return out;
}

/** Validates the optional sections of the platform configuration. @internal */
export function validateSections(input: Obj, problems: Problems): void {
  const types = stringList(input, 'allowedInstanceTypes', '', problems, 'a SageMaker instance type', INSTANCE_TYPE_PATTERN, 'ml.m5.xlarge');
  if (types !== undefined && types.length === 0 && Array.isArray(input.allowedInstanceTypes) && input.allowedInstanceTypes.length === 0) {
    problems.add('allowedInstanceTypes', 'is empty, which would forbid every SageMaker job; list the allowed types (e.g. ["ml.m5.*", "ml.t3.medium"]) or remove the key for the default list');
  }
  validatePeople(input.people, problems);
  const useCaseNames = Array.isArray(input.useCases) ? input.useCases.map((u: any) => (isObject(u) ? u.name : undefined)).filter((n: unknown): n is string => typeof n === 'string') : [];
  validateStudio(input.studio, useCaseNames, problems);
  validateDataShare(input.dataShare, problems);
  const repos = stringList(input, 'imageRepositories', '', problems, 'an ECR repository short name', REPOSITORY_PATTERN, 'sklearn-inference');
  if (repos !== undefined && repos.length === 0 && Array.isArray(input.imageRepositories)) {
    problems.add('imageRepositories', 'is empty; list at least one repository name, or remove the key for the defaults');
  }
  stringList(input, 'catalogPrincipalArns', '', problems, 'an IAM role ARN', ROLE_ARN_PATTERN, 'arn:aws:iam::333333333333:role/mlops-engineers');
  validateGithub(input.github, input, problems);
  validateLandingZone(input.landingZone, problems);
}

const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
const GITHUB_REPOSITORY_PATTERN = /^[A-Za-z0-9._*-]{1,100}$/;
const GITHUB_OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::(\d{12}):oidc-provider\/token\.actions\.githubusercontent\.com$/;

/** IAM's default quota for the size of a role trust policy (characters, whitespace not counted). */
const TRUST_POLICY_MAX_CHARS = 2048;

/** The size of the GitHub deploy role's trust policy as IAM counts it (see ExpAccountStack). */
function githubTrustPolicySize(organization: string, repositories: string[], accountId: string): number {
  const trust = {
    Statement: [{
      Action: 'sts:AssumeRoleWithWebIdentity',
      Condition: {
        StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
        StringLike: { 'token.actions.githubusercontent.com:sub': repositories.map((r) => `repo:${organization}/${r}:ref:refs/heads/main`) },
      },
      Effect: 'Allow',
      Principal: { Federated: `arn:aws-us-gov:iam::${accountId}:oidc-provider/token.actions.githubusercontent.com` },
    }],
    Version: '2012-10-17',
  };
  return JSON.stringify(trust).length;
}

function validateGithub(github: unknown, input: Obj, problems: Problems): void {
  if (github === undefined) return;
  if (!checkObject(github, 'github', ['organization', 'repositories', 'oidcProviderArn'], problems)) return;
  const expAccountId = isObject(input.accounts) && isObject(input.accounts.exp) && typeof input.accounts.exp.accountId === 'string'
    ? input.accounts.exp.accountId : '222222222222';
  const example = `arn:aws:iam::${expAccountId}:oidc-provider/token.actions.githubusercontent.com`;
  const arn = stringField(github, 'github', 'oidcProviderArn', false, example, problems);
  const match = arn === undefined ? null : GITHUB_OIDC_PROVIDER_ARN.exec(arn);
  if (arn !== undefined && !match) {
    problems.add('github.oidcProviderArn', `${show(arn)} is not the ARN of a GitHub OIDC provider; write ${JSON.stringify(example)}, or remove the key to let the platform create the provider`);
  } else if (match && /^\d{12}$/.test(expAccountId) && match[1] !== expAccountId) {
    problems.add('github.oidcProviderArn', `names account ${match[1]}, but the provider must exist in EXP (${expAccountId}); write ${JSON.stringify(example)}`);
  }
  const org = stringField(github, 'github', 'organization', true, 'vw-mlops', problems);
  if (org !== undefined && !GITHUB_OWNER.test(org)) {
    problems.add('github.organization', `${show(org)} is not a GitHub organization or user name; use 1 to 39 letters, digits and single hyphens`);
  }
  const repos = stringList(github, 'repositories', 'github', problems, 'a repository name pattern', GITHUB_REPOSITORY_PATTERN, 'weld-gun-*');
  if (repos !== undefined && repos.length === 0 && Array.isArray(github.repositories)) {
    problems.add('github.repositories', 'is empty; list the repository names (patterns with * allowed), or remove the key for every repository of the organization');
  }
  if (repos !== undefined && repos.length > 0 && org !== undefined) {
    const size = githubTrustPolicySize(org, repos, expAccountId);
    if (size > TRUST_POLICY_MAX_CHARS) {
      problems.add('github.repositories', `lists ${repos.length} patterns: the trust policy of the GitHub deploy role would have ${size} characters, above IAM's limit of ${TRUST_POLICY_MAX_CHARS}; `
        + 'use fewer, wider patterns such as "weld-gun-*"');
    }
  }
}

function validatePeople(people: unknown, problems: Problems): void {
  if (people === undefined) return;
  const keys = ['identityCenterAccountId', 'samlProviderName', 'mfaAccountIds'];
  if (!checkObject(people, 'people', [...keys, 'permissionSets'], problems)) return;
  const set = keys.filter((k) => people[k] !== undefined);
  if (set.length !== 1) {
    problems.add('people', `set exactly one of ${keys.join(', ')} (found ${set.length === 0 ? 'none' : set.join(' and ')}); for example { "identityCenterAccountId": "999999999999" }`);
  }
  const ic = stringField(people, 'people', 'identityCenterAccountId', false, '999999999999', problems);
  if (ic !== undefined && !ACCOUNT_PATTERN.test(ic)) problems.add('people.identityCenterAccountId', `${show(ic)} is not a 12-digit AWS account id; write exactly 12 digits`);
  const saml = stringField(people, 'people', 'samlProviderName', false, 'CorporateIdP', problems);
  if (saml !== undefined && !SAML_NAME_PATTERN.test(saml)) problems.add('people.samlProviderName', `${show(saml)} is not a SAML provider name; use 1 to 128 letters, digits, dots, underscores or hyphens`);
  const mfa = stringList(people, 'mfaAccountIds', 'people', problems, 'a 12-digit AWS account id', ACCOUNT_PATTERN, '999999999999');
  if (mfa !== undefined && mfa.length === 0 && Array.isArray(people.mfaAccountIds)) problems.add('people.mfaAccountIds', 'is empty; list at least one account id');
  validatePermissionSets(people, ic, problems);
}

/** `people.permissionSets`: with Identity Center only, a permission set name for each persona. */
function validatePermissionSets(people: Obj, identityCenterAccountId: string | undefined, problems: Problems): void {
  const sets = people.permissionSets;
  if (sets === undefined) return;
  const fields = Object.keys(DEFAULT_PERMISSION_SETS);
  if (!checkObject(sets, 'people.permissionSets', fields, problems)) return;
  if (identityCenterAccountId === undefined) {
    problems.add('people.permissionSets', 'names Identity Center permission sets, so it needs people.identityCenterAccountId; remove it or sign in through Identity Center');
  }
  for (const field of fields) {
    const name = stringField(sets, 'people.permissionSets', field, true, (DEFAULT_PERMISSION_SETS as any)[field], problems);
    if (name !== undefined && !/^[\w+=,.@-]{1,32}$/.test(name)) {
      problems.add(`people.permissionSets.${field}`, `${show(name)} is not a permission set name; use 1 to 32 of A-Z a-z 0-9 + = , . @ _ -`);
    }
  }
  const names = fields.map((f) => sets[f]).filter((n) => typeof n === 'string');
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length > 0) {
    problems.add('people.permissionSets', `names ${show(repeated[0])} for more than one persona; give each persona its own permission set, so that signing in as one persona never grants another's role`);
  }
}

/** `studio`; each user names the use case they work on when `useCases` lists any. */
function validateStudio(studio: unknown, useCases: string[], problems: Problems): void {
  if (studio === undefined) return;
  if (!checkObject(studio, 'studio', ['authMode', 'idleTimeoutMinutes', 'users'], problems)) return;
  const mode = stringField(studio, 'studio', 'authMode', false, 'IAM', problems);
  if (mode !== undefined && !['IAM', 'SSO'].includes(mode)) {
    problems.add('studio.authMode', `${show(mode)} is not an authentication mode; write "IAM" or "SSO" (IAM Identity Center)${didYouMean(mode, ['IAM', 'SSO'])}`);
  }
  const idle = studio.idleTimeoutMinutes;
  if (idle !== undefined && (typeof idle !== 'number' || !Number.isInteger(idle) || idle < 60 || idle > 525600)) {
    problems.add('studio.idleTimeoutMinutes', `${show(idle)} is not a valid idle timeout; write whole minutes from 60 to 525600`);
  }
  const users = list(studio, 'users', 'studio', problems, 'user objects');
  const seen = new Set<string>();
  users?.forEach((user, i) => {
    const p = `studio.users[${i}]`;
    if (!checkObject(user, p, ['userProfileName', 'identityCenterUserName', 'useCase'], problems)) return;
    const useCase = stringField(user, p, 'useCase', useCases.length > 0, useCases[0] ?? 'weld-gun-pm', problems);
    if (useCase !== undefined && !useCases.includes(useCase)) {
      problems.add(`${p}.useCase`, useCases.length === 0
        ? `names ${show(useCase)}, but useCases lists no use case; add the use case to useCases or remove useCase`
        : `${show(useCase)} is not a use case of useCases; write one of ${useCases.map((u) => JSON.stringify(u)).join(', ')}${didYouMean(useCase, useCases)}`);
    }
    const name = stringField(user, p, 'userProfileName', true, 'jane-doe', problems);
    if (name !== undefined) {
      if (!PROFILE_PATTERN.test(name)) problems.add(`${p}.userProfileName`, `${show(name)} is not a SageMaker user profile name; use letters, digits and single hyphens, at most 63 characters, e.g. "jane-doe"`);
      else if (seen.has(name)) problems.add(`${p}.userProfileName`, `${show(name)} is listed twice; each data scientist has one profile`);
      seen.add(name);
    }
    const ic = stringField(user, p, 'identityCenterUserName', false, 'jane.doe@example.com', problems);
    if (mode === 'SSO' && ic === undefined && user.identityCenterUserName === undefined) {
      problems.add(`${p}.identityCenterUserName`, 'is required when studio.authMode is "SSO"; write the IAM Identity Center user name');
    }
    if (mode !== 'SSO' && ic !== undefined) {
      problems.add(`${p}.identityCenterUserName`, 'is only used when studio.authMode is "SSO"; remove it, or set "authMode": "SSO"');
    }
  });
}

function validateDataShare(share: unknown, problems: Problems): void {
  if (share === undefined) return;
  if (!checkObject(share, 'dataShare', ['databaseName', 'tables', 'lakeFormationAdminArns'], problems)) return;
  stringList(share, 'lakeFormationAdminArns', 'dataShare', problems, 'an IAM role or user ARN', LF_ADMIN_ARN_PATTERN, 'arn:aws:iam::111111111111:role/data-platform-admins');
  const db = stringField(share, 'dataShare', 'databaseName', true, 'welding', problems);
  if (db !== undefined && !GLUE_NAME_PATTERN.test(db)) problems.add('dataShare.databaseName', `${show(db)} is not a Glue database name; use lowercase letters, digits and underscores, starting with a letter`);
  const tables = list(share, 'tables', 'dataShare', problems, 'table objects');
  if (tables === undefined) {
    if (share.tables === undefined) problems.add('dataShare.tables', 'is required; list the tables to share, each { "name", "location", "columns", "sharedColumns" }');
    return;
  }
  if (tables.length === 0) problems.add('dataShare.tables', 'is empty; list at least one table, or remove dataShare');
  const names = new Set<string>();
  tables.forEach((table, i) => {
    const p = `dataShare.tables[${i}]`;
    if (!checkObject(table, p, ['name', 'location', 'columns', 'sharedColumns'], problems)) return;
    const name = stringField(table, p, 'name', true, 'weld_readings', problems);
    if (name !== undefined) {
      if (!GLUE_NAME_PATTERN.test(name)) problems.add(`${p}.name`, `${show(name)} is not a Glue table name; use lowercase letters, digits and underscores, starting with a letter`);
      else if (names.has(name)) problems.add(`${p}.name`, `${show(name)} is listed twice; each table once`);
      names.add(name);
    }
    const location = stringField(table, p, 'location', true, 's3://vwml-data-lake/welding/readings/', problems);
    if (location !== undefined && !S3_LOCATION_PATTERN.test(location)) problems.add(`${p}.location`, `${show(location)} is not an S3 location; write "s3://<bucket>/<prefix>/"`);
    const columns = list(table, 'columns', p, problems, 'column objects');
    const columnNames: string[] = [];
    if (columns === undefined) {
      if (table.columns === undefined) problems.add(`${p}.columns`, 'is required; list the columns, each { "name", "type" }');
    } else {
      if (columns.length === 0) problems.add(`${p}.columns`, 'is empty; list at least one column');
      columns.forEach((column, j) => {
        const cp = `${p}.columns[${j}]`;
        if (!checkObject(column, cp, ['name', 'type'], problems)) return;
        const cname = stringField(column, cp, 'name', true, 'current_ka', problems);
        if (cname !== undefined) {
          if (!GLUE_NAME_PATTERN.test(cname)) problems.add(`${cp}.name`, `${show(cname)} is not a column name; use lowercase letters, digits and underscores`);
          else if (columnNames.includes(cname)) problems.add(`${cp}.name`, `${show(cname)} is listed twice`);
          columnNames.push(cname);
        }
        const ctype = stringField(column, cp, 'type', true, 'double', problems);
        if (ctype !== undefined && !GLUE_TYPE_PATTERN.test(ctype)) {
          problems.add(`${cp}.type`, `${show(ctype)} is not a supported column type; use one of ${GLUE_PRIMITIVES.join(', ')}, decimal(p,s), varchar(n), char(n)${didYouMean(ctype, GLUE_PRIMITIVES)}`);
        }
      });
    }
    const shared = list(table, 'sharedColumns', p, problems, 'column names');
    if (shared === undefined) {
      if (table.sharedColumns === undefined) problems.add(`${p}.sharedColumns`, 'is required; list the columns EXP may read (column-level grant)');
    } else {
      if (shared.length === 0) problems.add(`${p}.sharedColumns`, 'is empty; list at least one column EXP may read, or remove the table');
      shared.forEach((c, j) => {
        if (typeof c !== 'string') {problems.add(`${p}.sharedColumns[${j}]`, `${show(c)} is not a column name`);} else if (columns !== undefined && !columnNames.includes(c)) {
          problems.add(`${p}.sharedColumns[${j}]`, `${show(c)} is not a column of table ${show(name)}${didYouMean(c, columnNames) || `; its columns are ${columnNames.join(', ')}`}`);
        }
      });
    }
  });
}

function validateLandingZone(landingZone: unknown, problems: Problems): void {
  if (landingZone === undefined) return;
  const keys = ['createConfigRecorder', 'createConfigServiceLinkedRole', 'enableSecurityHub', 'manageApiGatewayAccount'];
  if (!checkObject(landingZone, 'landingZone', keys, problems)) return;
  for (const key of keys) {
    const value = landingZone[key];
    if (value !== undefined && typeof value !== 'boolean') {
      problems.add(`landingZone.${key}`, `must be true or false, not ${show(value)}; write false where the landing zone provides it already`);
    }
  }
  if (landingZone.createConfigRecorder === false && landingZone.createConfigServiceLinkedRole === true) {
    problems.add('landingZone.createConfigServiceLinkedRole',
      'is true but createConfigRecorder is false; the platform creates the service-linked role only for its own recorder: remove createConfigServiceLinkedRole');
  }
}
