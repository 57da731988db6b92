using System;
using System.IO;

namespace RingIpc;

/// <summary>
/// Linux and macOS: <c>flock(LOCK_EX)</c> on the lock file <c>RingIpc.&lt;ring&gt;@&lt;role&gt;</c> beside the
/// section ('@' cannot occur in a ring name, so no ring's section can collide with it). The kernel drops the
/// lock when its holder's descriptor closes, including when the holder dies.
/// </summary>
internal sealed class FlockMutex : SharedMutex
{
    /// <summary>How often a lock file that keeps being replaced between our open and our lock is tried again.</summary>
    private const int Attempts = 100;

    private readonly string _path;
    private int _fd;

    private FlockMutex(int fd, string path)
    {
        _fd = fd;
        _path = path;
    }

    /// <summary>Test seam: runs between opening the lock file and locking it, where a concurrent
    /// <c>Delete</c> can unlink the file.</summary>
    internal static Action<string>? BetweenOpenAndLockForTests { get; set; }

    public static FlockMutex? TryLock(string ringName, string role, SectionAccess access)
    {
        string path = UnixSectionStore.CompanionPathOf(ringName, role);
        int mode = access == SectionAccess.OwnerAndGroup ? 0x1A0 /* 0640 */ : 0x100 /* 0400 */;

        // Delete may unlink the lock file between our open and our flock (it unlinks only unlocked files); the
        // lock we got is then on a file nobody else will ever open: never keep it, try the new file instead.
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            int fd = CompanionFile.Open(path, LibC.OpenFlags.ReadOnly | LibC.OpenFlags.Create, mode, $"{role} lock file of ring '{ringName}'", FileTrust.GroupReadable);

            // The mode given to open() is filtered by the umask; set it exactly, as for the section (this fails,
            // harmlessly, on a lock file that another user of the group created).
            LibC.FChmod(fd, mode);
            BetweenOpenAndLockForTests?.Invoke(path);
            if (LibC.Flock(fd, LibC.LOCK_EX | LibC.LOCK_NB) != 0)
            {
                int error = LibC.LastError();
                LibC.Close(fd);
                return error == LibC.EWOULDBLOCK
                    ? null
                    : throw new IOException($"Cannot lock the {role} lock file of ring '{ringName}' ({path}): errno {error}.");
            }

            if (FileTrust.SameFile(fd, path))
            {
                return new FlockMutex(fd, path);
            }

            LibC.Close(fd);
        }

        throw new IOException(
            $"The {role} lock file of ring '{ringName}' ({path}) was replaced {Attempts} times while it was being locked: another process keeps deleting the ring.");
    }

    /// <inheritdoc/>
    /// <remarks>Safe against removing another file: while this lock is held, nobody else unlinks the path (a
    /// <c>Delete</c> skips locked files), so the path still names the locked file if it did a moment ago.</remarks>
    public override void RemoveLockFile()
    {
        if (_fd >= 0 && FileStatus.TryGet(_fd, out FileStatus held) && FileStatus.TryGet(_path, out FileStatus named) && held.IsSameFile(named))
        {
            LibC.Unlink(_path);
        }
    }

    public override void Dispose()
    {
        if (_fd >= 0)
        {
            LibC.Close(_fd);
            _fd = -1;
        }
    }
}
