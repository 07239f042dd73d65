import type { Cloud } from '../../cloud/cloud';
import type { Region } from '../../cloud/records';
import type { Value } from '../../query/decode';

/** One API call: the decoded input (validated against the operation's input shape) in its region. */
export interface Call {
  cloud: Cloud;
  region: Region;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- shaped by the model, checked by decodeInput
  input: any;
}

/** Returns the output as the operation's output shape has it; throws Ec2Error for EC2's errors. */
export type Handler = (call: Call) => Record<string, Value> | Promise<Record<string, Value>>;
