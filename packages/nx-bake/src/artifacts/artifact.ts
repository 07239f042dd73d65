/** What one builder produced for one stage: an entry of the stage manifest's `builds[]`. */
export interface Artifact {
  builderName: string;
  builderType: string;
  /** Image ID, or `region:snapshot_id` for cloud snapshots (Packer's form). */
  id: string;
  files: { name: string; size: number }[];
  /** Builder-specific facts worth recording (e.g. the Docker tag). */
  customData: Record<string, string>;
}
