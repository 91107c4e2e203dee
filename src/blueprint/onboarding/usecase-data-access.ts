import { Construct } from 'constructs';
import { DataCellsFilterGrant } from '../../constructs/data';
import { PlatformAccount, PlatformConfig } from '../config/platform-config';
import { UseCaseConfig } from '../config/usecase-config';
import { UseCaseNames } from '../usecase/usecase-names';

/**
 * The roles of a use case in EXP that read the shared data: its model-build pipeline's execution role
 * and the execution roles of the Studio profiles that work on it (`studio.users[].useCase`), by ARN.
 * @internal
 */
export function useCaseDataReaderRoleArns(config: PlatformConfig, names: UseCaseNames): string[] {
  const studio = (config.studio.users ?? []).filter((u) => u.useCase === names.useCase);
  return [
    names.roleArn(PlatformAccount.EXP, names.pipelineRoleName),
    ...studio.map((u) => names.platform.studioExecutionRoleArn(u.userProfileName)),
  ];
}

/**
 * The name of a use case's data cells filter on a table, `<prefix>-<use case>_<table>`: unique per table
 * and readable in Lake Formation (a use-case name has no `_`, a table name no `-`).
 * @internal
 */
export function useCaseFilterName(names: UseCaseNames, table: string): string {
  return `${names.base}_${table}`;
}

/**
 * In the use case's DATA onboarding stack: a Lake Formation data cells filter per `dataAccess` entry
 * (its columns, its row filter or every row) on the shared table, granted with `SELECT`, and `DESCRIBE` on
 * the shared database, to the use case's reader roles in EXP by ARN, without grant option. The tables and
 * the data lake administrator settings come from DATA's platform stack, by name.
 * @internal
 */
export function createUseCaseDataGrant(
  scope: Construct,
  config: PlatformConfig,
  useCase: UseCaseConfig,
  names: UseCaseNames,
): DataCellsFilterGrant | undefined {
  const share = config.dataShare;
  const access = useCase.dataAccess ?? [];
  if (!share || access.length === 0) return undefined;
  return new DataCellsFilterGrant(scope, 'DataAccess', {
    databaseName: share.databaseName,
    catalogId: config.account(PlatformAccount.DATA).accountId,
    filters: access.map((a) => ({
      filterName: useCaseFilterName(names, a.table),
      tableName: a.table,
      columnNames: a.columns,
      rowFilter: a.rowFilter,
    })),
    principalArns: useCaseDataReaderRoleArns(config, names),
  });
}
