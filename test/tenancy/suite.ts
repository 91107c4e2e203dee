/**
 * Prints the tenancy measurement: `N cross-tenant requests denied, M same-tenant allowed` and the
 * cross-tenant requests that are allowed, grouped by role kind and action class. Exits 1 when a
 * cross-tenant request is allowed, when a role could not be measured, or when no same-tenant control is
 * allowed (CI runs it after the flows' mutation run).
 *
 *   npx ts-node --transpile-only --project tsconfig.dev.json test/tenancy/suite.ts
 */
import { measureTenancy, tenancyModel } from './tenancy';

async function main(): Promise<void> {
  const started = Date.now();
  const model = tenancyModel();
  const report = await measureTenancy(model);
  const lines: string[] = [];
  lines.push(`${report.crossTenantDenied.length} cross-tenant requests denied, ${report.sameTenantAllowed.length} same-tenant allowed`);
  lines.push(`(${report.results.length} requests in ${((Date.now() - started) / 1000).toFixed(1)} s; ${report.crossTenantAllowed.length} cross-tenant allowed in ${report.gapClasses.length} classes)`);
  for (const cls of report.gapClasses) {
    const hits = report.crossTenantAllowed.filter((r) => `${r.role.split(r.useCase).join('<uc>')} | ${r.actionClass}` === cls);
    lines.push(`ALLOWED cross-tenant: ${cls} (${hits.length}, e.g. ${hits[0].role} ${hits[0].action} ${hits[0].resource})`);
  }
  lines.push(`not measured: ${report.ambiguousRoles.length} unnamed roles whose fake name is the same in several use cases' stacks: ${report.ambiguousRoles.map((a) => a.split(':role/')[1]).join(', ')}`);
  console.log(lines.join('\n'));
  if (report.crossTenantAllowed.length > 0 || report.ambiguousRoles.length > 0 || report.sameTenantAllowed.length === 0) {
    console.error('tenancy: FAILED: every cross-tenant request must be denied, every role measured, and the same-tenant controls allowed');
    process.exit(1);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
