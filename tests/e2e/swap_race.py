#!/usr/bin/env python3
"""swap_race.py DIR VICTIM SECONDS - the attacker of tests/e2e/write_race.sh.

Runs as an unprivileged user that can write DIR. Watches DIR (and every
directory that appears in it) with inotify and, as soon as a name appears,
tries to make fragstat write through a link to VICTIM:
- a new file: rename it away and put a symbolic link to VICTIM in its place;
- a new directory: plant fragstat-capture.txt, proc/buddyinfo and the
  textfile's name inside it and beside it as links to VICTIM;
Prints one line per attempt that the kernel allowed ("swapped NAME"), so the
test can tell that the race was really run. Stops after SECONDS.
"""
import ctypes
import errno
import os
import select
import struct
import sys
import time

IN_CREATE = 0x100
IN_MOVED_TO = 0x80
IN_ISDIR = 0x40000000
IN_NONBLOCK = 0o4000

libc = ctypes.CDLL(None, use_errno=True)


def try_(what, fn, *args):
    try:
        fn(*args)
        print("swapped", what, flush=True)
        return True
    except OSError:
        return False


def plant_inside(d, victim):
    for rel in ("fragstat-capture.txt", "proc", "fragstat.prom"):
        p = os.path.join(d, rel)
        if rel == "proc":
            try:
                os.mkdir(p)
            except OSError:
                pass
            p = os.path.join(p, "buddyinfo")
        try_(p, os.symlink, victim, p)


def main():
    top, victim, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    fd = libc.inotify_init1(IN_NONBLOCK)
    if fd < 0:
        sys.exit("inotify_init1: " + os.strerror(ctypes.get_errno()))
    wds = {}

    def watch(d):
        wd = libc.inotify_add_watch(fd, d.encode(), IN_CREATE | IN_MOVED_TO)
        if wd >= 0:
            wds[wd] = d

    for d, _subdirs, _files in os.walk(top):
        watch(d)
    print("ready", flush=True)
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if not r:
            continue
        buf = os.read(fd, 65536)
        off = 0
        while off < len(buf):
            wd, mask, _cookie, ln = struct.unpack_from("iIII", buf, off)
            name = buf[off + 16: off + 16 + ln].rstrip(b"\0").decode(errors="replace")
            off += 16 + ln
            d = wds.get(wd)
            if not d or not name or name.startswith(".aside"):
                continue
            p = os.path.join(d, name)
            try:
                if os.lstat(p).st_uid == os.getuid():
                    continue            # the attacker's own plant
            except OSError:
                continue
            n += 1
            if mask & IN_ISDIR:
                watch(p)
                plant_inside(d, victim)
                plant_inside(p, victim)
                continue
            if os.path.islink(p):
                continue
            # Swap the new name for a link to the victim.
            aside = os.path.join(d, ".aside%d" % n)
            if try_(p + " (renamed away)", os.rename, p, aside):
                try_(p, os.symlink, victim, p)
    print("events", n, flush=True)


if __name__ == "__main__":
    main()
