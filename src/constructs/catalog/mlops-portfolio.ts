import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as servicecatalog from 'aws-cdk-lib/aws-servicecatalog';
import { Construct } from 'constructs';
import { MlopsLaunchRole } from './mlops-launch-role';
import { ModelBuildingProductStack } from './model-building-product';
import { ModelDeploymentProductStack } from './model-deployment-product';

/**
 * A product of the MLOps portfolio.
 */
export enum MlopsProduct {
  /** "Model Building": a per-use-case model-building workspace (provision it in the experimentation account). */
  MODEL_BUILDING = 'MODEL_BUILDING',
  /** "Model Deployment": the deployment-side resources of one use case and stage. */
  MODEL_DEPLOYMENT = 'MODEL_DEPLOYMENT',
}

/**
 * Props of an `MlopsPortfolio`.
 */
export interface MlopsPortfolioProps {
  /**
   * The portfolio's display name.
   * @default 'MLOps'
   */
  readonly displayName?: string;

  /**
   * Who provides the portfolio and owns its products.
   * @default 'MLOps platform team'
   */
  readonly providerName?: string;

  /**
   * A description of the portfolio.
   * @default 'Model Building and Model Deployment products of the MLOps platform'
   */
  readonly description?: string;

  /**
   * The IAM roles (ARNs) that may see and launch the products, e.g. the data scientists' and the
   * pipelines' roles.
   * @default - none: associate principals later with `portfolio.giveAccessToRole`
   */
  readonly principalRoleArns?: string[];

  /**
   * IAM roles of this app that may see and launch the products (e.g. the MLOps engineer persona role of
   * the account), in addition to `principalRoleArns`.
   * @default - none
   */
  readonly principalRoles?: iam.IRole[];

  /**
   * The products of the portfolio. Products provision into the account where they are launched, so put
   * each product in a portfolio of the account its resources belong to (Model Building: experimentation).
   * @default [MlopsProduct.MODEL_BUILDING, MlopsProduct.MODEL_DEPLOYMENT]
   */
  readonly products?: MlopsProduct[];

  /**
   * Tag options offered (and enforced) when the products are launched.
   * @default - no tag options
   */
  readonly tagOptions?: servicecatalog.TagOptions;

  /**
   * The permissions boundary of the launch role.
   * @default - no boundary
   */
  readonly permissionsBoundary?: iam.IManagedPolicy;

  /**
   * The permissions boundary that every role the products create must carry. When set, the launch
   * role refuses to create a product role with any other boundary, so the `PermissionsBoundaryArn`
   * launch parameter must name this policy.
   * @default - any customer-managed policy of the launching account (a boundary is still required)
   */
  readonly productRolesBoundary?: iam.IManagedPolicy;

  /**
   * A fixed name for the launch role. With a name, the launch constraints name the role
   * (`LocalRoleName`) instead of its ARN, so that accounts the portfolio is shared with use their own
   * role of that name (deploy an `MlopsLaunchRole` with the same `roleName` in each of them).
   * @default - a generated name; the launch constraints use the role's ARN
   */
  readonly launchRoleName?: string;

  /**
   * Accounts to share the portfolio with (12-digit ids). Requires `launchRoleName`.
   * @default - not shared
   */
  readonly shareWithAccountIds?: string[];

  /**
   * The version name of both products. Change it to publish a new version of the product templates.
   * @default 'v1'
   */
  readonly productVersionName?: string;
}

/**
 * A Service Catalog portfolio with the two MLOps products, "Model Building" (a per-use-case model
 * building workspace) and "Model Deployment" (the deployment-side resources of a use case in one
 * stage), both defined as product stacks (no template assets, so no asset bucket is needed). Each product
 * is launched through a least-privilege launch role (`MlopsLaunchRole`) that can create only what the
 * products contain; the given principals are associated with the portfolio.
 *
 * @example
 * const portfolio = new MlopsPortfolio(this, 'Portfolio', {
 *   principalRoleArns: ['arn:aws:iam::222222222222:role/mlops-data-scientist'],
 *   productRolesBoundary: boundary,
 * });
 */
export class MlopsPortfolio extends Construct {
  /** The portfolio. */
  public readonly portfolio: servicecatalog.Portfolio;
  /** The "Model Building" product, if the portfolio has it. */
  public readonly modelBuildingProduct?: servicecatalog.CloudFormationProduct;
  /** The "Model Deployment" product, if the portfolio has it. */
  public readonly modelDeploymentProduct?: servicecatalog.CloudFormationProduct;
  /** The template of the "Model Building" product, if the portfolio has it. */
  public readonly modelBuildingStack?: ModelBuildingProductStack;
  /** The template of the "Model Deployment" product, if the portfolio has it. */
  public readonly modelDeploymentStack?: ModelDeploymentProductStack;
  /** The launch role of both products. */
  public readonly launchRole: iam.Role;

  /**
   * @param scope the construct scope
   * @param id the construct id
   * @param props the MlopsPortfolio settings
   */
  constructor(scope: Construct, id: string, props: MlopsPortfolioProps = {}) {
    super(scope, id);
    validateProps(props);
    const owner = props.providerName ?? 'MLOps platform team';
    const versionName = props.productVersionName ?? 'v1';

    this.portfolio = new servicecatalog.Portfolio(this, 'Portfolio', {
      displayName: props.displayName ?? 'MLOps',
      providerName: owner,
      description: props.description ?? 'Model Building and Model Deployment products of the MLOps platform',
      tagOptions: props.tagOptions,
    });

    const products = props.products ?? [MlopsProduct.MODEL_BUILDING, MlopsProduct.MODEL_DEPLOYMENT];
    if (products.includes(MlopsProduct.MODEL_BUILDING)) {
      this.modelBuildingStack = new ModelBuildingProductStack(this, 'ModelBuildingTemplate');
      this.modelBuildingProduct = new servicecatalog.CloudFormationProduct(this, 'ModelBuilding', {
        productName: 'Model Building',
        owner,
        description: 'A model-building workspace for one use case: KMS key, artifact bucket, model package group and a bounded SageMaker pipeline execution role',
        productVersions: [
          {
            productVersionName: versionName,
            cloudFormationTemplate: servicecatalog.CloudFormationTemplate.fromProductStack(this.modelBuildingStack),
          },
        ],
      });
    }
    if (products.includes(MlopsProduct.MODEL_DEPLOYMENT)) {
      this.modelDeploymentStack = new ModelDeploymentProductStack(this, 'ModelDeploymentTemplate');
      this.modelDeploymentProduct = new servicecatalog.CloudFormationProduct(this, 'ModelDeployment', {
        productName: 'Model Deployment',
        owner,
        description: 'The deployment-side resources of one use case and stage: KMS key, data-capture bucket and a bounded SageMaker endpoint execution role',
        productVersions: [
          {
            productVersionName: versionName,
            cloudFormationTemplate: servicecatalog.CloudFormationTemplate.fromProductStack(this.modelDeploymentStack),
          },
        ],
      });
    }

    this.launchRole = new MlopsLaunchRole(this, 'LaunchRole', {
      roleName: props.launchRoleName,
      permissionsBoundary: props.permissionsBoundary,
      productRolesBoundary: props.productRolesBoundary,
    }).role;

    for (const product of [this.modelBuildingProduct, this.modelDeploymentProduct]) {
      if (!product) continue;
      this.portfolio.addProduct(product);
      if (props.launchRoleName) {
        this.portfolio.setLocalLaunchRole(product, this.launchRole);
      } else {
        this.portfolio.setLaunchRole(product, this.launchRole);
      }
    }

    (props.principalRoleArns ?? []).forEach((arn, i) => {
      this.portfolio.giveAccessToRole(iam.Role.fromRoleArn(this, `Principal${i}`, arn, { mutable: false }));
    });
    for (const role of props.principalRoles ?? []) this.portfolio.giveAccessToRole(role);
    for (const account of props.shareWithAccountIds ?? []) {
      this.portfolio.shareWithAccount(account, { shareTagOptions: props.tagOptions !== undefined });
    }
  }
}

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,64}$/;

function validateProps(props: MlopsPortfolioProps): void {
  const seen = new Set<string>();
  for (const arn of props.principalRoleArns ?? []) {
    if (Token.isUnresolved(arn)) continue;
    if (!ROLE_ARN.test(arn)) {
      throw new Error(`MlopsPortfolio: principalRoleArns contains ${JSON.stringify(arn)}, which is not an IAM role ARN; write e.g. 'arn:aws:iam::123456789012:role/mlops-data-scientist'`);
    }
    if (seen.has(arn)) throw new Error(`MlopsPortfolio: principalRoleArns lists ${arn} twice; list each role once`);
    seen.add(arn);
  }
  const shared = props.shareWithAccountIds ?? [];
  for (const account of shared) {
    if (!Token.isUnresolved(account) && !/^\d{12}$/.test(account)) {
      throw new Error(`MlopsPortfolio: shareWithAccountIds contains ${JSON.stringify(account)}, which is not a 12-digit AWS account id`);
    }
  }
  if (shared.length > 0 && !props.launchRoleName) {
    throw new Error('MlopsPortfolio: shareWithAccountIds is set but launchRoleName is not; a shared portfolio launches with a role of a fixed name in each account, so set launchRoleName (and deploy an MlopsLaunchRole of that name in the shared accounts)');
  }
  if (props.products !== undefined && (props.products.length === 0 || new Set(props.products).size !== props.products.length)) {
    throw new Error('MlopsPortfolio: products must list MlopsProduct.MODEL_BUILDING and/or MlopsProduct.MODEL_DEPLOYMENT, each once');
  }
  if (props.productVersionName !== undefined && !Token.isUnresolved(props.productVersionName) && !/^[\w.-]{1,100}$/.test(props.productVersionName)) {
    throw new Error(`MlopsPortfolio: productVersionName ${JSON.stringify(props.productVersionName)} must be 1 to 100 letters, digits, '.', '_' or '-', e.g. 'v2'`);
  }
}
