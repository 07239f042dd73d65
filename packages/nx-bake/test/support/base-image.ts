/**
 * The local base image tests start from (scripts/make-base-image.sh). NX_BAKE_BASE_IMAGE names another
 * one, as it does for that script: a new recipe is tried under its own tag before it replaces the default.
 */
export const BASE_IMAGE = process.env.NX_BAKE_BASE_IMAGE || 'nx-bake/debian:bookworm';
