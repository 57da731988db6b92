using System;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;

namespace RingIpc;

/// <summary>
/// A named block of memory shared between processes on one machine, mapped into this process.
/// </summary>
/// <remarks>
/// On Linux a section is the file <c>/dev/shm/RingIpc.&lt;name&gt;</c> (macOS: under <c>$TMPDIR</c>),
/// created exclusively with mode 0600 (or 0660) and never opened through a symbolic link; it lives
/// until <see cref="Delete"/>. On Windows it is the named section <c>Local\RingIpc.&lt;name&gt;</c>,
/// which lives while any process has it open. A name is 1 to 100 characters of
/// <c>[A-Za-z0-9._-]</c> and does not start with '.'.
/// </remarks>
public sealed unsafe class SharedSection : IDisposable
{
    private readonly SectionMapping _mapping;
    private int _disposed;

    private SharedSection(string name, SectionMapping mapping, bool created)
    {
        Name = name;
        _mapping = mapping;
        Created = created;
    }

    /// <summary>The section's name.</summary>
    public string Name { get; }

    /// <summary>The section's length in bytes.</summary>
    public long Length => _mapping.Length;

    /// <summary>Whether the section's name still refers to this section: false once <see cref="Delete"/> removed it
    /// (or a new section took the name). Always true on Windows, where a name lives as long as its handles.</summary>
    internal bool IsPublished => IsWindows || UnixSectionStore.IsPublished(Name, _mapping);

    /// <summary>Whether this instance created the section (as opposed to opening an existing one).</summary>
    public bool Created { get; }

    /// <summary>Whether <see cref="Dispose"/> was called.</summary>
    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>The first byte of the mapping. Valid until <see cref="Dispose"/>.</summary>
    internal byte* Pointer
    {
        get
        {
            ThrowIfDisposed();
            return _mapping.Pointer;
        }
    }

    /// <summary>Keeps the memory mapped, even past <see cref="Dispose"/>, until <see cref="ReleaseReference"/>:
    /// for a thread that may still touch it while another disposes the section.</summary>
    /// <exception cref="ObjectDisposedException">The section was already disposed.</exception>
    internal void AddReference()
    {
        ThrowIfDisposed();
        _mapping.AddReference();
    }

    /// <summary>Like <see cref="AddReference"/>, also after <see cref="Dispose"/>, as long as the memory is still mapped
    /// (someone else holds a reference).</summary>
    /// <returns><c>false</c> if the memory is unmapped.</returns>
    internal bool TryAddReference()
    {
        try
        {
            _mapping.AddReference();
            return true;
        }
        catch (ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>Ends one <see cref="AddReference"/>.</summary>
    internal void ReleaseReference() => _mapping.ReleaseReference();

    /// <summary>Creates a new zero-filled section.</summary>
    /// <param name="name">The section's name.</param>
    /// <param name="length">Its length in bytes, at least 1.</param>
    /// <param name="access">Who may open it (Unix file mode).</param>
    /// <exception cref="ArgumentException">The name breaks the naming rule, or the length is not positive.</exception>
    /// <exception cref="IOException">A section with that name already exists.</exception>
    public static SharedSection Create(string name, long length, SectionAccess access = SectionAccess.Owner) =>
        Create(name, length, access, initialize: null);

    /// <summary>Opens an existing section.</summary>
    /// <param name="name">The section's name.</param>
    /// <exception cref="FileNotFoundException">There is no section with that name.</exception>
    /// <exception cref="IOException">The name is taken by something that is not a section (an empty file, a symbolic link).</exception>
    public static SharedSection Open(string name) => Open(name, RequireNonEmpty);

    /// <summary>Opens the section if it exists, else creates it zero-filled.</summary>
    /// <param name="name">The section's name.</param>
    /// <param name="length">The length used if the section is created.</param>
    /// <param name="access">Who may open it, if it is created.</param>
    public static SharedSection OpenOrCreate(string name, long length, SectionAccess access = SectionAccess.Owner) =>
        OpenOrCreate(name, length, access, initialize: null, RequireNonEmpty);

    /// <summary>Deletes the section's name; processes that have it open keep their mapping.</summary>
    /// <param name="name">The section's name.</param>
    /// <returns><c>true</c> if a section was deleted, <c>false</c> if there was none (always <c>false</c>
    /// on Windows, where a section disappears when the last process closes it).</returns>
    public static bool Delete(string name)
    {
        SectionName.Validate(name);
        return !IsWindows && UnixSectionStore.Delete(name);
    }

    /// <summary>The names of every section of this user's machine (Unix: the files under /dev/shm named
    /// <c>RingIpc.&lt;name&gt;</c>), sorted; rings among them.</summary>
    /// <exception cref="PlatformNotSupportedException">On Windows, where named sections cannot be listed.</exception>
    internal static System.Collections.Generic.List<string> ListNames() => IsWindows
        ? throw new PlatformNotSupportedException(
            "Windows cannot list named sections (the object namespace has no public enumeration of Local\\ and Global\\ sections): name the ring.")
        : UnixSectionStore.ListNames();

    /// <summary>Deletes this section's name if it still names this section (Unix; on Windows nothing to delete:
    /// the section goes with its last handle).</summary>
    /// <returns>Whether the name was deleted.</returns>
    internal bool DeleteNameIfStillMine() => !IsWindows && UnixSectionStore.DeleteIfPublished(Name, _mapping);

    /// <summary>A span over <paramref name="length"/> bytes of the section from <paramref name="offset"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not inside the section.</exception>
    public Span<byte> GetSpan(long offset, int length)
    {
        if (offset < 0 || length < 0 || offset > Length - length)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), $"The range [{offset}, {offset}+{length}) is not inside the section of {Length} bytes.");
        }

        return new Span<byte>(Pointer + offset, length);
    }

    /// <summary>Unmaps the section. The section itself stays until deleted.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _mapping.Dispose(); // once, even if two threads dispose at once
        }
    }

    /// <summary>Creates a section that other processes can open only after <paramref name="initialize"/> ran
    /// (on Unix; on Windows the section is visible at once).</summary>
    internal static SharedSection Create(string name, long length, SectionAccess access, Action<SectionMapping>? initialize)
    {
        SectionName.Validate(name);
        if (length <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(length), $"A section's length must be at least 1 byte; {length} was given.");
        }

        SectionMapping mapping = IsWindows
            ? WindowsSectionStore.Create(name, length, initialize)
            : UnixSectionStore.Create(name, length, access, initialize);
        return new SharedSection(name, mapping, created: true);
    }

    /// <summary>Opens a section, calling <paramref name="validateLength"/> with its length before it is mapped.</summary>
    internal static SharedSection Open(string name, Action<long> validateLength)
    {
        SectionName.Validate(name);
        SectionMapping mapping = IsWindows
            ? WindowsSectionStore.Open(name, validateLength)
            : UnixSectionStore.Open(name, validateLength);
        return new SharedSection(name, mapping, created: false);
    }

    /// <summary>Opens the section, or creates and initializes it; exactly one of several racing processes creates it.</summary>
    internal static SharedSection OpenOrCreate(string name, long length, SectionAccess access, Action<SectionMapping>? initialize, Action<long> validateLength)
    {
        // Between "not found" and "already exists" another process may create or delete the
        // section; a few rounds settle any realistic race, and the last round reports the error.
        const int Attempts = 16;
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return Open(name, validateLength);
            }
            catch (FileNotFoundException) when (attempt < Attempts)
            {
            }

            try
            {
                return Create(name, length, access, initialize);
            }
            catch (IOException exception) when (attempt < Attempts && exception is not FileNotFoundException && AlreadyExists(name))
            {
            }
        }
    }

    private static bool AlreadyExists(string name) => Exists(name);

    /// <summary>Whether a section of that name seems to exist (always <c>true</c> on Windows, where only opening tells).</summary>
    internal static bool Exists(string name) =>
        IsWindows || File.Exists(UnixSectionStore.PathOf(name));

#if NET
    [System.Runtime.Versioning.SupportedOSPlatformGuard("windows")]
#endif
    private static bool IsWindows => RuntimeInformation.IsOSPlatform(OSPlatform.Windows);

    private static void RequireNonEmpty(long length)
    {
        if (length <= 0)
        {
            throw new IOException("The section is empty; it was not created by RingIpc or its creation failed.");
        }
    }

    private void ThrowIfDisposed()
    {
        if (IsDisposed)
        {
            throw new ObjectDisposedException(nameof(SharedSection), $"Section '{Name}' was disposed.");
        }
    }
}
