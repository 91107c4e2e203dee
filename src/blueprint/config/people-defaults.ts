import type { PersonaPermissionSets } from '../../constructs/security/persona-trust';

/**
 * The Identity Center permission set of each persona when `people.permissionSets` is not set: the
 * persona roles of every account trust only these. @internal
 */
export const DEFAULT_PERMISSION_SETS: PersonaPermissionSets = {
  dataScientist: 'MlopsDataScientist',
  leadDataScientist: 'MlopsLeadDataScientist',
  mlopsEngineer: 'MlopsEngineer',
  auditor: 'MlopsAuditor',
};
