/* atomic_file.c: write a whole file so that it appears complete or not at
 * all. The bytes go to an unnamed temporary file in the target directory
 * (O_TMPFILE), are synced, and only then linked to their name; where the
 * file system lacks O_TMPFILE, a named temporary is used and removed on
 * every error path. A process killed half-way leaves no partial target.
 * A symbolic link is followed (the file it names is replaced, the link
 * stays), and a target that is not a regular file (a pipe, a terminal,
 * /dev/null) is written in place: replacing it would destroy the device.
 * A target that is this process's stdout or stderr (/dev/stdout when the
 * output is redirected to a file) is written through that descriptor, so
 * the bytes follow what was already printed instead of overwriting it. */
#define _GNU_SOURCE
#include "gpusizer/file.h"
#include "util/atomic_file_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PATH_BYTES 4096

static gsz_err write_all(int fd, const void *data, size_t len, bool sync, const char *path,
                         gsz_diag *diag) {
  const char *p = data;
  while (len > 0) {
    ssize_t n = write(fd, p, len);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return gsz__diag_set(diag, GSZ_EIO, "cannot write '%s': %s", path, strerror(errno));
    }
    p += n;
    len -= (size_t)n;
  }
  if (sync && fsync(fd) != 0)
    return gsz__diag_set(diag, GSZ_EIO, "cannot write '%s': %s", path, strerror(errno));
  return GSZ_OK;
}

/* The directory part of path ("." when there is none). */
static gsz_err dir_of(char *dir, const char *path, gsz_diag *diag) {
  size_t n = strlen(path);
  if (n == 0 || n >= PATH_BYTES)
    return gsz__diag_set(diag, GSZ_EINVAL, "bad output path '%s'", path);
  const char *slash = strrchr(path, '/');
  if (slash == NULL) {
    memcpy(dir, ".", 2);
  } else if (slash == path) {
    memcpy(dir, "/", 2);
  } else {
    memcpy(dir, path, (size_t)(slash - path));
    dir[slash - path] = '\0';
  }
  return GSZ_OK;
}

static void sync_dir(const char *dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    fsync(fd); /* best effort: the data itself is already synced */
    close(fd);
  }
}

static gsz_err exists_error(const char *path, gsz_diag *diag) {
  return gsz__diag_set(diag, GSZ_EEXIST,
                       "'%s' already exists (use " GSZ_FIELD("force") " to replace it)", path);
}

static gsz_err place_error(const char *path, gsz_diag *diag) {
  return gsz__diag_set(diag, GSZ_EIO, "cannot create '%s': %s", path, strerror(errno));
}

/* Named-temporary fallback. */
static gsz_err write_via_temp_name(const char *path, const void *data, size_t len, bool overwrite,
                                   gsz_diag *diag) {
  char tmp[PATH_BYTES + 16];
  if (snprintf(tmp, sizeof tmp, "%s.tmp-XXXXXX", path) >= (int)sizeof tmp)
    return gsz__diag_set(diag, GSZ_EINVAL, "output path '%s' is too long", path);
  int fd = mkstemp(tmp);
  if (fd < 0)
    return place_error(path, diag);
  mode_t mask = umask(0);
  umask(mask);
  gsz_err err = GSZ_OK;
  if (fchmod(fd, 0666 & ~mask) != 0)
    err = place_error(path, diag);
  if (err == GSZ_OK)
    err = write_all(fd, data, len, true, path, diag);
  if (close(fd) != 0 && err == GSZ_OK)
    err = place_error(path, diag);
  if (err == GSZ_OK) {
    if (overwrite) {
      if (rename(tmp, path) != 0)
        err = place_error(path, diag);
    } else if (link(tmp, path) != 0) {
      err = errno == EEXIST ? exists_error(path, diag) : place_error(path, diag);
    }
  }
  unlink(tmp); /* after rename it is gone already; after link, the name stays */
  return err;
}

/* A character device, pipe or socket: there is nothing to replace, so the
 * bytes are written straight to it (not synced: pipes cannot be). */
static gsz_err write_in_place(const char *path, const void *data, size_t len, gsz_diag *diag) {
  int fd = open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return gsz__diag_set(diag, GSZ_EIO, "cannot open '%s': %s", path, strerror(errno));
  gsz_err err = write_all(fd, data, len, false, path, diag);
  if (close(fd) != 0 && err == GSZ_OK)
    err = gsz__diag_set(diag, GSZ_EIO, "cannot write '%s': %s", path, strerror(errno));
  return err;
}

static gsz_err write_regular(const char *path, const void *data, size_t len, bool overwrite,
                             gsz_diag *diag);

/* STDOUT_FILENO or STDERR_FILENO when st is the file behind it, else -1. */
static int std_stream_of(const struct stat *st) {
  const int fds[] = {STDOUT_FILENO, STDERR_FILENO};
  for (size_t i = 0; i < sizeof fds / sizeof fds[0]; i++) {
    struct stat fst;
    if (fstat(fds[i], &fst) == 0 && fst.st_dev == st->st_dev && fst.st_ino == st->st_ino)
      return fds[i];
  }
  return -1;
}

gsz_err gsz__atomic_write(const char *path, const void *data, size_t len, bool overwrite,
                          gsz_diag *diag) {
  struct stat st, lst;
  if (stat(path, &st) == 0) {
    if (!overwrite)
      return exists_error(path, diag);
    int std_fd = std_stream_of(&st);
    if (std_fd >= 0)
      return write_all(std_fd, data, len, false, path, diag);
    if (!S_ISREG(st.st_mode)) {
      if (S_ISDIR(st.st_mode))
        return gsz__diag_set(diag, GSZ_EINVAL, "cannot write '%s': it is a directory", path);
      return write_in_place(path, data, len, diag);
    }
    if (lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode)) {
      /* Replace the file the link names, in its own directory. */
      char *target = realpath(path, NULL);
      if (target == NULL)
        return place_error(path, diag);
      gsz_err err = write_regular(target, data, len, true, diag);
      free(target);
      return err;
    }
  } else if (!overwrite && lstat(path, &lst) == 0) {
    return exists_error(path, diag); /* a dangling link is still a name in use */
  }
  return write_regular(path, data, len, overwrite, diag);
}

static gsz_err write_regular(const char *path, const void *data, size_t len, bool overwrite,
                             gsz_diag *diag) {
  char dir[PATH_BYTES];
  gsz_err err = dir_of(dir, path, diag);
  if (err != GSZ_OK)
    return err;

  int fd = open(dir, O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
  if (fd < 0) {
    if (errno == EOPNOTSUPP || errno == EISDIR || errno == EINVAL)
      return write_via_temp_name(path, data, len, overwrite, diag);
    return place_error(path, diag);
  }
  err = write_all(fd, data, len, true, path, diag);
  if (err == GSZ_OK) {
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    if (access("/proc/self/fd", X_OK) != 0) {
      /* No /proc (a chroot): the unnamed file cannot be linked. */
      close(fd);
      return write_via_temp_name(path, data, len, overwrite, diag);
    }
    if (!overwrite) {
      if (linkat(AT_FDCWD, proc, AT_FDCWD, path, AT_SYMLINK_FOLLOW) != 0)
        err = errno == EEXIST ? exists_error(path, diag) : place_error(path, diag);
    } else {
      /* Link under a temporary name, then rename over the target. */
      char tmp[PATH_BYTES + 32];
      if (snprintf(tmp, sizeof tmp, "%s.tmp-%ld", path, (long)getpid()) >= (int)sizeof tmp) {
        err = gsz__diag_set(diag, GSZ_EINVAL, "output path '%s' is too long", path);
      } else {
        unlink(tmp);
        if (linkat(AT_FDCWD, proc, AT_FDCWD, tmp, AT_SYMLINK_FOLLOW) != 0) {
          err = place_error(path, diag);
        } else if (rename(tmp, path) != 0) {
          err = place_error(path, diag);
          unlink(tmp);
        }
      }
    }
  }
  close(fd);
  if (err == GSZ_OK)
    sync_dir(dir);
  return err;
}

gsz_err gsz_write_file_atomic(const char *path, const void *data, size_t len, bool overwrite,
                              gsz_diag *diag) {
  return gsz__atomic_write(path, data, len, overwrite, diag);
}
