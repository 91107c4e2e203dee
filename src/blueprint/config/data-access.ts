import { PlatformConfig } from './platform-config';

/**
 * Whether the platform shares its data per use case: some entry of `useCases` declares `dataAccess`.
 * Then DATA grants the EXP account nothing but `DESCRIBE` on the database (no `SELECT`, no grant
 * option) and each use case's onboarding grants its own data cells filters to its own roles.
 * @internal
 */
export function sharesDataPerUseCase(config: PlatformConfig): boolean {
  return config.dataShare !== undefined && config.useCases.some((u) => (u.dataAccess ?? []).length > 0);
}
