import type { BuildRequest } from '../builder';

/** A builder's `user_data` fields: inline, or a file relative to the pipeline (rendered only when asked). */
export interface UserDataConfig {
  userData?: string;
  userDataFile?: string;
  userDataTemplate: boolean;
}

/** `user_data`, or the content of `user_data_file` (rendered only with `user_data_template: true`). */
export function userDataOf(request: Pick<BuildRequest, 'readFile'>, config: UserDataConfig): string | undefined {
  if (!config.userDataFile) return config.userData;
  if (!request.readFile) throw new Error('user_data_file: this build was started without a way to read the pipeline\'s files');
  try {
    return request.readFile(config.userDataFile, { template: config.userDataTemplate });
  } catch (error) {
    throw new Error(`user_data_file ${config.userDataFile}: ${(error as Error).message}`);
  }
}
