/**
 * Vault's ACL policies, the part a build needs: path rules with capabilities, `*` at the end of a rule
 * matching any suffix and `+` matching one segment. The most specific rule decides (Vault's priority
 * rules, simplified to: exact over glob, longer over shorter), and `deny` wins over everything.
 */
export type Capability = 'read' | 'create' | 'update' | 'delete' | 'list' | 'deny';

export interface PolicyRule {
  path: string;
  capabilities: Capability[];
}

export type Policies = Record<string, PolicyRule[]>;

/** Vault's built-in `default` policy (what every non-root token carries): its own token, and renewing leases. */
export const DEFAULT_POLICY: PolicyRule[] = [
  { path: 'auth/token/lookup-self', capabilities: ['read', 'update'] },
  { path: 'auth/token/renew-self', capabilities: ['update'] },
  { path: 'auth/token/revoke-self', capabilities: ['update'] },
  { path: 'sys/leases/renew', capabilities: ['update'] },
  { path: 'sys/leases/lookup', capabilities: ['update'] },
];

function matches(rule: string, path: string): boolean {
  const glob = rule.endsWith('*');
  const ruleParts = (glob ? rule.slice(0, -1) : rule).split('/');
  const pathParts = path.split('/');
  if (!glob && ruleParts.length !== pathParts.length) return false;
  if (glob && pathParts.length < ruleParts.length) return false;
  return ruleParts.every((part, i) => {
    if (part === '+') return pathParts[i] !== undefined;
    if (glob && i === ruleParts.length - 1) return pathParts[i].startsWith(part);
    return part === pathParts[i];
  });
}

/** Whether tokens holding `names` may use `capability` on `path` (`root` may do anything). */
export function allowed(policies: Policies, names: string[], path: string, capability: Capability): boolean {
  if (names.includes('root')) return true;
  const rules = names.flatMap((name) => (name === 'default' ? DEFAULT_POLICY : (policies[name] ?? []))).filter((rule) => matches(rule.path, path));
  if (rules.some((rule) => rule.capabilities.includes('deny'))) return false;
  const specificity = (rule: PolicyRule) => (rule.path.endsWith('*') ? 0 : 10_000) + rule.path.length;
  const best = Math.max(...rules.map(specificity));
  return rules.filter((rule) => specificity(rule) === best).some((rule) => rule.capabilities.includes(capability));
}
