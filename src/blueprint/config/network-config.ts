/**
 * Network settings of one account: either create an isolated VPC with `cidr`, or import the
 * existing VPC `vpcId` (whose CIDR is `cidr`) with its isolated `subnetIds`.
 */
export interface NetworkConfig {
  /**
   * The IPv4 CIDR of the VPC: the block of the VPC to create, or the primary block of the VPC to
   * import. Must be a /16 to /24 and must not overlap the block of any other account.
   */
  readonly cidr: string;

  /**
   * The number of availability zones to spread the isolated subnets over (2 to 6).
   * @default 2
   */
  readonly maxAzs?: number;

  /**
   * The id of an existing VPC to import instead of creating one (`vpc-` and 8 or 17 hex digits).
   * @default - a new isolated VPC is created with `cidr`
   */
  readonly vpcId?: string;

  /**
   * The private (isolated) subnets of the imported VPC, at least two, in different availability zones.
   * Required with `vpcId`, forbidden without it.
   * @default - none (a VPC is created)
   */
  readonly subnetIds?: string[];

  /**
   * The availability zones: with `vpcId`, the zone of each of `subnetIds` in the same order (required);
   * for a created VPC, the zones to use (as many as `maxAzs`).
   * @default - for a created VPC, the first `maxAzs` zones of the region (`<region>a`, `<region>b`, ...)
   */
  readonly availabilityZones?: string[];

  /**
   * In how many of the VPC's availability zones the interface endpoints get a network interface (the
   * first ones): from 1 to the number of zones. Each endpoint costs $0.012 per zone and hour (list price,
   * eu-central-1), so fewer zones cost less; workloads in the other zones reach them across zones, and while
   * a zone with endpoints is down, calls that resolve to its addresses fail (with 1, every AWS call of the
   * VPC depends on that zone). See the README's "Network: interface endpoints per account".
   * @default - every zone of the VPC (`maxAzs`)
   */
  readonly endpointAzs?: number;

  /**
   * Use the interface endpoints the landing zone shares with this VPC (centrally hosted endpoints whose
   * Route 53 private hosted zones are associated with the VPC) instead of creating them: the platform
   * then creates no interface endpoint in this account (the S3 gateway endpoint stays), which removes
   * their hourly cost. The landing zone must share an endpoint for every service the account's flows
   * call (see the README's "Network: interface endpoints per account"), route the VPC to them, and let
   * HTTPS in from the VPC's CIDR; the workloads' security groups already let HTTPS out to any address.
   * The platform's endpoint security group stays, attached to nothing, for endpoints you add yourself.
   * @default false
   */
  readonly sharedEndpoints?: boolean;
}
