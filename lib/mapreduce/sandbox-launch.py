# The first step of every sandboxed program (see sandbox.ts), run by the worker before it drops
# root: joins the task's cgroups, closes every descriptor the worker inherited (a pipe from the
# shell that started it, say) except the ones bwrap needs, builds the seccomp filter with
# libseccomp (Debian's python3-seccomp) into a pipe bwrap reads with --seccomp, then execs the
# rest of the command line (setpriv, prlimit, bwrap).
#
#   python3 -I sandbox-launch.py [--cgroup DIR]... [--keep FD]... [--seccomp-fd FD] -- ARGV...
import errno
import os
import sys

# Refused with EPERM: kernel interfaces no MapReduce program needs and that have been the way
# out of many sandboxes (io_uring, eBPF, perf, userfaultfd, keyrings), other processes' memory,
# namespaces and mounts, modules, kexec, the clock, swap, accounting.
DENIED = [
    "io_uring_setup", "io_uring_enter", "io_uring_register",
    "bpf", "perf_event_open", "userfaultfd",
    "keyctl", "add_key", "request_key",
    "ptrace", "process_vm_readv", "process_vm_writev", "process_madvise", "kcmp",
    "pidfd_getfd",
    "mount", "umount2", "pivot_root", "chroot", "move_mount", "open_tree", "fsopen",
    "fsmount", "fsconfig", "fspick", "mount_setattr",
    "unshare", "setns",
    "kexec_load", "kexec_file_load", "reboot",
    "init_module", "finit_module", "delete_module",
    "swapon", "swapoff", "acct", "quotactl", "quotactl_fd",
    "syslog", "vhangup", "iopl", "ioperm",
    "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
    "sethostname", "setdomainname",
    "open_by_handle_at", "name_to_handle_at",
    "fanotify_init", "lookup_dcookie", "uselib", "ustat", "sysfs", "nfsservctl",
    "personality",
]

# clone() may not create namespaces (bwrap already made the ones the program lives in).
CLONE_NS_FLAGS = [
    0x00020000,  # CLONE_NEWNS
    0x02000000,  # CLONE_NEWCGROUP
    0x04000000,  # CLONE_NEWUTS
    0x08000000,  # CLONE_NEWIPC
    0x10000000,  # CLONE_NEWUSER
    0x20000000,  # CLONE_NEWPID
    0x40000000,  # CLONE_NEWNET
    0x00000080,  # CLONE_NEWTIME
]

TIOCSTI = 0x5412


def build_filter():
    import seccomp

    f = seccomp.SyscallFilter(defaction=seccomp.ALLOW)
    # Another architecture's syscall table (32-bit int 0x80 on x86-64) kills the process:
    # libseccomp's default for a foreign arch when none is added.
    eperm = seccomp.ERRNO(errno.EPERM)
    for name in DENIED:
        try:
            f.add_rule(eperm, name)
        except (RuntimeError, ValueError):
            pass  # unknown to this kernel or libseccomp: nothing to deny
    for flag in CLONE_NS_FLAGS:
        f.add_rule(eperm, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    # clone3 passes its flags in memory a filter cannot read: ENOSYS makes libc fall back to
    # clone(), whose flags the rules above check.
    f.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    # Typing into the terminal of another process.
    f.add_rule(eperm, "ioctl", seccomp.Arg(1, seccomp.MASKED_EQ, 0xFFFFFFFF, TIOCSTI))
    return f


def main(args):
    cgroups, keep, seccomp_fd = [], set(), None
    while args and args[0] != "--":
        opt, value = args[0], args[1]
        args = args[2:]
        if opt == "--cgroup":
            cgroups.append(value)
        elif opt == "--keep":
            keep.add(int(value))
        elif opt == "--seccomp-fd":
            seccomp_fd = int(value)
        else:
            sys.exit(f"sandbox-launch: unknown option {opt}")
    argv = args[1:]
    if not argv:
        sys.exit("sandbox-launch: no command")

    # Joining before anything runs: every process the program starts is counted and killed
    # with the task.
    for d in cgroups:
        with open(os.path.join(d, "cgroup.procs"), "w") as procs:
            procs.write(str(os.getpid()))

    if seccomp_fd is not None:
        r, w = os.pipe()
        with os.fdopen(w, "wb") as out:
            build_filter().export_bpf(out)
        if r != seccomp_fd:
            os.dup2(r, seccomp_fd, inheritable=True)
            os.close(r)
        keep.add(seccomp_fd)

    for fd in keep:
        os.set_inheritable(fd, True)
    top = 3
    for fd in sorted(keep) + [None]:
        end = fd if fd is not None else os.sysconf("SC_OPEN_MAX")
        if end > top:
            os.closerange(top, end)
        if fd is not None:
            top = max(top, fd + 1)
    os.execv(argv[0], argv)


main(sys.argv[1:])
