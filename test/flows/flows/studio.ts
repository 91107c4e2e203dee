/**
 * A data scientist in EXP: opens Studio (presigned URL of the own profile), runs a training job from
 * the notebook, queries the table shared from DATA, and installs a package from the CodeArtifact mirror.
 * The profile and its execution role `vwml-studio_data-scientist-1` are in the use case's EXP
 * onboarding stack; the domain, its security group, the endpoints and the mirror in the EXP platform stack.
 */
import { Flow } from '../engine/types';

// the profile of a data scientist of weld-gun-pm is in the use case's EXP onboarding stack
const PROFILE = '${PlatformUseCaseweldgunpmExp/Profiledatascientist1.UserProfileArn}';
const APP_ROLE = 'vwml-studio_data-scientist-1';
const STUDIO_SG = 'PlatformExp/StudioSecurityGroup';
const SUBNETS = ['${PlatformExp/NetworkVpcIsolatedSubnet1Subnet.Ref}', '${PlatformExp/NetworkVpcIsolatedSubnet2Subnet.Ref}'];
const ML_KEY = '${ssm:EXP:/vwml/platform/ml-key-arn}';
const ARTIFACT = 'arn:aws:s3:::vwml-weld-gun-pm-artifacts-222222222222/runs/a1b2c3/model/model.tar.gz';
const STUDIO_DOC = 'https://docs.aws.amazon.com/sagemaker/latest/dg/studio-updated-launch.html';
const MIRROR_DOC = 'https://docs.aws.amazon.com/codeartifact/latest/ug/vpc-endpoints.html';

/** The Studio user. */
export const STUDIO: Flow = {
  id: 'studio',
  name: 'Studio user (EXP)',
  requests: [
    {
      step: 'open Studio: the data scientist gets a presigned URL for the own profile',
      caller: 'vwml-DataScientist',
      account: 'EXP',
      action: 'sagemaker:CreatePresignedDomainUrl',
      resource: PROFILE,
      context: { 'aws:PrincipalTag/studio-user': 'data-scientist-1', 'aws:PrincipalTag/mlops:use-case': 'weld-gun-pm' },
      reason: 'IAM-mode Studio opens through CreatePresignedDomainUrl; the persona policy matches the session tag to the profile tag',
      doc: STUDIO_DOC,
    },
    {
      step: 'notebook: the app role starts a training job in the VPC',
      caller: APP_ROLE,
      account: 'EXP',
      action: 'sagemaker:CreateTrainingJob',
      resource: 'arn:aws:sagemaker:eu-central-1:222222222222:training-job/ds1-experiment-1',
      context: {
        'sagemaker:VpcSubnets': SUBNETS,
        'sagemaker:VpcSecurityGroupIds': ['${PlatformExp/StudioSecurityGroup.GroupId}'],
        'sagemaker:VolumeKmsKeyArn': ML_KEY,
        'sagemaker:OutputKmsKeyArn': ML_KEY,
        'sagemaker:NetworkIsolation': true,
        'sagemaker:InterContainerTrafficEncryption': true,
        'sagemaker:InstanceTypes': ['ml.m5.xlarge'],
      },
      network: { from: STUDIO_SG },
      reason: 'Experiments run as secure jobs created from the notebook through the SageMaker API endpoint',
      doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/studio-notebooks-and-internet-access.html',
    },
    {
      step: 'shared data: the app role starts an Athena query on the shared table',
      caller: APP_ROLE,
      account: 'EXP',
      action: 'athena:StartQueryExecution',
      resource: 'arn:aws:athena:eu-central-1:222222222222:workgroup/vwml-data-scientists',
      network: { from: STUDIO_SG },
      reason: 'The table shared from DATA is queried through Athena and Lake Formation from the VPC',
      doc: 'https://docs.aws.amazon.com/athena/latest/ug/interface-vpc-endpoint.html',
    },
    {
      step: 'shared data: the notebook reads the shared table\'s metadata through the resource link',
      caller: APP_ROLE,
      account: 'EXP',
      action: 'glue:GetTable',
      resource: 'arn:aws:glue:eu-central-1:222222222222:table/welding/weld_readings',
      network: { from: STUDIO_SG },
      reason: 'Notebook libraries (AWS SDK for pandas, the Glue client) list and read the shared tables\' metadata from the VPC through the glue endpoint',
      doc: 'https://docs.aws.amazon.com/glue/latest/dg/vpc-interface-endpoints.html',
    },
    {
      step: 'mirror: the app role gets a CodeArtifact token',
      caller: APP_ROLE,
      account: 'EXP',
      action: 'codeartifact:GetAuthorizationToken',
      resource: 'arn:aws:codeartifact:eu-central-1:222222222222:domain/vwml-packages',
      network: { from: STUDIO_SG },
      reason: 'pip install through the mirror needs a domain token',
      doc: MIRROR_DOC,
    },
    {
      step: 'mirror: the app role gets a CodeArtifact bearer token (STS)',
      caller: APP_ROLE,
      account: 'EXP',
      action: 'sts:GetServiceBearerToken',
      resource: '*',
      context: { 'sts:AWSServiceName': 'codeartifact.amazonaws.com' },
      network: { from: STUDIO_SG },
      reason: 'The CodeArtifact token needs sts:GetServiceBearerToken; the notebook\'s SDKs also call STS (the SageMaker Python SDK: GetCallerIdentity) through the sts endpoint of the VPC',
      doc: 'https://docs.aws.amazon.com/codeartifact/latest/ug/tokens-authentication.html',
    },
    {
      step: 'mirror: pip downloads the package from the shared repository',
      caller: APP_ROLE,
      account: 'EXP',
      action: 'codeartifact:ReadFromRepository',
      resource: '${PlatformExp/PackageMirrorShared.Arn}',
      network: { from: STUDIO_SG },
      reason: 'Package downloads go to the repositories endpoint',
      doc: MIRROR_DOC,
    },
    // Negative twins
    {
      step: 'the notebook starts a training job outside the VPC',
      caller: APP_ROLE,
      account: 'EXP',
      action: 'sagemaker:CreateTrainingJob',
      resource: 'arn:aws:sagemaker:eu-central-1:222222222222:training-job/ds1-experiment-2',
      context: { 'sagemaker:VolumeKmsKeyArn': ML_KEY, 'sagemaker:OutputKmsKeyArn': ML_KEY, 'sagemaker:InstanceTypes': ['ml.m5.xlarge'] },
      reason: 'Guardrail: no SageMaker work outside the VPC',
      doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/security_iam_id-based-policy-examples.html',
      deniedFor: { stage: 'iam', because: 'ExplicitlyDenied by identity (NoVpcSubnets)' },
    },
    {
      step: 'the notebook reads a table of a database that DATA did not share',
      caller: APP_ROLE,
      account: 'EXP',
      action: 'glue:GetTable',
      resource: 'arn:aws:glue:eu-central-1:222222222222:table/hr/salaries',
      network: { from: STUDIO_SG },
      reason: 'Studio roles read only the shared database: its resource link in EXP and the target in DATA',
      doc: 'https://docs.aws.amazon.com/lake-formation/latest/dg/resource-links-about.html',
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
    },
    {
      step: 'notebook: the app role reads a model artifact of its use case',
      caller: APP_ROLE,
      account: 'EXP',
      action: 's3:GetObject',
      resource: ARTIFACT,
      network: { from: STUDIO_SG },
      reason: 'A use case\'s data scientists read its pipeline\'s outputs (its artifact bucket and key, named in their profile role)',
      doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/domain-user-profile.html',
    },
    {
      step: 'the domain\'s default execution role (shared spaces, users without a use case) reads a use case\'s model artifact',
      caller: 'PlatformExp/StudioDefaultExecutionRole',
      account: 'EXP',
      action: 's3:GetObject',
      resource: ARTIFACT,
      network: { from: STUDIO_SG },
      reason: 'With a use-case registry, artifacts belong to their use case: only its own profiles read them (issue 12)',
      doc: 'https://docs.aws.amazon.com/sagemaker/latest/dg/domain-user-profile.html',
      deniedFor: { stage: 'iam', because: 'ImplicitlyDenied by identity' },
    },
    {
      step: 'an auditor opens Studio',
      caller: 'vwml-Auditor',
      account: 'EXP',
      action: 'sagemaker:CreatePresignedDomainUrl',
      resource: PROFILE,
      reason: 'Auditors read metadata, they do not get a Studio session',
      doc: STUDIO_DOC,
      deniedFor: { stage: 'iam', because: 'ExplicitlyDenied by identity (ReadOnlySageMaker)' },
    },
  ],
};
