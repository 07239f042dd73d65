import { DescribeImagesCommand, type DescribeImagesCommandInput, type EC2Client, type Image } from '@aws-sdk/client-ec2';
import type { Artifact, ArtifactQuery } from '../builder';
import type { AmazonEbsBuilderConfig } from './config';
import type { Ec2Clients } from './ec2-client';
import { describeImage, newest } from './images';
import { amisOf, artifactId, LABEL, tagMap } from './tags';

/**
 * The newest available AMI tagged with this stage and fingerprint, in the build region and in every one of
 * `ami_regions` (an artifact missing a region is baked again): adopted instead of baking.
 */
export async function findAmi(ec2: Ec2Clients, config: AmazonEbsBuilderConfig, query: ArtifactQuery): Promise<Artifact | undefined> {
  const amis: { region: string; imageId: string }[] = [];
  let name: string | undefined;
  for (const region of [config.region, ...config.amiRegions]) {
    const image = newest(await ownImages(ec2.in(region), fingerprintQuery(query)));
    if (!image) return undefined;
    amis.push({ region, imageId: image.ImageId! });
    name ??= image.Name;
  }
  return amiArtifact(query.builderName, config, amis, name ?? '');
}

/** One build's AMIs (the build region's first, then its copies) as the artifact its manifest records. */
export function amiArtifact(builderName: string, config: Pick<AmazonEbsBuilderConfig, 'region' | 'amiRegions'>, amis: { region: string; imageId: string }[], amiName: string): Artifact {
  return {
    builderName,
    builderType: 'amazon-ebs',
    id: artifactId(amis),
    files: [],
    customData: { ami_name: amiName, region: config.region, ...(config.amiRegions.length ? { regions: [config.region, ...config.amiRegions].join(',') } : {}) },
  };
}

/** Whether every AMI of a recorded artifact still exists, is available and carries its stage, builder and fingerprint. */
export async function verifyAmi(ec2: Ec2Clients, config: AmazonEbsBuilderConfig, artifact: string, query: ArtifactQuery): Promise<boolean> {
  const amis = amisOf(artifact, config.region);
  if (amis.length === 0) return false;
  const identity = Object.entries(fingerprintIdentity(query));
  for (const { region, imageId } of amis) {
    const image = await describeImage(ec2.in(region), imageId).catch((error) => {
      if (/^InvalidAMIID\./.test((error as Error).name)) return undefined;
      throw error;
    });
    const tags = tagMap(image?.Tags);
    if (image?.State !== 'available' || identity.some(([key, value]) => tags[key] !== value)) return false;
  }
  return true;
}

/** The tags that make an AMI this stage's build by this builder: a stage's builders share its fingerprint. */
function fingerprintIdentity(query: Pick<ArtifactQuery, 'pipeline' | 'stage' | 'builderName' | 'fingerprint'>): Record<string, string> {
  return { [LABEL.fingerprint]: query.fingerprint, [LABEL.stage]: query.stage, [LABEL.builder]: query.builderName, [LABEL.pipeline]: query.pipeline };
}

export function fingerprintQuery(query: Pick<ArtifactQuery, 'pipeline' | 'stage' | 'builderName' | 'fingerprint'>): DescribeImagesCommandInput {
  return {
    Owners: ['self'],
    Filters: [...Object.entries(fingerprintIdentity(query)).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] })), { Name: 'state', Values: ['available'] }],
  };
}

/** The account's own AMIs matching the request, every page. */
export async function ownImages(client: EC2Client, input: DescribeImagesCommandInput): Promise<Image[]> {
  const images: Image[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new DescribeImagesCommand({ ...input, NextToken }));
    images.push(...(page.Images ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return images;
}
