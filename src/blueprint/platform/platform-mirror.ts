import { PackageMirrorReference } from '../../constructs/artifacts';
import { PlatformAccount } from '../config/platform-config';
import { PlatformNames } from '../naming';

/**
 * The platform's CodeArtifact mirror in EXP, as the builds in RES (the platform's image builds, each use
 * case's deployment pipeline and image build) reach it across the account boundary.
 * @param names the platform's names
 * @internal
 */
export function platformPackageMirror(names: PlatformNames): PackageMirrorReference {
  const exp = names.config.account(PlatformAccount.EXP);
  return PackageMirrorReference.fromAttributes({
    domainName: names.codeArtifactDomainName,
    domainOwner: exp.accountId,
    region: exp.region,
  });
}
