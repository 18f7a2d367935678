// Client paths to server paths and back under a chroot (not exported from the entry).

/** Joins a chroot and a client path. */
export function prependChroot(chroot: string, path: string): string {
  if (!chroot) return path;
  return path === '/' ? chroot : chroot + path;
}

/** Strips the chroot from a server path (the inverse of prependChroot). */
export function stripChroot(chroot: string, path: string): string {
  if (!chroot) return path;
  if (path === chroot) return '/';
  if (path.startsWith(chroot + '/')) return path.slice(chroot.length);
  return path;
}
