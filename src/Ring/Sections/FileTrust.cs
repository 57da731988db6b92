using System;
using System.Runtime.InteropServices;
using RingIpc.Interop;

namespace RingIpc.Sections;

/// <summary>
/// Refuses a section or lock file that this user did not make and was not shared with: /dev/shm is
/// writable by every user, so another one could plant a file under a ring's name before it is created.
/// </summary>
/// <remarks>
/// Accepted: a file owned by this user, or one owned by another user that is shared with its group (as
/// <see cref="SectionAccess.OwnerAndGroup"/> makes it) — group members are trusted by design.
/// Refused: anything open to all users, and another user's private file (which only root could open anyway).
/// Linux only (<c>statx</c> has the same layout in 32- and 64-bit processes); elsewhere nothing is checked.
/// </remarks>
internal static unsafe class FileTrust
{
    private const int AtEmptyPath = 0x1000;
    private const uint StatxBasicStats = 0x7ff;
    private const int UidOffset = 20;
    private const int ModeOffset = 28;

    /// <summary>g+rw: how a section shared with the group is made.</summary>
    public const int GroupReadWrite = 0x30;

    /// <summary>g+r: how a lock file shared with the group is made (flock needs only read access).</summary>
    public const int GroupReadable = 0x20;

    private static readonly bool Linux = RuntimeInformation.IsOSPlatform(OSPlatform.Linux);

    /// <param name="fd">The open file.</param>
    /// <param name="path">Its path, for the message.</param>
    /// <param name="what">What it is, for the message.</param>
    /// <param name="groupShared">The group bits that mark another user's file as deliberately shared with us.</param>
    /// <exception cref="UnauthorizedAccessException">The file may have been planted by another user.</exception>
    public static void Check(int fd, string path, string what, int groupShared)
    {
        if (!Linux)
        {
            return;
        }

        byte* buffer = stackalloc byte[256]; // struct statx
        if (!TryStat(fd, "", AtEmptyPath, buffer))
        {
            return; // no statx (glibc < 2.28, a seccomp filter): nothing to check with
        }

        uint owner = *(uint*)(buffer + UidOffset);
        int mode = *(ushort*)(buffer + ModeOffset) & 0xFFF;
        uint self = GetEUid();
        if ((mode & 0x7) != 0)
        {
            throw new UnauthorizedAccessException(
                $"The {what} {path} is open to all users (mode {Convert.ToString(mode, 8)}); RingIpc never makes such a file, so another user may have planted it. Refusing it; delete it if it is stale.");
        }

        if (owner != self && (mode & groupShared) != groupShared)
        {
            throw new UnauthorizedAccessException(
                $"The {what} {path} belongs to uid {owner}, not to this user (uid {self}), and is not shared with a group; another user may have planted it. Refusing it.");
        }
    }

    /// <summary>Whether <paramref name="path"/> still names the file open as <paramref name="fd"/> (same device and
    /// inode): a lock file can be unlinked and replaced between opening and locking it.</summary>
    public static bool SameFile(int fd, string path)
    {
        if (!Linux)
        {
            return true;
        }

        byte* open = stackalloc byte[256];
        byte* named = stackalloc byte[256];
        if (!TryStat(fd, "", AtEmptyPath, open))
        {
            return true; // cannot tell
        }

        return TryStat(AtFdCwd, path, AtSymlinkNoFollow, named) &&
               *(ulong*)(open + InodeOffset) == *(ulong*)(named + InodeOffset) &&
               *(ulong*)(open + DeviceOffset) == *(ulong*)(named + DeviceOffset);
    }

    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int InodeOffset = 32;   // stx_ino
    private const int DeviceOffset = 136; // stx_dev_major, stx_dev_minor

    private static bool TryStat(int dirfd, string path, int flags, byte* buffer)
    {
        try
        {
            return StatX(dirfd, path, flags, StatxBasicStats, buffer) == 0;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static extern int StatX(int dirfd, [MarshalAs(UnmanagedType.LPStr)] string path, int flags, uint mask, byte* buffer);

    [DllImport("libc", EntryPoint = "geteuid")]
    private static extern uint GetEUid();
}
