import { DescribeImagesCommand, type DescribeImagesCommandInput, type EC2Client, type Image } from '@aws-sdk/client-ec2';
import type { Step } from '../../steps/step';
import type { BuildRequest } from '../builder';
import type { AmazonEbsBuilderConfig, SourceAmiFilter } from './config';
import { ec2Call, type Ec2Clients } from './ec2-client';
import type { AmazonEbsBuildState } from './state';
import { newest } from './images';
import { amisOf } from './tags';

/**
 * The AMI the instance starts from: the parent stage's artifact (or an AMI named by `from`), else
 * `source_ami`, else the image `source_ami_filter` finds. A base in another region than the build's is refused.
 */
export function sourceAmiStep(ec2: Ec2Clients, request: BuildRequest, config: AmazonEbsBuilderConfig): Step<AmazonEbsBuildState> {
  return {
    name: 'source-ami',
    async run(state, { log, signal }) {
      const fromBase = amisOf(request.baseImage, config.region);
      if (fromBase.length > 0) {
        const home = fromBase.find((ami) => ami.region === config.region);
        if (!home) throw new Error(`base image ${request.baseImage} has no AMI in ${config.region}: copy it there (ami_regions on the parent stage)`);
        state.sourceAmi = home.imageId;
      } else if (config.sourceAmi) {
        state.sourceAmi = config.sourceAmi;
      } else if (config.sourceAmiFilter) {
        const image = await findSourceAmi(ec2.home, config.sourceAmiFilter, signal);
        state.sourceAmi = image.ImageId!;
        log.info(`source_ami_filter found ${image.ImageId} (${image.Name}, ${image.CreationDate})`);
      } else {
        throw new Error(`builder "${request.builderName}" (amazon-ebs): no source AMI: give "source_ami" or "source_ami_filter", or bake from a stage`);
      }
    },
  };
}

export function sourceAmiFilterRequest(filter: SourceAmiFilter): DescribeImagesCommandInput {
  return {
    Owners: filter.owners,
    Filters: Object.entries(filter.filters).map(([Name, value]) => ({ Name, Values: [value] })),
  };
}

/** As Packer: several matches are an error unless `most_recent` picks the newest by creation date. */
export function pickSourceAmi(images: Image[], filter: SourceAmiFilter): Image {
  if (images.length === 0) throw new Error(`source_ami_filter matched no image (owners ${filter.owners.join(', ')}, filters ${JSON.stringify(filter.filters)})`);
  if (images.length > 1 && !filter.mostRecent) {
    throw new Error(`source_ami_filter matched ${images.length} images (${images.map((image) => image.ImageId).join(', ')}): narrow the filters or set most_recent: true`);
  }
  return newest(images)!;
}

async function findSourceAmi(client: EC2Client, filter: SourceAmiFilter, signal: AbortSignal): Promise<Image> {
  const { Images = [] } = await ec2Call('DescribeImages', client.send(new DescribeImagesCommand(sourceAmiFilterRequest(filter)), { abortSignal: signal }));
  return pickSourceAmi(Images, filter);
}
