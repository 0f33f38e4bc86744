/**
 * What a failed system call means, in words: Node's own message repeats the code (`ENOENT:
 * no such file or directory, open '/out/.r.txt.9b54.tmp'`) and names the path it was given,
 * which for an atomic write is a temporary file the user never named. The caller says which of
 * the user's files it was.
 */
const WORDS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EISDIR: 'it is a folder',
  ENOTDIR: 'a part of its path is not a folder',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EEXIST: 'it already exists',
  ELOOP: 'too many levels of symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
  EIO: 'input/output error',
  EBUSY: 'the file is busy',
  ETXTBSY: 'the file is busy',
  EXDEV: 'not on the same file system',
  EFBIG: 'the file is too large',
  ENXIO: 'no such device',
  ENODEV: 'no such device',
};

/** "no such file", "permission denied"...; the code and message of anything unknown, once. */
export function systemReason(e: unknown, missing = 'no such file'): string {
  const err = e as Partial<NodeJS.ErrnoException> | undefined;
  const code = typeof err?.code === 'string' ? err.code : undefined;
  if (code === 'ENOENT') return missing;
  const words = code !== undefined ? WORDS[code] : undefined;
  if (words !== undefined) return words;
  const message = typeof err?.message === 'string' ? err.message : String(e);
  // Node writes "CODE: words, syscall 'path'": the call and its path go, the code stays once.
  const bare = message.replace(/, \w+(?: '.*')?$/s, '');
  return code !== undefined && !bare.startsWith(code) ? `${code}: ${bare}` : bare;
}
