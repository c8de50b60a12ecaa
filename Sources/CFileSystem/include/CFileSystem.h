#ifndef UPTAKE_CFILESYSTEM_H
#define UPTAKE_CFILESYSTEM_H

/// Atomically exchanges two paths (Linux renameat2 with RENAME_EXCHANGE): both must exist;
/// afterwards each name holds what the other held. Returns 0, or -1 with errno set (ENOSYS
/// or EINVAL where the kernel or file system cannot, and on other systems).
int uptake_exchange_paths(const char *first, const char *second);

#endif
