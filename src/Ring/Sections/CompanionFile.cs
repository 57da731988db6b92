using System;
using System.IO;

namespace RingIpc;

/// <summary>Opens a file beside a section (a role's lock file) so that nothing planted under its name can hang
/// or fool us: <c>O_NOFOLLOW</c> refuses a symbolic link, <c>O_NONBLOCK</c> keeps a FIFO from blocking the open,
/// and <see cref="FileTrust"/> then refuses anything that is not this user's (or its group's) regular file.</summary>
internal static class CompanionFile
{
    /// <summary>Opens <paramref name="path"/> with <paramref name="flags"/> (plus no-follow, non-blocking and
    /// close-on-exec) and checks it.</summary>
    /// <returns>The open descriptor; the caller closes it.</returns>
    /// <exception cref="IOException">It cannot be opened, or it is not a regular file.</exception>
    /// <exception cref="UnauthorizedAccessException">It may have been planted by another user.</exception>
    public static int Open(string path, int flags, int mode, string what, int groupShared)
    {
        int fd = LibC.Open(path, flags | LibC.OpenFlags.NoFollow | LibC.OpenFlags.NonBlocking | LibC.OpenFlags.CloseOnExec, mode);
        if (fd < 0)
        {
            int error = LibC.LastError();
            throw error == LibC.ELOOP
                ? new IOException($"The {what} ({path}) is a symbolic link, which RingIpc never follows.")
                : new IOException($"Cannot open the {what} ({path}): errno {error}.");
        }

        try
        {
            FileTrust.Check(fd, path, what, groupShared);
            return fd;
        }
        catch
        {
            LibC.Close(fd);
            throw;
        }
    }

    /// <summary>Opens an existing file like <see cref="Open"/>, or returns -1 if it cannot be opened or trusted.</summary>
    public static int TryOpenExisting(string path)
    {
        try
        {
            return Open(path, LibC.OpenFlags.ReadOnly, 0, "file", FileTrust.GroupReadable);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return -1;
        }
    }
}
