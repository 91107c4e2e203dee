/**
 * How a stage serves its model.
 */
export enum ServingMode {
  /**
   * A real-time endpoint with instances running all the time (`minCapacity` at least 1), autoscaling,
   * blue/green updates with alarm rollback and data capture (`RealtimeEndpoint`). The default in PROD.
   */
  ALWAYS_ON = 'always-on',
  /**
   * An endpoint with no instance while nobody calls it (`ScaleToZeroEndpoint`: an inference component on
   * managed instance scaling down to 0 instances). The first request after idle starts an instance, which
   * takes minutes; the deployment pipeline's smoke test brings a copy up itself and waits. No data capture,
   * model monitoring or inference API. The default in DEV and INT.
   */
  SCALE_TO_ZERO = 'scale-to-zero',
}
