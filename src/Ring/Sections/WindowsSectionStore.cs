using System;
using System.IO;
using System.IO.MemoryMappedFiles;

namespace RingIpc;

/// <summary>
/// Sections on Windows: real named sections in the session namespace (<c>Local\RingIpc.&lt;name&gt;</c>).
/// A named section lives while some process has it open; it cannot be deleted by name. A named
/// section cannot be published atomically once initialized (as the Unix store does with <c>link()</c>),
/// so creating and opening both hold the ring's "init" mutex: an opener waits for the creator to finish.
/// </summary>
#if NET
[System.Runtime.Versioning.SupportedOSPlatform("windows")]
#endif
internal static class WindowsSectionStore
{
    private static string MapNameOf(string name) => @"Local\RingIpc." + name;

    private static readonly TimeSpan InitTimeout = TimeSpan.FromSeconds(10);

    public static SectionMapping Create(string name, long length, Action<SectionMapping>? initialize)
    {
        using SharedMutex init = SharedMutex.Acquire(name, "init", SectionAccess.Owner, InitTimeout);
        MemoryMappedFile file;
        try
        {
            file = MemoryMappedFile.CreateNew(MapNameOf(name), length, MemoryMappedFileAccess.ReadWrite);
        }
        catch (IOException exception)
        {
            throw new IOException($"Cannot create section '{name}': a section with that name already exists.", exception);
        }

        var mapping = new SectionMapping(file, length);
        try
        {
            initialize?.Invoke(mapping);
            return mapping;
        }
        catch
        {
            mapping.Dispose();
            throw;
        }
    }

    public static SectionMapping Open(string name, Action<long> validateLength)
    {
        using SharedMutex init = SharedMutex.Acquire(name, "init", SectionAccess.Owner, InitTimeout);
        MemoryMappedFile file;
        try
        {
            file = MemoryMappedFile.OpenExisting(MapNameOf(name), MemoryMappedFileRights.ReadWrite);
        }
        catch (FileNotFoundException exception)
        {
            throw new FileNotFoundException($"There is no section named '{name}'.", MapNameOf(name), exception);
        }

        long length;
        using (var probe = file.CreateViewAccessor(0, 0, MemoryMappedFileAccess.Read))
        {
            length = probe.Capacity;
        }

        try
        {
            validateLength(length);
        }
        catch
        {
            file.Dispose();
            throw;
        }

        return new SectionMapping(file, length);
    }
}
