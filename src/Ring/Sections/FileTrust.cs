using System;

namespace RingIpc;

/// <summary>
/// Refuses a section or lock file that this user did not make and was not shared with, or that is not a
/// regular file: /dev/shm is writable by every user, so another one could plant a file (or a FIFO, which would
/// block an open) under a ring's name before it is created.
/// </summary>
/// <remarks>
/// Accepted: a regular file owned by this user, or one owned by another user that is shared with its group (as
/// <see cref="SectionAccess.OwnerAndGroup"/> makes it) — group members are trusted by design.
/// Refused: anything that is not a regular file, anything open to all users, and another user's private file
/// (which only root could open anyway). Files are opened with <c>O_NONBLOCK</c> before this check, so a planted
/// FIFO cannot hang the open. Linux only (<c>statx</c>); elsewhere nothing is checked.
/// </remarks>
internal static class FileTrust
{
    /// <summary>g+rw: how a section shared with the group is made.</summary>
    public const int GroupReadWrite = 0x30;

    /// <summary>g+r: how a lock file shared with the group is made (flock needs only read access).</summary>
    public const int GroupReadable = 0x20;

    /// <param name="fd">The open file.</param>
    /// <param name="path">Its path, for the message.</param>
    /// <param name="what">What it is, for the message.</param>
    /// <param name="groupShared">The group bits that mark another user's file as deliberately shared with us.</param>
    /// <exception cref="UnauthorizedAccessException">The file may have been planted by another user.</exception>
    /// <exception cref="System.IO.IOException">It is not a regular file.</exception>
    public static void Check(int fd, string path, string what, int groupShared)
    {
        if (!FileStatus.TryGet(fd, out FileStatus status))
        {
            return; // no statx: nothing to check with
        }

        if (!status.IsRegularFile)
        {
            throw new System.IO.IOException(
                $"The {what} {path} is not a regular file (a FIFO, socket, device or directory); RingIpc never makes such a file, so it may have been planted. Refusing it; delete it if it is stale.");
        }

        int mode = status.Permissions;
        uint self = FileStatus.EffectiveUser;
        if ((mode & 0x7) != 0)
        {
            throw new UnauthorizedAccessException(
                $"The {what} {path} is open to all users (mode {Convert.ToString(mode, 8)}); RingIpc never makes such a file, so another user may have planted it. Refusing it; delete it if it is stale.");
        }

        if (status.Owner != self && (mode & groupShared) != groupShared)
        {
            throw new UnauthorizedAccessException(
                $"The {what} {path} belongs to uid {status.Owner}, not to this user (uid {self}), and is not shared with a group; another user may have planted it. Refusing it.");
        }
    }

    /// <summary>Whether <paramref name="path"/> still names the file open as <paramref name="fd"/> (same device and
    /// inode): a lock file can be unlinked and replaced between opening and locking it.</summary>
    public static bool SameFile(int fd, string path)
    {
        if (!FileStatus.TryGet(fd, out FileStatus open))
        {
            return true; // cannot tell
        }

        return FileStatus.TryGet(path, out FileStatus named) && open.IsSameFile(named);
    }
}
