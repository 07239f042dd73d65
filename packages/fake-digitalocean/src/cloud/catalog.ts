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

/**
 * Every region slug DigitalOcean's API lists (GET /v2/regions), including the ones closed to new droplets
 * (`available: false` there; the fake accepts them all, so a template written for any region runs).
 */
export const REGIONS: Region[] = [
  { slug: 'nyc1', name: 'New York 1' },
  { slug: 'nyc2', name: 'New York 2' },
  { slug: 'nyc3', name: 'New York 3' },
  { slug: 'sfo1', name: 'San Francisco 1' },
  { slug: 'sfo2', name: 'San Francisco 2' },
  { slug: 'sfo3', name: 'San Francisco 3' },
  { slug: 'ams2', name: 'Amsterdam 2' },
  { slug: 'ams3', name: 'Amsterdam 3' },
  { slug: 'sgp1', name: 'Singapore 1' },
  { slug: 'lon1', name: 'London 1' },
  { slug: 'fra1', name: 'Frankfurt 1' },
  { slug: 'tor1', name: 'Toronto 1' },
  { slug: 'blr1', name: 'Bangalore 1' },
  { slug: 'syd1', name: 'Sydney 1' },
  { slug: 'atl1', name: 'Atlanta 1' },
];

export const REGION_FEATURES = ['backups', 'ipv6', 'metadata', 'install_agent', 'storage', 'image_transfer'];

/** Droplet sizes as GET /v2/sizes lists them: memory MiB, vCPUs, disk GiB, transfer TiB, monthly USD. */
export const SIZES: Size[] = [
  // Basic (shared CPU)
  size('s-1vcpu-512mb-10gb', 512, 1, 10, 0.5, 4),
  size('s-1vcpu-1gb', 1024, 1, 25, 1, 6),
  size('s-1vcpu-1gb-amd', 1024, 1, 25, 1, 7, 'Basic AMD'),
  size('s-1vcpu-1gb-intel', 1024, 1, 25, 1, 7, 'Basic Intel'),
  size('s-1vcpu-2gb', 2048, 1, 50, 2, 12),
  size('s-1vcpu-2gb-amd', 2048, 1, 50, 2, 14, 'Basic AMD'),
  size('s-1vcpu-2gb-intel', 2048, 1, 50, 2, 14, 'Basic Intel'),
  size('s-2vcpu-2gb', 2048, 2, 60, 3, 18),
  size('s-2vcpu-2gb-amd', 2048, 2, 60, 3, 21, 'Basic AMD'),
  size('s-2vcpu-2gb-intel', 2048, 2, 60, 3, 21, 'Basic Intel'),
  size('s-2vcpu-4gb', 4096, 2, 80, 4, 24),
  size('s-2vcpu-4gb-amd', 4096, 2, 80, 4, 28, 'Basic AMD'),
  size('s-2vcpu-4gb-intel', 4096, 2, 80, 4, 28, 'Basic Intel'),
  size('s-4vcpu-8gb', 8192, 4, 160, 5, 48),
  size('s-4vcpu-8gb-amd', 8192, 4, 160, 5, 56, 'Basic AMD'),
  size('s-4vcpu-8gb-intel', 8192, 4, 160, 5, 56, 'Basic Intel'),
  size('s-8vcpu-16gb', 16384, 8, 320, 6, 96),
  size('s-8vcpu-16gb-amd', 16384, 8, 320, 6, 112, 'Basic AMD'),
  size('s-8vcpu-16gb-intel', 16384, 8, 320, 6, 112, 'Basic Intel'),
  // General purpose, CPU-optimized and memory-optimized (dedicated CPU)
  size('g-2vcpu-8gb', 8192, 2, 25, 4, 63, 'General Purpose'),
  size('g-4vcpu-16gb', 16384, 4, 50, 5, 126, 'General Purpose'),
  size('g-8vcpu-32gb', 32768, 8, 100, 6, 252, 'General Purpose'),
  size('gd-2vcpu-8gb', 8192, 2, 50, 4, 68, 'General Purpose'),
  size('gd-4vcpu-16gb', 16384, 4, 100, 5, 136, 'General Purpose'),
  size('c-2', 4096, 2, 25, 4, 42, 'CPU-Optimized'),
  size('c-4', 8192, 4, 50, 5, 84, 'CPU-Optimized'),
  size('c-8', 16384, 8, 100, 6, 168, 'CPU-Optimized'),
  size('c2-2vcpu-4gb', 4096, 2, 50, 4, 47, 'CPU-Optimized'),
  size('c2-4vcpu-8gb', 8192, 4, 100, 5, 94, 'CPU-Optimized'),
  size('m-2vcpu-16gb', 16384, 2, 50, 4, 84, 'Memory-Optimized'),
  size('m-4vcpu-32gb', 32768, 4, 100, 5, 168, 'Memory-Optimized'),
  size('m3-2vcpu-16gb', 16384, 2, 150, 4, 104, 'Memory-Optimized'),
  size('so-2vcpu-16gb', 16384, 2, 300, 4, 131, 'Storage-Optimized'),
  size('so1_5-2vcpu-16gb', 16384, 2, 450, 4, 163, 'Storage-Optimized'),
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

function size(slug: string, memory: number, vcpus: number, disk: number, transfer: number, monthly: number, description = 'Basic'): Size {
  return {
    slug,
    memory,
    vcpus,
    disk,
    transfer,
    price_monthly: monthly,
    price_hourly: Math.round((monthly / 672) * 1e5) / 1e5,
    description,
  };
}
