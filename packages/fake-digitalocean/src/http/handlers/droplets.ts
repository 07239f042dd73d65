import { ApiError, notFound } from '../../cloud/api-error';
import { createDroplets, destroyDroplet, destroyDropletsByTag } from '../../cloud/droplets';
import { dropletJson, dropletSnapshotJson } from '../../cloud/present';
import { pageUrlFor, paginate } from '../paginate';
import { Handler, numericParam } from '../types';

export const dropletHandlers: Record<string, Handler> = {
  droplets_list: (cloud, req) => {
    const tag = req.query.get('tag_name');
    const name = req.query.get('name');
    const gpus = req.query.get('type') === 'gpus';
    const droplets = [...cloud.store.droplets.values()].filter(
      (d) => !gpus && (tag === null || d.tags.includes(tag)) && (name === null || d.name === name),
    );
    const pageUrl = pageUrlFor(req.baseUrl, req.pathname, req.query);
    const list = droplets.map((d) => dropletJson(cloud, d));
    return { status: 200, body: paginate('droplets', list, req.query, pageUrl) };
  },

  droplets_create: async (cloud, req) => {
    const created = await createDroplets(cloud, req.body);
    const links = {
      actions: created.map(({ action }) => ({ id: action.id, rel: 'create', href: `${req.baseUrl}/v2/actions/${action.id}` })),
    };
    if (Array.isArray(req.body.names)) {
      return { status: 202, body: { droplets: created.map(({ droplet }) => dropletJson(cloud, droplet)), links } };
    }
    return { status: 202, body: { droplet: dropletJson(cloud, created[0].droplet), links } };
  },

  droplets_destroy_byTag: async (cloud, req) => {
    const tag = req.query.get('tag_name');
    if (!tag) throw new ApiError(400, 'bad_request', 'tag_name is required to delete droplets by tag.');
    await destroyDropletsByTag(cloud, tag);
    return { status: 204 };
  },

  droplets_get: (cloud, req) => {
    const droplet = cloud.store.droplets.get(numericParam(req, 'droplet_id'));
    if (!droplet) throw notFound();
    return { status: 200, body: { droplet: dropletJson(cloud, droplet) } };
  },

  droplets_destroy: async (cloud, req) => {
    await destroyDroplet(cloud, numericParam(req, 'droplet_id'));
    return { status: 204 };
  },

  droplets_list_snapshots: (cloud, req) => {
    const droplet = cloud.store.droplets.get(numericParam(req, 'droplet_id'));
    if (!droplet) throw notFound();
    const snapshots = droplet.snapshotIds.flatMap((id) => {
      const image = cloud.store.images.get(id);
      return image ? [dropletSnapshotJson(image)] : [];
    });
    return { status: 200, body: paginate('snapshots', snapshots, req.query, pageUrlFor(req.baseUrl, req.pathname, req.query)) };
  },
};
