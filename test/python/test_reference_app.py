"""The reference app from Python, through the wheel: the six-account platform from
`PlatformConfig.sample()`, the use case `weld-gun-pm` with every extension on in every stage, and the
compliance check over all of it. One synth for the whole session (conftest.py)."""
import pytest
import reference_app
from cloud_assembly import load_json, stack_artifacts, template_by_stack_name
from vw_mlops_blueprint import ComplianceCheck, PlatformAccount, PlatformConfig

CONFIG = PlatformConfig.sample()
ACCOUNTS = [PlatformAccount.DATA, PlatformAccount.EXP, PlatformAccount.RES, PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD]
STAGES = [PlatformAccount.DEV, PlatformAccount.INT, PlatformAccount.PROD]


def resources(template, kind):
    return [r for r in template["Resources"].values() if r["Type"] == kind]


def short(account):
    """data, exp, ... (the names in stack names; a jsii enum's Python value is the member name)"""
    return account.name.lower()


def env(account):
    a = CONFIG.account(account)
    return f"aws://{a.account_id}/{a.region}"


@pytest.fixture(scope="module")
def templates(python_reference):
    return template_by_stack_name(python_reference.outdir)


@pytest.fixture(scope="module")
def environments(python_reference):
    return {a["properties"]["stackName"]: a["environment"] for a in stack_artifacts(python_reference.outdir).values()}


# ---- the platform (six accounts) ----

def test_the_platform_is_six_stacks_each_in_its_own_account(python_reference, environments):
    platform = python_reference.platform
    expected = [(f"vwml-platform-{short(a)}", CONFIG.account(a).account_id, CONFIG.account(a).region) for a in ACCOUNTS]
    assert [(s.stack_name, s.account, s.region) for s in platform.stacks] == expected
    assert [s.platform_account for s in platform.stacks] == ACCOUNTS
    assert len({account for _, account, _ in expected}) == 6
    for a in ACCOUNTS:
        assert environments[f"vwml-platform-{short(a)}"] == env(a)
        assert platform.stack(a).termination_protection is True


def test_every_platform_stack_has_its_key_guardrails_and_compliance_baseline(templates):
    for a in ACCOUNTS:
        t = templates[f"vwml-platform-{short(a)}"]
        assert len(resources(t, "AWS::KMS::Key")) == (1 if a in (PlatformAccount.DATA,) else 2), a
        assert all(k["Properties"]["EnableKeyRotation"] is True for k in resources(t, "AWS::KMS::Key"))
        assert len(resources(t, "AWS::Config::ConfigurationRecorder")) == 1
        assert len(resources(t, "AWS::SecurityHub::Hub")) == 1
        # nothing in any account reaches the internet
        for kind in ["AWS::EC2::InternetGateway", "AWS::EC2::NatGateway", "AWS::EC2::EIP"]:
            assert resources(t, kind) == [], (a, kind)


def test_data_shares_the_use_cases_columns_with_their_roles_only(templates):
    t = templates["vwml-platform-data"]
    [db] = resources(t, "AWS::Glue::Database")
    assert db["Properties"]["DatabaseInput"]["Name"] == "welding"
    # the sample's use case declares dataAccess: the EXP account gets DESCRIBE on the database, nothing more
    grants = resources(t, "AWS::LakeFormation::PrincipalPermissions")
    assert [(g["Properties"]["Principal"]["DataLakePrincipalIdentifier"], g["Properties"]["Permissions"], g["Properties"]["PermissionsWithGrantOption"]) for g in grants] == [("222222222222", ["DESCRIBE"], [])]
    # its data cells filter (its columns, every row) is granted to its pipeline and Studio roles, without grant option
    onboarding = templates["vwml-weld-gun-pm-onboarding-data"]
    [cells] = resources(onboarding, "AWS::LakeFormation::DataCellsFilter")
    assert cells["Properties"]["Name"] == "vwml-weld-gun-pm_weld_readings"
    assert "operator_badge" not in cells["Properties"]["ColumnNames"]
    selects = [g["Properties"] for g in resources(onboarding, "AWS::LakeFormation::PrincipalPermissions") if g["Properties"]["Permissions"] == ["SELECT"]]
    assert sorted(g["Principal"]["DataLakePrincipalIdentifier"] for g in selects) == [
        "arn:aws:iam::222222222222:role/vwml-studio_data-scientist-1",
        "arn:aws:iam::222222222222:role/vwml-studio_data-scientist-2",
        "arn:aws:iam::222222222222:role/vwml-weld-gun-pm-pipeline",
    ]
    assert all(g["PermissionsWithGrantOption"] == [] for g in selects)


def test_exp_has_the_studio_domain_with_one_profile_per_data_scientist(templates):
    t = templates["vwml-platform-exp"]
    [domain] = resources(t, "AWS::SageMaker::Domain")
    assert domain["Properties"]["AppNetworkAccessType"] == "VpcOnly"
    # the profiles of weld-gun-pm's data scientists are in the use case's EXP onboarding stack
    assert resources(t, "AWS::SageMaker::UserProfile") == []
    onboarding = templates["vwml-weld-gun-pm-onboarding-exp"]
    assert sorted(p["Properties"]["UserProfileName"] for p in resources(onboarding, "AWS::SageMaker::UserProfile")) == ["data-scientist-1", "data-scientist-2"]
    assert len(resources(t, "AWS::CodeArtifact::Domain")) == 1
    [vpc] = resources(t, "AWS::EC2::VPC")
    assert vpc["Properties"]["CidrBlock"] == "10.10.0.0/16"
    assert [p["Properties"]["Name"] for p in resources(t, "AWS::ServiceCatalog::CloudFormationProduct")] == ["Model Building"]


def test_res_has_the_registry_image_builds_event_bus_and_portfolio(templates):
    t = templates["vwml-platform-res"]
    names = [r["Properties"].get("RepositoryName") for r in resources(t, "AWS::ECR::Repository")]
    for repository in ["ml-processing", "ml-training", "ml-inference"]:
        assert any(n and n.endswith(repository) for n in names), (repository, names)
    assert len(resources(t, "AWS::CodePipeline::Pipeline")) == 3
    assert len(resources(t, "AWS::Events::EventBus")) == 1
    assert len(resources(t, "AWS::ServiceCatalog::Portfolio")) == 1
    # Model Deployment; Model Building is in EXP's portfolio, where its resources belong
    assert [p["Properties"]["Name"] for p in resources(t, "AWS::ServiceCatalog::CloudFormationProduct")] == ["Model Deployment"]


@pytest.mark.parametrize("stage", STAGES, ids=short)
def test_each_stage_account_has_its_isolated_network_and_ml_key(templates, stage):
    t = templates[f"vwml-platform-{short(stage)}"]
    network = CONFIG.account(stage).network
    [vpc] = resources(t, "AWS::EC2::VPC")
    assert vpc["Properties"]["CidrBlock"] == network.cidr
    assert len(resources(t, "AWS::EC2::Subnet")) == (network.max_azs or 2)
    assert all(s["Properties"].get("MapPublicIpOnLaunch") in (None, False) for s in resources(t, "AWS::EC2::Subnet"))
    assert len(resources(t, "AWS::KMS::Key")) == 2


# ---- the use case with every extension on ----

def test_the_use_case_is_five_stacks_in_exp_res_and_the_stages(python_reference, environments):
    uc = python_reference.use_case
    assert [(s.stack_name, s.account) for s in uc.stacks] == [
        ("vwml-weld-gun-pm-training", "222222222222"),
        ("vwml-weld-gun-pm-deployment", "333333333333"),
        ("vwml-weld-gun-pm-serving-dev", "444444444444"),
        ("vwml-weld-gun-pm-serving-int", "555555555555"),
        ("vwml-weld-gun-pm-serving-prod", "666666666666"),
    ]
    assert environments["vwml-weld-gun-pm-serving-prod"] == env(PlatformAccount.PROD)
    # with the platform's 6 stacks and the 6 onboarding stacks of the listed use case
    assert len(environments) == 17


@pytest.mark.parametrize("stage", [PlatformAccount.DEV, PlatformAccount.INT], ids=short)
def test_dev_and_int_scale_to_zero_with_batch_inference(python_reference, templates, stage):
    serving = python_reference.use_case.serving(stage)
    # scale to zero (their default) has no data capture: no monitor; the inference API is not offered there
    assert serving.inference_api is None and serving.model_monitor is None and serving.batch_inference is not None
    assert serving.model_package_arn == reference_app.REFERENCE_PINNED_MODEL_PACKAGE_ARN
    t = templates[f"vwml-weld-gun-pm-serving-{short(stage)}"]
    endpoint_name = f"vwml-weld-gun-pm-{short(stage)}"
    [model] = resources(t, "AWS::SageMaker::Model")
    assert model["Properties"]["PrimaryContainer"]["ModelPackageName"] == reference_app.REFERENCE_PINNED_MODEL_PACKAGE_ARN
    [endpoint] = resources(t, "AWS::SageMaker::Endpoint")
    assert endpoint["Properties"]["EndpointName"] == endpoint_name
    [config] = resources(t, "AWS::SageMaker::EndpointConfig")
    [variant] = config["Properties"]["ProductionVariants"]
    assert variant["ManagedInstanceScaling"]["Status"] == "ENABLED" and variant["ManagedInstanceScaling"]["MinInstanceCount"] == 0
    assert "ModelName" not in variant and config["Properties"]["VpcConfig"]["Subnets"]
    assert len(resources(t, "AWS::SageMaker::InferenceComponent")) == 1
    assert resources(t, "AWS::SageMaker::DataQualityJobDefinition") == [] and resources(t, "AWS::ApiGateway::RestApi") == []
    assert len(resources(t, "AWS::StepFunctions::StateMachine")) == 1
    [schedule] = resources(t, "AWS::Scheduler::Schedule")
    assert schedule["Properties"]["ScheduleExpression"] == reference_app.REFERENCE_BATCH_SCHEDULE


def test_every_extension_is_on_in_prod(python_reference, templates):
    stage = PlatformAccount.PROD
    serving = python_reference.use_case.serving(stage)
    assert serving.inference_api is not None and serving.batch_inference is not None and serving.model_monitor is not None
    assert serving.model_package_arn == reference_app.REFERENCE_PINNED_MODEL_PACKAGE_ARN
    t = templates[f"vwml-weld-gun-pm-serving-{short(stage)}"]
    endpoint_name = f"vwml-weld-gun-pm-{short(stage)}"

    # the pinned version, literally: no ModelPackageArn parameter to fill in
    assert "ModelPackageArn" not in t.get("Parameters", {})
    [model] = resources(t, "AWS::SageMaker::Model")
    assert model["Properties"]["PrimaryContainer"]["ModelPackageName"] == reference_app.REFERENCE_PINNED_MODEL_PACKAGE_ARN
    [endpoint] = resources(t, "AWS::SageMaker::Endpoint")
    assert endpoint["Properties"]["EndpointName"] == endpoint_name

    # inference API: regional REST API, IAM authorization, WAF, Lambda in the VPC
    [api] = resources(t, "AWS::ApiGateway::RestApi")
    assert api["Properties"]["EndpointConfiguration"]["Types"] == ["REGIONAL"]
    [method] = resources(t, "AWS::ApiGateway::Method")
    assert method["Properties"]["AuthorizationType"] == "AWS_IAM"
    assert len(resources(t, "AWS::WAFv2::WebACL")) == 1 and len(resources(t, "AWS::WAFv2::WebACLAssociation")) == 1
    [handler] = resources(t, "AWS::Lambda::Function")
    assert handler["Properties"]["Environment"]["Variables"]["ENDPOINT_NAME"] == endpoint_name
    assert handler["Properties"]["VpcConfig"]["SubnetIds"]

    # batch inference: the state machine, started on the schedule
    assert len(resources(t, "AWS::StepFunctions::StateMachine")) == 1
    [schedule] = resources(t, "AWS::Scheduler::Schedule")
    assert schedule["Properties"]["ScheduleExpression"] == reference_app.REFERENCE_BATCH_SCHEDULE
    assert schedule["Properties"]["State"] == "ENABLED"

    # model monitoring: data quality, and model quality against the stage's ground truth
    assert len(resources(t, "AWS::SageMaker::DataQualityJobDefinition")) == 1
    [quality] = resources(t, "AWS::SageMaker::ModelQualityJobDefinition")
    assert quality["Properties"]["ModelQualityJobInput"]["GroundTruthS3Input"]["S3Uri"] == reference_app.reference_ground_truth_s3_uri(CONFIG, stage)
    assert sorted(s["Properties"]["MonitoringScheduleConfig"]["MonitoringType"] for s in resources(t, "AWS::SageMaker::MonitoringSchedule")) == [
        "DataQuality", "ModelQuality"]


# ---- compliance ----

def test_zero_unacknowledged_errors_in_the_three_packs(python_reference):
    report = ComplianceCheck.assert_compliant(python_reference.app)
    assert report.errors == []
    assert len(report.packs) == 3
    # every resource of the assembly was checked: the eleven stacks' and the two product stacks'
    assert report.resource_count == sum(len(load_json(f)["Resources"]) for f in python_reference.outdir.glob("*.template.json"))
    assert all(len(a.reason) >= 30 for a in report.acknowledgements)
