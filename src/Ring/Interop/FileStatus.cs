using System;
using System.Runtime.InteropServices;

namespace RingIpc;

/// <summary>What <c>statx</c> says about a file: its owner, type and mode bits, and its identity (device and
/// inode). Linux only; <c>struct statx</c> has the same layout in 32- and 64-bit processes.</summary>
internal readonly unsafe struct FileStatus
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int UidOffset = 20;      // stx_uid
    private const int ModeOffset = 28;     // stx_mode
    private const int InodeOffset = 32;    // stx_ino
    private const int DeviceOffset = 136;  // stx_dev_major, stx_dev_minor
    private const int TypeMask = 0xF000;   // S_IFMT
    private const int RegularType = 0x8000; // S_IFREG

    private static readonly bool Linux = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

    private FileStatus(byte* statx)
    {
        Owner = *(uint*)(statx + UidOffset);
        int mode = *(ushort*)(statx + ModeOffset);
        Permissions = mode & 0xFFF;
        IsRegularFile = (mode & TypeMask) == RegularType;
        Inode = *(ulong*)(statx + InodeOffset);
        Device = *(ulong*)(statx + DeviceOffset);
    }

    /// <summary>The owner's uid.</summary>
    public uint Owner { get; }

    /// <summary>The permission bits (<c>mode &amp; 07777</c>).</summary>
    public int Permissions { get; }

    /// <summary>Whether it is a regular file (not a FIFO, socket, device or directory).</summary>
    public bool IsRegularFile { get; }

    public ulong Inode { get; }

    public ulong Device { get; }

    /// <summary>This process's effective uid.</summary>
    public static uint EffectiveUser => LibC.GetEUid();

    /// <summary>The status of the open file <paramref name="fd"/>.</summary>
    /// <returns><c>false</c> where <c>statx</c> is missing (not Linux, glibc before 2.28, a seccomp filter).</returns>
    public static bool TryGet(int fd, out FileStatus status) => TryGet(fd, "", AtEmptyPath, out status);

    /// <summary>The status of the file <paramref name="path"/> names, without following a symbolic link.</summary>
    public static bool TryGet(string path, out FileStatus status) => TryGet(AtFdCwd, path, AtSymlinkNoFollow, out status);

    /// <summary>Whether both describe the same file (device and inode).</summary>
    public bool IsSameFile(in FileStatus other) => Inode == other.Inode && Device == other.Device;

    private static bool TryGet(int dirfd, string path, int flags, out FileStatus status)
    {
        status = default;
        if (!Linux)
        {
            return false;
        }

        byte* buffer = stackalloc byte[256]; // struct statx
        try
        {
            if (StatX(dirfd, path, flags, StatxBasicStats, buffer) != 0)
            {
                return false;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }

        status = new FileStatus(buffer);
        return true;
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int StatX(int dirfd, [MarshalAs(UnmanagedType.LPStr)] string path, int flags, uint mask, byte* buffer);
}
