import { deleteSnapshotImage, getImage, getSnapshot, updateImage } from '../../cloud/images';
import { imageJson, snapshotJson } from '../../cloud/present';
import { Image } from '../../cloud/records';
import { pageUrlFor, paginate } from '../paginate';
import { ApiRequest, Handler, numericParam } from '../types';

export const imageHandlers: Record<string, Handler> = {
  images_list: (cloud, req) => {
    const images = [...cloud.store.images.values()].filter((i) => matchesImageQuery(i, req));
    return { status: 200, body: paginate('images', images.map(imageJson), req.query, pageUrlFor(req.baseUrl, req.pathname, req.query)) };
  },

  images_get: (cloud, req) => ({ status: 200, body: { image: imageJson(getImage(cloud, req.pathParams.image_id)) } }),

  images_update: (cloud, req) => ({
    status: 200,
    body: { image: imageJson(updateImage(cloud, numericParam(req, 'image_id'), req.body)) },
  }),

  images_delete: async (cloud, req) => {
    await deleteSnapshotImage(cloud, getImage(cloud, numericParam(req, 'image_id')));
    return { status: 204 };
  },

  snapshots_list: (cloud, req) => {
    const type = req.query.get('resource_type');
    const snapshots = type === 'volume' ? [] : cloud.store.snapshots();
    return {
      status: 200,
      body: paginate('snapshots', snapshots.map(snapshotJson), req.query, pageUrlFor(req.baseUrl, req.pathname, req.query)),
    };
  },

  snapshots_get: (cloud, req) => ({
    status: 200,
    body: { snapshot: snapshotJson(getSnapshot(cloud, req.pathParams.snapshot_id)) },
  }),

  snapshots_delete: async (cloud, req) => {
    await deleteSnapshotImage(cloud, getSnapshot(cloud, req.pathParams.snapshot_id));
    return { status: 204 };
  },
};

/** `type` (distribution | application), `private` (the account's own images), `tag_name`. */
function matchesImageQuery(image: Image, req: ApiRequest): boolean {
  const type = req.query.get('type');
  if (type === 'distribution' && !(image.public && image.slug)) return false;
  if (type === 'application') return false;
  if (req.query.get('private') === 'true' && image.public) return false;
  const tag = req.query.get('tag_name');
  return tag === null || image.tags.includes(tag);
}
