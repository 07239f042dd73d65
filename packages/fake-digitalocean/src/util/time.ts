/** DigitalOcean's timestamps: ISO 8601 in UTC, whole seconds. */
export function doTime(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
