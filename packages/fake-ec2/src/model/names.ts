import { MemberRef } from './shapes';

/** A member's request name under EC2's Query rules: queryName, else the capitalised locationName, else its own name. */
export function queryNameOf(memberName: string, ref: MemberRef): string {
  if (ref.queryName) return ref.queryName;
  if (ref.locationName) return ref.locationName[0].toUpperCase() + ref.locationName.slice(1);
  return memberName;
}

/** A member's element name in EC2's XML responses: its locationName, else its own name. */
export function elementNameOf(memberName: string, ref: MemberRef): string {
  return ref.locationName ?? memberName;
}
