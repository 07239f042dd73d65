import { parseAmazonEbsBuilderConfig, type AmazonEbsBuilderConfig } from '../../src/builders/amazon-ebs/config';

/** A valid amazon-ebs configuration for specs, with `fields` over the required ones. */
export function testConfig(fields: Record<string, unknown> = {}): AmazonEbsBuilderConfig {
  return parseAmazonEbsBuilderConfig({ type: 'amazon-ebs', region: 'eu-west-1', instance_type: 't3.micro', ...fields }, 'aws');
}

export const testRequest = { pipeline: 'images', stage: 'app-base', runId: '0123456789abcdef', baseImage: 'eu-west-1:ami-0abc' };
