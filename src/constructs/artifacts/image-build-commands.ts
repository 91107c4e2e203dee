/*
 * Build-phase commands of the image build pipeline's Build project that depend on where it runs: the
 * Dockerfile check of isolated builds, the pip index of the package mirror and the docker build itself.
 * Also the ScanGate's and Promote's commands. Nothing here is public API; the Dockerfile check runs in bash
 * in test/constructs/artifacts/image-build-commands.test.ts.
 */
import { PackageMirrorReference } from './package-mirror-reference';

/**
 * Fails an isolated build whose Dockerfile pulls a base image from the internet, naming the `FROM` and
 * the fix, instead of letting docker time out on Docker Hub. Allowed: ECR images
 * (`<account>.dkr.ecr.<region>.amazonaws.com/...`), build arguments (`${BASE_IMAGE}`), earlier stages
 * (`FROM ... AS <stage>`) and `scratch`. Reads `$DOCKERFILE`.
 * @internal
 */
export const CHECK_BASE_IMAGES_REACHABLE = [
  'STAGES=" scratch "',
  'while read -r FROM_IMAGE FROM_AS FROM_STAGE; do',
  '  case "$FROM_IMAGE" in',
  '    \\$*) ;;',
  '    *.dkr.ecr.*.amazonaws.com/*|*.dkr.ecr.*.amazonaws.com.cn/*) ;;',
  '    *) case "$STAGES" in *" $FROM_IMAGE "*) ;; *)',
  '      echo "Build FAILED: $DOCKERFILE has FROM $FROM_IMAGE, a registry this build cannot reach (it runs in an isolated VPC without internet)."',
  '      echo "Build FROM an image of the central ECR registry or an ECR pull-through cache: ARG BASE_IMAGE, FROM \\${BASE_IMAGE} (ImageBuildPipeline baseImageUri)."',
  '      exit 1 ;; esac ;;',
  '  esac',
  '  case "$FROM_AS" in [Aa][Ss]) STAGES="$STAGES$FROM_STAGE " ;; esac',
  // FROM lines without their --platform=... options: image, AS, stage name
  'done < <(sed -nE \'s/^[[:space:]]*[Ff][Rr][Oo][Mm][[:space:]]+((--[^[:space:]]+[[:space:]]+)*)//p\' "$DOCKERFILE")',
].join('\n');

/**
 * Logs Docker in to the registry of the repository in `$<uriVariable>`.
 * @internal
 */
export function dockerLogin(uriVariable: string): string[] {
  return [`aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin "\${${uriVariable}%%/*}"`];
}

/**
 * Sets `PIP_INDEX_URL` to the mirror's pip index with a fresh CodeArtifact token in it (for the BuildKit
 * secret `pip-index-url`).
 * @internal
 */
export function pipIndexSecretCommands(mirror: PackageMirrorReference): string[] {
  const host = mirror.pipIndexUrl.replace(/^https:\/\//, '');
  return [
    [
      `CODEARTIFACT_TOKEN=$(aws codeartifact get-authorization-token --domain ${mirror.domainName} --domain-owner ${mirror.domainOwner}`,
      `--region ${mirror.region} --query authorizationToken --output text)`,
    ].join(' '),
    `export PIP_INDEX_URL="https://aws:\${CODEARTIFACT_TOKEN}@${host}"`,
  ];
}

/**
 * Sets `BASE_IMAGE` to the Dockerfile's own `ARG BASE_IMAGE` default, an image of ECR Public pinned by
 * tag and digest, moved to the pull-through cache `$BASE_IMAGE_CACHE`: the build pulls through the cache
 * exactly the digest the repository pins. Reads `$DOCKERFILE`.
 * @internal
 */
export const BASE_IMAGE_THROUGH_CACHE = [
  'BASE_IMAGE="$(sed -n \'s/^ARG[[:space:]][[:space:]]*BASE_IMAGE=//p\' "$DOCKERFILE" | head -n 1 | tr -d \'"\\r\')"',
  'case "$BASE_IMAGE" in public.ecr.aws/*@sha256:*) BASE_IMAGE="$BASE_IMAGE_CACHE/${BASE_IMAGE#public.ecr.aws/}"; echo "Base image through the cache: $BASE_IMAGE" ;;'
    + ' *) echo "Build: $DOCKERFILE must pin its base image as ARG BASE_IMAGE=public.ecr.aws/<path>:<tag>@sha256:<digest> (found: \\"$BASE_IMAGE\\"); the isolated build reaches ECR Public only through the pull-through cache"; exit 1 ;; esac',
];

/**
 * The docker build of the candidate image: with the base image as a build argument and the pip index
 * as a BuildKit secret where configured.
 * @internal
 */
export function dockerBuildCommand(baseImage: boolean, pipIndexSecret: boolean): string {
  return [
    ...(pipIndexSecret ? ['DOCKER_BUILDKIT=1'] : []),
    'docker build --file "$DOCKERFILE"',
    ...(baseImage ? ['--build-arg BASE_IMAGE="$BASE_IMAGE"'] : []),
    ...(pipIndexSecret ? ['--secret id=pip-index-url,env=PIP_INDEX_URL'] : []),
    '--tag "$CANDIDATE_REPOSITORY_URI:$IMAGE_TAG" "$BUILD_CONTEXT"',
  ].join(' ');
}

/**
 * The ScanGate: wait for the scan (start one if the repository did not), then fail on blocking findings.
 * Accepts COMPLETE (basic scanning) and ACTIVE (enhanced scanning); any other final status fails closed.
 * @internal
 */
export function scanGateCommands(): string[] {
  const target = '--repository-name "$CANDIDATE_REPOSITORY_NAME" --image-id imageDigest="$IMAGE_DIGEST"';
  return [
    'case "$IMAGE_DIGEST" in sha256:*) ;; *) echo "ScanGate: IMAGE_DIGEST is not a digest: $IMAGE_DIGEST"; exit 1 ;; esac',
    [
      'DEADLINE=$(( $(date +%s) + SCAN_TIMEOUT_SECONDS ))',
      'while true; do',
      `  STATUS=$(aws ecr describe-image-scan-findings ${target} --no-paginate --query 'imageScanStatus.status' --output text 2>scan-error.txt) || STATUS=""`,
      '  if [ -z "$STATUS" ] && grep -q ScanNotFoundException scan-error.txt; then',
      '    echo "ScanGate: no scan of $IMAGE_DIGEST yet; starting one"',
      `    aws ecr start-image-scan ${target} || true`,
      '    STATUS=PENDING',
      '  fi',
      '  case "$STATUS" in',
      '    COMPLETE|ACTIVE) echo "ScanGate: scan status $STATUS"; break ;;',
      '    IN_PROGRESS|PENDING) ;;',
      '    *) echo "ScanGate FAILED: the scan of $IMAGE_DIGEST ended with status \'$STATUS\' $(cat scan-error.txt)"; exit 1 ;;',
      '  esac',
      '  if [ "$(date +%s)" -ge "$DEADLINE" ]; then echo "ScanGate FAILED: no scan result after $SCAN_TIMEOUT_SECONDS seconds"; exit 1; fi',
      '  sleep 10',
      'done',
    ].join('\n'),
    `aws ecr describe-image-scan-findings ${target} --no-paginate --query 'imageScanFindings.findingSeverityCounts' --output json > severity-counts.json`,
    'cat severity-counts.json',
    [
      'BLOCKING=0',
      'for SEVERITY in $FAIL_ON_SEVERITIES; do',
      '  COUNT=$(jq -r --arg s "$SEVERITY" \'(. // {})[$s] // 0\' severity-counts.json)',
      '  echo "$SEVERITY findings: $COUNT"',
      '  BLOCKING=$((BLOCKING + COUNT))',
      'done',
      'if [ "$BLOCKING" -gt 0 ]; then',
      '  echo "ScanGate FAILED: $BLOCKING finding(s) of severity $FAIL_ON_SEVERITIES in $CANDIDATE_REPOSITORY_NAME@$IMAGE_DIGEST"',
      '  exit 1',
      'fi',
      'echo "ScanGate passed: no finding of severity $FAIL_ON_SEVERITIES"',
    ].join('\n'),
  ];
}

/**
 * Promote: copy the candidate by digest under the execution id tag, idempotently, and verify the digest.
 * @internal
 */
export function promoteCommands(): string[] {
  const describeTarget =
    'aws ecr describe-images --registry-id "${TARGET_REPOSITORY_URI%%.*}" --repository-name "$TARGET_REPOSITORY_NAME" --image-ids imageTag="$IMAGE_TAG" --query \'imageDetails[0].imageDigest\' --output text';
  return [
    'case "$IMAGE_DIGEST" in sha256:*) ;; *) echo "Promote: IMAGE_DIGEST is not a digest: $IMAGE_DIGEST"; exit 1 ;; esac',
    ...dockerLogin('CANDIDATE_REPOSITORY_URI'),
    ...dockerLogin('TARGET_REPOSITORY_URI'),
    'IMAGE_TAG="$EXECUTION_ID"',
    `EXISTING=$(${describeTarget} 2>/dev/null) || EXISTING=""`,
    [
      'if [ -n "$EXISTING" ] && [ "$EXISTING" != "None" ]; then',
      '  if [ "$EXISTING" != "$IMAGE_DIGEST" ]; then echo "Promote FAILED: tag $IMAGE_TAG already names $EXISTING in $TARGET_REPOSITORY_NAME and tags are immutable"; exit 1; fi',
      '  echo "Promote: $TARGET_REPOSITORY_NAME:$IMAGE_TAG already is $IMAGE_DIGEST; nothing to push"',
      'else',
      '  docker pull "$CANDIDATE_REPOSITORY_URI@$IMAGE_DIGEST" || exit 1',
      '  docker tag "$CANDIDATE_REPOSITORY_URI@$IMAGE_DIGEST" "$TARGET_REPOSITORY_URI:$IMAGE_TAG" || exit 1',
      '  docker push "$TARGET_REPOSITORY_URI:$IMAGE_TAG" || exit 1',
      'fi',
    ].join('\n'),
    `PUSHED=$(${describeTarget})`,
    'if [ "$PUSHED" != "$IMAGE_DIGEST" ]; then echo "Promote FAILED: $TARGET_REPOSITORY_NAME:$IMAGE_TAG is $PUSHED, not the scanned and tested $IMAGE_DIGEST"; exit 1; fi',
    'IMAGE_URI="$TARGET_REPOSITORY_URI@$IMAGE_DIGEST"',
    'printf \'{"repositoryName":"%s","repositoryUri":"%s","imageDigest":"%s","imageTag":"%s","imageUri":"%s"}\\n\' "$TARGET_REPOSITORY_NAME" "$TARGET_REPOSITORY_URI" "$IMAGE_DIGEST" "$IMAGE_TAG" "$IMAGE_URI" > image-detail.json',
    'cat image-detail.json',
  ];
}
