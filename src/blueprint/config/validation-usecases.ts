import { checkObject, isObject, Obj, stringField } from './fields';
import { didYouMean, Problems, show } from './problems';

/** The value of the tag `mlops:use-case` on the platform's own resources (so no use case may be named so). */
import { PLATFORM_TAG_VALUE } from '../../constructs/core/tenancy-tag';

/** Same rule as `UseCaseNames.validate` (kept here so that the config does not import the use-case layer). */
const USE_CASE_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const MAX_NAME = 20;
const GITHUB_OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?$/;
const GITHUB_NAME = /^[A-Za-z0-9._-]{1,100}$/;
/** A git branch name that needs no quoting in an OIDC `sub` (no wildcards: the subject is matched exactly). */
const BRANCH = /^(?!.*\.\.)(?!\/)(?!.*\/$)[A-Za-z0-9._/-]{1,200}$/;
/** An Identity Center group display name. */
const TEAM = /^[\p{L}\p{M}\p{S}\p{N}\p{P} ]{1,128}$/u;
const KEYS = ['name', 'team', 'repository', 'deployBranch', 'dataAccess', 'monthlyBudgetUsd', 'budgetNotificationEmail', 'approvalEmails'];
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Validates `useCases` against the rest of the configuration (`github`, `dataShare`). @internal */
export function validateUseCases(input: Obj, problems: Problems): void {
  const value = input.useCases;
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    problems.add('useCases', `must be a list of use cases, each { "name", "team", "repository" }, not ${show(value)}`);
    return;
  }
  const org = isObject(input.github) && typeof input.github.organization === 'string' ? input.github.organization : undefined;
  const names = new Set<string>();
  const repositories = new Map<string, string>();
  value.forEach((entry, i) => {
    const p = `useCases[${i}]`;
    if (!checkObject(entry, p, KEYS, problems)) return;
    const name = stringField(entry, p, 'name', true, 'weld-gun-pm', problems);
    if (name !== undefined) {
      if (name.length < 2 || name.length > MAX_NAME || !USE_CASE_NAME.test(name)) {
        const suggestion = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^[^a-z]+|-+$/g, '').slice(0, MAX_NAME) || 'weld-gun-pm';
        problems.add(`${p}.name`, `${show(name)} is not a use-case name; use 2 to ${MAX_NAME} lowercase letters, digits and single hyphens, starting with a letter, for example ${JSON.stringify(suggestion)}`);
      } else if (name === PLATFORM_TAG_VALUE) {
        problems.add(`${p}.name`, `"${PLATFORM_TAG_VALUE}" is reserved: the platform's own resources carry the tag mlops:use-case=${PLATFORM_TAG_VALUE}; choose another name, e.g. "platform-pm"`);
      } else if (names.has(name)) {
        problems.add(`${p}.name`, `${show(name)} is listed twice; each use case once`);
      }
      names.add(name);
    }
    const team = stringField(entry, p, 'team', true, 'mlops-weld-gun-pm', problems);
    if (team !== undefined && !TEAM.test(team)) {
      problems.add(`${p}.team`, `${show(team)} is not an IAM Identity Center group name; write the group's display name (1 to 128 characters), e.g. "mlops-weld-gun-pm"`);
    }
    validateRepository(entry, p, org, repositories, problems);
    const branch = stringField(entry, p, 'deployBranch', false, 'main', problems);
    if (branch !== undefined && !BRANCH.test(branch)) {
      problems.add(`${p}.deployBranch`, `${show(branch)} is not a branch name the deploy role can trust exactly; write one branch without wildcards, e.g. "main"`);
    }
    const budget = entry.monthlyBudgetUsd;
    if (budget !== undefined && (typeof budget !== 'number' || !Number.isFinite(budget) || budget <= 0)) {
      problems.add(`${p}.monthlyBudgetUsd`, `${show(budget)} is not a budget; write a positive number of US dollars, e.g. 500, or remove the key`);
    }
    const email = entry.budgetNotificationEmail;
    if (email !== undefined && (typeof email !== 'string' || !EMAIL.test(email))) {
      problems.add(`${p}.budgetNotificationEmail`, `${show(email)} is not an e-mail address; write one address, e.g. "mlops-team@example.com", or remove the key`);
    } else if (email !== undefined && budget === undefined) {
      problems.add(`${p}.budgetNotificationEmail`, 'notifies about a budget that does not exist; add monthlyBudgetUsd, e.g. 500, or remove the key');
    }
    validateApprovalEmails(entry, p, problems);
    validateDataAccess(entry, p, input.dataShare, problems);
  });
}

/** `approvalEmails`: a non-empty list of distinct e-mail addresses (subscriptions of the approval topic). */
function validateApprovalEmails(entry: Obj, p: string, problems: Problems): void {
  const emails = entry.approvalEmails;
  if (emails === undefined) return;
  if (!Array.isArray(emails) || emails.length === 0) {
    problems.add(`${p}.approvalEmails`, `must be a non-empty list of e-mail addresses, e.g. ["weld-gun-pm-leads@example.com"], not ${show(emails)}; or remove the key`);
    return;
  }
  const seen = new Set<string>();
  emails.forEach((email, j) => {
    if (typeof email !== 'string' || !EMAIL.test(email)) {
      problems.add(`${p}.approvalEmails[${j}]`, `${show(email)} is not an e-mail address; write one address, e.g. "weld-gun-pm-leads@example.com"`);
    } else if (seen.has(email.toLowerCase())) {
      problems.add(`${p}.approvalEmails[${j}]`, `${show(email)} is listed twice; list each address once`);
    } else {
      seen.add(email.toLowerCase());
    }
  });
}

function validateRepository(entry: Obj, p: string, org: string | undefined, seen: Map<string, string>, problems: Problems): void {
  const example = `${org ?? 'vw-mlops'}/weld-gun-pm`;
  const repository = stringField(entry, p, 'repository', true, example, problems);
  if (repository === undefined) return;
  const [owner, name, ...rest] = repository.split('/');
  if (rest.length > 0 || name === undefined || !GITHUB_OWNER.test(owner) || !GITHUB_NAME.test(name) || name === '.' || name === '..') {
    problems.add(`${p}.repository`, `${show(repository)} is not a GitHub repository; write "owner/name" without wildcards, e.g. ${JSON.stringify(example)}`);
    return;
  }
  if (org !== undefined && owner.toLowerCase() !== org.toLowerCase()) {
    problems.add(`${p}.repository`, `${show(repository)} is not in the organization ${show(org)} of github.organization; write ${JSON.stringify(`${org}/${name}`)}`);
  }
  const key = repository.toLowerCase();
  const other = seen.get(key);
  if (other !== undefined) {
    problems.add(`${p}.repository`, `${show(repository)} is already the repository of ${other}; each use case has its own repository`);
  }
  seen.set(key, p);
}

function validateDataAccess(entry: Obj, p: string, dataShare: unknown, problems: Problems): void {
  const access = entry.dataAccess;
  if (access === undefined) return;
  if (!Array.isArray(access)) {
    problems.add(`${p}.dataAccess`, `must be a list, each { "table", "columns", "rowFilter" }, not ${show(access)}`);
    return;
  }
  const tables = isObject(dataShare) && Array.isArray(dataShare.tables) ? dataShare.tables.filter(isObject) : undefined;
  if (access.length > 0 && tables === undefined) {
    problems.add(`${p}.dataAccess`, 'needs dataShare: the use case can only read tables that DATA shares; add dataShare, or remove dataAccess');
  }
  const seen = new Set<string>();
  access.forEach((a, j) => {
    const ap = `${p}.dataAccess[${j}]`;
    if (!checkObject(a, ap, ['table', 'columns', 'rowFilter'], problems)) return;
    const table = stringField(a, ap, 'table', true, 'weld_readings', problems);
    const shared = table === undefined ? undefined : tables?.find((t) => t.name === table);
    if (table !== undefined && tables !== undefined && shared === undefined) {
      const known = tables.map((t) => String(t.name));
      problems.add(`${ap}.table`, `${show(table)} is not a table of dataShare.tables${didYouMean(table, known) || `; the tables are ${known.join(', ')}`}`);
    }
    if (table !== undefined && seen.has(table)) problems.add(`${ap}.table`, `${show(table)} is listed twice; one entry per table`);
    if (table !== undefined) seen.add(table);
    const sharedColumns = shared && Array.isArray(shared.sharedColumns) ? shared.sharedColumns.map(String) : undefined;
    const columns = a.columns;
    if (!Array.isArray(columns) || columns.length === 0) {
      problems.add(`${ap}.columns`, `must list at least one column the use case may read, not ${show(columns)}`);
    } else {
      columns.forEach((c, k) => {
        if (typeof c !== 'string') {problems.add(`${ap}.columns[${k}]`, `${show(c)} is not a column name`);} else if (sharedColumns && !sharedColumns.includes(c)) {
          problems.add(`${ap}.columns[${k}]`, `${show(c)} is not a shared column of ${show(table)}${didYouMean(c, sharedColumns) || `; its shared columns are ${sharedColumns.join(', ')}`}`);
        }
      });
    }
    const filter = stringField(a, ap, 'rowFilter', false, "plant_id IN ('wob')", problems);
    if (filter !== undefined && (filter.trim() === '' || filter.length > 2048 || filter.includes(';'))) {
      problems.add(`${ap}.rowFilter`, `${show(filter)} is not a row filter; write one PartiQL condition without ";" (at most 2,048 characters), e.g. "plant_id IN ('wob')", or remove the key for every row`);
    }
  });
}
