/**
 * Entry point of the AWS CDK app: `npx cdk deploy -c params=<file.json>` from deploy/aws/
 * (cdk.json runs this file). One stack, from one parameters file (params.ts).
 */
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, PCIDSS321Checks } from 'cdk-nag';
import { readDeployParameters } from './params';
import { GcauditStack } from './stack';

const app = new App();
const file = app.node.tryGetContext('params') as string | undefined;
if (!file) {
  console.error(
    'gcaudit deploy: pass the parameters file, e.g. npx cdk deploy -c params=gcaudit-aws.json (see params.example.json)',
  );
  process.exit(2);
}
try {
  const params = readDeployParameters(file);
  new GcauditStack(app, `gcaudit-${params.org}`, {
    params,
    env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
  });
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
// The rule packs the stack is held to (and tested against: test/deploy/aws-stack.test.ts).
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new HIPAASecurityChecks(app), new PCIDSS321Checks(app));
app.synth();
