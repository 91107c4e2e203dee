/**
 * What the landing zone (for example AWS Control Tower or an organization-wide security baseline)
 * already provides in every account of the platform. An account and region holds one AWS Config
 * recorder and one delivery channel, and Security Hub is enabled once: creating them again fails the
 * deployment.
 */
export interface LandingZoneConfig {
  /**
   * Whether the platform stacks create the AWS Config configuration recorder and delivery channel
   * (with their encrypted delivery bucket). Set it to `false` where the landing zone records the
   * accounts already; the platform's own Config rules then use the existing recorder.
   * @default true
   */
  readonly createConfigRecorder?: boolean;

  /**
   * Whether the platform stacks create the AWS Config service-linked role (`AWSServiceRoleForConfig`).
   * Set it to `false` where the role exists already (it exists once per account). Only meaningful
   * while `createConfigRecorder` is `true`.
   * @default - the value of `createConfigRecorder`
   */
  readonly createConfigServiceLinkedRole?: boolean;

  /**
   * Whether the platform stacks enable AWS Security Hub (with the AWS Foundational Security Best
   * Practices standard). Set it to `false` where Security Hub is enabled centrally (delegated
   * administrator).
   * @default true
   */
  readonly enableSecurityHub?: boolean;

  /**
   * Whether the DEV, INT and PROD platform stacks set API Gateway's account-wide CloudWatch role
   * (`AWS::ApiGateway::Account`, one per account and region), which the inference APIs' execution logging
   * needs. Set it to `false` where the landing zone sets that role already (deploying would replace it).
   * `MlopsPlatformProps.manageApiGatewayAccount`, when given, takes precedence.
   * @default true
   */
  readonly manageApiGatewayAccount?: boolean;
}
