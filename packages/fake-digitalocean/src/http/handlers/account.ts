import { ACCOUNT, REGIONS, SIZES } from '../../cloud/catalog';
import { createKey, deleteKey, getKey } from '../../cloud/keys';
import { keyJson, regionJson, sizeJson, tagJson } from '../../cloud/present';
import { createTag, tagResources } from '../../cloud/tags';
import { pageUrlFor, paginate } from '../paginate';
import { Handler } from '../types';

export const accountHandlers: Record<string, Handler> = {
  account_get: () => ({ status: 200, body: { account: ACCOUNT } }),

  regions_list: (_cloud, req) => ({
    status: 200,
    body: paginate('regions', REGIONS.map(regionJson), req.query, pageUrlFor(req.baseUrl, req.pathname, req.query)),
  }),

  sizes_list: (_cloud, req) => {
    const sizes = SIZES.map((s) => sizeJson(s, REGIONS.map((r) => r.slug)));
    return { status: 200, body: paginate('sizes', sizes, req.query, pageUrlFor(req.baseUrl, req.pathname, req.query)) };
  },

  sshKeys_create: (cloud, req) => ({ status: 201, body: { ssh_key: keyJson(createKey(cloud, req.body)) } }),

  sshKeys_get: (cloud, req) => ({
    status: 200,
    body: { ssh_key: keyJson(getKey(cloud, req.pathParams.ssh_key_identifier)) },
  }),

  sshKeys_delete: (cloud, req) => {
    deleteKey(cloud, req.pathParams.ssh_key_identifier);
    return { status: 204 };
  },

  tags_create: (cloud, req) => ({
    status: 201,
    body: { tag: tagJson(cloud, createTag(cloud, req.body.name), req.baseUrl) },
  }),

  tags_assign_resources: (cloud, req) => {
    tagResources(cloud, req.pathParams.tag_id, req.body.resources);
    return { status: 204 };
  },
};
