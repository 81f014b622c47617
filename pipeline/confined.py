"""Descriptors of files under an input folder, opened so that nothing outside it can be reached.

Checking a path and then opening it leaves a gap: a folder scanned a minute ago can be a link to
/etc by the time it is read. So every component is opened relative to the descriptor of the folder
above it, with O_NOFOLLOW: the kernel refuses to follow a link at any step. A link met on the way is
read (readlink through the same descriptor) and resolved by hand against the input folder; only a
link as the last component, to a regular file inside the folder, is followed, and a folder reached
only through a link is not entered (as when the folder is scanned). Nothing is opened by a path
string that the kernel would resolve on its own, so a swap between any two steps cannot lead out.
"""

from __future__ import annotations

import errno
import os
import stat

from pipeline import errors
from pipeline.errors import BadArticle

MAX_LINKS = 40  # as the kernel's own limit on links followed in one lookup
_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC | os.O_NONBLOCK  # O_NONBLOCK: a FIFO never blocks the open


def open_below(root: str, rel: str) -> int:
    """A read-only descriptor of the regular file ``rel`` ('/'-separated) under the folder ``root``,
    or BadArticle (outside_input, not_a_file, unreadable) saying why not. OSError from the system
    (permission denied, vanished) is left to the caller."""
    top = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        parts, links = _clean(rel.split("/")), 0
        if not parts:
            raise BadArticle(errors.OUTSIDE_INPUT, "the path does not name a file inside the input directory")
        while True:
            fd, link = _walk(top, parts)
            if link is None:
                return _regular(fd, rel)
            links += 1
            at, target = link
            resolved = resolve_link(parts[:at], target, (os.path.abspath(root), os.path.realpath(root)))
            if resolved is None:
                raise BadArticle(errors.OUTSIDE_INPUT, "symlink points outside the input directory; not followed")
            if at < len(parts) - 1:  # a folder on the path became a link since the scan
                raise BadArticle(errors.NOT_A_FILE, f"{'/'.join(parts[:at + 1])} is a symlink to a folder; "
                                                    "folders behind links are not followed")
            if links > MAX_LINKS:
                raise BadArticle(errors.UNREADABLE, "symlink cannot be resolved: too many levels of links")
            parts = resolved
    finally:
        os.close(top)


def _walk(top: int, parts: list[str]) -> tuple[int, tuple[int, str] | None]:
    """Open ``parts`` below ``top`` one component at a time: (descriptor, None), or (-1, (index, link
    target)) at the first component that is a symlink."""
    fd = os.dup(top)
    try:
        for i, part in enumerate(parts):
            flags = _FLAGS if i == len(parts) - 1 else _FLAGS | os.O_DIRECTORY
            try:
                child = os.open(part, flags, dir_fd=fd)
            except OSError as exc:
                if exc.errno not in (errno.ELOOP, errno.ENOTDIR, errno.EMLINK):
                    raise
                try:
                    target = os.readlink(part, dir_fd=fd)
                except OSError:  # not a link after all: a file where a folder was expected
                    raise BadArticle(errors.NOT_A_FILE, f"{'/'.join(parts[:i + 1])} is not a folder") from None
                return -1, (i, target)
            os.close(fd)
            fd = child
    except BaseException:
        os.close(fd)
        raise
    return fd, None


def _regular(fd: int, rel: str) -> int:
    mode = os.fstat(fd).st_mode
    if stat.S_ISREG(mode):
        return fd
    try:
        if stat.S_ISDIR(mode):
            try:
                os.listdir(fd)
            except OSError as exc:
                raise BadArticle(errors.UNREADABLE, f"the folder cannot be listed: {exc.strerror or exc}") from None
            raise BadArticle(errors.NOT_A_FILE, "symlink to a folder; folders behind links are not followed")
        raise BadArticle(errors.NOT_A_FILE, "not a regular file")
    finally:
        os.close(fd)


def resolve_link(base: list[str], target: str, roots: tuple[str, ...]) -> list[str] | None:
    """A link's target as components under the input folder, or None when it leads outside.

    ``base`` holds the folders the link sits in; an absolute target must name the input folder
    (as given, or its real path) or something below it; '..' may not climb above the folder."""
    if os.path.isabs(target):
        for root in roots:
            if target == root or target.startswith(root.rstrip("/") + "/"):
                return _clean(target[len(root):].split("/"))
        return None
    return _clean(base + target.split("/"))


def _clean(parts: list[str]) -> list[str] | None:
    """Components without '' and '.', with '..' applied; None if '..' climbs above the first."""
    out: list[str] = []
    for part in parts:
        if part in ("", "."):
            continue
        if part == "..":
            if not out:
                return None
            out.pop()
            continue
        out.append(part)
    return out


def list_folder(root: str, rel: str) -> list[str]:
    """The names in the folder ``rel`` under ``root``, opened as ``open_below`` opens files: OSError when
    it cannot be listed."""
    top = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        fd, link = _walk(top, _clean(rel.split("/")) or [])
        if link is not None:
            raise BadArticle(errors.NOT_A_FILE, "a symlink to a folder: folders behind links are not followed")
        try:
            return os.listdir(fd)
        finally:
            os.close(fd)
    finally:
        os.close(top)
