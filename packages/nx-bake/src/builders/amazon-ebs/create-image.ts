import { CopyImageCommand, CreateImageCommand, CreateTagsCommand, type CopyImageCommandInput, type CreateImageCommandInput, type EC2Client, type Image } from '@aws-sdk/client-ec2';
import type { Step } from '../../steps/step';
import type { BuildRequest } from '../builder';
import type { AmazonEbsBuilderConfig } from './config';
import { ec2Call, type Ec2Clients } from './ec2-client';
import { deleteImage, snapshotIdsOf, waitForImage } from './images';
import type { AmazonEbsBuildState } from './state';
import { amiArtifact } from './artifacts';
import { buildName, toTags } from './tags';

/**
 * CreateImage of the stopped instance, waited for, tagged (the fingerprint tag is what adoption looks for);
 * with `encrypt_boot` replaced by an encrypted copy; then copied to `ami_regions` and waited for there. An
 * AMI of a build that fails or is interrupted is deregistered with its snapshots, in every region.
 */
export function createImageStep(ec2: Ec2Clients, request: BuildRequest, config: AmazonEbsBuilderConfig): Step<AmazonEbsBuildState> {
  const wait = (signal: AbortSignal) => ({ timeoutMs: config.amiTimeoutMs, intervalMs: config.pollIntervalMs, signal });
  return {
    name: 'create-image',
    async run(state, { log, signal }) {
      state.amis = [];
      const input = createImageRequest(request, config, state.instanceId!);
      const created = await ec2Call('CreateImage', ec2.home.send(new CreateImageCommand(input), { abortSignal: signal }));
      let imageId = created.ImageId!;
      state.amis.push({ region: config.region, imageId });
      log.info(`creating AMI ${imageId} (${input.Name})`);
      let image = await waitForImage(ec2.home, imageId, 'AMI', wait(signal));
      if (config.encryptBoot) {
        const copy = await copyImage(ec2.home, copyImageRequest(config, config.region, imageId, input.Name!), signal);
        state.amis.push({ region: config.region, imageId: copy });
        image = await waitForImage(ec2.home, copy, 'encrypted AMI', wait(signal));
        await deleteImage(ec2.home, imageId);
        state.amis = state.amis.filter((ami) => ami.imageId !== imageId);
        imageId = copy;
        log.info(`AMI ${imageId} is the encrypted copy (encrypt_boot)`);
      }
      await tagImage(ec2.home, image, request, config, signal);
      log.info(`AMI ${imageId} is available in ${config.region}`);
      await Promise.all(
        config.amiRegions.map(async (region) => {
          const client = ec2.in(region);
          const copy = await copyImage(client, copyImageRequest(config, region, imageId, input.Name!), signal);
          state.amis!.push({ region, imageId: copy });
          await tagImage(client, await waitForImage(client, copy, `AMI copy in ${region}`, wait(signal)), request, config, signal);
          log.info(`AMI ${imageId} copied to ${region} as ${copy}`);
        }),
      );
      state.artifact = amiArtifact(request.builderName, config, state.amis, input.Name!);
      if (signal.aborted) throw signal.reason ?? new Error('interrupted');
    },
    async cleanup(state, { log }, outcome) {
      if (!state.amis?.length || outcome.kind === 'succeeded') return;
      for (const { region, imageId } of state.amis) {
        await deleteImage(ec2.in(region), imageId);
        log.info(`deregistered AMI ${imageId} (${region}) of the failed build and deleted its snapshots`);
      }
    },
  };
}

export function createImageRequest(request: Pick<BuildRequest, 'pipeline' | 'stage' | 'runId'>, config: Pick<AmazonEbsBuilderConfig, 'amiName' | 'amiDescription'>, instanceId: string): CreateImageCommandInput {
  return { InstanceId: instanceId, Name: config.amiName ?? buildName(request), Description: config.amiDescription };
}

export function copyImageRequest(config: Pick<AmazonEbsBuilderConfig, 'region' | 'amiDescription' | 'encryptBoot' | 'kmsKeyId'>, region: string, imageId: string, name: string): CopyImageCommandInput {
  // The build region's copy is the encrypted replacement; other regions' copies keep the source's encryption.
  const encrypt = config.encryptBoot && region === config.region;
  return { SourceRegion: config.region, SourceImageId: imageId, Name: name, Description: config.amiDescription, ...(encrypt ? { Encrypted: true, KmsKeyId: config.kmsKeyId } : {}) };
}

/** The AMI's tags: the builder's `tags`, then the stage's labels (ours win); its snapshots also get `snapshot_tags`. */
export function imageTags(request: Pick<BuildRequest, 'labels'>, config: Pick<AmazonEbsBuilderConfig, 'tags' | 'snapshotTags'>): { image: Record<string, string>; snapshot: Record<string, string> } {
  return { image: { ...config.tags, ...request.labels }, snapshot: { ...config.tags, ...config.snapshotTags, ...request.labels } };
}

async function copyImage(client: EC2Client, input: CopyImageCommandInput, signal: AbortSignal): Promise<string> {
  const { ImageId } = await ec2Call('CopyImage', client.send(new CopyImageCommand(input), { abortSignal: signal }));
  return ImageId!;
}

async function tagImage(client: EC2Client, image: Image, request: BuildRequest, config: AmazonEbsBuilderConfig, signal: AbortSignal): Promise<void> {
  const tags = imageTags(request, config);
  const send = (resources: string[], map: Record<string, string>) =>
    ec2Call('CreateTags', client.send(new CreateTagsCommand({ Resources: resources, Tags: toTags(map) }), { abortSignal: signal }));
  await send([image.ImageId!], tags.image);
  const snapshots = snapshotIdsOf(image);
  if (snapshots.length) await send(snapshots, tags.snapshot);
}
