import * as devkit from '@nx/devkit';
import { join } from 'node:path';
import { hashArray, nxSources, readJsonFile, resolveFromNx, workspaceDataDirectory } from './nx-internals';

describe('nx-internals', () => {
  it('takes every value from its own Nx module in the installed Nx (the fast path), generators from @nx/devkit', () => {
    expect(nxSources()).toEqual({
      hashArray: 'nx/src/hasher/file-hasher',
      createNodesFromFiles: 'nx/src/project-graph/plugins/utils',
      readJsonFile: 'nx/src/utils/fileutils',
      writeJsonFile: 'nx/src/utils/fileutils',
      getOutputsForTargetAndConfiguration: 'nx/src/tasks-runner/utils',
      readCachedProjectGraph: 'nx/src/project-graph/project-graph',
      createProjectGraphAsync: 'nx/src/project-graph/project-graph',
      readNxJson: '@nx/devkit',
      updateNxJson: '@nx/devkit',
      workspaceDataDirectory: 'nx/src/utils/cache-directory',
      emitPluginWorkerLog: 'nx/src/project-graph/plugins/isolation/worker-streaming',
    });
  });

  it('falls back to the public export when a module has moved, and past a missing @nx/devkit', () => {
    expect(resolveFromNx('hashArray', ['nx/src/hasher/moved-away', '@nx/devkit'])).toEqual({ value: devkit.hashArray, from: '@nx/devkit' });
    expect(resolveFromNx('hashArray', ['nx/src/hasher/moved-away', '@nx/no-such-devkit', 'nx/src/devkit-exports'])).toEqual({
      value: devkit.hashArray,
      from: 'nx/src/devkit-exports',
    });
    expect(resolveFromNx('noSuchExport', ['nx/src/hasher/file-hasher', '@nx/devkit'])).toBeUndefined();
  });

  it('calls through to the same functions as @nx/devkit', () => {
    expect(hashArray(['a', 'b'])).toBe(devkit.hashArray(['a', 'b']));
    expect(readJsonFile(join(__dirname, '..', '..', 'package.json')).name).toBe('nx-bake');
  });

  it("names Nx's workspace data folder", () => {
    expect(workspaceDataDirectory(process.cwd())).toBe(join(devkit.workspaceRoot, '.nx', 'workspace-data'));
  });
});
