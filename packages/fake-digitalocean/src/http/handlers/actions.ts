import { notFound } from '../../cloud/api-error';
import { dropletAction } from '../../cloud/droplet-actions';
import { imageAction } from '../../cloud/images';
import { actionJson } from '../../cloud/present';
import { Action } from '../../cloud/records';
import { Cloud } from '../../cloud/cloud';
import { Handler, numericParam } from '../types';

export const actionHandlers: Record<string, Handler> = {
  dropletActions_post: (cloud, req) => {
    const action = dropletAction(cloud, numericParam(req, 'droplet_id'), req.body);
    return { status: 201, body: { action: actionJson(action) } };
  },

  dropletActions_get: (cloud, req) => {
    const action = actionOf(cloud, numericParam(req, 'action_id'), 'droplet', numericParam(req, 'droplet_id'));
    return { status: 200, body: { action: actionJson(action) } };
  },

  actions_get: (cloud, req) => {
    return { status: 200, body: { action: actionJson(actionOf(cloud, numericParam(req, 'action_id'))) } };
  },

  // The spec's schema for both is the bare action; its examples (and DigitalOcean, and godo) wrap it
  // in `{ action }`, which the loose schema accepts too.
  imageActions_post: (cloud, req) => {
    const action = imageAction(cloud, numericParam(req, 'image_id'), req.body);
    return { status: 201, body: { action: actionJson(action) } };
  },

  imageActions_get: (cloud, req) => {
    const action = actionOf(cloud, numericParam(req, 'action_id'), 'image', numericParam(req, 'image_id'));
    return { status: 200, body: { action: actionJson(action) } };
  },
};

function actionOf(cloud: Cloud, id: number, resourceType?: Action['resourceType'], resourceId?: number): Action {
  const action = cloud.store.actions.get(id);
  if (!action) throw notFound();
  if (resourceType && (action.resourceType !== resourceType || action.resourceId !== resourceId)) throw notFound();
  return action;
}
