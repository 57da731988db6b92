using System;
using System.Runtime.InteropServices;

namespace RingIpc;

/// <summary>
/// The libc calls of the Unix section store and the named locks. Every signature uses only <c>int</c>,
/// <c>long</c> and strings, whose sizes are the same in 32- and 64-bit processes.
/// </summary>
internal static class LibC
{
    private const string Library = "libc";

    public const int EINTR = 4;
    public const int ENOENT = 2;
    public const int EACCES = 13;
    public const int EEXIST = 17;
    public const int ENOSPC = 28;

    [DllImport(Library, EntryPoint = "open", SetLastError = true)]
    public static extern int Open([MarshalAs(UnmanagedType.LPStr)] string path, int flags, int mode);

    [DllImport(Library, EntryPoint = "close", SetLastError = true)]
    public static extern int Close(int fd);

    [DllImport(Library, EntryPoint = "fchmod", SetLastError = true)]
    public static extern int FChmod(int fd, int mode);

    [DllImport(Library, EntryPoint = "link", SetLastError = true)]
    public static extern int Link([MarshalAs(UnmanagedType.LPStr)] string existing, [MarshalAs(UnmanagedType.LPStr)] string created);

    [DllImport(Library, EntryPoint = "unlink", SetLastError = true)]
    public static extern int Unlink([MarshalAs(UnmanagedType.LPStr)] string path);

    /// <summary><c>posix_fallocate64</c>, whose offsets are 64-bit in 32- and 64-bit processes alike.</summary>
    /// <returns>0, or the error number (this call does not set errno).</returns>
    [DllImport(Library, EntryPoint = "posix_fallocate64")]
    private static extern int PosixFallocate64(int fd, long offset, long length);

    /// <summary>Reserves <paramref name="length"/> bytes for the file (Linux); elsewhere does nothing.</summary>
    /// <returns>0, or an error number such as <see cref="ENOSPC"/>.</returns>
    public static int Allocate(int fd, long length)
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return 0;
        }

        int result;
        do
        {
            result = PosixFallocate64(fd, 0, length); // EINTR: a signal (32-bit Mono's GC uses them) interrupted it
        }
        while (result == EINTR);

        return result == 95 /* EOPNOTSUPP: the file system cannot; the file stays sparse */ ? 0 : result;
    }

    [DllImport(Library, EntryPoint = "flock", SetLastError = true)]
    public static extern int Flock(int fd, int operation);

    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;

    [DllImport(Library, EntryPoint = "kill", SetLastError = true)]
    public static extern int Kill(int pid, int signal);

    /// <summary><c>readlink</c>: the target of a symbolic link, not terminated; the buffer size is native width.</summary>
    /// <returns>The bytes written, or -1 (errno).</returns>
    [DllImport(Library, EntryPoint = "readlink", SetLastError = true)]
    public static extern unsafe nint ReadLink([MarshalAs(UnmanagedType.LPStr)] string path, byte* buffer, nint size);

    [DllImport(Library, EntryPoint = "getpid")]
    public static extern int GetPid();

    [DllImport(Library, EntryPoint = "geteuid")]
    public static extern uint GetEUid();

    /// <summary>errno of the last call above.</summary>
    public static int LastError() => Marshal.GetLastWin32Error();

    /// <summary>ESRCH, returned by <c>kill</c> for a process that does not exist.</summary>
    public const int ESRCH = 3;

    /// <summary>ELOOP, returned by <c>open</c> with <c>O_NOFOLLOW</c> on a symbolic link.</summary>
    public static int ELOOP => RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? 62 : 40;

    /// <summary>EWOULDBLOCK, returned by <c>flock</c> with <c>LOCK_NB</c> on a held lock.</summary>
    public static int EWOULDBLOCK => RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? 35 : 11;

    /// <summary><c>open</c> flags; their values differ between operating systems and, for
    /// <c>O_NOFOLLOW</c>, between Linux architectures.</summary>
    public static class OpenFlags
    {
        private static readonly bool Mac = RuntimeInformation.IsOSPlatform(OSPlatform.OSX);

        /// <summary>arm, arm64 and ppc64le define O_NOFOLLOW (and O_DIRECTORY) differently from the generic
        /// Linux values that x86, x86-64, riscv64, loongarch64 and s390x use.</summary>
        private static readonly bool LinuxArm = !Mac &&
            (RuntimeInformation.ProcessArchitecture == Architecture.Arm || RuntimeInformation.ProcessArchitecture == Architecture.Arm64
#if NET
             || RuntimeInformation.ProcessArchitecture == Architecture.Ppc64le
#endif
            );

        public const int ReadOnly = 0;
        public const int ReadWrite = 2;
        public static readonly int Create = Mac ? 0x200 : 0x40;
        public static readonly int Exclusive = Mac ? 0x800 : 0x80;
        public static readonly int NoFollow = Mac ? 0x100 : LinuxArm ? 0x8000 : 0x20000;
        public static readonly int CloseOnExec = Mac ? 0x1000000 : 0x80000;

        /// <summary>O_NONBLOCK: opening a FIFO planted under a file's name returns at once instead of waiting
        /// for a writer (the same value on every Linux architecture).</summary>
        public static readonly int NonBlocking = Mac ? 0x4 : 0x800;
    }
}
