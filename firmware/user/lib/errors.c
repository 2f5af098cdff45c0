/* errors.c: the text of each E* code of include/syscall.h. */
#include "libc.h"

static const char *const messages[] = {
  [EPERM] = "operation not permitted",
  [ENOENT] = "no such file or directory",
  [ESRCH] = "no such process",
  [EINTR] = "interrupted",
  [EIO] = "input/output error",
  [E2BIG] = "argument list too long",
  [ENOEXEC] = "not an executable",
  [EBADF] = "bad file descriptor",
  [ECHILD] = "no child processes",
  [EAGAIN] = "out of process slots, try again",
  [ENOMEM] = "out of memory",
  [EACCES] = "permission denied",
  [EFAULT] = "bad address",
  [EBUSY] = "device or resource busy",
  [EEXIST] = "already exists",
  [ENODEV] = "no such device",
  [EISDIR] = "is a directory",
  [EINVAL] = "invalid argument",
  [EMFILE] = "too many open files",
  [ENOTTY] = "inappropriate ioctl for device",
  [ENOSPC] = "no space left",
  [EROFS] = "read-only file system",
  [ENOSYS] = "no such system call",
  [ENOTEMPTY] = "directory not empty",
  [EOVERFLOW] = "events were lost: look again",
  [EISCONN] = "already connected",
  [ENOTCONN] = "not connected",
};

const char *strerror(int error) {
  if (error < 0) error = -error;
  if (error < (int)ARRAY_SIZE(messages) && messages[error]) return messages[error];
  return "unknown error";
}
