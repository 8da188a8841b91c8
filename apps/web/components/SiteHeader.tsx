'use client';

import Link from 'next/link';
import { usePathname } from 'next/navigation';

const NAV_ITEMS = [
  { href: '/runs', label: 'Training runs', isCurrent: (path: string) => path === '/runs' || /^\/runs\/\d+/.test(path) },
  { href: '/runs/new', label: 'Start training', isCurrent: (path: string) => path === '/runs/new' },
  { href: '/images', label: 'Images', isCurrent: (path: string) => path.startsWith('/images') },
  { href: '/neighbours', label: 'Neighbours', isCurrent: (path: string) => path.startsWith('/neighbours') },
];

export function SiteHeader() {
  const pathname = usePathname() ?? '';
  return (
    <header className="site-header">
      <Link href="/runs" className="site-title">
        DIM image search
      </Link>
      <nav aria-label="Main">
        <ul className="site-nav">
          {NAV_ITEMS.map((item) => (
            <li key={item.href}>
              <Link href={item.href} aria-current={item.isCurrent(pathname) ? 'page' : undefined}>
                {item.label}
              </Link>
            </li>
          ))}
        </ul>
      </nav>
    </header>
  );
}
