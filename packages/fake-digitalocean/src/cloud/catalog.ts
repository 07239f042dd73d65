/** The fixed parts of the fake cloud: regions, sizes, the account, the distribution images' metadata. */

export interface Region {
  slug: string;
  name: string;
}

export interface Size {
  slug: string;
  memory: number; // MiB
  vcpus: number;
  disk: number; // GiB
  transfer: number;
  price_monthly: number;
  price_hourly: number;
  description: string;
}

export const REGIONS: Region[] = [
  { slug: 'nyc1', name: 'New York 1' },
  { slug: 'nyc3', name: 'New York 3' },
  { slug: 'sfo3', name: 'San Francisco 3' },
  { slug: 'ams3', name: 'Amsterdam 3' },
  { slug: 'fra1', name: 'Frankfurt 1' },
  { slug: 'lon1', name: 'London 1' },
  { slug: 'sgp1', name: 'Singapore 1' },
  { slug: 'tor1', name: 'Toronto 1' },
];

export const REGION_FEATURES = ['backups', 'ipv6', 'metadata', 'install_agent', 'storage', 'image_transfer'];

export const SIZES: Size[] = [
  size('s-1vcpu-1gb', 1024, 1, 25, 1, 6),
  size('s-1vcpu-2gb', 2048, 1, 50, 2, 12),
  size('s-2vcpu-2gb', 2048, 2, 60, 3, 18),
  size('s-2vcpu-4gb', 4096, 2, 80, 4, 24),
  size('s-4vcpu-8gb', 8192, 4, 160, 5, 48),
];

export const ACCOUNT = {
  droplet_limit: 25,
  floating_ip_limit: 3,
  email: 'sammy@fake-digitalocean.invalid',
  name: 'Sammy (fake)',
  uuid: 'f4ce0000d16174100ce4000000000000fa4e0001',
  email_verified: true,
  status: 'active',
  status_message: '',
  team: { uuid: 'f4ce0000d16174100ce4000000000000fa4e0002', name: 'fake-digitalocean' },
};

const DISTRIBUTIONS: [prefix: string, name: string][] = [
  ['debian', 'Debian'],
  ['ubuntu', 'Ubuntu'],
  ['fedora', 'Fedora'],
  ['centos', 'CentOS'],
  ['rockylinux', 'Rocky Linux'],
  ['freebsd', 'FreeBSD'],
];

/** `debian-12-x64` → Debian, "12 x64". */
export function describeSlug(slug: string): { distribution: string; name: string } {
  for (const [prefix, distribution] of DISTRIBUTIONS) {
    if (slug.startsWith(`${prefix}-`)) return { distribution, name: slug.slice(prefix.length + 1).replace(/-/g, ' ') };
  }
  return { distribution: 'Unknown', name: slug };
}

export function findRegion(slug: unknown): Region | undefined {
  return REGIONS.find((r) => r.slug === slug);
}

export function findSize(slug: unknown): Size | undefined {
  return SIZES.find((s) => s.slug === slug);
}

function size(slug: string, memory: number, vcpus: number, disk: number, transfer: number, monthly: number): Size {
  return {
    slug,
    memory,
    vcpus,
    disk,
    transfer,
    price_monthly: monthly,
    price_hourly: Math.round((monthly / 672) * 1e5) / 1e5,
    description: 'Basic',
  };
}
