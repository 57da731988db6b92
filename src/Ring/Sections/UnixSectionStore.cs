using System;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Runtime.InteropServices;
using System.Threading;
#if NET
using Microsoft.Win32.SafeHandles;
#endif

namespace RingIpc;

/// <summary>
/// Sections on Linux and macOS: a file under <c>/dev/shm</c> (macOS: <c>$TMPDIR</c>) mapped with
/// <see cref="MemoryMappedFile.CreateFromFile(string)"/>, because .NET has no named maps there.
/// </summary>
/// <remarks>
/// A new section is created under a temporary name (<c>O_CREAT | O_EXCL | O_NOFOLLOW</c>, mode 0600 or
/// 0660), sized, mapped and initialized, and only then published under its real name with
/// <c>link()</c>, which fails if the name exists. So an opener never sees a half-initialized
/// section, and of several processes creating the same name exactly one succeeds. Opening uses
/// <c>O_NOFOLLOW</c>: a symbolic link planted under a section's name is refused.
/// </remarks>
internal static class UnixSectionStore
{
    private const string Prefix = "RingIpc.";

    /// <summary>The folder that holds section files.</summary>
    public static string Directory { get; } = ChooseDirectory();

    /// <summary>The file that backs section <paramref name="name"/>.</summary>
    public static string PathOf(string name) => Path.Combine(Directory, Prefix + name);

    /// <summary>A file that belongs to section <paramref name="name"/>, such as a role's lock file. '@' cannot
    /// occur in a section name, so no section's file can be mistaken for it.</summary>
    public static string CompanionPathOf(string name, string suffix) => PathOf(name) + "@" + suffix;

    public static SectionMapping Create(string name, long length, SectionAccess access, Action<SectionMapping>? initialize)
    {
        string path = PathOf(name);
        string temporary = Path.Combine(Directory, $".{Prefix}{name}.{LibC.GetPid()}.{Guid.NewGuid():N}.tmp");
        int mode = access == SectionAccess.OwnerAndGroup ? 0x1B0 /* 0660 */ : 0x180 /* 0600 */;
        int fd = LibC.Open(temporary, LibC.OpenFlags.ReadWrite | LibC.OpenFlags.Create | LibC.OpenFlags.Exclusive | LibC.OpenFlags.NoFollow | LibC.OpenFlags.CloseOnExec, mode);
        if (fd < 0)
        {
            throw ErrorFor(LibC.LastError(), name, temporary, "create");
        }

        try
        {
            // The mode given to open() is filtered by the umask; fchmod sets it exactly.
            if (LibC.FChmod(fd, mode) != 0)
            {
                int error = LibC.LastError();
                LibC.Close(fd);
                throw ErrorFor(error, name, temporary, "set the mode of");
            }

            // Reserve the memory now: a sparse file on a full /dev/shm would fail later with SIGBUS on first touch.
            int allocation = LibC.Allocate(fd, length);
            if (allocation != 0)
            {
                LibC.Close(fd);
                throw allocation == LibC.ENOSPC
                    ? new IOException($"Cannot create section '{name}': not enough space in {Directory} for {length} bytes.")
                    : ErrorFor(allocation, name, temporary, "allocate");
            }

            SectionMapping mapping = Map(fd, temporary, length, setLength: true);
            try
            {
                initialize?.Invoke(mapping);
                if (LibC.Link(temporary, path) != 0)
                {
                    throw ErrorFor(LibC.LastError(), name, path, "create");
                }
            }
            catch
            {
                mapping.Dispose();
                throw;
            }

            return mapping;
        }
        finally
        {
            LibC.Unlink(temporary);
        }
    }

    public static SectionMapping Open(string name, Action<long> validateLength)
    {
        string path = PathOf(name);
        int fd = LibC.Open(path, LibC.OpenFlags.ReadWrite | LibC.OpenFlags.NoFollow | LibC.OpenFlags.NonBlocking | LibC.OpenFlags.CloseOnExec, 0);
        if (fd < 0)
        {
            throw ErrorFor(LibC.LastError(), name, path, "open");
        }

        try
        {
            FileTrust.Check(fd, path, "section file", FileTrust.GroupReadWrite);
        }
        catch
        {
            LibC.Close(fd);
            throw;
        }

        return Map(fd, path, length: -1, setLength: false, validateLength);
    }

    /// <summary>The names of the published sections in <see cref="Directory"/>: files named with the prefix and a
    /// valid section name (no temporaries, no companion files), sorted.</summary>
    public static System.Collections.Generic.List<string> ListNames()
    {
        var names = new System.Collections.Generic.List<string>();
        foreach (string path in System.IO.Directory.EnumerateFiles(Directory, Prefix + "*"))
        {
            string name = Path.GetFileName(path).Substring(Prefix.Length);
            if (SectionName.IsValid(name))
            {
                names.Add(name);
            }
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>Deletes the name of the section that <paramref name="mapping"/> maps, only if the name still names
    /// that file (never a section created under the name meanwhile). The check and the unlink are two steps: the
    /// caller excludes other reclaimers and creators of this ring (<see cref="SharedMutex"/> of the consumer role).</summary>
    /// <returns>Whether the name was deleted.</returns>
    public static bool DeleteIfPublished(string name, SectionMapping mapping)
    {
        if (mapping.File is null || !IsPublished(name, mapping))
        {
            return false; // without statx the file cannot be told apart: never delete on a guess
        }

        bool deleted = Delete(name);
        return deleted;
    }

    public static bool Delete(string name)
    {
        foreach (string companion in System.IO.Directory.EnumerateFiles(Directory, Prefix + name + "@*"))
        {
            DeleteUnlessLocked(companion);
        }

        DeleteAbandonedTemporaries(name);
        DeleteOrphanedCompanions();

        if (LibC.Unlink(PathOf(name)) == 0)
        {
            return true;
        }

        int error = LibC.LastError();
        return error == LibC.ENOENT ? false : throw ErrorFor(error, name, PathOf(name), "delete");
    }

    /// <summary>Removes the companion files (role locks) of every section whose name is gone, unless their lock is
    /// held: what an endpoint killed after its ring was deleted left behind (a holder that gives its role up removes
    /// its file itself). Runs with every <see cref="Delete"/>, which is rare: one listing of the folder.</summary>
    public static void DeleteOrphanedCompanions()
    {
        foreach (string companion in System.IO.Directory.EnumerateFiles(Directory, Prefix + "*@*"))
        {
            string fileName = Path.GetFileName(companion);
            string sectionName = fileName.Substring(Prefix.Length, fileName.IndexOf('@') - Prefix.Length);
            if (SectionName.IsValid(sectionName) && !File.Exists(PathOf(sectionName)))
            {
                DeleteUnlessLocked(companion);
            }
        }
    }

    /// <summary>Removes the temporary files of creations of <paramref name="name"/> whose process died before it
    /// published the section (Linux: the pid in the file name has no /proc entry, and the file is over a minute
    /// old, in case its creator lives in another pid namespace and is still initializing it).</summary>
    private static void DeleteAbandonedTemporaries(string name)
    {
        if (!System.IO.Directory.Exists("/proc/self"))
        {
            return;
        }

        string prefix = $".{Prefix}{name}.";
        foreach (string temporary in System.IO.Directory.EnumerateFiles(Directory, prefix + "*.tmp"))
        {
            string[] parts = Path.GetFileName(temporary).Substring(prefix.Length).Split('.');
            if (parts.Length == 3 && int.TryParse(parts[0], out int pid) && !System.IO.Directory.Exists($"/proc/{pid}") &&
                DateTime.UtcNow - File.GetLastWriteTimeUtc(temporary) > TimeSpan.FromMinutes(1))
            {
                LibC.Unlink(temporary);
            }
        }
    }

    /// <summary>Removes a lock file unless a process holds its lock: a holder (an endpoint of the ring, which
    /// outlives the ring's name) must keep excluding others, who would otherwise lock a new file. A file that is
    /// not a trusted regular file (a planted FIFO, another user's file) is left alone, and never blocks us.</summary>
    /// <remarks>A lock released a moment ago can still look held for as long as a child process forked meanwhile
    /// has not yet exec'd (it shares the descriptor until then), hence a few short retries.</remarks>
    private static void DeleteUnlessLocked(string path)
    {
        int fd = CompanionFile.TryOpenExisting(path);
        if (fd < 0)
        {
            return;
        }

        for (int attempt = 0; attempt < 20; attempt++)
        {
            if (LibC.Flock(fd, LibC.LOCK_EX | LibC.LOCK_NB) == 0)
            {
                LibC.Unlink(path);
                break;
            }

            Thread.Sleep(1);
        }

        LibC.Close(fd);
    }

    /// <summary>Whether the section's name still names the file <paramref name="mapping"/> maps (it was neither
    /// deleted nor replaced by a new section of that name). <c>true</c> where that cannot be told (no statx).</summary>
    public static bool IsPublished(string name, SectionMapping mapping) =>
        mapping.File is not FileStatus mapped || (FileStatus.TryGet(PathOf(name), out FileStatus named) && mapped.IsSameFile(named));

    private static FileStatus? IdentityOf(int fd) => FileStatus.TryGet(fd, out FileStatus status) ? status : null;

    /// <summary>Maps the file open as <paramref name="fd"/> (which this call takes over).</summary>
    private static SectionMapping Map(int fd, string path, long length, bool setLength, Action<long>? validateLength = null)
    {
#if NET
        var handle = new SafeFileHandle((IntPtr)fd, ownsHandle: true);
        try
        {
            if (setLength)
            {
                RandomAccess.SetLength(handle, length);
            }
            else
            {
                length = RandomAccess.GetLength(handle);
                validateLength?.Invoke(length);
            }

            var file = MemoryMappedFile.CreateFromFile(handle, null, length, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
            return new SectionMapping(file, length) { File = IdentityOf(fd) };
        }
        catch
        {
            handle.Dispose();
            throw;
        }
#else
        // .NET Framework / Mono cannot wrap a raw descriptor in a FileStream, so the checked file is opened again
        // through its descriptor (/proc/self/fd/N on Linux, /dev/fd/N elsewhere), never by its name: a file planted
        // under the name after a Delete cannot be mapped in its place.
        try
        {
            string reopen = System.IO.Directory.Exists("/proc/self/fd") ? $"/proc/self/fd/{fd}" : $"/dev/fd/{fd}";
            var stream = new FileStream(reopen, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            try
            {
                if (setLength)
                {
                    stream.SetLength(length);
                }
                else
                {
                    length = stream.Length;
                    validateLength?.Invoke(length);
                }

                var file = MemoryMappedFile.CreateFromFile(stream, null, length, MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
                return new SectionMapping(file, length) { File = IdentityOf(fd) };
            }
            catch
            {
                stream.Dispose();
                throw;
            }
        }
        finally
        {
            LibC.Close(fd);
        }
#endif
    }

    private static Exception ErrorFor(int errno, string name, string path, string action)
    {
        if (errno == LibC.ENOENT)
        {
            return new FileNotFoundException($"There is no section named '{name}' ({path} does not exist).", path);
        }

        if (errno == LibC.EEXIST)
        {
            return new IOException($"Cannot {action} section '{name}': a section with that name already exists ({path}).");
        }

        if (errno == LibC.ELOOP)
        {
            return new IOException($"Cannot {action} section '{name}': {path} is a symbolic link, which sections never follow.");
        }

        if (errno == LibC.EACCES)
        {
            return new UnauthorizedAccessException($"Cannot {action} section '{name}': permission denied on {path}.");
        }

        return new IOException($"Cannot {action} section '{name}' ({path}): errno {errno}.");
    }

    private static string ChooseDirectory()
    {
        if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX))
        {
            return Path.GetTempPath();
        }

        return System.IO.Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
    }
}
