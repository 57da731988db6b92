using System;
using System.IO;
using RingIpc.Interop;
using RingIpc.Sections;

namespace RingIpc.Signaling;

/// <summary>
/// Linux and macOS: <c>flock(LOCK_EX)</c> on the lock file <c>RingIpc.&lt;ring&gt;@&lt;role&gt;</c> beside the
/// section ('@' cannot occur in a ring name, so no ring's section can collide with it). The kernel drops the
/// lock when its holder's descriptor closes, including when the holder dies.
/// </summary>
internal sealed class FlockMutex : SharedMutex
{
    private int _fd;

    private FlockMutex(int fd)
    {
        _fd = fd;
    }

    public static FlockMutex? TryLock(string ringName, string role, SectionAccess access)
    {
        string path = UnixSectionStore.CompanionPathOf(ringName, role);
        int mode = access == SectionAccess.OwnerAndGroup ? 0x1A0 /* 0640 */ : 0x100 /* 0400 */;

        // Delete may unlink the lock file between our open and our flock (it unlinks only unlocked files);
        // then the lock we got is on a file nobody else will ever open: try again on the new one.
        for (int attempt = 1; ; attempt++)
        {
            int fd = LibC.Open(path, LibC.OpenFlags.ReadOnly | LibC.OpenFlags.Create | LibC.OpenFlags.NoFollow | LibC.OpenFlags.CloseOnExec, mode);
            if (fd < 0)
            {
                throw new IOException($"Cannot open the {role} lock file of ring '{ringName}' ({path}): errno {LibC.LastError()}.");
            }

            try
            {
                FileTrust.Check(fd, path, $"{role} lock file", FileTrust.GroupReadable);
            }
            catch
            {
                LibC.Close(fd);
                throw;
            }

            // The mode given to open() is filtered by the umask; set it exactly, as for the section (this fails,
            // harmlessly, on a lock file that another user of the group created).
            LibC.FChmod(fd, mode);
            if (LibC.Flock(fd, LibC.LOCK_EX | LibC.LOCK_NB) == 0)
            {
                if (FileTrust.SameFile(fd, path) || attempt == 5)
                {
                    return new FlockMutex(fd);
                }

                LibC.Close(fd);
                continue;
            }

            int error = LibC.LastError();
            LibC.Close(fd);
            return error == LibC.EWOULDBLOCK
                ? null
                : throw new IOException($"Cannot lock the {role} lock file of ring '{ringName}' ({path}): errno {error}.");
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
