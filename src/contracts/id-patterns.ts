/**
 * The formats of the ids pipelines take: the one home of each pattern, used by the input schemas (src/inputs), the
 * CLI and the Pinpoint emulator. Plain regular expressions, safe in the workflow sandbox.
 */

/** A Pinpoint application (project) id or segment id: 32 lower-case hex characters. */
export const PINPOINT_ID = /^[0-9a-f]{32}$/;

/** An IAM role ARN in any partition (aws, aws-cn, aws-us-gov): what Pinpoint assumes to reach the bucket. */
export const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;

/** How an IAM role ARN is written, for messages. */
export const IAM_ROLE_ARN_FORM = 'arn:aws:iam::<12-digit account>:role/<name>';
