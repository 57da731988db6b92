using System;
using System.Runtime.InteropServices;

namespace RingIpc.Interop;

/// <summary>
/// The few libc calls the Unix section store needs. Every signature uses only <c>int</c> and
/// strings, whose sizes are the same in 32- and 64-bit processes.
/// </summary>
internal static class LibC
{
    private const string Library = "libc";

    public const int ENOENT = 2;
    public const int EACCES = 13;
    public const int EEXIST = 17;

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

    [DllImport(Library, EntryPoint = "flock", SetLastError = true)]
    public static extern int Flock(int fd, int operation);

    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;

    [DllImport(Library, EntryPoint = "getpid")]
    public static extern int GetPid();

    /// <summary>errno of the last call above.</summary>
    public static int LastError() => Marshal.GetLastWin32Error();

    /// <summary>ELOOP, returned by <c>open</c> with <c>O_NOFOLLOW</c> on a symbolic link.</summary>
    public static int ELOOP => RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? 62 : 40;

    /// <summary>EWOULDBLOCK, returned by <c>flock</c> with <c>LOCK_NB</c> on a held lock.</summary>
    public static int EWOULDBLOCK => RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? 35 : 11;

    /// <summary><c>open</c> flags; their values differ between operating systems and, for
    /// <c>O_NOFOLLOW</c>, between Linux architectures.</summary>
    public static class OpenFlags
    {
        private static readonly bool Mac = RuntimeInformation.IsOSPlatform(OSPlatform.OSX);
        private static readonly bool LinuxArm = !Mac &&
            (RuntimeInformation.ProcessArchitecture == Architecture.Arm || RuntimeInformation.ProcessArchitecture == Architecture.Arm64);

        public const int ReadOnly = 0;
        public const int ReadWrite = 2;
        public static readonly int Create = Mac ? 0x200 : 0x40;
        public static readonly int Exclusive = Mac ? 0x800 : 0x80;
        public static readonly int NoFollow = Mac ? 0x100 : LinuxArm ? 0x8000 : 0x20000;
        public static readonly int CloseOnExec = Mac ? 0x1000000 : 0x80000;
    }
}
